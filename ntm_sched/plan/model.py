"""Immutable, validated records of a plan, one class per table of :mod:`.schema`.

Every record checks its own cells when created (kinds, emptiness, minimums,
choices; text is normalised to NFC and stripped; lists become tuples). A
:class:`Plan` checks everything across tables (references, duplicate keys,
precedence cycles, domain rules) when created, so ``dataclasses.replace`` on a
record or on a plan yields a checked object or raises
:class:`~ntm_sched.plan.validate.PlanValidationError`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field, fields
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar

from .cells import CellError, format_cell, nfc, parse_date
from .schema import TABLE_BY_NAME, TABLES, Column

if TYPE_CHECKING:
    import pandas as pd

# Set by the loader, which has already run every check on the rows it builds from.
_TRUSTED: ContextVar[bool] = ContextVar("_TRUSTED", default=False)


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
    target_appraisal: dt.date | None = None
    target_recognition: dt.date | None = None
    disadvantaged: bool
    plan_ref: str | None = None
    note: str | None = None

    @property
    def recognised(self) -> bool:
        return self.status == "recognised"


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


RECORD_TYPES: dict[str, type[_Record]] = {
    cls.TABLE: cls
    for cls in (Setting, Commune, Criterion, Agency, CapacityChange, WorkType, PlanTask,
                Source, Tranche, Break, RecognitionStep)
}
# Plan attribute holding each table's records (``settings`` is the key -> value mapping).
PLAN_FIELD: dict[str, str] = {t.name: ("setting_rows" if t.name == "settings" else t.name) for t in TABLES}

for _t in TABLES:  # the records follow the schema exactly
    _names = [f.name for f in fields(RECORD_TYPES[_t.name])]
    assert _names == [c.name for c in _t.columns], _t.name


_MISSING: Any = object()


@dataclass(frozen=True)
class Plan:
    """A whole plan: one tuple of records per table, checked across tables."""

    setting_rows: tuple[Setting, ...] = ()
    communes: tuple[Commune, ...] = ()
    criteria: tuple[Criterion, ...] = ()
    agencies: tuple[Agency, ...] = ()
    capacity_changes: tuple[CapacityChange, ...] = ()
    work_types: tuple[WorkType, ...] = ()
    tasks: tuple[PlanTask, ...] = ()
    sources: tuple[Source, ...] = ()
    funding: tuple[Tranche, ...] = ()
    calendar: tuple[Break, ...] = ()
    recognition_steps: tuple[RecognitionStep, ...] = ()
    source_path: Path | None = field(default=None, compare=False)
    _settings: Mapping[str, str] = field(init=False, repr=False, compare=False, hash=False)
    _index: Mapping[str, Mapping[Any, Any]] = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        for name, attr in PLAN_FIELD.items():
            rows = getattr(self, attr)
            cls = RECORD_TYPES[name]
            if not isinstance(rows, tuple):
                rows = tuple(rows)
                object.__setattr__(self, attr, rows)
            for r in rows:
                if not isinstance(r, cls):
                    raise TypeError(f"Plan.{attr} must hold {cls.__name__} records, got {type(r).__name__}")
        if self.source_path is not None and not isinstance(self.source_path, Path):
            object.__setattr__(self, "source_path", Path(self.source_path))
        if not _TRUSTED.get():
            from .validate import PlanValidationError, check_plan_records

            issues = check_plan_records(self)
            if any(i.severity == "error" for i in issues):
                raise PlanValidationError(issues)
        object.__setattr__(self, "_settings", MappingProxyType({s.key: s.value for s in self.setting_rows}))
        tasks_by_commune: dict[str, list[PlanTask]] = {}
        for t in self.tasks:
            tasks_by_commune.setdefault(t.commune_code, []).append(t)
        object.__setattr__(self, "_index", MappingProxyType({
            "communes": MappingProxyType({c.code: c for c in self.communes}),
            "agencies": MappingProxyType({a.agency_id: a for a in self.agencies}),
            "work_types": MappingProxyType({w.work_type: w for w in self.work_types}),
            "tasks": MappingProxyType({t.task_id: t for t in self.tasks}),
            "sources": MappingProxyType({s.source_id: s for s in self.sources}),
            "tasks_of": MappingProxyType({k: tuple(v) for k, v in tasks_by_commune.items()}),
        }))

    # -- lookups -----------------------------------------------------------
    @property
    def settings(self) -> Mapping[str, str]:
        """Settings as a read-only ``key -> value`` (text) mapping."""
        return self._settings

    @property
    def breaks(self) -> tuple[Break, ...]:
        return self.calendar

    def records(self, table: str) -> tuple[Any, ...]:
        return getattr(self, PLAN_FIELD[table])

    def commune(self, code: str) -> Commune:
        return self._index["communes"][code]

    def agency(self, agency_id: str) -> Agency:
        return self._index["agencies"][agency_id]

    def work_type(self, work_type: str) -> WorkType:
        return self._index["work_types"][work_type]

    def task(self, task_id: str) -> PlanTask:
        return self._index["tasks"][task_id]

    def source(self, source_id: str) -> Source:
        return self._index["sources"][source_id]

    def tasks_of(self, code: str) -> tuple[PlanTask, ...]:
        """Tasks of one commune (or ``"DISTRICT"``), in file order."""
        return self._index["tasks_of"].get(code, ())

    def not_recognised(self) -> tuple[Commune, ...]:
        return tuple(c for c in self.communes if c.status == "not_recognised")

    def lead_agency_of(self, task: PlanTask) -> str:
        return task.lead_agency or self.work_type(task.work_type).lead_agency

    # -- settings ----------------------------------------------------------
    def setting(self, key: str, default: Any = _MISSING) -> str:
        if key in self._settings:
            return self._settings[key]
        if default is _MISSING:
            raise KeyError(f"setting {key!r} is missing from settings")
        return default

    def _typed_setting(self, key: str, default: Any, convert: Any, what: str) -> Any:
        if key not in self._settings:
            if default is _MISSING:
                raise KeyError(f"setting {key!r} is missing from settings")
            return default
        text = self._settings[key]
        try:
            return convert(text)
        except (ValueError, CellError) as exc:
            raise ValueError(f"setting {key!r}: {text!r} is not {what} ({exc})") from None

    def setting_date(self, key: str, default: Any = _MISSING) -> dt.date:
        return self._typed_setting(key, default, parse_date, "a date")

    def setting_float(self, key: str, default: Any = _MISSING) -> float:
        def conv(text: str) -> float:
            v = float(text)
            if not math.isfinite(v):
                raise ValueError("not finite")
            return v
        return self._typed_setting(key, default, conv, "a number")

    def setting_int(self, key: str, default: Any = _MISSING) -> int:
        return self._typed_setting(key, default, lambda s: int(s.strip()), "a whole number")

    def setting_bool(self, key: str, default: Any = _MISSING) -> bool:
        from .cells import parse_bool
        return self._typed_setting(key, default, lambda s: parse_bool(s.strip()), "true/false")

    # -- tables ------------------------------------------------------------
    def table(self, name: str) -> pd.DataFrame:
        """A fresh DataFrame of one table: schema column order, dates as ``datetime.date``,
        lists as Python lists, empty cells as ``None``/NaN."""
        import pandas as pd

        table = TABLE_BY_NAME[name]
        rows = self.records(name)
        data: dict[str, list[Any]] = {c.name: [] for c in table.columns}
        for r in rows:
            for c in table.columns:
                v = getattr(r, c.name)
                data[c.name].append(list(v) if c.kind == "list" else v)
        frame = pd.DataFrame(data, columns=[c.name for c in table.columns])
        for c in table.columns:
            if c.kind in ("date", "list", "bool") or (c.kind != "str" and not rows):
                frame[c.name] = pd.Series(data[c.name], dtype=object, index=frame.index)
        return frame

    def text_rows(self, name: str) -> list[list[str]]:
        """Rows of one table as the text written to a file (schema column order)."""
        table = TABLE_BY_NAME[name]
        return [[format_cell(c, getattr(r, c.name)) for c in table.columns] for r in self.records(name)]

    def with_table(self, name: str, frame: pd.DataFrame) -> Plan:
        """A new plan with table ``name`` replaced by ``frame`` (checked like a file)."""
        from .validate import plan_with_frame

        return plan_with_frame(self, name, frame)

    def summary(self) -> dict[str, Any]:
        return {
            "communes": len(self.communes),
            "not_recognised": len(self.not_recognised()),
            "tasks": len(self.tasks),
            "sources": len(self.sources),
            "tranches": len(self.funding),
            "funding_mvnd": sum(t.amount_mvnd for t in self.funding),
        }
