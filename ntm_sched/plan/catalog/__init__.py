"""The package's reference data: criteria sets and recognition procedures, versioned, one row each with
its source and a confidence mark.

A plan picks one criteria set and one procedure by id in its ``unit`` table (:mod:`ntm_sched.plan.schema`);
the plan's own ``criteria.csv`` and ``recognition_steps.csv`` are then optional (they must agree with
the set, and override the procedure's steps). Files, UTF-8 CSV in this folder:

``criteria_sets.csv``
    one row per list of a set: ``criteria_set, list, unit_level, target_level, requires, decision,
    period, source, mark`` (``list`` is the value of ``criteria.set`` in a plan: ``commune``,
    ``commune_advanced``, ``commune_model``, ``district``; ``requires``: the commune level that must
    be reached before this one)
``criteria.csv``
    the criteria of each list: ``criteria_set, list, code, group, name_vi, name_en, source, mark``
``procedures.csv``
    ``procedure, decision, period, name_vi, name_en, source, mark``
``procedure_steps.csv``
    the steps of each procedure, the columns of ``recognition_steps.csv`` after ``procedure``, then ``mark``

``mark`` is the confidence of what the row states (for a step: its order and duration), as in
``FACTS.md``: **V** verified in the source text, **I** inferred from verified facts, **U** uncertain
(an assumption). A reform (a new set, a new procedure) is new rows here, never code.

>>> from ntm_sched.plan.catalog import criteria_sets, procedures
>>> sorted(criteria_sets())
['ntm_2016_2020', 'ntm_2021_2025']
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

CATALOG_DIR = Path(__file__).resolve().parent
"""Where the catalogue's CSV files are (installed with the package)."""
MARKS = ("V", "I", "U")
"""Confidence marks: verified, inferred, uncertain."""


class CatalogError(ValueError):
    """The shipped catalogue is malformed (a packaging bug: names the file, line and column)."""


@dataclass(frozen=True)
class CatalogRow:
    """One row of a catalogue file: its text cells and where it is."""

    file: str
    line: int
    cells: Mapping[str, str]

    def __getitem__(self, key: str) -> str:
        return self.cells[key]


