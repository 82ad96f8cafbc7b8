"""Solve a problem with CP-SAT, check the schedule independently, explain failures."""

from __future__ import annotations

import time
import warnings

from ortools.sat.python import cp_model

from ntm_sched.engine.builder import BuiltModel, build_model
from ntm_sched.engine.problem import Problem
from ntm_sched.engine.result import Result, Solution, Status

_STATUS = {
    cp_model.OPTIMAL: Status.OPTIMAL,
    cp_model.FEASIBLE: Status.FEASIBLE,
    cp_model.INFEASIBLE: Status.INFEASIBLE,
    cp_model.UNKNOWN: Status.UNKNOWN,
    cp_model.MODEL_INVALID: Status.MODEL_INVALID,
}


def is_plain_rcpsp(problem: Problem) -> bool:
    """True for single-mode problems without calendars, money, deadlines or profiles."""
    return (
        all(len(t.modes) == 1 and t.calendar is None and t.due is None for t in problem.tasks)
        and not problem.sources
        and not problem.budgets
        and all(not r.profile for r in problem.resources)
    )


def make_solver(time_limit: float, workers: int, seed: int, log: bool) -> cp_model.CpSolver:
    """A CP-SAT solver with deterministic settings."""
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.max_time_in_seconds = float(time_limit)
    p.num_workers = int(workers)
    p.random_seed = int(seed)
    p.log_search_progress = bool(log)
    return solver


def _tune_rcpsp(solver: cp_model.CpSolver) -> None:
    """Parameters measured on PSPLIB j30 (see benchmarks/README.md).

    Strong propagation in the disjunctive constraints (the redundant
    incompatibility cliques of the builder) proves the hard j30 instances faster.
    """
    solver.parameters.use_strong_propagation_in_disjunctive = True


def run_solver(bm: BuiltModel, solver: cp_model.CpSolver) -> tuple[Status, Solution | None]:
    """Solve ``bm`` and read its solution."""
    st = _STATUS.get(solver.solve(bm.model), Status.UNKNOWN)
    sol = bm.solution_from(solver) if st in (Status.OPTIMAL, Status.FEASIBLE) else None
    return st, sol


def solve(
    problem: Problem,
    time_limit: float = 10.0,
    workers: int = 1,
    seed: int = 0,
    hint: Solution | None = None,
    log: bool = False,
    check: bool = True,
    explain: bool = True,
) -> Result:
    """Solve ``problem``.

    Parameters
    ----------
    problem
        The problem.
    time_limit
        Seconds for the main solve (the explanation of an infeasible problem takes extra time).
    workers
        CP-SAT workers; with ``workers=1`` and a fixed ``seed`` the result is deterministic.
    seed
        Random seed.
    hint
        A previous :class:`Solution` to warm-start from.
    log
        Print the CP-SAT search log.
    check
        Run the independent checker on the schedule. If it rejects the schedule the
        status becomes ``MODEL_INVALID`` (never a success) and a warning is emitted.
    explain
        When infeasible, compute an :class:`~ntm_sched.engine.explain.Explanation`.

    Returns
    -------
    Result
    """
    from ntm_sched.engine.checker import check as run_check

    t0 = time.perf_counter()
    bm = build_model(problem, hint=hint)
    solver = make_solver(time_limit, workers, seed, log)
    rcpsp = is_plain_rcpsp(problem)
    if rcpsp:
        _tune_rcpsp(solver)
    st, sol = run_solver(bm, solver)
    res = Result(status=st, runtime_s=0.0, solution=sol)
    if st == Status.MODEL_INVALID:
        res.notes.append(f"CP-SAT model invalid: {bm.model.validate()}")
    if sol is not None:
        res.objective = float(solver.objective_value)
        res.best_bound = float(solver.best_objective_bound)
        res.gap = abs(res.objective - res.best_bound) / max(1.0, abs(res.objective))
        if check:
            res.check = run_check(problem, sol)
            if not res.check.ok:
                res.notes.append(f"CHECKER REJECTED the {st.value} schedule: engine bug, do not use it")
                res.status = Status.MODEL_INVALID
                warnings.warn(f"engine schedule rejected by the checker:\n{res.check}", RuntimeWarning, stacklevel=2)
    elif st == Status.INFEASIBLE:
        res.best_bound = None
    res.runtime_s = time.perf_counter() - t0
    if st == Status.INFEASIBLE and explain:
        from ntm_sched.engine.explain import explain_infeasibility

        res.explanation = explain_infeasibility(problem, time_limit=max(1.0, time_limit), workers=workers, seed=seed)
    return res
