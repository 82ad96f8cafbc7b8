"""Generic project scheduling with CP-SAT (knows nothing of communes)."""

from ntm_sched.engine.checker import CheckReport, Violation, check
from ntm_sched.engine.explain import Explanation
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
from ntm_sched.engine.result import NotSolvedError, Payment, Result, Solution, Status, TaskSchedule
from ntm_sched.engine.solve import solve

__all__ = [
    "Budget", "Calendar", "CheckReport", "Explanation", "Mode", "NotSolvedError", "Objective", "Payment",
    "Precedence", "Problem", "ProblemError", "PsplibFormatError", "Resource", "Result", "Solution", "Source",
    "Status", "Task", "TaskSchedule", "Tranche", "Violation", "check", "elapsed_end", "read_psplib", "solve",
]