@dataclass(frozen=True)
class CriteriaList:
    """One list of a criteria set (the criteria a commune aiming at one level, or a district, must meet)."""

    criteria_set: str
    list: str
    unit_level: str
    target_level: str
    requires: str | None
    decision: str
    period: str
    source: str
    mark: str
    criteria: tuple[CatalogRow, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(r["code"] for r in self.criteria)


@dataclass(frozen=True)
class CriteriaSet:
    """A criteria set (e.g. ``ntm_2021_2025``): its lists by ``list`` id."""

    id: str
    lists: Mapping[str, CriteriaList]

    @property
    def period(self) -> str:
        return next(iter(self.lists.values())).period

    def list_for(self, unit_level: str, target_level: str = "ntm") -> CriteriaList | None:
        """The list of a unit level (``commune``/``district``) and target level, or ``None``."""
        for lst in self.lists.values():
            if lst.unit_level == unit_level and lst.target_level == target_level:
                return lst
        return None

    def levels(self, unit_level: str = "commune") -> tuple[str, ...]:
        """The target levels the set has for ``unit_level``."""
        return tuple(lst.target_level for lst in self.lists.values() if lst.unit_level == unit_level)


@dataclass(frozen=True)
class Procedure:
    """A recognition procedure: its steps (the columns of ``recognition_steps.csv``) in file order."""

    id: str
    decision: str
    period: str
    name_vi: str
    name_en: str
    source: str
    mark: str
    steps: tuple[CatalogRow, ...]

    def step(self, chain: str, step: str) -> CatalogRow | None:
        for s in self.steps:
            if s["chain"] == chain and s["step"] == step:
                return s
        return None


def catalog_label(name: str) -> str:
    """How an issue names a catalogue file: ``catalog/<name>`` (inside the package)."""
    return f"catalog/{name}"


def _read(name: str, columns: tuple[str, ...]) -> list[CatalogRow]:
    path = CATALOG_DIR / name
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        if tuple(header) != columns:
            raise CatalogError(f"{catalog_label(name)}, line 1: columns {header} (expected {list(columns)})")
        rows = []
        for cells in reader:
            line = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(columns):
                raise CatalogError(f"{catalog_label(name)}, line {line}: {len(cells)} cells, "
                                   f"{len(columns)} columns")
            row = CatalogRow(catalog_label(name), line, MappingProxyType(dict(zip(columns, cells))))
            if "mark" in columns and row["mark"] not in MARKS:
                raise CatalogError(f"{catalog_label(name)}, line {line}, column 'mark': {row['mark']!r} is not "
                                   f"one of {', '.join(MARKS)}")
            if "source" in columns and not row["source"].strip():
                raise CatalogError(f"{catalog_label(name)}, line {line}, column 'source': empty")
            rows.append(row)
    return rows


SET_COLUMNS = ("criteria_set", "list", "unit_level", "target_level", "requires", "decision", "period", "source",
               "mark")
CRITERIA_COLUMNS = ("criteria_set", "list", "code", "group", "name_vi", "name_en", "source", "mark")
PROCEDURE_COLUMNS = ("procedure", "decision", "period", "name_vi", "name_en", "source", "mark")
STEP_COLUMNS = ("procedure", "chain", "step", "order", "name_vi", "name_en", "agency_id", "duration_days",
                "effort_per_week", "calendar", "milestone", "source", "mark")


@functools.cache
def criteria_sets() -> Mapping[str, CriteriaSet]:
    """Every criteria set of the catalogue by id."""
    crit = _read("criteria.csv", CRITERIA_COLUMNS)
    lists: dict[str, dict[str, CriteriaList]] = {}
    for r in _read("criteria_sets.csv", SET_COLUMNS):
        members = tuple(c for c in crit if c["criteria_set"] == r["criteria_set"] and c["list"] == r["list"])
        if not members:
            raise CatalogError(f"{r.file}, line {r.line}: list {r['list']!r} of {r['criteria_set']!r} has no "
                               f"criteria in {catalog_label('criteria.csv')}")
        lists.setdefault(r["criteria_set"], {})[r["list"]] = CriteriaList(
            r["criteria_set"], r["list"], r["unit_level"], r["target_level"], r["requires"] or None,
            r["decision"], r["period"], r["source"], r["mark"], members)
    for c in crit:
        if c["list"] not in lists.get(c["criteria_set"], {}):
            raise CatalogError(f"{c.file}, line {c.line}: list {c['list']!r} of {c['criteria_set']!r} is not in "
                               f"{catalog_label('criteria_sets.csv')}")
    return MappingProxyType({k: CriteriaSet(k, MappingProxyType(v)) for k, v in lists.items()})


@functools.cache
def procedures() -> Mapping[str, Procedure]:
    """Every recognition procedure of the catalogue by id."""
    steps = _read("procedure_steps.csv", STEP_COLUMNS)
    out: dict[str, Procedure] = {}
    for r in _read("procedures.csv", PROCEDURE_COLUMNS):
        mine = tuple(s for s in steps if s["procedure"] == r["procedure"])
        out[r["procedure"]] = Procedure(r["procedure"], r["decision"], r["period"], r["name_vi"], r["name_en"],
                                        r["source"], r["mark"], mine)
    for s in steps:
        if s["procedure"] not in out:
            raise CatalogError(f"{s.file}, line {s.line}: procedure {s['procedure']!r} is not in "
                               f"{catalog_label('procedures.csv')}")
    return MappingProxyType(out)


ROLE_COLUMNS = ("agency_id", "name_vi", "name_en", "kind", "source", "mark")
SETTING_COLUMNS = ("key", "value", "description", "source", "mark")


@functools.cache
def agency_roles() -> tuple[CatalogRow, ...]:
    """The agencies the catalogue's procedures name (ids, names, kinds; no capacities): what a new plan
    starts its agency table with (``plan new``)."""
    return tuple(_read("agencies.csv", ROLE_COLUMNS))


@functools.cache
def settings_defaults() -> tuple[CatalogRow, ...]:
    """The settings a new plan starts with (``plan new``): modelling defaults with their source, and the
    plan's own dates left empty to fill."""
    return tuple(_read("settings_defaults.csv", SETTING_COLUMNS))
