"""The state the constraint families share while the builder builds one CP-SAT model.

:class:`ModelContext` holds the :class:`~ntm_sched.engine.model.BuiltModel` being filled (task
variables, mode literals, tier terms), the earliest starts and latest ends of
:func:`~ntm_sched.engine.families.tasks.bounds`, the build options, and what one family leaves
for another: a task's duration expression and elapsed-time terms (:class:`TaskVars`), its
intervals and their demands (for the capacity family), its cost and advance expressions (for
the money family).

The task variables themselves are made by :mod:`ntm_sched.engine.families.tasks`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ntm_sched.engine.problem import Problem

if TYPE_CHECKING:  # pragma: no cover
    from ortools.sat.python import cp_model

    from ntm_sched.engine.model import BuiltModel


@dataclass
class TaskVars:
    """What the families derive for one task and pass on to each other within the task loop."""

    durs: list[int]
    dmin: int
    dmax: int
    lo_s: int
    hi_s: int
    hi_e: int
    breaks: list[tuple[int, int]]  # the calendar breaks the task can reach
    lits: list = field(default_factory=list)  # mode literals (empty with one mode)
    dur_expr: Any = 0  # the chosen mode's duration (int or expression)
    ext_terms: list = field(default_factory=list)  # break lengths times "spans the break" literals


@dataclass
class ModelContext:
    """The build in progress: the model, shared bounds and options, and hand-offs between families."""

    problem: Problem
    bm: BuiltModel
    relax: frozenset[tuple[str, str]]
    deadline_assumptions: bool
    soften_hard_deadlines: bool
    redundant: bool
    money: bool
    cash_flow: bool | None
    es: dict[str, int] = field(default_factory=dict)
    lf: dict[str, int] = field(default_factory=dict)
    tv: dict[str, TaskVars] = field(default_factory=dict)
    mode_demand_intervals: dict[str, list[tuple[Any, int]]] = field(default_factory=lambda: defaultdict(list))
    cost_expr: dict[str, Any] = field(default_factory=dict)
    task_interval: dict[str, Any] = field(default_factory=dict)
    adv_expr: dict[str, Any] = field(default_factory=dict)

    @property
    def model(self) -> cp_model.CpModel:
        return self.bm.model

    @property
    def horizon(self) -> int:
        return self.problem.horizon

    @property
    def tiers(self) -> dict[str, list]:
        return self.bm.tier_terms
