"""The least lateness with some deadlines held: a bound and a schedule searched side by side, on deterministic time.

:func:`lateness_search` puts together :func:`~ntm_sched.engine.joint_bound.joint_lateness_bound` (a lower bound on
the relaxation, its money cuts included), :func:`~ntm_sched.engine.guided.guided_schedule` (a schedule guided by the
relaxation's last times) and :func:`~ntm_sched.engine.chain_lns.chain_lns` (a large-neighbourhood search over the
groups' chains). Each solve has one CP-SAT worker, so they are run side by side:

1. the bound then the guided schedule (one thread, ``bound_work + guided_work`` units in all: the guided schedule
   gets at most ``guided_work`` of what the bound's rounds left, and only when they end on times the money allows,
   the ``times`` of :func:`~ntm_sched.engine.joint_bound.joint_lateness_bound`; otherwise the rounds go on), and
   beside them the chain LNS from ``start`` (``early_work`` units per worker, ``early_parallel`` moves side by
   side);
   with ``times_work`` (the thorough mode of the cut table), once the rounds end on such times, the schedule
   generator in their order, the deadlines' chains pinned where ``start`` has them
   (:func:`~ntm_sched.engine.guided.schedule_from_times`), then the chain LNS from it (``times_work`` units per
   worker, ``parallel`` moves side by side, on the same thread after the bound);
2. the chain LNS from the best of the guided schedule, that one and phase 1's (``parallel`` moves side by side,
   ``lns_work`` units per worker);
3. with ``then`` (the caller's next step on the schedule found, e.g. its final solve), ``then(schedule)``.

``then`` is started **ahead of its turn**: on phase 2's start, beside phase 2, and again on each schedule phase 2
keeps; already in phase 1, once the bound's thread is done (its core free), on each schedule phase 1 keeps (or the
guided schedule when better: what phase 2 would start from if phase 1 ended there). Each new run stops the one
before (its CP-SAT searches through :func:`~ntm_sched.engine.stop.stopping_here`, the other threads' untouched; its
next search raises :class:`~ntm_sched.engine.stop.Abandoned`, so it ends there) and its answer is dropped. Phase 2's
last schedule is its answer, so the run on it gives the answer ``then`` would give after phase 2; only the wall time
changes (the final solve of the cut table has one worker: beside the LNS's two
moves it takes the core a move leaves idle, and where phase 2 keeps its start, at 100-70 % on the shipped plan, it
runs beside the whole of it). ``then`` must therefore be a function of its argument
alone (deterministic time, one worker) and leave nothing behind when stopped (at any of its searches).

Every limit is CP-SAT's deterministic time (a count of work) and every solve has one worker and ``seed``: what each
thread does does not depend on the others' timing, so the bound and the schedule are functions of the inputs alone,
at any load (unless a wall-clock safety limit cuts a step: the logs say so). With ``early_parallel`` 1 and two free
cores, phase 1 takes the wall time of the longer of its two threads, not of their sum.

A search stops early only where it could not have gone lower: the chain LNS at a lower bound (phase 1's at the
per-task bound, :meth:`~ntm_sched.engine.relaxation.Relaxation.lateness_bound`, known before it starts, then at each
round's joint bound as soon as the other thread proves it, a :class:`~ntm_sched.engine.chain_lns.Floor`; phase 2's
at the joint bound), the guided schedule not asked when the bound reaches the start's lateness. The answer is the one
the full budgets would give, sooner: a move must go strictly below the schedule's lateness, so once a schedule is at
a lower bound every later move fails, and when the other thread's bound arrives changes the time, not the schedule.

Nothing is trusted: the schedule returned is ``start`` or one the checker accepted (the steps check every schedule
they return), never later than ``start``.
"""

from __future__ import annotations

