"""The one home of a CP-SAT solver as the engine uses it: deterministic settings, the solve's clock, the stop flag.

Every search of the engine (the solve's tiers, explanations, bounds, neighbourhood searches) takes its solver from
:func:`make_solver` and reads its status through :data:`STATUS`, so a limit, a seed or a Cancel means the same
everywhere. The module imports no other solving module, so any of them may import it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ortools.sat.python import cp_model

from ntm_sched.engine.clock import limit_work, set_limit
from ntm_sched.engine.result import Solution, Status
from ntm_sched.engine.stop import attach

if TYPE_CHECKING:
    from ntm_sched.engine.builder import BuiltModel

STATUS = {
    cp_model.OPTIMAL: Status.OPTIMAL,
    cp_model.FEASIBLE: Status.FEASIBLE,
    cp_model.INFEASIBLE: Status.INFEASIBLE,
    cp_model.UNKNOWN: Status.UNKNOWN,
    cp_model.MODEL_INVALID: Status.MODEL_INVALID,
}
"""CP-SAT's status codes as the engine's :class:`~ntm_sched.engine.result.Status`."""


def make_solver(time_limit: float, workers: int, seed: int, log: bool, *,
                safety: float | None = None) -> cp_model.CpSolver:
    """A CP-SAT solver with deterministic settings, attached to the current stop flag (:mod:`.stop`), limited to
    ``time_limit`` of the solve's clock (:mod:`.clock`: wall seconds, or deterministic time); with ``safety``,
    to ``time_limit`` units of deterministic time whatever the clock, ``safety`` wall seconds beside it."""
    solver = cp_model.CpSolver()
    p = solver.parameters
    p.num_workers = int(workers)
    p.random_seed = int(seed)
    p.log_search_progress = bool(log)
    if safety is None:
        set_limit(solver, time_limit)
    else:
        limit_work(solver, time_limit, safety)
    return attach(solver)  # attached last: a stop asked before wins


def run_solver(bm: BuiltModel, solver: cp_model.CpSolver) -> tuple[Status, Solution | None]:
    """Solve ``bm`` and read its solution."""
    st = STATUS.get(solver.solve(bm.model), Status.UNKNOWN)
    sol = bm.solution_from(solver) if st in (Status.OPTIMAL, Status.FEASIBLE) else None
    return st, sol
