"""Immutable records of a plan, one class per table of :mod:`.schema`.

Every record checks its own cells when created (kinds, emptiness, minimums,
choices; text is normalised to NFC and stripped; lists become tuples), so
``dataclasses.replace`` on a record yields a checked record or raises ``ValueError``.
The checks across tables live in :mod:`.validate`, the whole plan in :mod:`.model`.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, fields
from typing import Any, ClassVar

from .cells import nfc
from .schema import TABLE_BY_NAME, TABLES, Column


def _coerce(table: str, col: Column, value: Any) -> Any:
    """Check one field of a record; return the (possibly normalised) value."""
    where = f"{table}.{col.name}"
    if col.kind == "list":
        if value is None:
            value = ()
        elif isinstance(value, str):
            value = tuple(i.strip() for i in value.split(";"))
        if not isinstance(value, (tuple, list)):
            raise ValueError(f"{where}: expected a list of text, got {value!r}")
        items = []
        for item in value:
            if not isinstance(item, str):
                raise ValueError(f"{where}: list items must be text, got {item!r}")
            item = nfc(item).strip()
            if item:
                items.append(item)
        if not items and not col.nullable:
            raise ValueError(f"{where}: must not be empty")
        return tuple(items)
    if isinstance(value, str):
        value = nfc(value).strip()
        if value == "":
            value = None
    if value is None:
        if not col.nullable:
            raise ValueError(f"{where}: must not be empty")
        return None
    if col.kind == "str":
        if not isinstance(value, str):
            raise ValueError(f"{where}: expected text, got {value!r}")
        if col.choices is not None and value not in col.choices:
            raise ValueError(f"{where}: {value!r} is not one of {', '.join(col.choices)}")
        return value
    if col.kind == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"{where}: expected true/false, got {value!r}")
        return value
    if col.kind == "date":
        if isinstance(value, dt.datetime):
            value = value.date()
        if not isinstance(value, dt.date):
            raise ValueError(f"{where}: expected a date, got {value!r}")
        return value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"{where}: expected a number, got {value!r}")
    if col.kind == "int":
        if isinstance(value, float):
            if not value.is_integer():
                raise ValueError(f"{where}: expected a whole number, got {value!r}")
            value = int(value)
    else:
        value = float(value)
        if not math.isfinite(value):
            raise ValueError(f"{where}: expected a finite number, got {value!r}")
    if col.minimum is not None and value < col.minimum:
        raise ValueError(f"{where}: {value!r} is below the minimum {col.minimum:g}")
    return value


@dataclass(frozen=True, kw_only=True)
class _Record:
    TABLE: ClassVar[str] = ""

    def __post_init__(self) -> None:
        for col in TABLE_BY_NAME[self.TABLE].columns:
            old = getattr(self, col.name)
            new = _coerce(self.TABLE, col, old)
            if new is not old:
                object.__setattr__(self, col.name, new)

    @property
    def record_key(self) -> tuple[Any, ...]:
        return tuple(getattr(self, k) for k in TABLE_BY_NAME[self.TABLE].key)

    def as_dict(self) -> dict[str, Any]:
        return {c.name: getattr(self, c.name) for c in TABLE_BY_NAME[self.TABLE].columns}


@dataclass(frozen=True, kw_only=True)
class Setting(_Record):
    TABLE: ClassVar[str] = "settings"
    key: str
    value: str
    description: str | None = None
    source: str | None = None


@dataclass(frozen=True, kw_only=True)
class Unit(_Record):
    """Who owns the plan (``unit.csv``): name, administrative code, level, period, criteria set, procedure."""

    TABLE: ClassVar[str] = "unit"
    code: str
    name: str
    level: str
    period: str
    criteria_set: str | None = None
    procedure: str | None = None
    title_vi: str | None = None
    title_en: str | None = None
    invented: bool | None = None  # an invented example plan: reports and pages say so (empty: false)
    source: str | None = None


@dataclass(frozen=True, kw_only=True)
class Commune(_Record):
    TABLE: ClassVar[str] = "communes"
    code: str
    name: str
    alias: str | None = None
    status: str
    criteria_met: int
    missing_criteria: tuple[str, ...] = ()
    target_works_done: dt.date | None = None
    target_inspection: dt.date | None = None
    target_submission: dt.date | None = None
    target_appraisal: dt.date | None = None
    target_recognition: dt.date | None = None
    disadvantaged: bool
    plan_ref: str | None = None
    note: str | None = None
    target_level: str | None = None
    level_reached: str | None = None
    district_code: str | None = None

    @property
    def recognised(self) -> bool:
        return self.status == "recognised"

    @property
    def level(self) -> str:
        """The level the plan aims at (``ntm`` when ``target_level`` is empty)."""
        return self.target_level or "ntm"


@dataclass(frozen=True, kw_only=True)
class Criterion(_Record):
    TABLE: ClassVar[str] = "criteria"
    set: str
    code: str
    group: str | None = None
    name_vi: str
    name_en: str
    source: str | None = None


@dataclass(frozen=True, kw_only=True)
class Agency(_Record):
    TABLE: ClassVar[str] = "agencies"
    agency_id: str
    name_vi: str
    name_en: str
    kind: str
    weekly_capacity: float
    source: str


@dataclass(frozen=True, kw_only=True)
class CapacityChange(_Record):
    TABLE: ClassVar[str] = "capacity_changes"
    agency_id: str
    start_date: dt.date
    end_date: dt.date
    weekly_capacity: float
    source: str | None = None


@dataclass(frozen=True, kw_only=True)
class WorkType(_Record):
    TABLE: ClassVar[str] = "work_types"
    work_type: str
    name_vi: str
    name_en: str
    unit: str
    unit_cost_mvnd: float
    support_norm_mvnd: float | None = None
    duration_fixed_days: int
    duration_per_batch_days: int
    parallel_per_commune: int
    lead_agency: str
    effort_per_week: float
    calendar: str
    accelerable: bool
    source: str
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class PlanTask(_Record):
    TABLE: ClassVar[str] = "tasks"
    task_id: str
    commune_code: str
    criterion: str
    work_type: str
    quantity: float
    quantity_estimated: bool
    unit: str
    description_vi: str
    description_en: str | None = None
    plan_ref: str
    predecessors: tuple[str, ...] = ()
    lead_agency: str | None = None
    release_date: dt.date | None = None
    due_date: dt.date | None = None
    estimate_note: str | None = None
    share_remaining: float | None = None

    @property
    def share(self) -> float:
        """The share of the work still to do (``share_remaining``; empty means the whole work)."""
        return 1.0 if self.share_remaining is None else float(self.share_remaining)


@dataclass(frozen=True, kw_only=True)
class Source(_Record):
    TABLE: ClassVar[str] = "sources"
    source_id: str
    name_vi: str
    name_en: str
    pays_for: tuple[str, ...]
    source: str

    def may_pay(self, work_type: str) -> bool:
        return "*" in self.pays_for or work_type in self.pays_for


@dataclass(frozen=True, kw_only=True)
class Tranche(_Record):
    TABLE: ClassVar[str] = "funding"
    tranche_id: str
    source_id: str
    date_available: dt.date
    amount_mvnd: float
    commune_code: str | None = None
    source: str
    district_code: str | None = None

    @property
    def earmark(self) -> str | None:
        """Whose tasks alone may use the tranche: a commune's code, a district's code, or ``None``."""
        return self.commune_code or self.district_code or None


@dataclass(frozen=True, kw_only=True)
class Break(_Record):
    """A non-working period (inclusive dates) of one calendar: a row of ``calendar``."""

    TABLE: ClassVar[str] = "calendar"
    calendar: str
    start_date: dt.date
    end_date: dt.date
    name_vi: str
    name_en: str
    source: str


@dataclass(frozen=True, kw_only=True)
class RecognitionStep(_Record):
    TABLE: ClassVar[str] = "recognition_steps"
    chain: str
    step: str
    order: int
    name_vi: str
    name_en: str
    agency_id: str
    duration_days: int
    effort_per_week: float
    calendar: str
    milestone: str | None = None
    source: str


@dataclass(frozen=True, kw_only=True)
class StepProgress(_Record):
    """A recognition step of one commune partly or wholly done at the plan's date (``step_progress.csv``)."""

    TABLE: ClassVar[str] = "step_progress"
    commune_code: str
    step: str
    share_remaining: float
    source: str


@dataclass(frozen=True, kw_only=True)
class District(_Record):
    """A district of a province plan (``districts.csv``)."""

    TABLE: ClassVar[str] = "districts"
    code: str
    name: str
    source: str


@dataclass(frozen=True, kw_only=True)
class CouncilSession(_Record):
    """A sitting of the provincial appraisal council (``council_sessions.csv``)."""

    TABLE: ClassVar[str] = "council_sessions"
    session_id: str
    date: dt.date
    capacity: int
    cutoff_days: int
    source: str


RECORD_TYPES: dict[str, type[_Record]] = {
    cls.TABLE: cls
    for cls in (Setting, Unit, Commune, Criterion, Agency, CapacityChange, WorkType, PlanTask,
                Source, Tranche, Break, RecognitionStep, StepProgress, District, CouncilSession)
}
# Plan attribute holding each table's records (``settings`` is the key -> value mapping).
PLAN_FIELD: dict[str, str] = {t.name: {"settings": "setting_rows", "unit": "unit_rows"}.get(t.name, t.name)
                             for t in TABLES}

for _t in TABLES:  # the records follow the schema exactly
    _names = [f.name for f in fields(RECORD_TYPES[_t.name])]
    assert _names == [c.name for c in _t.columns], _t.name
