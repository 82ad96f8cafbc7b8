"""Generic project scheduling with CP-SAT (knows nothing of communes).

Describe a :class:`Problem` (tasks with modes, precedences, renewable resources
with capacity profiles, budgets, calendars with breaks, money sources with
tranches, deadlines and objective weights; semantics in
:mod:`ntm_sched.engine.problem`), then::

    result = solve(problem, SolveOptions(time_limit=10, workers=1, seed=0))
    result.raise_if_not_solved()          # loud error naming the status
    result.solution.tasks["T1"].start     # the schedule
    result.check                          # independent checker's report
    result.explanation                    # why, when infeasible

``Objective(lexicographic=True)`` optimises lateness, then extra funding, then the rest
(cost, makespan) in tiers; ``result.tiers`` holds a :class:`TierResult` per tier.

:func:`ntm_sched.engine.status.restrict_to_status` turns a problem and the progress known at a
status period (finished, started, money paid) into the problem of the rest; a
``Problem.reference_starts`` schedule makes a last lexicographic tier keep what need not move.

:func:`ntm_sched.engine.earliest.earliest_end` asks how early one task can end while the
lateness tier stays within a cap (probes between a proven bound and the best end found).

:func:`ntm_sched.engine.bounds.earliest_times` gives every task's earliest start and end from releases,
precedences, modes and calendars alone (no resources, no money, no CP-SAT): what no schedule can beat.

:class:`ntm_sched.engine.groups.GroupSearch` asks which groups of deadlines can be met together:
the largest sets, searched exactly across a chain of problems that differ only in money (each set
a feasibility question settled by a checked schedule, a relaxation's proof or a CP-SAT proof, or said
unsettled). :class:`ntm_sched.engine.relaxation.Relaxation` refutes a set of hard deadlines in
milliseconds (earliest dates against latest ones; the money the deadlines force against what the
sources can have released by then, a max-flow) and bounds the lateness of the other due dates.
:class:`ntm_sched.engine.stop.StopFlag` stops every CP-SAT search started while it is current.

:func:`check` verifies any :class:`Solution` without CP-SAT; :func:`read_psplib`
reads PSPLIB ``.sm``/``.mm`` files; :mod:`ntm_sched.engine.bench` benchmarks them;
:mod:`ntm_sched.engine.transforms` derives problems from problems (unlimited or scaled sources,
hard deadlines) for the studies.

:mod:`ntm_sched.engine.neighbourhoods` improves a complete schedule group by group (large
neighbourhoods: one group re-solved by CP-SAT with every other task held), for problems too large for
one CP-SAT model (a province's districts). A problem's :class:`~ntm_sched.engine.problem.Session` s
(an appraisal council's sittings) take the tasks of their kind in batches
(:mod:`ntm_sched.engine.families.sessions`).

Imports inside the engine point one way: ``problem`` <- ``bounds``, ``options``, ``result`` <- ``model``,
``families`` (one module per constraint family: its model part, check, explanation and warm-start
treatment), ``sgs`` (the serial generators' placement step) <- ``builder``, ``checker``, ``heuristic``
<- ``explain`` <- ``solve`` <- ``earliest``, ``transforms``, ``neighbourhoods``,
``psplib``, ``bench``.
"""

from ntm_sched.engine.checker import check
from ntm_sched.engine.options import SolveOptions
from ntm_sched.engine.problem import (
    Budget,
    Calendar,
    Mode,
    Objective,
    Precedence,
    Problem,
    ProblemError,
    Resource,
    Source,
    Task,
    Tranche,
    elapsed_end,
)
from ntm_sched.engine.psplib import PsplibFormatError, read_psplib
from ntm_sched.engine.result import (
    CheckReport,
    ConflictItem,
    Explanation,
    NotSolvedError,
    Payment,
    Result,
    Solution,
    Status,
    TaskSchedule,
    TierResult,
    Violation,
)

try:  # CP-SAT is needed to solve, not to describe or check a schedule
    from ntm_sched.engine.solve import solve
except ModuleNotFoundError as _exc:
    if not (_exc.name or "").startswith("ortools"):
        raise
    _missing = _exc

    def solve(*args, **kwargs):  # type: ignore[misc]
        """Unavailable: OR-Tools (CP-SAT) is not installed."""
        raise ModuleNotFoundError(f"solving needs OR-Tools (CP-SAT): {_missing}") from _missing

__all__ = [
    "Budget", "Calendar", "CheckReport", "ConflictItem", "Explanation", "Mode", "NotSolvedError", "Objective",
    "Payment", "Precedence", "Problem", "ProblemError", "PsplibFormatError", "Resource", "Result", "Solution",
    "SolveOptions", "Source", "Status", "Task", "TaskSchedule", "TierResult", "Tranche", "Violation", "check",
    "elapsed_end", "read_psplib", "solve",
]
