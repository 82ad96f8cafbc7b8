"""Large neighbourhoods by group: re-solve one group of tasks (a district) with the rest held.

On a province (thousands of tasks) CP-SAT needs longer than a minute to load and repair a schedule
of the whole model (``benchmarks/README.md``); a district's few hundred tasks it solves in seconds.
:func:`group_lns` starts from a complete schedule (the warm start) and, group by group, builds the
**sub-problem** of one group with everything else held where it is:

* the group's tasks and the precedences among them; a predecessor outside the group becomes a
  release, a successor outside it a *fence* (a zero-length task fixed at the successor's start that
  the task must precede);
* every renewable resource keeps, in each period, the capacity the tasks outside the group leave
  (a capacity profile); every session keeps the seats they leave;
* no money: the schedule is re-paid afterwards by :func:`~ntm_sched.engine.heuristic.cheapest_payments`
  (a move whose schedule the sources cannot pay is refused). Meant for problems whose money never
  restricts the schedule (:func:`~ntm_sched.engine.builder.money_never_binds`).

The sub-problem's lateness tier is minimised from the current schedule (hinted in full); a move is
kept when it lowers the group's lateness, so the whole schedule's lateness never rises. Passes go
over the late groups, the latest first, while one improves; when none does, the groups are paired
(the latest two together, ...) once, so that council seats can move between two groups. Every
schedule returned passes the checker. Tasks linked start-to-start across groups stay where they are.
"""

from __future__ import annotations

import dataclasses
import time
from collections import defaultdict
from collections.abc import Sequence

from ortools.sat.python import cp_model

from ntm_sched.engine.builder import build_model
from ntm_sched.engine.checker import check
from ntm_sched.engine.heuristic import cheapest_payments, lateness_value
from ntm_sched.engine.problem import Mode, Precedence, Problem, Resource, Session, Task
from ntm_sched.engine.result import Solution, TaskSchedule


@dataclasses.dataclass
class GroupLog:
    """What :func:`group_lns` did: sub-solves tried, moves kept, lateness before and after."""

    tried: int = 0
    kept: int = 0
    before: int = 0
    after: int = 0
    seconds: float = 0.0

    def note(self) -> str:
        """One line for the notes."""
        return (f"group LNS: {self.kept} of {self.tried} sub-solves improved, lateness {self.before} -> {self.after} "
                f"in {self.seconds:.1f} s")


def sub_problem(problem: Problem, current: dict[str, TaskSchedule], group: Sequence[str]) -> Problem:
    """The problem of ``group`` with every other task held at ``current`` (module docstring)."""
    inside = set(group)
    tasks = {t.id: t for t in problem.tasks}
    H = problem.horizon
    release: dict[str, int] = {}
    fences: list[tuple[str, int]] = []
    precs: list[Precedence] = []
    for p in problem.precedences:
        a, b = p.pred in inside, p.succ in inside
        if a and b:
            precs.append(p)
        elif b:  # outside predecessor: a release
            ref = current[p.pred].end if p.kind == "FS" else current[p.pred].start
            release[p.succ] = max(release.get(p.succ, 0), ref + p.lag)
        elif a:  # outside successor: a fence at its start
            fences.append((p.pred, current[p.succ].start - p.lag))
    sub_tasks = []
    for tid in group:
        t = tasks[tid]
        sub_tasks.append(dataclasses.replace(t, release=max(t.release, release.get(tid, 0)), sources=None,
                                             modes=tuple(Mode(m.duration, dict(m.demands), 0, {}, m.name)
                                                         for m in t.modes)))
    for k, (tid, at) in enumerate(fences):
        fid = f"__fence_{k}"
        sub_tasks.append(Task(fid, (Mode(0),), fixed_start=at))
        precs.append(Precedence(tid, fid))
    used: dict[str, list[int]] = defaultdict(lambda: [0] * (H + 1))
    for t in problem.tasks:
        if t.id in inside:
            continue
        ts = current[t.id]
        for rname, q in t.modes[ts.mode].demands.items():
            if q:
                u = used[rname]
                for x in range(ts.start, min(ts.end, H + 1)):
                    u[x] += q
    res = []
    for r in problem.resources:
        if r.name not in used:
            res.append(r)
            continue
        u = used[r.name]
        prof: list[tuple[int, int, int]] = []
        for x in range(H):
            c = max(0, r.capacity_at(x) - u[x])
            if prof and prof[-1][1] == x and prof[-1][2] == c:
                prof[-1] = (prof[-1][0], x + 1, c)
            else:
                prof.append((x, x + 1, c))
        res.append(Resource(r.name, r.capacity, tuple(p for p in prof if p[2] != r.capacity)))
    taken: dict[str, int] = defaultdict(int)
    for t in problem.tasks:
        if t.id not in inside:
            for s in problem.sessions_for(t):
                if s.time == current[t.id].start:
                    taken[s.name] += 1
    sessions = tuple(Session(s.name, s.time, max(0, s.capacity - taken[s.name]), s.cutoff, s.kind)
                     for s in problem.sessions)
    return Problem(tuple(sub_tasks), tuple(precs), tuple(res), (), problem.calendars, (), H,
                   problem.advance_share, problem.objective, sessions=sessions)


