"""Re-time a reference schedule for changed durations, costs, capacities and money (no CP-SAT).

A serial schedule generation scheme (its placement step is the engine's,
:func:`ntm_sched.engine.sgs.first_fit`, shared with the warm start): the tasks of a reference
schedule (the optimal plan) are placed one by one in the order of their reference start dates, each in its reference
mode, at the earliest period that respects

* its release and its precedences (``FS``/``SS`` with lags),
* its reference start ("the plan as the committee runs it": no work starts before its planned
  date; it starts later when its predecessors, agency, calendar or money are not ready),
* its calendar (never starts inside a break; pauses across breaks, as the engine does),
* every renewable resource's capacity over its whole elapsed interval,
* money: its instalments (advance at the start, the rest at the end) are split among sources
  as in the reference schedule; a source pays what it has released and not yet paid. What a
  source cannot pay is drawn from an unlimited (extra funding) source when one may pay the task
  at that time, and recorded as extra money *caused by* that source; otherwise the task waits
  (:mod:`.retime_money`),
* council sessions (:mod:`ntm_sched.engine.families.sessions`, the rule's one home): a task under
  the session rule starts at the first session at or after its earliest start with a seat left
  whose cut-off its dossier meets (:func:`~ntm_sched.engine.families.sessions.session_push`, as in
  the warm start); the seats are shared by the sample's tasks, the tasks of one baseline session
  taking them in :func:`~ntm_sched.engine.families.sessions.seat_order`. With no session left the
  task (and all after it) is not placed: its commune is not recognised within the horizon.

Generic engine data only (tasks, modes, resources, calendars, sources): it knows no commune.
Its schedules follow the semantics of :mod:`ntm_sched.engine.problem`, so the independent
checker verifies them (:mod:`.retime_check`).

Driver records say why each task starts when it does (for criticality): a predecessor
(``("pred", j)``), its planned date (``("planned",)``), its release (``("release",)``), a
calendar break (``("calendar",)``), an agency (``("resource", r)``), a money source
(``("money", k)``) that made it wait, or a council session (``("session", taken, skipped, why, j)``:
it takes session ``taken``, ``""`` when none is left, because session ``skipped`` was full or its
dossier, ending with task ``j``, missed ``skipped``'s cut-off; ``why`` is ``"full"`` or ``"cutoff"``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from graphlib import TopologicalSorter

import numpy as np

from ntm_sched.engine.families.sessions import seat_order, session_of, session_push, session_skipped
from ntm_sched.engine.problem import Problem, Task
from ntm_sched.engine.result import Solution
from ntm_sched.engine.sgs import first_fit
from ntm_sched.studies.risk.retime_money import pay_plan


class RetimeError(ValueError):
    """The reference schedule cannot be re-timed (e.g. it misses a task)."""


@dataclass
class RetimeModel:
    """Static data of a re-timing, built once by :func:`prepare` (picklable: plain lists and arrays)."""

    ids: list[str]
    order: list[int]
    preds: list[list[tuple[int, bool, int]]]  # (pred, is_FS, lag)
    succs: list[list[int]]
    release: list[int]
    planned_start: list[int]
    planned_end: list[int]
    mode: list[int]
    breaks: list[tuple[tuple[int, int], ...] | None]
    demands: list[list[tuple[int, int]]]  # (resource index, per-period demand)
    base_duration: list[int]
    base_cost: list[int]
    resources: list[str]
    base_capacity: list[np.ndarray]
    resource_default: list[int]
    sources: list[str]
    unlimited: list[bool]
    available_from: list[int]
    tranches: list[list[tuple[int, int]]]
    split_advance: list[list[tuple[int, float]]]  # per task: (source index, weight) of the advance
    split_rest: list[list[tuple[int, float]]]
    split_total: list[list[tuple[int, float]]]
    extra_for: list[list[int]]  # per task: unlimited sources allowed to pay it
    advance_share: float
    horizon: int  # extended horizon of the re-timing
    problem: Problem | None = field(default=None, repr=False)
    ruled: list[bool] = field(default_factory=list)  # per task: under the session rule
    group: list[int] = field(default_factory=list)  # per task: its baseline session's seat group, -1 none
    groups: list[list[int]] = field(default_factory=list)  # per group: its tasks, as the order has them

    @property
    def n(self) -> int:
        return len(self.ids)


@dataclass
class Perturbation:
    """What changes in one sample. ``None`` fields keep the reference values.

    Attributes
    ----------
    duration, cost
        Per task (index as in :attr:`RetimeModel.ids`), of the reference mode.
    capacity
        Per resource, the capacity in every period of the extended horizon.
    tranches
        Per source, the released ``(period, amount)`` pairs (ignored for unlimited sources).
    """

    duration: np.ndarray
    cost: np.ndarray
    capacity: list[np.ndarray] | None = None
    tranches: list[list[tuple[int, int]]] | None = None


@dataclass
class Retimed:
    """A re-timed schedule. ``start``/``end`` are -1 for tasks that could not be placed
    within the extended horizon (and for everything after them)."""

    start: np.ndarray
    end: np.ndarray
    duration: np.ndarray
    cost: np.ndarray
    payments: list[tuple[int, int, int, int]]  # (task, source, period, amount)
    extra: list[tuple[int, int, int]]  # (period, cause source, amount) drawn from unlimited sources
    driver: list[tuple]  # per task
    unplaced: int = 0

    @property
    def complete(self) -> bool:
        return self.unplaced == 0


def _topo_rank(problem: Problem) -> dict[str, int]:
    ts: TopologicalSorter = TopologicalSorter({t.id: set() for t in problem.tasks})
    for p in problem.precedences:
        ts.add(p.succ, p.pred)
    return {tid: k for k, tid in enumerate(ts.static_order())}


def prepare(problem: Problem, reference: Solution, horizon: int | None = None) -> RetimeModel:
    """Static data to re-time ``reference`` (a checked schedule of ``problem``).

    Parameters
    ----------
    problem
        The engine problem the reference schedule solves.
    reference
        Its schedule and payments (order, modes and the money split are kept).
    horizon
        Extended horizon of the re-timing (default: twice the problem's horizon).
    """
    ids = [t.id for t in problem.tasks]
    idx = {tid: k for k, tid in enumerate(ids)}
    missing = [tid for tid in ids if tid not in reference.tasks]
    if missing:
        raise RetimeError(f"the reference schedule misses tasks {missing[:5]}")
    H = int(horizon or 2 * max(problem.horizon, reference.makespan, 1))
    rank = _topo_rank(problem)
    ref = [reference.tasks[tid] for tid in ids]
    order = sorted(range(len(ids)), key=lambda k: (ref[k].start, rank[ids[k]]))
    preds: list[list[tuple[int, bool, int]]] = [[] for _ in ids]
    succs: list[list[int]] = [[] for _ in ids]
    for p in problem.precedences:
        preds[idx[p.succ]].append((idx[p.pred], p.kind == "FS", int(p.lag)))
        succs[idx[p.pred]].append(idx[p.succ])
    res_names = [r.name for r in problem.resources]
    ridx = {n: k for k, n in enumerate(res_names)}
    caps = []
    for r in problem.resources:
        a = np.full(H, r.capacity, dtype=np.int64)
        for b, e, c in r.profile:
            a[max(0, b):max(0, min(e, H))] = c
        caps.append(a)
    src_names = [s.name for s in problem.sources]
    sidx = {n: k for k, n in enumerate(src_names)}
    pay_adv: list[dict[int, int]] = [dict() for _ in ids]
    pay_rest: list[dict[int, int]] = [dict() for _ in ids]
    for pay in reference.payments:
        k = idx[pay.task_id]
        book = pay_adv if pay.time == ref[k].start else pay_rest
        book[k][sidx[pay.source]] = book[k].get(sidx[pay.source], 0) + int(pay.amount)

    def weights(d: dict[int, int]) -> list[tuple[int, float]]:
        tot = sum(d.values())
        return [(s, v / tot) for s, v in sorted(d.items()) if v > 0] if tot > 0 else []

    cal = {c.name: c.breaks for c in problem.calendars}
    modes = [t.modes[r.mode] for t, r in zip(problem.tasks, ref)]
    split_total = []
    for k in range(len(ids)):
        tot: dict[int, int] = {}
        for part in (pay_adv[k], pay_rest[k]):
            for s, v in part.items():
                tot[s] = tot.get(s, 0) + v
        split_total.append(weights(tot))
    model = RetimeModel(
        ids=ids, order=order, preds=preds, succs=succs,
        release=[t.release for t in problem.tasks],
        planned_start=[r.start for r in ref], planned_end=[r.end for r in ref],
        mode=[r.mode for r in ref],
        breaks=[cal[t.calendar] if t.calendar is not None else None for t in problem.tasks],
        demands=[[(ridx[r], int(q)) for r, q in m.demands.items() if q > 0] for m in modes],
        base_duration=[m.duration for m in modes], base_cost=[m.cost for m in modes],
        resources=res_names, base_capacity=caps, resource_default=[r.capacity for r in problem.resources],
        sources=src_names, unlimited=[s.unlimited for s in problem.sources],
        available_from=[s.available_from for s in problem.sources],
        tranches=[[(tr.time, tr.amount) for tr in s.tranches] for s in problem.sources],
        split_advance=[weights(d) for d in pay_adv], split_rest=[weights(d) for d in pay_rest],
        split_total=split_total,
        extra_for=[[sidx[n] for n in problem.sources_for(t) if problem.source(n).unlimited] for t in problem.tasks],
        advance_share=problem.advance_share, horizon=H, problem=problem,
    )
    _seat_groups(model, problem)
    return model


def _seat_groups(model: RetimeModel, problem: Problem) -> None:
    """The tasks under the session rule, and the groups that share a baseline session.

    A group's tasks take their seats in :func:`~ntm_sched.engine.families.sessions.seat_order`
    at the group's places in the order; a group is formed only where that is safe: every
    predecessor of its tasks comes before its first place, no successor before its last.
    """
    model.ruled = [bool(problem.sessions_for(t)) for t in problem.tasks]
    model.group = [-1] * model.n
    at: dict[int, list[int]] = {}
    for k in range(model.n):
        if model.ruled[k]:
            at.setdefault(model.planned_start[k], []).append(k)
    pos = {k: p for p, k in enumerate(model.order)}
    for members in at.values():
        places = sorted(pos[k] for k in members)
        first, last = places[0], places[-1]
        if len(members) < 2 or any(pos[j] >= first for k in members for j, _, _ in model.preds[k]) \
                or any(pos[j] <= last for k in members for j in model.succs[k]):
            continue
        for k in members:
            model.group[k] = len(model.groups)
        model.groups.append(sorted(members, key=pos.__getitem__))


def retime(model: RetimeModel, pert: Perturbation, hold_plan: bool = True) -> Retimed:
    """Re-time the reference schedule for one sample (see the module docstring).

    Parameters
    ----------
    model
        From :func:`prepare`.
    pert
        The sample's durations, costs, capacities and tranches.
    hold_plan
        Keep every task at or after its planned start (default). With ``False`` tasks start
        as early as the constraints allow.
    """
    n, H = model.n, model.horizon
    dur = np.asarray(pert.duration, dtype=np.int64)
    cost = np.asarray(pert.cost, dtype=np.int64)
    caps = pert.capacity if pert.capacity is not None else model.base_capacity
    free = [c.copy() for c in caps]
    trs = pert.tranches if pert.tranches is not None else model.tranches
    avail: list[np.ndarray | None] = []
    for k in range(len(model.sources)):
        if model.unlimited[k]:
            avail.append(None)
            continue
        a = np.zeros(H + 1, dtype=np.int64)
        for t, amt in trs[k]:
            if t < H:
                a[max(0, t):] += amt
        avail.append(a)
    start = np.full(n, -1, dtype=np.int64)
    end = np.full(n, -1, dtype=np.int64)
    placed = np.zeros(n, dtype=bool)
    dead = np.zeros(n, dtype=bool)
    payments: list[tuple[int, int, int, int]] = []
    extra: list[tuple[int, int, int]] = []
    driver: list[tuple] = [("none",)] * n
    share = model.advance_share
    unplaced = 0
    prob = model.problem if any(model.ruled) else None  # the session rule's data (None: no task under it)
    seats: dict[str, int] = {}  # tasks each session has taken
    queue: dict[int, list[int]] = {}  # per seat group: its tasks still to place, the next one last

    def extra_source(i: int, t: int) -> int | None:
        for k in model.extra_for[i]:
            if model.available_from[k] <= t:
                return k
        return None

    for i in model.order:
        if model.group and model.group[i] >= 0:  # a seat group: its tasks in seat order
            g = model.group[i]
            if g not in queue:
                members = model.groups[g]
                ready = [_dossier_end(model, k, end) for k in members]
                queue[g] = [members[p] for p in reversed(seat_order(ready, [model.ids[k] for k in members]))]
            i = queue[g].pop()
        if dead[i]:
            unplaced += 1
            continue
        d = int(dur[i])
        base = model.release[i]
        drv: tuple = ("release",)
        if hold_plan and model.planned_start[i] > base:
            base, drv = model.planned_start[i], ("planned",)
        es, pj = -1, -1
        for j, fs, lag in model.preds[i]:
            b = (end[j] if fs else start[j]) + lag
            if b > es:
                es, pj = int(b), j
        if pj >= 0 and es >= base:
            drv = ("pred", pj)
        else:
            es = base
        brk = model.breaks[i] if d > 0 else None
        c = int(cost[i])
        box: list = [None]  # the payment plan of the last start tried

        def resources_fit(s: int, e: int, i=i) -> tuple[int, tuple] | None:
            if e > s:
                for r, q in model.demands[i]:
                    seg = free[r][s:e]
                    bad = np.flatnonzero(seg < q)
                    if bad.size:
                        return s + int(bad[-1]) + 1, ("resource", r)
            return None

        def money_fits(s: int, e: int, i=i, c=c, box=box) -> tuple[int, tuple] | None:
            plan, nxt, who = pay_plan(model, i, s, e, c, share, avail, extra_source)
            box[0] = plan
            if plan is None:
                return (H if nxt is None or nxt <= s else nxt), ("money", who)
            return None

        task = prob.tasks[i] if prob is not None and model.ruled[i] else None
        dos_end = _dossier_end(model, i, end)
        seat = session_push(prob, task, dos_end, seats, never=H) if prob is not None and task is not None else None
        s_fit, e_fit, blocked = first_fit(es, d, brk, last_start=H - 1, last_end=H,
                                          pushes=(resources_fit, money_fits) if seat is None
                                          else (seat, resources_fit, money_fits))
        plan = box[0]
        if s_fit is None or e_fit is None or plan is None:
            dead[i] = True
            unplaced += 1
            if task is not None and blocked is not None and blocked[0] == "session":  # no session left: why
                driver[i] = _session_driver(model, i, task, base, dos_end, None, seats, end) or driver[i]
            stack = list(model.succs[i])
            while stack:
                j = stack.pop()
                if not dead[j]:
                    dead[j] = True
                    stack.extend(model.succs[j])
            continue
        s, e = s_fit, e_fit
        start[i], end[i], placed[i] = s, e, True
        for r, q in model.demands[i]:
            if e > s:
                free[r][s:e] -= q
        pays, extras, draws = plan
        for k, t, amt in draws:
            avail[k][t:] -= amt
        for k, t, amt in pays:
            payments.append((i, k, t, amt))
        extra.extend(extras)
        driver[i] = drv if s == es else (blocked or drv)
        if prob is not None and task is not None:
            why = _session_driver(model, i, task, base, dos_end, s, seats, end)
            driver[i] = why or (driver[i] if driver[i][0] != "session" else drv)
            taken = session_of(prob, task, s)
            if taken is not None:
                seats[taken.name] = seats.get(taken.name, 0) + 1
    return Retimed(start, end, dur, cost, payments, extra, driver, unplaced)


def _dossier_end(model: RetimeModel, i: int, end: np.ndarray) -> int:
    """The latest end of task ``i``'s placed FS predecessors (its dossier), 0 when none."""
    return max([int(end[j]) for j, fs, _ in model.preds[i] if fs] + [0])


def _session_driver(model: RetimeModel, i: int, task: Task, floor: int, dos_end: int, start: int | None,
                    seats: dict[str, int], end: np.ndarray) -> tuple | None:
    """The driver ``("session", taken, skipped, why, j)`` of a task under the session rule placed at
    ``start`` (``None``: not placed), or ``None`` when no session kept it from an earlier one."""
    assert model.problem is not None
    why = session_skipped(model.problem, task, floor, dos_end, start, seats)
    if why is None and start is not None:
        return None
    fs = [j for j, f, _ in model.preds[i] if f and end[j] >= 0]
    j = max(fs, key=lambda x: (int(end[x]), -x)) if fs else -1
    sess = session_of(model.problem, task, start) if start is not None else None
    return ("session", sess.name if sess else "", why[0].name if why else "", why[1] if why else "", j)
