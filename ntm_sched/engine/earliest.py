"""The earliest end of one task, proven by probes, under a cap on the lateness tier.

"How early can this task end, without the other deadlines getting any later (the lateness
tier at most a given value)?" is the budget lab's per-commune question. Asked as one CP-SAT
minimisation of the task's end on the model with money, the bound barely moves in tens of
seconds (benchmarks/README.md, "Marginal value"), while the same model with the end
*capped* (``end <= k``) is proven infeasible in 5-10 s: a hard cap lets presolve and
propagation cut the model down, as the deadline patterns do (:mod:`ntm_sched.engine.patterns`).
So the minimum is searched between a proven lower bound and the best end found:

1. the lower bound: the same question without money (the payment-free model, proven in a
   second or two; dropping the money constraints only adds schedules, so its optimum bounds
   the question with money from below);
2. the incumbent: ``hint`` (a schedule of the problem meeting the cap, checked) or a first
   solve;
3. probes ``end <= k`` (each minimising the end, on one CP-SAT worker, ``workers`` at a time):
   one at ``best - 1`` (infeasible: the best is proven) and, with a second worker, one at the
   middle of the interval left. A probe proven infeasible raises the lower bound to ``k + 1``;
   a probe's own bound ``b`` is a bound of the question up to its cap (no schedule ends before
   ``min(b, k + 1)``); a probe that finds a better end lowers the best. A probe runs until it
   answers or is made moot by another (its cap no longer below the best, or below the bound:
   it is stopped and the next one started), so the solver's learning is not thrown away by
   fixed time slices.

Every answer is a schedule of the full model, read back and checked by the engine's checker
(:func:`ntm_sched.engine.checker.check`); the reported bound is the largest of the proven
lower bounds, never a guess.
"""

from __future__ import annotations

import math
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from ntm_sched.engine.builder import build_model
from ntm_sched.engine.checker import check
from ntm_sched.engine.cpsat import make_solver, run_solver
from ntm_sched.engine.heuristic import lateness_value
from ntm_sched.engine.options import SolveOptions
from ntm_sched.engine.problem import Problem
from ntm_sched.engine.result import Solution, Status


@dataclass
class EarliestEnd:
    """The answer of :func:`earliest_end`.

    Attributes
    ----------
    task_id
        The task asked about.
    end
        Its end (day number) in :attr:`solution`, the best found; ``None`` without a schedule.
    bound
        A proven lower bound of the earliest end (``end == bound``: proven optimal).
    free_bound
        The payment-free earliest end (also a lower bound; it holds for any money added).
    status
        ``OPTIMAL`` (proven), ``FEASIBLE`` (``bound < end``), ``INFEASIBLE`` (no schedule meets
        the cap) or ``UNKNOWN``.
    solution
        The schedule whose end is :attr:`end` (checked), or ``None``.
    probes
        One line per solve (what was asked, what came back), for notes and benchmarks.
    runtime_s
        Wall time.
    """

    task_id: str
    end: int | None
    bound: int | None
    free_bound: int | None
    status: Status
    solution: Solution | None
    probes: list[str] = field(default_factory=list)
    runtime_s: float = 0.0

    @property
    def gap_days(self) -> int | None:
        """Days between the end found and the bound (0 when proven)."""
        if self.end is None or self.bound is None:
            return None
        return max(0, self.end - self.bound)


def _capped(problem: Problem, task_id: str, cap: int | None, money: bool, hint: Solution | None,
            below: int | None = None):
    """The model minimising ``task_id``'s end with the lateness tier at most ``cap`` and the end at most ``below``."""
    bm = build_model(problem, hint=hint, money=money)
    if cap is not None:
        bm.model.add(bm.tier_expr("lateness") <= int(cap))
    if below is not None:
        bm.model.add(bm.end[task_id] <= int(below))
    bm.model.minimize(bm.end[task_id])
    return bm


def _ceil(bound: float) -> int:
    """A CP-SAT objective bound of an integer objective, as an integer (never rounded up past it)."""
    return int(math.ceil(bound - 1e-6))