import contextvars
import dataclasses
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from ntm_sched.engine.chain_lns import MOVE_WORK, ChainLog, Floor, chain_lns
from ntm_sched.engine.guided import guided_schedule, schedule_from_times
from ntm_sched.engine.heuristic import lateness_value
from ntm_sched.engine.joint_bound import joint_lateness_bound
from ntm_sched.engine.options import SolveOptions
from ntm_sched.engine.problem import Problem
from ntm_sched.engine.relaxation import Relaxation
from ntm_sched.engine.result import Solution
from ntm_sched.engine.stop import Abandoned, StopFlag, stopping_here

__all__ = ["LatenessSearch", "lateness_search"]


@dataclasses.dataclass
class LatenessSearch:
    """What :func:`lateness_search` found.

    Attributes
    ----------
    bound
        The joint bound (valid for every schedule of ``problem``: the deadlines held are hard there).
    schedule
        The best schedule found (checked), ``start`` when nothing was better.
    guided
        The guided schedule, or ``None`` when it gave none.
    generated
        The schedule from the relaxation's times after its chain LNS (``times_work``), or ``None`` when not asked
        or none was found; ``generated_log`` is that LNS's log.
    early, late
        The logs of the chain LNS of phase 1 (from ``start``) and of phase 2.
    then
        ``then(schedule)`` when ``then`` was given, else ``None``.
    ahead
        Whether that answer is one started ahead of its turn, beside phase 2.
    then_runs
        How many times ``then`` was started (at least once, and once more for every move phase 2 kept).
    """

    bound: int
    schedule: Solution
    guided: Solution | None
    early: ChainLog
    late: ChainLog
    then: Any = None
    ahead: bool = False
    then_runs: int = 0
    generated: Solution | None = None
    generated_log: ChainLog | None = None