def _solve_sub(sub: Problem, current: dict[str, TaskSchedule], seconds: float, workers: int, seed: int
               ) -> tuple[int, dict[str, TaskSchedule]] | None:
    """The sub-problem's lateness tier from ``current`` (hinted in full); ``(lateness, schedule)`` or ``None``."""
    bm = build_model(sub, money=False, redundant=False)
    m = bm.model
    expr = bm.tier_expr("lateness")
    fixed = m.clone()
    for t in sub.tasks:
        ts = current.get(t.id)
        if ts is None:
            continue
        fixed.add(fixed.get_int_var_from_proto_index(bm.start[t.id].index) == ts.start)
        fixed.add(fixed.get_int_var_from_proto_index(bm.end[t.id].index) == ts.end)
        for k, lit in enumerate(bm.mode_lits.get(t.id, [])):
            fixed.add(fixed.get_int_var_from_proto_index(lit.index) == int(k == ts.mode))
    fixed.minimize(expr)
    s0 = cp_model.CpSolver()
    s0.parameters.max_time_in_seconds = max(0.5, seconds / 4)
    s0.parameters.num_workers = workers
    s0.parameters.random_seed = seed
    if s0.solve(fixed) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    for k in range(len(m.proto.variables)):
        m.add_hint(m.get_int_var_from_proto_index(k), int(s0.value(fixed.get_int_var_from_proto_index(k))))
    m.minimize(expr)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.5, seconds)
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    if solver.solve(m) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    sol = bm.solution_from(solver)
    return int(solver.objective_value), {k: v for k, v in sol.tasks.items() if not k.startswith("__fence_")}


def group_lns(problem: Problem, start: Solution, groups: Sequence[Sequence[str]], time_limit: float, *,
              workers: int, seed: int) -> tuple[Solution, GroupLog]:
    """Improve ``start`` group by group within ``time_limit`` seconds (module docstring).

    Parameters
    ----------
    problem
        The problem (its money should never restrict the schedule).
    start
        A complete schedule that passes the checker.
    groups
        Disjoint lists of task ids (e.g. one per district); tasks in none stay where they are.
    time_limit, workers, seed
        The budget and CP-SAT's settings.

    Returns
    -------
    (Solution, GroupLog)
        The best schedule found (``start`` itself when nothing improved), with its cheapest payments.
    """
    t0 = time.perf_counter()
    cur = dict(start.tasks)
    log = GroupLog(before=lateness_value(problem, start))
    ss_linked = {x for p in problem.precedences if p.kind == "SS" for x in (p.pred, p.succ)}
    groups = [[t for t in g if t not in ss_linked] for g in groups]
    late = {t.id: t for t in problem.tasks if t.due is not None and not t.due_hard}
    o = problem.objective

    def group_late(g: Sequence[str]) -> int:
        v = 0
        for tid in g:
            t = late.get(tid)
            if t is not None and t.due is not None and cur[tid].end > t.due:
                v += o.tardiness * t.tardiness_weight * (cur[tid].end - t.due) + o.late_count * t.late_weight
        return v

    best = start
    improved, merged = True, False
    while improved:  # passes over the late groups, the latest first, while one improves and time is left
        improved = False
        todo = sorted((i for i in range(len(groups)) if group_late(groups[i]) > 0),
                      key=lambda i: -group_late(groups[i]))
        for n, gi in enumerate(todo):
            left = time_limit - (time.perf_counter() - t0)
            if left < 2.0:
                break
            g = groups[gi]
            before = group_late(g)
            if before == 0:
                continue
            log.tried += 1
            slice_ = max(2.0, left / (len(todo) - n))
            got = _solve_sub(sub_problem(problem, cur, g), cur, min(slice_, left), workers, seed)
            if got is None or got[0] >= before:
                continue
            trial = {**cur, **got[1]}
            paid = cheapest_payments(problem, trial)
            if paid is None or not check(problem, paid).ok:
                continue
            cur, best = trial, paid
            log.kept += 1
            improved = True
        if not improved and not merged and len(groups) > 1 and time_limit - (time.perf_counter() - t0) >= 4.0:
            # single groups are stuck (each holds the others' council seats): pairs, the latest together
            order = sorted(range(len(groups)), key=lambda i: -group_late(groups[i]))
            groups = [[*groups[order[k]], *(groups[order[k + 1]] if k + 1 < len(order) else [])]
                      for k in range(0, len(order), 2)]
            merged = improved = True
    log.after = lateness_value(problem, best)
    log.seconds = time.perf_counter() - t0
    return best, log
