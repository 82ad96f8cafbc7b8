"""The canonical answer: one schedule and one allocation for the tiers' values, however they were found.

The tiers of the objective (:data:`~ntm_sched.engine.builder.TIERS`) often have many optimal
schedules, and which one a multi-worker CP-SAT search returns depends on thread timing: the
same plan gave 40-54 of its 200 task dates and 40 billion VND of its allocation differently on
three runs (issue 25). This module picks the one that is shown, by a rule a person can read:

1. **Schedule.** Every tier is held at its value (``tier <= value``); among the schedules that
   reach them, the one with the **smallest sum of start dates** ("each task as early as the
   tiers allow").
2. **Allocation.** Dates and modes held, the extra-funding tier held: money beyond the plan's
   sources (an unlimited source) is **drawn as late as the schedule allows**, so the planned
   tranches pay first (the smallest sum of ``amount x days before the horizon`` of those draws);
   then each instalment is paid from the **sources listed first** in the plan (the smallest sum
   of ``source rank x amount``).
3. Whatever is still tied after 1 and 2 is settled by one fixed search: a fresh model (built
   from the problem and the tiers' values only: no hint from the search that found them, only
   each task's earliest start by releases and precedences), one
   CP-SAT worker, seed 0, stopped by proof or by a *deterministic* work limit (CP-SAT's
   ``max_deterministic_time``, a count of work, not of seconds).

So the answer is a function of the problem and the tiers' values alone: the seed, the number of
workers, ``--jobs``, the scheduler and the machine's load do not change it. When every tier was
proven optimal, those values are unique and so is the answer; when a tier was not proven, its
value (and so every detail below it) may differ between runs, and :class:`Canonical` says so.

What it costs is measured in ``benchmarks/canonical.py`` (about 2 s on the base plan, the last tier included).
"""

from __future__ import annotations

import time
from typing import Any

from ortools.sat.python import cp_model

from ntm_sched.engine.builder import BuiltModel, build_model
from ntm_sched.engine.clock import limit_work
from ntm_sched.engine.problem import Problem
from ntm_sched.engine.result import Canonical, Solution, Status, TierResult
from ntm_sched.engine.stop import attach, past_start

CANONICAL_SEED = 0
"""The one seed of the canonical search (never the user's: the answer must not depend on it)."""


def _solver(work: float, wall: float, *, repair_hint: bool = False) -> cp_model.CpSolver:
    """One worker, seed 0, stopped by proof or by ``work`` units of deterministic time; with ``repair_hint``, the
    search repairs the model's hint (set before the solver is attached: a stop flag stops such a search only from
    its first solution on, :func:`~ntm_sched.engine.stop.past_start`)."""
    s = cp_model.CpSolver()
    p = s.parameters
    p.num_workers = 1
    p.random_seed = CANONICAL_SEED
    limit_work(s, work, wall)  # the wall: a safety net only, an answer it cuts is not repeatable
    # measured on the base plan (benchmarks/canonical.py): the sum of starts is proven in about
    # a third of the time with the full LP relaxation
    p.linearization_level = 2
    if repair_hint:
        p.repair_hint = True
    return attach(s)


WHOLE_OBJECTIVE = "objective"
"""Key of :func:`canonicalize`'s ``held`` for the whole weighted objective (a solve without tiers)."""


def _expr(bm: BuiltModel, name: str) -> Any:
    return bm.objective_expr() if name == WHOLE_OBJECTIVE else bm.tier_expr(name)


def _held_model(problem: Problem, held: dict[str, int], money_formulation: str) -> BuiltModel:
    """A fresh model (no hint) with every tier ``<=`` its value."""
    bm = build_model(problem, cash_flow=False if money_formulation == "tranche" else None)
    bm.model.clear_hints()
    for name, value in held.items():
        expr = _expr(bm, name)
        if not isinstance(expr, (int, float)):
            bm.model.add(expr <= int(value))
    return bm


def _payments(problem: Problem, bm: BuiltModel, sol: Solution) -> list[tuple[str, int, Any]]:
    """``(source, day paid, amount variable)`` of every payment variable, the schedule ``sol`` held."""
    out: list[tuple[str, int, Any]] = []
    if bm.cash is not None:
        for tid, tb in bm.cash.tasks.items():
            ts = sol.tasks[tid]
            for (src, b), var in tb.flows.items():
                lo, hi = tb.money_buckets[b]
                out.append((src, ts.start if lo <= ts.start <= hi else ts.end, var))
    for which, pays in (("start", bm.pay_start), ("end", bm.pay_end)):
        for (tid, src), var in pays.items():
            if isinstance(var, cp_model.IntVar):
                ts = sol.tasks[tid]
                out.append((src, ts.start if which == "start" else ts.end, var))
    return out


def _extra_early_terms(problem: Problem, pays: list[tuple[str, int, Any]]) -> list[Any]:
    """``amount x days before the horizon`` of every draw on an unlimited source: smallest when the
    money beyond the plan's sources is drawn as late as the schedule allows (planned money first)."""
    unlimited = {s.name for s in problem.sources if s.unlimited}
    return [max(0, problem.horizon - t) * var for src, t, var in pays if src in unlimited and problem.horizon > t]


def _rank_terms(problem: Problem, pays: list[tuple[str, int, Any]]) -> list[Any]:
    """``rank(source) x amount`` over every payment (rank 0 for the plan's first source)."""
    rank = {s.name: k for k, s in enumerate(problem.sources)}
    return [rank[src] * var for src, _, var in pays if rank[src]]


