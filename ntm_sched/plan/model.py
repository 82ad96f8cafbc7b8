"""The whole plan: one tuple of records per table (:mod:`.records`), checked across tables.

A :class:`Plan` checks everything across tables (references, duplicate keys, precedence
cycles, domain rules, :func:`.validate.check_records`) when created, so
``dataclasses.replace`` on a plan yields a checked plan or raises
:class:`~ntm_sched.plan.issues.PlanValidationError`. Record-level edits (scale funding,
shift deadlines, set capacity, keep some communes) are in :mod:`.edits`; the typed settings
in :mod:`.settings`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .cells import CellError, format_cell, parse_bool, parse_date
from .issues import Issue, Locator, PlanValidationError, RawTable
from .records import (
    PLAN_FIELD,
    RECORD_TYPES,
    Agency,
    Break,
    CapacityChange,
    Commune,
    CouncilSession,
    Criterion,
    District,
    PlanTask,
    RecognitionStep,
    Setting,
    Source,
    StepProgress,
    Tranche,
    Unit,
    WorkType,
)
from .schema import TABLE_BY_NAME, TABLES
from .validate import check_raw, check_records, frame_to_raw

if TYPE_CHECKING:
    import pandas as pd

# Set by the builders below, which have already run every check on the rows they build from.
_TRUSTED: ContextVar[bool] = ContextVar("_TRUSTED", default=False)

_MISSING: Any = object()


@dataclass(frozen=True)
class Plan:
    """A whole plan: one tuple of records per table, checked across tables."""

    setting_rows: tuple[Setting, ...] = ()
    unit_rows: tuple[Unit, ...] = ()
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
    step_progress: tuple[StepProgress, ...] = ()
    districts: tuple[District, ...] = ()
    council_sessions: tuple[CouncilSession, ...] = ()
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
            issues = check_records({name: getattr(self, attr) for name, attr in PLAN_FIELD.items()})
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
            "step_progress": MappingProxyType({(p.commune_code, p.step): p for p in self.step_progress}),
        }))

    # -- lookups -----------------------------------------------------------
    @property
    def settings(self) -> Mapping[str, str]:
        """Settings as a read-only ``key -> value`` (text) mapping."""
        return self._settings

    @property
    def unit(self) -> Unit | None:
        """Who owns the plan (``unit.csv``), or ``None`` for a plan that does not say."""
        return self.unit_rows[0] if self.unit_rows else None

    @property
    def breaks(self) -> tuple[Break, ...]:
        return self.calendar

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as its records (to worker processes and Dask workers: a province sweep's jobs), rebuilt there
        without checking them again (:func:`trusted_plan`); the lookup tables are made anew."""
        return (trusted_plan, ({attr: getattr(self, attr) for attr in PLAN_FIELD.values()}, self.source_path))

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

    def step_share(self, commune: str, step: str) -> float:
        """The share of a recognition step still to do for ``commune`` at the plan's date
        (``step_progress.csv``; 1.0, the whole step, when the plan has no row for it)."""
        row = self._index["step_progress"].get((commune, step))
        return 1.0 if row is None else float(row.share_remaining)

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


# --------------------------------------------------------------------------
# Building plans from text tables (files, DataFrames)
# --------------------------------------------------------------------------


def trusted_plan(records: Mapping[str, Iterable[Any]], source_path: Path | None = None) -> Plan:
    """A plan from records already checked across tables (``records``: Plan field -> records)."""
    token = _TRUSTED.set(True)
    try:
        return Plan(**{k: tuple(v) for k, v in records.items()}, source_path=source_path)
    finally:
        _TRUSTED.reset(token)


def build_plan(raw_tables: dict[str, RawTable], locate: Locator, source_path: Path | None,
               pre_issues: Iterable[Issue] = ()) -> tuple[Plan | None, list[Issue]]:
    """Convert and check; the plan is ``None`` when there is any error."""
    typed, issues = check_raw(raw_tables, locate, pre_issues)
    if any(i.is_error for i in issues):
        return None, issues
    kwargs: dict[str, Any] = {}
    for name, rows in typed.items():
        cls = RECORD_TYPES[name]
        kwargs[PLAN_FIELD[name]] = tuple(cls(**r.values) for r in rows)
    return trusted_plan(kwargs, source_path), issues


def plan_to_raw(plan: Plan) -> dict[str, RawTable]:
    out = {}
    for table in TABLES:
        rows = [(i, cells) for i, cells in enumerate(plan.text_rows(table.name), start=1)]
        out[table.name] = RawTable(table.name, f"table '{table.name}'", None, [c.name for c in table.columns],
                                   rows, header_row=0, row_kind="row")
    return out


def plan_with_frame(plan: Plan, name: str, frame: pd.DataFrame) -> Plan:
    if name not in TABLE_BY_NAME:
        raise KeyError(f"unknown table {name!r} (tables: {', '.join(TABLE_BY_NAME)})")
    raw = plan_to_raw(plan)
    raw[name] = frame_to_raw(name, frame)

    def locate(t: str) -> tuple[str, str | None]:
        return raw[t].file, None

    new, issues = build_plan(raw, locate, plan.source_path)
    if new is None:
        raise PlanValidationError(issues)
    return new
