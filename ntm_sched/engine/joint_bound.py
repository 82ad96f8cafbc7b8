"""A lower bound of the lateness of every schedule meeting a set of hard deadlines, the late tasks together.

:func:`joint_lateness_bound` solves a relaxation of the problem with CP-SAT (its proven bound is the answer).
The relaxation keeps every task's start and end (``end >= start + shortest duration``, plus the long breaks it
spans, below; the earliest times of :class:`~ntm_sched.engine.relaxation.Relaxation`, the precedences, the
deadlines held, the horizon), each soft due date's lateness with each task's
:meth:`~ntm_sched.engine.relaxation.Relaxation.least_delay` as a floor (true of every schedule), and:

**The money.** Each task's cheapest-mode instalments (the cheapest mode that can end by its latest end: a
dearer mode's instalments are larger), the advance at its start and the rest at its end. Whatever sources
pay them, a set ``I`` of instalments paid before dates that no allowed source releases anything more by
cannot take more than the tranches released before: for a cut-off date ``c[s]`` per limited source, the
instalments paid at a period ``t < c[s]`` for every limited source ``s`` that may pay them (and before any
unlimited source that may pay them is available) take at most ``sum_s released_s(c[s] - 1)``. Every
schedule's payments satisfy every such inequality (money paid at ``t`` was released by ``t``: the rule of
:mod:`ntm_sched.engine.families.money`), so adding any of them keeps a relaxation. They are added

* up front for one cut-off ``tau + 1`` shared by the sources of every set some task is limited to (and all
  limited sources), ``tau`` just before each release (Hall's condition of the payment assignment per date);
* then as **cuts**: the relaxation's optimal times are checked against the money exactly (a maximum flow
  from the tranches to the instalments at those times, :func:`money_cut`); when money is missing, the
  minimum cut names an inequality of the form above that those times violate (the instalments on its sink
  side, every tranche of a source before its first one on the source side); it is added and the
  relaxation solved again, until the money allows the relaxation's times or the time is spent. The bound of
  every round is valid (each is a relaxation); the last round's is the largest.

**The calendars.** A task may not start inside a break of at least :data:`PAUSE_MIN` periods, and one its shortest
mode spans lengthens it by the break (the calendar family's rule on those breaks, :func:`_add_pauses`); the shorter
breaks are dropped (dropping a break only loosens the relaxation; keeping them all made the rounds several times
slower, so fewer ended in the units a level has: :data:`PAUSE_MIN`).

It drops the agencies, the budgets, the breaks shorter than :data:`PAUSE_MIN` and the choice of modes.
(The agencies as one cumulative per resource were tried on the shipped plan: the bound did not move, 746,000
at 100 %, 2,181,000 -> 2,190,000 at 80 %, and every round of the cuts became several times slower.) Every
schedule of the problem meeting the deadlines is therefore a solution of the relaxation with the same ends,
so its optimum, and CP-SAT's bound on it, is at most the lateness tier's value of every such schedule.
Tested against CP-SAT's optimum of the whole model on random small problems
(``tests/engine/test_relaxation.py``, ``tests/engine/test_joint_bound.py``).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from typing import Any

from ortools.graph.python import max_flow
from ortools.sat.python import cp_model

from ntm_sched.engine.cpsat import make_solver
from ntm_sched.engine.families.calendar import add_pauses, start_intervals
from ntm_sched.engine.relaxation import NEVER, Relaxation

__all__ = ["cut_terms", "instalments", "joint_lateness_bound", "money_cut"]

LINEARIZATION = 2
"""CP-SAT's ``linearization_level`` in the relaxation's rounds: 2 puts the money inequalities' half-reified literals
``[end < c]`` into the LP as well, and each round's proof comes in less work. Measured on the shipped plan (the cut
table's step 2, one worker, seed 0): within 10 units the bound went 3,565,000 -> 3,565,000 at 70 %, 4,730,000 ->
4,802,000 at 60 %, 6,414,000 -> 6,998,000 at 50 % (CP-SAT's default, 1, first)."""

PAUSE_MIN = 7
"""The calendar breaks the relaxation keeps: those of at least this many periods (a task may not start inside one,
and one that a task's shortest mode spans lengthens it, :func:`_add_pauses`); the shorter ones are dropped (each kept
break is two literals per task that can reach it). Measured on the shipped plan (the cut table's step 2, 17 units,
one worker, seed 0; bound at 100 / 90 / 80 / 70 / 60 / 50 %): no break kept (before) 953,000 / 1,503,000 / 2,456,000
/ 3,580,000 / 4,879,000 / 6,998,000; every break (1 period up) 958,000 / 1,509,000 / 2,494,000 / 3,211,000 /
4,866,000 / 5,656,000 (rounds several times slower); from 4 periods 957,000 / 1,503,000 / 2,488,000 / 3,405,000 /
4,849,000; **from 7** 953,000 / 1,503,000 / 2,488,000 / 3,597,000 / 4,934,000 / 7,128,000; from 10 (the two
construction breaks of 22 and 16 days) 953,000 / 1,503,000 / 2,488,000 / 3,433,000 / 4,834,000 / 6,861,000; from 20
953,000 / 1,503,000 / 2,456,000 / 3,565,000 / 4,879,000 / 6,414,000 (``benchmarks/README.md``)."""

Cut = dict[str, int]
"""A money inequality: limited source -> its cut-off date (the first period whose payments it leaves out)."""


def joint_lateness_bound(relaxation: Relaxation, deadlines: Mapping[str, int], time_limit: float,
                         seed: int | None = None, cuts: bool = True,
                         times: dict[str, tuple[int, int]] | None = None, *, deterministic: bool = False,
                         wall: float | None = None, used: list[float] | None = None,
                         on_bound: Callable[[int], None] | None = None) -> int:
    """A lower bound of the lateness tier of every schedule meeting ``deadlines`` hard (module docstring).

    Parameters
    ----------
    relaxation
        The problem's relaxation.
    deadlines
        Task id -> the period by which it must end (held hard).
    time_limit
        Seconds of CP-SAT (one worker) in all; with ``deterministic``, CP-SAT's deterministic time in all (a count
        of work, about seconds on an idle machine): the same rounds, cuts and bound at any load.
    seed
        CP-SAT's seed (default: :class:`~ntm_sched.engine.options.SolveOptions`').
    cuts
        Add the money cuts (module docstring) while the relaxation's times miss money; ``False``: one solve.
    times
        When given, receives the (start, end) by task id of the relaxation's optimal solution when the money allows
        them (no cut left to add; with ``cuts`` ``False``, of its one solve), else nothing: a guide for a schedule,
        never one. Times the money does not allow were a pattern too tight for the whole model on the shipped plan
        (at 70-50 % of the money the guided schedule found nothing better than its start, ``benchmarks/README.md``).
    deterministic
        ``time_limit`` counts deterministic time (above).
    wall
        With ``deterministic``, a wall-clock safety limit in seconds for a machine far too busy (default: a solve's,
        :attr:`SolveOptions.deterministic_safety <ntm_sched.engine.options.SolveOptions>` of ``time_limit``); the
        bound it stops is still valid, but may differ from another run's.
    used
        When given, receives (appended) the time the rounds took: CP-SAT's deterministic time with
        ``deterministic``, else seconds.
    on_bound
        When given, called with the bound of every round as it is proven (each is valid; they only grow): another
        thread's search may stop at it (:class:`~ntm_sched.engine.chain_lns.Floor`).

    Returns
    -------
    int
        The bound, never below the per-task one (:meth:`~ntm_sched.engine.relaxation.Relaxation.lateness_bound`,
        when CP-SAT's first round does not end in time); ``0`` when the deadlines are refuted already.
    """
    t0 = time.perf_counter()
    spent = [0.0]  # deterministic time of the rounds so far
    try:
        return _rounds(relaxation, deadlines, time_limit, seed, cuts, times, deterministic, wall, t0, spent, on_bound)
    finally:
        if used is not None:
            used.append(spent[0] if deterministic else time.perf_counter() - t0)


def _rounds(relaxation: Relaxation, deadlines: Mapping[str, int], time_limit: float, seed: int | None, cuts: bool,
            times: dict[str, tuple[int, int]] | None, deterministic: bool, wall: float | None, t0: float,
            spent: list[float], on_bound: Callable[[int], None] | None = None) -> int:
    """:func:`joint_lateness_bound`'s rounds from ``t0``; ``spent[0]`` counts their deterministic time."""
    from ntm_sched.engine.options import SolveOptions

    p = relaxation.problem
    ls, le = relaxation.latest(deadlines)
    if any(relaxation.es[t] > ls[t] or relaxation.ee[t] > le[t] for t in ls):
        return 0  # the held deadlines are refuted: nothing to bound
    m = cp_model.CpModel()
    start, end = {}, {}
    for t in p.tasks:
        start[t.id] = m.new_int_var(relaxation.es[t.id], max(relaxation.es[t.id], ls[t.id]), f"s{t.id}")
        end[t.id] = m.new_int_var(relaxation.ee[t.id], max(relaxation.ee[t.id], le[t.id]), f"e{t.id}")
        _add_pauses(m, relaxation, t.id, start[t.id], end[t.id])
        if t.fixed_start is not None:
            m.add(start[t.id] == t.fixed_start)
    for pr in p.precedences:
        m.add(start[pr.succ] >= (end[pr.pred] if pr.kind == "FS" else start[pr.pred]) + pr.lag)
    terms, floor = _lateness_terms(m, relaxation, deadlines, end)
    if not terms:
        return 0
    inst = instalments(relaxation, le)
    paid_before = _paid_before(m, start, end)
    limited = {s.name: s for s in p.sources if not s.unlimited}
    dates = sorted({tr.time for s in limited.values() for tr in s.tranches if tr.time > 0}
                   | {a for a in relaxation._unlimited.values() if a > 0})
    groups = {frozenset(x for x in srcs if x in limited) for _, srcs, _, _, _ in inst} | {frozenset(limited)}
    for c in dates:
        for g in sorted(groups, key=sorted):
            if g:
                _add_cut(m, relaxation, inst, {x: c for x in g}, paid_before)
    m.minimize(sum(terms))
    seed = SolveOptions().with_(seed=seed).seed  # the one home of the default
    best = floor  # the per-task delays' sum (Relaxation.lateness_bound), whatever CP-SAT proves in its time
    safety = SolveOptions().deterministic_safety.of(time_limit) if wall is None else float(wall)
    while True:
        elapsed = time.perf_counter() - t0
        left = time_limit - (spent[0] if deterministic else elapsed)
        if left <= 0.05 or (deterministic and safety - elapsed <= 0.05):
            return best
        solver = make_solver(left, 1, seed, False, safety=safety - elapsed if deterministic else None)
        solver.parameters.linearization_level = LINEARIZATION
        st = solver.solve(m)
        spent[0] += float(solver.response_proto.deterministic_time)
        if st not in (cp_model.OPTIMAL, cp_model.FEASIBLE, cp_model.UNKNOWN):
            return best  # INFEASIBLE: the held deadlines have no schedule either; claim nothing more here
        best = max(best, int(math.ceil(solver.best_objective_bound - 1e-6)))
        if on_bound is not None:
            on_bound(best)
        if st != cp_model.OPTIMAL:
            return best  # times the money may not allow are not given
        found = {tid: (solver.value(start[tid]), solver.value(end[tid])) for tid in start}
        cut = money_cut(relaxation, inst, found) if cuts else None
        if cut is None:  # no cuts asked, or the money allows the relaxation's optimal times: none improves the bound
            if times is not None:
                times.update(found)
            return best
        _add_cut(m, relaxation, inst, cut, paid_before)


Instalment = tuple[str, tuple[str, ...], str, int, int]
"""``(task id, sources, "s" or "e", amount, earliest period)``: an instalment paid at the task's start or end."""


def instalments(relaxation: Relaxation, le: Mapping[str, int]) -> list[Instalment]:
    """The cheapest-mode instalments of every task that costs money (module docstring)."""
    p = relaxation.problem
    out: list[Instalment] = []
    for tid, (task, srcs) in relaxation._money.items():
        cost = relaxation._least_cost(tid, le[tid])
        adv = p.advance_of(task, cost)
        for amount, which, early in ((adv, "s", relaxation.es[tid]), (cost - adv, "e", relaxation.ee[tid])):
            if amount > 0:
                out.append((tid, srcs, which, amount, early))
    return out


def _free_from(relaxation: Relaxation, srcs: tuple[str, ...]) -> int:
    """The first period from which an unlimited source may pay an instalment of these sources."""
    return min([relaxation._unlimited[x] for x in srcs if x in relaxation._unlimited], default=NEVER)


def money_cut(relaxation: Relaxation, inst: list[Instalment], times: Mapping[str, tuple[int, int]]) -> Cut | None:
    """A money inequality the instalments at ``times`` (task id -> start, end) violate, or ``None`` when the
    limited sources can pay them all in time (a maximum flow from the tranches to the instalments).

    The instalments on the sink side of the minimum cut need more than the tranches on that side, and every
    tranche that may pay one of them is on that side (the arcs between are uncut); each source's cut-off is its
    first tranche on the source side, after every period at which one of them is paid (module docstring)."""
    due = []
    for tid, srcs, which, amount, _ in inst:
        t = times[tid][0 if which == "s" else 1]
        if t < _free_from(relaxation, srcs):
            due.append((t, srcs, amount))
    if not due:
        return None
    tranches = relaxation._tranches
    big = sum(a for _, _, a in due) + sum(a for _, _, a in tranches) + 1
    f = max_flow.SimpleMaxFlow()
    for k, (_, _, amount) in enumerate(due):
        f.add_arc_with_capacity(2 + k, 1, amount)
    base = 2 + len(due)
    for j, (name, at, amount) in enumerate(tranches):
        f.add_arc_with_capacity(0, base + j, amount)
        for k, (t, srcs, _) in enumerate(due):
            if at <= t and name in srcs:
                f.add_arc_with_capacity(base + j, 2 + k, big)
    if f.solve(0, 1) != f.OPTIMAL or f.optimal_flow() >= sum(a for _, _, a in due):
        return None
    side = set(f.get_source_side_min_cut())
    cut: Cut = {s.name: NEVER for s in relaxation.problem.sources if not s.unlimited}
    for j, (name, at, _) in enumerate(tranches):
        if base + j in side:
            cut[name] = min(cut[name], at)
    return cut


def cut_terms(relaxation: Relaxation, inst: list[Instalment], cut: Cut
              ) -> tuple[list[tuple[str, str, int, int]], int, int]:
    """The money inequality of ``cut`` (module docstring): ``sum(amount * [paid before c]) + always <= released``.

    Returns
    -------
    tuple
        ``(terms, always, released)``: ``(task id, "s" or "e", c, amount)`` per instalment counted when paid
        before period ``c``; the amount counted whenever it is paid (no source of it is cut off and no
        unlimited source pays it); the money released before the cut-offs.
    """
    released = sum(s.released_by(cut[s.name] - 1) for s in relaxation.problem.sources
                   if not s.unlimited and cut.get(s.name, 0) > 0)
    terms, always = [], 0
    for tid, srcs, which, amount, early in inst:
        c = min([cut.get(x, 0) for x in srcs if x not in relaxation._unlimited] + [_free_from(relaxation, srcs)])
        if early < c < NEVER:
            terms.append((tid, which, c, amount))
        elif c >= NEVER:
            always += amount
    return terms, always, released


def _add_cut(m: Any, relaxation: Relaxation, inst: list[Instalment], cut: Cut,
             paid_before: Callable[[str, str, int], Any]) -> None:
    """Post :func:`cut_terms`' inequality."""
    terms, always, released = cut_terms(relaxation, inst, cut)
    if terms or always:
        m.add(sum(amount * paid_before(tid, which, c) for tid, which, c, amount in terms) + always <= released)


def _paid_before(m: Any, start: Mapping[str, Any], end: Mapping[str, Any]) -> Callable[[str, str, int], Any]:
    """A cache of literals ``[start (or end) of the task < c]``."""
    lits: dict[tuple[str, str, int], Any] = {}

    def lit(tid: str, which: str, c: int) -> Any:
        key = (tid, which, c)
        if key not in lits:
            b = m.new_bool_var(f"{which}{tid}<{c}")
            var = start[tid] if which == "s" else end[tid]
            m.add(var < c).only_enforce_if(b)
            m.add(var >= c).only_enforce_if(~b)
            lits[key] = b
        return lits[key]

    return lit


def _lateness_terms(m: Any, relaxation: Relaxation, deadlines: Mapping[str, int], end: Mapping[str, Any]
                    ) -> tuple[list[Any], int]:
    """The lateness tier's terms of the soft due dates, each task's least delay as a floor; and the sum of those
    floors' lateness (:meth:`~ntm_sched.engine.relaxation.Relaxation.lateness_bound`)."""
    p = relaxation.problem
    o = p.objective
    terms = []
    floor = 0
    for t in p.tasks:
        if t.due is None or t.due_hard or t.id in deadlines or not (t.tardiness_weight or t.late_weight):
            continue
        late = m.new_int_var(0, p.horizon, f"late{t.id}")
        m.add(late >= end[t.id] - int(t.due))
        least = relaxation.least_delay(deadlines, t.id, int(t.due))  # true of every schedule: kept here
        if 0 < least < NEVER:
            m.add(end[t.id] >= int(t.due) + least)
            floor += o.tardiness * t.tardiness_weight * least + o.late_count * t.late_weight
        if o.tardiness * t.tardiness_weight:
            terms.append(o.tardiness * t.tardiness_weight * late)
        if o.late_count * t.late_weight:
            flag = m.new_bool_var(f"isl{t.id}")
            m.add(end[t.id] <= int(t.due)).only_enforce_if(~flag)
            terms.append(o.late_count * t.late_weight * flag)
    return terms, floor


def _add_pauses(m: Any, relaxation: Relaxation, tid: str, start: Any, end: Any) -> None:
    """``end >= start + shortest duration + the length of every kept break the task spans``, no start inside one.

    The calendar's rule (:mod:`ntm_sched.engine.families.calendar`) on the breaks of at least :data:`PAUSE_MIN`
    periods that the task's times can reach, the shortest mode's duration for the mode's: per break ``[b, e)``,
    ``w = [start < b]`` and ``y = [the task spans it]``, ``y => w``, ``y => end >= e + 1``, ``w and not y => end <=
    b``. Every schedule satisfies them with ``w`` and ``y`` read from it (a start is never inside a break; a task that
    reaches into one pauses there, so it ends after it, and one that does not ends by its start; its end is at least
    its start, its mode's duration and the breaks inside it), so the relaxation stays one (module docstring)."""
    d = relaxation._dmin[tid]
    cal = relaxation._cal[tid]
    ds, de = list(start.proto.domain), list(end.proto.domain)  # (the proto's list takes no negative index)
    lo_s, hi_s, hi_e = ds[0], ds[-1], de[-1]
    breaks = [(b, e) for b, e in (cal.breaks if cal is not None and d > 0 else ())
              if e - b >= PAUSE_MIN and e > lo_s and b < hi_e]
    allowed = start_intervals(lo_s, hi_s, breaks)
    if breaks and allowed:
        m.add_linear_expression_in_domain(start, cp_model.Domain.from_intervals(allowed))
    spans = add_pauses(m, tid, start, end, lo_s, hi_s, hi_e, breaks)
    m.add(end >= start + d + sum(spans))
