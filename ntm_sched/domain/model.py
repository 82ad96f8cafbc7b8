"""What the NTM domain layer adds to an engine problem: the map back to the plan's terms."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from ntm_sched.engine.problem import Problem
from ntm_sched.plan.settings import MILESTONES, PlanSettings
from ntm_sched.units import date_to_period, period_to_date

EXTRA_SOURCE = "EXTRA"
"""Name of the engine's unlimited extra-funding source."""

DISTRICT = "DISTRICT"
"""Owner code of the district's own tasks and recognition chain."""

__all__ = ["DISTRICT", "EXTRA_SOURCE", "MILESTONES", "NtmModel", "TaskInfo"]


@dataclass(frozen=True)
class TaskInfo:
    """What the NTM layer knows about one engine task."""

    task_id: str
    commune_code: str  # commune code or "DISTRICT"
    criterion: str
    kind: str  # "work" or "step"
    work_type: str  # work type, or the step name for chain steps
    agency: str | None
    name_vi: str
    name_en: str
    milestone: str | None = None  # for chain steps held to a target
    target_date: dt.date | None = None
    modes: tuple[str, ...] = ("normal",)


UNIT_FIELDS = ("name", "code", "level", "period", "criteria_set", "procedure", "invented")
"""What ``summary.json`` says of the plan's unit (``unit.csv``)."""


def unit_summary(plan: Any) -> dict[str, Any] | None:
    """The plan's unit as ``summary.json`` names it (:data:`UNIT_FIELDS`; ``invented`` true/false), or
    ``None`` when the plan does not name its unit.

    Parameters
    ----------
    plan
        A :class:`~ntm_sched.plan.Plan`.
    """
    unit = plan.unit
    if unit is None:
        return None
    out = {k: getattr(unit, k) for k in UNIT_FIELDS}
    out["invented"] = bool(unit.invented)
    return out


@dataclass(frozen=True)
class NtmModel:
    """An engine problem plus the mapping back to the plan's terms."""

    problem: Problem
    origin: dt.date
    info: dict[str, TaskInfo]
    source_map: dict[str, tuple[str, str | None]]  # engine source -> (source_id, earmark)
    agency_resources: dict[str, str]  # agency id -> engine resource name
    settings: PlanSettings
    commune_names: dict[str, str] = field(default_factory=dict)  # code -> name (NFC), "DISTRICT" -> "huyện"
    # calendar -> its breaks as in calendar.csv: (start_date, end_date, name_vi, name_en)
    breaks: dict[str, list[tuple[dt.date, dt.date, str, str]]] = field(default_factory=dict)
    # whose plan (unit.csv), as summary.json names it: name, code, level, period, criteria set, procedure,
    # invented; None for a plan that does not name its unit
    unit: dict[str, Any] | None = None

    def period(self, d: dt.date) -> int:
        """Engine period of date ``d``."""
        return date_to_period(self.origin, d)

    def date(self, period: int) -> dt.date:
        """Date of engine period ``period``."""
        return period_to_date(self.origin, period)

    def completion_date(self, end: int, start: int) -> dt.date:
        """The day a task ending at ``end`` (exclusive) is complete: its last working day.

        A zero-length milestone at ``t`` completes on the day before ``t`` (the day its
        predecessors finished), or on day 0.
        """
        return self.date(max(end - 1, 0))

    def with_problem(self, problem: Problem) -> NtmModel:
        """The same maps (calendars' breaks and the plan's unit included) around another (derived) engine problem."""
        return dataclasses.replace(self, problem=problem)
