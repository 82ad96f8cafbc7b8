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
  at that time, and recorded as extra money *caused by* that source; otherwise the task waits.

Generic engine data only (tasks, modes, resources, calendars, sources): it knows no commune.
Its schedules follow the semantics of :mod:`ntm_sched.engine.problem`, so the independent
checker verifies them (:func:`perturbed_problem` + :func:`to_solution`).

Driver records say why each task starts when it does (for criticality): a predecessor
(``("pred", j)``), its planned date (``("planned",)``), its release (``("release",)``), a
calendar break (``("calendar",)``), an agency (``("resource", r)``) or a money source
(``("money", k)``) that made it wait.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from graphlib import TopologicalSorter

import numpy as np

from ntm_sched.engine.problem import (
    Mode,
    Precedence,
    Problem,
    Resource,
    Source,
    Task,
    Tranche,
    advance_payment,
)
from ntm_sched.engine.result import Payment, Solution, TaskSchedule
from ntm_sched.engine.sgs import first_fit


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
    return model


def _split(amount: int, weights: list[tuple[int, float]]) -> list[tuple[int, int]]:
    """``amount`` split by ``weights`` into integers (largest remainder; ties by source order)."""
    if amount <= 0 or not weights:
        return []
    if len(weights) == 1:
        return [(weights[0][0], amount)]
    raw = [(s, amount * w) for s, w in weights]
    base = [(s, int(np.floor(v))) for s, v in raw]
    left = amount - sum(v for _, v in base)
    rema = sorted(range(len(raw)), key=lambda k: (-(raw[k][1] - base[k][1]), k))
    out = [list(x) for x in base]
    for k in rema[:left]:
        out[k][1] += 1
    return [(s, v) for s, v in out if v > 0]


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

    def extra_source(i: int, t: int) -> int | None:
        for k in model.extra_for[i]:
            if model.available_from[k] <= t:
                return k
        return None

    for i in model.order:
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
            plan, nxt, who = _pay_plan(model, i, s, e, c, share, avail, extra_source)
            box[0] = plan
            if plan is None:
                return (H if nxt is None or nxt <= s else nxt), ("money", who)
            return None

        s_fit, e_fit, blocked = first_fit(es, d, brk, last_start=H - 1, last_end=H,
                                          pushes=(resources_fit, money_fits))
        plan = box[0]
        if s_fit is None or e_fit is None or plan is None:
            dead[i] = True
            unplaced += 1
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
    return Retimed(start, end, dur, cost, payments, extra, driver, unplaced)


def _pay_plan(model: RetimeModel, i: int, s: int, e: int, c: int, share: float,
              avail: list[np.ndarray | None], extra_source) -> tuple[tuple | None, int | None, int | None]:
    """How task ``i`` at ``[s, e)`` pays: ``((payments, extras, draws), None, None)`` or, when it
    must wait, ``(None, next start to try or None for never, blocking source)``."""
    if c <= 0:
        return ([], [], []), None, None
    if s == e:
        parts = [(s, _split(c, model.split_total[i]))]
    else:
        adv = advance_payment(c, share)
        parts = [(s, _split(adv, model.split_advance[i] or model.split_total[i])),
                 (e, _split(c - adv, model.split_rest[i] or model.split_total[i]))]
    pays: list[tuple[int, int, int]] = []
    extras: list[tuple[int, int, int]] = []
    draws: list[tuple[int, int, int]] = []
    taken: dict[int, list[tuple[int, int]]] = {}  # source -> [(time, amount)] drawn by this task
    for t, split in parts:
        if not split:
            continue
        for k, amt in split:
            a = avail[k]
            if a is None:  # an unlimited source in the plan's split
                if model.available_from[k] > t:
                    return None, (model.available_from[k] if t == s else s + 1), k
                pays.append((k, t, amt))
                extras.append((t, k, amt))
                continue
            room = int(a[t:].min()) - sum(v for tt, v in taken.get(k, []) if tt <= t)
            x = max(0, min(amt, room))
            if x > 0:
                pays.append((k, t, x))
                draws.append((k, t, x))
                taken.setdefault(k, []).append((t, x))
            short = amt - x
            if short > 0:
                xs = extra_source(i, t)
                if xs is None:
                    later = [model.available_from[j] for j in model.extra_for[i] if model.available_from[j] > t]
                    if t == s:  # the advance waits until the source has it, or extra funding comes
                        suf = np.minimum.accumulate(a[::-1])[::-1]
                        ok = np.flatnonzero(suf[s:] >= amt)
                        cands = ([s + int(ok[0])] if ok.size else []) + later
                        return None, (min(cands) if cands else None), k
                    if not later and int(a[-1]) - sum(v for _, v in taken.get(k, [])) + x < amt:
                        return None, None, k  # neither the source nor extra funding will ever pay it
                    return None, s + 1, k
                pays.append((xs, t, short))
                extras.append((t, k, short))
    return (pays, extras, draws), None, None