def held_values(tiers: list[TierResult], present: list[str]) -> dict[str, int]:
    """The value each tier is held at: its value in the schedule found, rounded."""
    return {tr.name: round(tr.value) for tr in tiers if tr.name in present and tr.value is not None}


def canonicalize(
    problem: Problem,
    held: dict[str, int],
    *,
    tiers_proven: bool,
    work: float,
    wall: float,
    money_formulation: str = "auto",
    fold: str | None = None,
) -> tuple[Solution | None, Canonical, dict[str, float]]:
    """The canonical schedule and allocation for the tiers' values ``held`` (module docstring).

    Parameters
    ----------
    problem
        The problem.
    held
        Tier name -> value to hold (``tier <= value``); a tier not given is free;
        :data:`WHOLE_OBJECTIVE` holds the whole weighted objective.
    tiers_proven
        Every tier was proven optimal (the values are the unique optima).
    work
        Deterministic-time limit of each of the two searches (CP-SAT units).
    wall
        Wall-clock safety limit of each search, in seconds.
    money_formulation
        As :attr:`~ntm_sched.engine.options.SolveOptions.money_formulation`.
    fold
        A tier not in ``held`` that step 1 minimises first (the objective ``W x tier + sum of
        starts`` with ``W`` above any sum of starts is the lexicographic order "tier, then
        starts"): the last tier of a lexicographic solve and the canonical schedule in one
        search (:func:`~ntm_sched.engine.solve.solve` does this; one search instead of two, and
        the tier proven by the same fixed search). The tier is proven optimal when, and only
        when, ``Canonical.schedule_proven``; its value is in the values returned.

    Returns
    -------
    tuple
        The canonical :class:`Solution` (``None`` when the search found none: the caller keeps
        its own schedule), a :class:`Canonical` saying how it was chosen, and the value of each
        held tier in that solution (below the held value only when the tier was not proven).
    """
    t0 = time.perf_counter()
    bm = _held_model(problem, held, money_formulation)
    m = bm.model
    starts = [bm.start[t.id] for t in problem.tasks]
    if fold is None:
        m.minimize(sum(starts))
    else:  # "the tier, then the starts": every start lies in [0, horizon], so their sum is below w
        w = len(starts) * (problem.horizon + 1) + 1
        m.minimize(w * _expr(bm, fold) + sum(starts))
    # a hint made from the problem alone (each task at its earliest start by releases and
    # precedences), repaired by the search: it guides "as early as possible" and keeps the
    # answer a function of the problem (0.79 -> 0.61 units of work on the base plan)
    for t in problem.tasks:
        m.add_hint(bm.start[t.id], bm.earliest_start[t.id])
    s1 = _solver(work, wall, repair_hint=True)
    st1 = s1.solve(m, past_start(s1))
    if st1 not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        # UNKNOWN (work limit) or INFEASIBLE (cannot happen: the schedule found reaches the values)
        why = ("no_schedule",) if tiers_proven else ("tier_not_proven", "no_schedule")
        return None, Canonical(False, False, reasons=why, runtime_s=time.perf_counter() - t0), {}
    cut1 = s1.wall_time >= wall * 0.999 and st1 != cp_model.OPTIMAL
    first = bm.solution_from(s1)
    if fold is not None:  # held from here on, as the other tiers are
        m.add(_expr(bm, fold) <= round(s1.value(_expr(bm, fold))))
    # step 2: dates and modes held, the sources in the plan's order
    for t in problem.tasks:
        ts = first.tasks[t.id]
        m.add(bm.start[t.id] == ts.start)
        m.add(bm.end[t.id] == ts.end)
        for k, lit in enumerate(bm.mode_lits.get(t.id, [])):
            m.add(lit == int(k == ts.mode))
    pays = _payments(problem, bm, first)
    sol, st2, cut2, last = first, cp_model.OPTIMAL, False, s1
    # step 2a: money beyond the plan's sources as late as possible; 2b: sources in the plan's order
    for terms in (_extra_early_terms(problem, pays), _rank_terms(problem, pays)):
        if not terms:
            continue
        m.minimize(sum(terms))
        m.clear_hints()
        s2 = _solver(work, wall)
        st = s2.solve(m)
        if st not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            st2 = cp_model.FEASIBLE  # keep the payments so far (repeatable all the same)
            break
        sol, last = bm.solution_from(s2), s2
        cut2 = cut2 or (s2.wall_time >= wall * 0.999 and st != cp_model.OPTIMAL)
        if st != cp_model.OPTIMAL:
            st2 = cp_model.FEASIBLE
            break
        m.add(sum(terms) <= round(s2.objective_value))
    reasons: list[str] = []
    if not tiers_proven:
        reasons.append("tier_not_proven")
    if cut1 or cut2:
        reasons.append("wall_cut")
    values = {name: float(last.value(_expr(bm, name))) for name in (*held, *([fold] if fold else []))}
    return sol, Canonical(
        applied=True,
        repeatable=not reasons,
        schedule_proven=st1 == cp_model.OPTIMAL,
        allocation_proven=st2 == cp_model.OPTIMAL,
        reasons=tuple(reasons),
        runtime_s=time.perf_counter() - t0,
    ), values


def tiers_all_proven(tiers: list[TierResult]) -> bool:
    """Every tier proven optimal."""
    return bool(tiers) and all(tr.status == Status.OPTIMAL for tr in tiers)