def lateness_search(problem: Problem, relaxation: Relaxation, deadlines: Mapping[str, int],
                    groups: Mapping[str, Sequence[str]], start: Solution, options: SolveOptions, *,
                    bound_work: float, guided_work: float, early_work: float, lns_work: float, seed: int,
                    move_work: float = MOVE_WORK, parallel: int = 2, early_parallel: int = 1,
                    times_work: float = 0.0, then: Callable[[Solution], Any] | None = None) -> LatenessSearch:
    """A lower bound and a schedule of least lateness of ``problem`` (module docstring).

    Parameters
    ----------
    problem
        The problem, the deadlines held hard in it.
    relaxation
        The relaxation of the problem without them held (:class:`~ntm_sched.engine.relaxation.Relaxation`).
    deadlines
        Task id -> period, the deadlines held.
    groups
        Group name -> task ids (the chain LNS's groups, in the order of its moves).
    start
        A schedule of ``problem`` that the checker accepts.
    options
        The guided schedule's options (``options.deterministic``: its time counts deterministic time).
    bound_work, guided_work, early_work, lns_work
        Deterministic time of the bound, the guided schedule (the bound may take it: step 1), phase 1's chain LNS and
        phase 2's (per worker).
    seed
        CP-SAT's seed of every step.
    move_work
        Deterministic time of one move of the chain LNS.
    parallel, early_parallel
        Moves of phase 2 and of phase 1 solved side by side (:func:`~ntm_sched.engine.chain_lns.chain_lns`; with
        ``early_parallel`` 1, phase 1 takes two threads in all: one core each).
    times_work
        Deterministic time (per worker) of the chain LNS from the schedule generated in the order of the bound's
        converged times (step 1); 0 (the default): that schedule is not generated.
    then
        The caller's next step on the schedule returned (module docstring: started beside phase 2, on its start);
        its answer is :attr:`LatenessSearch.then`.
    """
    times: dict[str, tuple[int, int]] = {}
    # the per-task bound, known before any search, then each of the joint bound's rounds as it is proven: the chain
    # LNS beside the bound stops when it reaches the largest so far (its schedule is then the same, whenever)
    floor = Floor(relaxation.lateness_bound(deadlines))
    at_start = lateness_value(problem, start)

    def bound_then_guided() -> tuple[int, Solution | None, Solution | None, ChainLog | None]:
        # the bound's rounds may take the guided schedule's units too: that one is asked only on times the money
        # allows (given when the rounds converge), with at most guided_work units, at most what the rounds left;
        # never when the bound reaches the start's lateness (no schedule is then lower than the start)
        used: list[float] = []
        own = joint_lateness_bound(relaxation, deadlines, bound_work + guided_work, seed, times=times,
                                   deterministic=True, used=used, on_bound=floor.raise_to)
        rest = min(guided_work, bound_work + guided_work - used[0])
        guided = (guided_schedule(problem, times, rest, options.with_(seed=seed), known=start)
                  if times and rest > 0 and own < at_start else None)
        generated, log = None, None
        if times and times_work > 0 and own < at_start:
            pinned = {t: start.tasks[t] for t in problem.ancestors(deadlines)}
            first = schedule_from_times(problem, times, pinned)
            if first is not None:
                generated, log = chain_lns(problem, first, groups, times_work, move_work=move_work, seed=seed,
                                           parallel=parallel, floor=own)
        return own, guided, generated, log

    runs: list[tuple[Solution, StopFlag, Future[Any]]] = []

    def ahead(schedule: Solution) -> None:
        # then(schedule), started now unless it runs already; the run on the schedule before is no longer wanted:
        # stopped
        assert then is not None
        if runs and runs[-1][0] is schedule:
            return
        if runs:
            runs[-1][1].set()
        flag = StopFlag()

        def run() -> Any:
            with stopping_here(flag):
                try:
                    return then(schedule)
                except Abandoned:  # overtaken by a run on a later schedule (flag set): its answer is never read
                    return None

        runs.append((schedule, flag, pool.submit(contextvars.copy_context().run, run)))

    def early_improved(schedule: Solution) -> None:
        # phase 1 kept a move: once the bound's thread is done (its core free), then() starts on what phase 2 would
        # start from if phase 1 ended here (the better of this schedule and the guided one, this one among equals)
        if not job.done() or job.exception() is not None:
            return
        ahead(_best(problem, [schedule, *job.result()[1:3]]))

    with ThreadPoolExecutor(4) as pool, ThreadPoolExecutor(1) as side:  # in the caller's context (stop flag, clock)
        job = side.submit(contextvars.copy_context().run, bound_then_guided)
        early, early_log = chain_lns(problem, start, groups, early_work, move_work=move_work, seed=seed,
                                     parallel=early_parallel, floor=floor,
                                     on_improve=early_improved if then is not None else None)
        own, guided, generated, generated_log = job.result()
        best = _best(problem, [early, guided, generated])
        if then is not None:
            ahead(best)
        # phase 2 stops at the joint bound: a schedule that reaches it is of least lateness
        final, late_log = chain_lns(problem, best, groups, lns_work, move_work=move_work, seed=seed,
                                    parallel=parallel, floor=max(own, floor.value),
                                    on_improve=ahead if then is not None else None)
        found = LatenessSearch(own, final, guided, early_log, late_log, generated=generated,
                               generated_log=generated_log)
        if then is None:
            return found
        last, flag, run = runs[-1]
        if last is final:  # the run on the schedule returned (a function of its argument): its answer is the one
            return dataclasses.replace(found, then=run.result(), ahead=True, then_runs=len(runs))
        flag.set()  # not reached (chain_lns's last improvement is its answer); be safe
    return dataclasses.replace(found, then=then(final), ahead=False, then_runs=len(runs) + 1)


def _best(problem: Problem, schedules: Sequence[Solution | None]) -> Solution:
    """The schedule of least lateness of ``schedules`` (the first among equals; ``None`` entries skipped)."""
    found = [s for s in schedules if s is not None]
    return min(found, key=lambda s: lateness_value(problem, s))