def earliest_end(problem: Problem, task_id: str, *, lateness_cap: int | None = None, hint: Solution | None = None,
                 lower: int | None = None, options: SolveOptions | None = None) -> EarliestEnd:
    """The earliest end of ``task_id`` among schedules whose lateness tier is at most ``lateness_cap``.

    Parameters
    ----------
    problem
        The problem (its objective's lateness weights define the tier).
    task_id
        The task whose end is minimised.
    lateness_cap
        Upper limit of the lateness tier (:func:`ntm_sched.engine.heuristic.lateness_value`);
        ``None``: no limit.
    hint
        A schedule of ``problem`` to start from; used only when the checker accepts it and it
        meets the cap.
    lower
        A lower bound already known (e.g. the payment-free one of an earlier question on a
        problem with less money); saves its solve.
    options
        Solver settings (default :class:`~ntm_sched.engine.options.SolveOptions`): ``time_limit``
        seconds for the whole search, ``workers`` solves at the same time (each probe on one CP-SAT
        worker), ``seed``; the payment-free bound gets ``earliest_free`` of the time left, the first
        schedule ``earliest_first``.

    Returns
    -------
    EarliestEnd
        The best end found, its proven bound and schedule, and what was asked.
    """
    if task_id not in {t.id for t in problem.tasks}:
        raise KeyError(f"earliest_end: unknown task {task_id!r}")
    opts = options if options is not None else SolveOptions()
    workers, seed = opts.workers, opts.seed
    t0 = time.perf_counter()
    deadline = t0 + float(opts.time_limit)
    probes: list[str] = []

    def left() -> float:
        return deadline - time.perf_counter()

    def usable(sol: Solution | None) -> bool:
        return (sol is not None and check(problem, sol).ok
                and (lateness_cap is None or lateness_value(problem, sol) <= lateness_cap))

    # 1. the payment-free lower bound (and, without money in the problem, the answer itself)
    free_bound = lower
    if free_bound is None:
        light = _capped(problem, task_id, lateness_cap, False, None)
        solver = make_solver(opts.earliest_free.of(left()), workers, seed, False)
        st, free_sol = run_solver(light, solver)
        probes.append(f"{time.perf_counter() - t0:5.1f} s payment-free: {st.value} "
                      f"{free_sol.tasks[task_id].end if free_sol else '-'} (bound {solver.best_objective_bound:.0f})")
        if st == Status.INFEASIBLE:
            return EarliestEnd(task_id, None, None, None, Status.INFEASIBLE, None, probes, time.perf_counter() - t0)
        if st != Status.MODEL_INVALID and math.isfinite(solver.best_objective_bound):
            free_bound = _ceil(solver.best_objective_bound)
        if st == Status.OPTIMAL and usable(free_sol):  # the money does not bind this answer
            assert free_sol is not None
            return EarliestEnd(task_id, free_sol.tasks[task_id].end, free_sol.tasks[task_id].end, free_bound,
                               Status.OPTIMAL, free_sol, probes, time.perf_counter() - t0)
    lb = free_bound if free_bound is not None else 0

    # 2. the incumbent
    best: Solution | None = hint if usable(hint) else None
    if best is None:
        bm = _capped(problem, task_id, lateness_cap, True, hint)
        solver = make_solver(opts.earliest_first.of(left()), workers, seed, False)
        st, sol = run_solver(bm, solver)
        probes.append(f"{time.perf_counter() - t0:5.1f} s first solve: {st.value} "
                      f"{sol.tasks[task_id].end if sol else '-'}")
        if st == Status.INFEASIBLE:
            return EarliestEnd(task_id, None, None, free_bound, Status.INFEASIBLE, None, probes,
                               time.perf_counter() - t0)
        if st in (Status.OPTIMAL, Status.FEASIBLE):
            lb = max(lb, _ceil(solver.best_objective_bound))
        best = sol if usable(sol) else None
        if best is None:
            return EarliestEnd(task_id, None, lb, free_bound, Status.UNKNOWN, None, probes, time.perf_counter() - t0)
    ub = best.tasks[task_id].end

    # 3. probes between the bound and the best end, each running until it answers or is moot
    running: dict = {}  # future -> (cap, solver)
    with ThreadPoolExecutor(max(1, int(workers))) as pool:
        while True:
            settled = lb >= ub or left() <= 0.2
            stopping = False
            for k, s in running.values():
                if settled or k >= ub or k < lb:  # moot: a better end is known, or the cap is proven infeasible
                    s.stop_search()  # again on every pass: a stop asked before the solve began is lost
                    stopping = True
            wanted = [ub - 1]
            mid = lb + (ub - 1 - lb) // 2
            if workers >= 2 and lb <= mid < ub - 1:
                wanted.append(mid)
            live = {k for fut, (k, s) in running.items() if lb <= k < ub}
            for k in wanted:
                if settled or len(running) >= max(1, int(workers)):
                    break
                if k in live:
                    continue
                bm = _capped(problem, task_id, lateness_cap, True, best, below=k)
                s = make_solver(max(0.05, left()), 1, seed, False)
                running[pool.submit(run_solver, bm, s)] = (k, s)
                live.add(k)
            if not running:
                break
            done, _ = wait(running, timeout=0.25 if stopping else None, return_when=FIRST_COMPLETED)
            for fut in done:
                k, s = running.pop(fut)
                st, sol = fut.result()
                probes.append(f"{time.perf_counter() - t0:5.1f} s end <= {k}: {st.value} "
                              f"{sol.tasks[task_id].end if sol else '-'} (bound {s.best_objective_bound:.0f})")
                if st == Status.INFEASIBLE:
                    lb = max(lb, k + 1)
                elif math.isfinite(s.best_objective_bound):
                    # a bound of the capped question bounds the whole question: every schedule ending
                    # under the bound would be one of the capped question's (the cap is not below it)
                    lb = max(lb, min(_ceil(s.best_objective_bound), k + 1))
                if sol is not None and sol.tasks[task_id].end < ub and usable(sol):
                    best, ub = sol, sol.tasks[task_id].end
    status = Status.OPTIMAL if lb >= ub else Status.FEASIBLE
    return EarliestEnd(task_id, ub, min(lb, ub), free_bound, status, best, probes, time.perf_counter() - t0)
