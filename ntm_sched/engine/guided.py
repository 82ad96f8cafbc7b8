"""A schedule guided by the joint relaxation: the soft deadlines it meets held hard, the others free.

:func:`~ntm_sched.engine.joint_bound.joint_lateness_bound` ends on times the money allows (its cuts) with the
least lateness of the relaxation; the soft deadlines it meets are the ones worth holding. :func:`guided_schedule`
asks the whole problem for a schedule of least lateness with those deadlines hard (the presolve then cuts the
search down to the deadlines given up, as the deadline patterns of :mod:`ntm_sched.engine.patterns` do). On
the shipped plan with the plan's own money this finds the proven optimum (991,000, the relaxation's 953,000)
in seconds where the whole lexicographic solve took 150 s. When the relaxation's pattern is too tight (the
agencies, pauses or modes it drops make it infeasible or slow), the deadlines met by both the relaxation and
a known schedule are held instead, hinted with that schedule (which meets them, so the search starts from it).

When the money binds hard (60 % and 50 % of the plan's money), that solve finds nothing better than its start; the
relaxation's times still hold the order that reaches its bound. :func:`schedule_from_times` gives them to the
money-aware schedule generator (:func:`~ntm_sched.engine.heuristic.money_sgs`) as its priorities, the chains of the
deadlines held pinned where a known schedule has them: a start for the chain LNS far below the steady schedule's
(``benchmarks/README.md``, issue 23).

Nothing here is trusted: a schedule is returned only when the checker accepts it on the caller's problem.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Mapping

from ntm_sched.engine.checker import check
from ntm_sched.engine.heuristic import lateness_value, money_sgs
from ntm_sched.engine.options import SolveOptions
from ntm_sched.engine.problem import Problem
from ntm_sched.engine.result import Solution, TaskSchedule

__all__ = ["TIME_ORDERS", "guided_schedule", "schedule_from_times"]

TIME_ORDERS = ("end", "start", "midpoint")
"""The relaxation's times the generator takes its tasks by (:func:`schedule_from_times`), in the order tried."""


def _held(problem: Problem, ontime: set[str]) -> Problem:
    """``problem`` with the soft deadlines of ``ontime`` hard and the lateness tier its only objective."""
    tasks = tuple(dataclasses.replace(t, due_hard=True) if t.id in ontime else t for t in problem.tasks)
    return dataclasses.replace(problem, tasks=tasks, objective=dataclasses.replace(
        problem.objective, cost=0, extra_funding=0, makespan=0))


def guided_schedule(problem: Problem, times: Mapping[str, tuple[int, int]], time_limit: float,
                    options: SolveOptions, known: Solution | None = None) -> Solution | None:
    """The best checked schedule of ``problem`` found with the relaxation's met deadlines held (module docstring).

    Parameters
    ----------
    problem
        The problem (its hard deadlines stay hard).
    times
        Task id -> (start, end) in the relaxation's solution (``joint_lateness_bound(..., times=...)``).
    time_limit
        Seconds in all: the relaxation's pattern first (60 % of them when ``known`` is given), then, when it gave
        no schedule, the pattern met by ``known`` as well.
    options
        Workers and seed of the solves (the time limit is ``time_limit``'s). With ``options.deterministic`` every
        time here counts CP-SAT's deterministic time on one worker: the first pattern gets 60 % of ``time_limit``
        (all of it without ``known``), the second the rest, and the schedule is the same at any load.
    known
        A schedule of ``problem`` (checked by the caller), for the second pattern.

    Returns
    -------
    Solution or None
        The best schedule of the first pattern that gave one the checker accepts on ``problem``, or ``None``.
    """
    from ntm_sched.engine.solve import solve

    t0 = time.perf_counter()
    soft = [t for t in problem.tasks if t.due is not None and not t.due_hard and t.id in times]
    met = {t.id for t in soft if times[t.id][1] <= int(t.due)}  # type: ignore[arg-type]
    opts = options.with_(explain=False, canonical=False, check=True, lexicographic=True)
    patterns: list[tuple[set[str], Solution | None]] = [(met, None)]
    if known is not None:
        patterns.append(({t.id for t in soft if t.id in met and known.tasks[t.id].end <= int(t.due)}, known))  # type: ignore[arg-type]
    best: Solution | None = None
    for k, (ontime, hint) in enumerate(patterns):
        # on the deterministic clock the first pattern's share is fixed, not what its solve left
        if options.deterministic:
            left = time_limit * (1.0 if k == 0 else 0.4)
        else:
            left = time_limit - (time.perf_counter() - t0)
        if left < 0.5 or best is not None:
            break
        share = left if k == len(patterns) - 1 else 0.6 * left  # the second pattern keeps some of the time
        res = solve(_held(problem, ontime), opts.with_(time_limit=share), hint=hint)
        if res.solution is not None and check(problem, res.solution).ok:
            best = res.solution  # the first pattern with a schedule answers
    return best


def schedule_from_times(problem: Problem, times: Mapping[str, tuple[int, int]],
                        pinned: Mapping[str, TaskSchedule] | None = None) -> Solution | None:
    """The schedule generator in the order of the relaxation's times, ``pinned`` kept (module docstring).

    Parameters
    ----------
    problem
        The problem.
    times
        Task id -> (start, end) in the relaxation's solution; a task without times comes last.
    pinned
        Task id -> its place in a known schedule (start and mode), kept as it is: the chains of the deadlines held,
        which the relaxation's times may not meet with the agencies and sessions it drops. Their predecessors must
        be pinned too (the generator places them first, by start).

    Returns
    -------
    Solution or None
        Of the generator's schedules in the :data:`TIME_ORDERS`, the one of least lateness (the first among
        equals) that the checker accepts on ``problem``; ``None`` when none does.
    """
    keys = {"end": lambda s, e: e, "start": lambda s, e: s, "midpoint": lambda s, e: (s + e) // 2}
    fixed = {tid: (ts.start, ts.mode) for tid, ts in (pinned or {}).items()}
    best: tuple[int, Solution] | None = None
    for order in TIME_ORDERS:
        prio = {t.id: keys[order](*times[t.id]) if t.id in times else problem.horizon + 1 for t in problem.tasks}
        sol = money_sgs(problem, priority=prio, pinned=fixed)
        if sol is None or not check(problem, sol).ok:
            continue
        value = lateness_value(problem, sol)
        if best is None or value < best[0]:
            best = (value, sol)
    return None if best is None else best[1]
