"""What a constraint family declares: :class:`Family`, one per module of :mod:`ntm_sched.engine.families`.

A family is one rule of :mod:`ntm_sched.engine.problem` (precedences, calendar breaks, modes,
renewable capacity, budgets, money, deadlines). Its module holds the rule's part of the CP-SAT
model, the independent check of a schedule against the rule, and says beside them how the
explanation relaxes or blames the rule and how the serial schedule generator
(:mod:`ntm_sched.engine.heuristic`) respects it. Plain Python: no OR-Tools here, so the checker
imports the families without CP-SAT.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from ntm_sched.engine.families.context import ModelContext
    from ntm_sched.engine.problem import Problem, Task
    from ntm_sched.engine.result import Solution, TaskSchedule, Violation

Valid = dict[str, tuple[int, int, int]]
"""Task id -> ``(start, end, mode)`` of the well-formed entries of a schedule (the checker's)."""


@dataclass(frozen=True)
class Relax:
    """How the explanation relaxes a family: the ``relax`` key ``(kind, name)`` of
    :func:`~ntm_sched.engine.builder.build_model` for each ``name`` the family may drop, and the
    words for what dropping it relaxes.

    ``money`` is the problem with ``name`` dropped as far as money goes (what
    :func:`~ntm_sched.engine.explain.money_shortfall` reads: the sources and the tasks' costs), or
    ``None`` when dropping it changes neither: a money shortfall then stands with it dropped, and
    the explanation knows without a search that it does not remove the conflict alone."""

    kind: str
    names: Callable[[Problem], list[str]]
    detail: Callable[[Problem, str], str]
    money: Callable[[Problem, str], Problem] | None = None


@dataclass(frozen=True)
class Family:
    """One constraint family and its four treatments.

    Attributes
    ----------
    name
        Short name (the module's).
    add_task
        Its model part for one task, called by the builder in the task loop (in the order of
        :data:`~ntm_sched.engine.families.FAMILIES`), or ``None``.
    add_to_model
        Its model part over the whole problem, called after the task loop, or ``None``.
    add_redundant
        Redundant constraints (only with ``build_model(redundant=True)``), posted after the task
        loop and before every ``add_to_model``, or ``None``.
    check_task
        Its check of one task's well-formed schedule entry, or ``None``.
    check
        Its check over the whole schedule (the well-formed entries, :data:`Valid`), or ``None``.
    well_formed
        A violation found by ``check_task`` makes the task's entry unusable for every other check
        (the mode index).
    relax
        How the explanation relaxes it (:class:`Relax`), or ``None`` when it is never relaxed.
    explain
        How :mod:`ntm_sched.engine.explain` relaxes or blames it, in words.
    sgs
        How the serial schedule generator (:func:`ntm_sched.engine.heuristic.money_sgs`) respects it.
    """

    name: str
    explain: str
    sgs: str
    add_task: Callable[[ModelContext, Task], None] | None = None
    add_to_model: Callable[[ModelContext], None] | None = None
    add_redundant: Callable[[ModelContext], None] | None = None
    check_task: Callable[[Problem, Task, TaskSchedule], list[Violation]] | None = None
    check: Callable[[Problem, Solution, Valid], list[Violation]] | None = None
    well_formed: bool = False
    relax: Relax | None = None


def whole(x: object) -> bool:
    """An integer period or amount (Python or NumPy integer; not a bool, not a float)."""
    return isinstance(x, numbers.Integral) and not isinstance(x, bool)