# ---------------------------------------------------------------------------
# for the independent checker
# ---------------------------------------------------------------------------
def _profile(cap: np.ndarray, default: int) -> tuple[tuple[int, int, int], ...]:
    diff = np.flatnonzero(cap != default)
    if diff.size == 0:
        return ()
    out = []
    b = int(diff[0])
    prev = b
    val = int(cap[b])
    for p in diff[1:]:
        p = int(p)
        if p != prev + 1 or int(cap[p]) != val:
            out.append((b, prev + 1, val))
            b, val = p, int(cap[p])
        prev = p
    out.append((b, prev + 1, val))
    return tuple(out)


def perturbed_problem(model: RetimeModel, pert: Perturbation) -> Problem:
    """The engine problem of one sample: reference modes with the sample's duration and cost,
    capacities and tranches of the sample, every deadline soft (lateness is what is measured),
    the extended horizon. The re-timed schedule must satisfy it."""
    p = model.problem
    if p is None:
        raise RetimeError("the re-timing model has no problem attached")
    assert p is not None
    tasks = []
    for k, t in enumerate(p.tasks):
        modes = list(t.modes)
        m = modes[model.mode[k]]
        modes[model.mode[k]] = Mode(int(pert.duration[k]), dict(m.demands), int(pert.cost[k]),
                                    dict(m.nonrenewable), m.name)
        tasks.append(Task(t.id, tuple(modes), release=t.release, due=t.due, due_hard=False,
                          tardiness_weight=t.tardiness_weight, late_weight=t.late_weight, calendar=t.calendar,
                          sources=t.sources, label=t.label))
    caps = pert.capacity if pert.capacity is not None else model.base_capacity
    resources = [Resource(r.name, r.capacity, _profile(caps[k], r.capacity)) for k, r in enumerate(p.resources)]
    trs = pert.tranches if pert.tranches is not None else model.tranches
    sources = [s if s.unlimited else Source(s.name, tuple(Tranche(t, a) for t, a in trs[k]), False, s.unit_price)
               for k, s in enumerate(p.sources)]
    return Problem(tuple(tasks), tuple(Precedence(x.pred, x.succ, x.kind, x.lag) for x in p.precedences),
                   tuple(resources), p.budgets, p.calendars, tuple(sources), model.horizon, p.advance_share,
                   p.objective)


def to_solution(model: RetimeModel, r: Retimed) -> Solution:
    """The re-timed schedule as an engine :class:`~ntm_sched.engine.result.Solution`
    (placed tasks only; payments summed per task, source and period)."""
    tasks = {model.ids[k]: TaskSchedule(model.ids[k], int(r.start[k]), int(r.end[k]), model.mode[k])
             for k in range(model.n) if r.start[k] >= 0}
    agg: dict[tuple[int, int, int], int] = {}
    for i, k, t, a in r.payments:
        agg[(i, k, t)] = agg.get((i, k, t), 0) + a
    pays = tuple(Payment(model.ids[i], model.sources[k], t, a) for (i, k, t), a in sorted(agg.items()) if a > 0)
    return Solution(tasks, pays)
