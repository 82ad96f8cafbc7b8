"""Record-level edits of a plan, checked once at the end.

A :class:`PlanEdit` collects edits on the plan's typed records (no DataFrame, no text round
trip) and :meth:`PlanEdit.done` builds the new :class:`~ntm_sched.plan.model.Plan`, which runs
the cross-table checks once for all the edits. The module-level functions are one-edit
shortcuts. The input plan is never changed (plans and records are frozen).

Unknown ids raise ``KeyError`` naming them; a caller with a file to blame (a scenario) checks
ids first with :meth:`PlanEdit.unknown` and names its file and key.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from ntm_sched.units import scaled_release

from .model import Plan
from .records import PLAN_FIELD, Setting, Tranche

DISTRICT = "DISTRICT"
COMMUNE_TARGETS = ("target_works_done", "target_inspection", "target_submission", "target_appraisal",
                   "target_recognition")
DISTRICT_TARGET_SETTINGS = ("district_target_works_done", "district_target_inspection",
                            "district_target_submission", "district_target_appraisal",
                            "district_target_recognition")
RECOGNISED_CRITERIA = 19
"""Criteria a recognised commune meets (national commune criteria set 2016-2020)."""


def _setting_text(v: Any) -> str:
    return ("true" if v else "false") if isinstance(v, bool) else str(v)


def _shift(d: dt.date | None, days: int) -> dt.date | None:
    return d + dt.timedelta(days=days) if d is not None else None


class PlanEdit:
    """Edits of one plan, applied to records and checked once by :meth:`done`."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self._tables: dict[str, tuple[Any, ...]] = {}

    def records(self, table: str) -> tuple[Any, ...]:
        """The records of ``table`` with the edits so far."""
        return self._tables.get(table, self.plan.records(table))

    def _set(self, table: str, records: Iterable[Any]) -> PlanEdit:
        self._tables[table] = tuple(records)
        return self

    def unknown(self, ids: Iterable[str], table: str, column: str) -> list[str]:
        """The ``ids`` that are not a ``column`` value of ``table`` (sorted)."""
        known = {getattr(r, column) for r in self.records(table)}
        if table == "communes":
            known.add(DISTRICT)
        return sorted(set(ids) - known)

    def _require(self, ids: Iterable[str], table: str, column: str) -> None:
        bad = self.unknown(ids, table, column)
        if bad:
            raise KeyError(f"unknown {table}.{column} {bad}")

    # settings -------------------------------------------------------------------
    def set_settings(self, values: Mapping[str, Any], note: str = "override") -> PlanEdit:
        """Settings ``values`` (key -> value; booleans as true/false) set or added, each marked
        with ``note`` as its source."""
        rows = list(self.records("settings"))
        index = {r.key: i for i, r in enumerate(rows)}
        for k, v in values.items():
            text = _setting_text(v)
            if k in index:
                rows[index[k]] = dataclasses.replace(rows[index[k]], value=text, source=note)
            else:
                index[k] = len(rows)
                rows.append(Setting(key=k, value=text, description="", source=note))
        return self._set("settings", rows)

    # money ----------------------------------------------------------------------
    def scale_funding(self, scale: float | Mapping[str, float] = 1.0, *,
                      tranche_scale: Mapping[str, float] | None = None,
                      delay_days: Mapping[str, int] | None = None,
                      tranche_delay_days: Mapping[str, int] | None = None,
                      note: str | None = None) -> PlanEdit:
        """Every tranche's amount x ``scale`` (a number, or a factor per source id) x its
        ``tranche_scale``, released ``delay_days`` (per source) + ``tranche_delay_days`` later.
        Amounts are rounded down to 3 decimals (:func:`ntm_sched.units.scaled_release`, the one
        funding-scale rule); with ``note`` a changed tranche's ``source`` says so."""
        per_source = scale if isinstance(scale, Mapping) else None
        ts, dd, tdd = tranche_scale or {}, delay_days or {}, tranche_delay_days or {}
        if per_source is not None:
            self._require(per_source, "sources", "source_id")
        self._require(dd, "sources", "source_id")
        self._require(ts, "funding", "tranche_id")
        self._require(tdd, "funding", "tranche_id")
        rows = []
        for tr in self.records("funding"):
            base = float(per_source.get(tr.source_id, 1.0)) if per_source is not None else float(scale)  # type: ignore[arg-type]
            factor = base * float(ts.get(tr.tranche_id, 1.0))
            delay = int(dd.get(tr.source_id, 0)) + int(tdd.get(tr.tranche_id, 0))
            changes: dict[str, Any] = {"amount_mvnd": scaled_release(float(tr.amount_mvnd), factor)}
            if delay:
                changes["date_available"] = tr.date_available + dt.timedelta(days=delay)
            if note is not None and (factor != 1.0 or delay):
                changes["source"] = f"{tr.source}; {note}"
            rows.append(dataclasses.replace(tr, **changes))
        return self._set("funding", rows)

    def add_tranches(self, tranches: Iterable[Tranche]) -> PlanEdit:
        """Tranches added after the plan's own."""
        return self._set("funding", (*self.records("funding"), *tranches))

    def replace_funding(self, tranches: Iterable[Tranche]) -> PlanEdit:
        """The plan's funding replaced by ``tranches``."""
        return self._set("funding", tranches)

    # capacity -------------------------------------------------------------------
    def set_capacity(self, capacity: Mapping[str, float] | None = None, scale: Mapping[str, float] | None = None,
                     note: str = "override") -> PlanEdit:
        """Weekly capacity (person-days/week) set per agency, then scaled per agency."""
        cap, sc = capacity or {}, scale or {}
        self._require(cap, "agencies", "agency_id")
        self._require(sc, "agencies", "agency_id")
        rows = []
        for a in self.records("agencies"):
            value, changed = float(a.weekly_capacity), False
            if a.agency_id in cap:
                value, changed = float(cap[a.agency_id]), True
            if a.agency_id in sc:
                value, changed = value * float(sc[a.agency_id]), True
            rows.append(dataclasses.replace(a, weekly_capacity=value, source=note) if changed else a)
        return self._set("agencies", rows)

    def set_council_capacity(self, capacity: int, note: str = "override") -> PlanEdit:
        """Every session of the provincial appraisal council takes at most ``capacity`` dossiers (``>= 0``)."""
        if int(capacity) != capacity or capacity < 0:
            raise ValueError(f"council capacity must be a whole number >= 0, got {capacity!r}")
        return self._set("council_sessions", [
            dataclasses.replace(s, capacity=int(capacity), source=f"{s.source}; {note}")
            for s in self.records("council_sessions")])

    # deadlines ------------------------------------------------------------------
    def shift_deadlines(self, days: int | Mapping[str, int], note: str = "override") -> PlanEdit:
        """Every target date later by ``days`` (negative: earlier), or per commune code
        (``DISTRICT`` for the district's targets): communes' targets, tasks' due dates and
        the ``communes_target`` / ``district_target_*`` settings."""
        per = {str(k): int(v) for k, v in days.items()} if isinstance(days, Mapping) else None
        if per is not None:
            self._require(per, "communes", "code")

        def days_for(code: str) -> int:
            return int(days) if per is None else per.get(code, 0)  # type: ignore[arg-type]

        self._set("communes", [
            dataclasses.replace(c, **{col: _shift(getattr(c, col), days_for(c.code)) for col in COMMUNE_TARGETS})
            for c in self.records("communes")])
        self._set("tasks", [
            dataclasses.replace(t, due_date=_shift(t.due_date, days_for(t.commune_code))) if t.due_date else t
            for t in self.records("tasks")])
        current = {s.key: s.value for s in self.records("settings")}
        vals = {}
        for key in ("communes_target", *DISTRICT_TARGET_SETTINGS):
            if current.get(key):
                d = dt.date.fromisoformat(str(current[key]))
                n = days_for(DISTRICT) if key != "communes_target" else (int(days) if per is None else 0)  # type: ignore[arg-type]
                vals[key] = (d + dt.timedelta(days=n)).isoformat()
        return self.set_settings(vals, note) if vals else self

    # communes -------------------------------------------------------------------
    def restrict_to_communes(self, communes: Iterable[str]) -> PlanEdit:
        """Keep only the listed not-yet-recognised communes: the others are treated as
        recognised, their works, earmarked money and recognition steps in progress dropped (the
        district's chain then waits only for the communes kept)."""
        keep = {str(c) for c in communes}
        drop = {c.code for c in self.records("communes") if c.status == "not_recognised" and c.code not in keep}
        if not drop:
            return self
        self._set("communes", [
            dataclasses.replace(c, status="recognised", criteria_met=RECOGNISED_CRITERIA, missing_criteria=(),
                                **dict.fromkeys(COMMUNE_TARGETS))
            if c.code in drop else c for c in self.records("communes")])
        self._set("tasks", [t for t in self.records("tasks") if t.commune_code not in drop])
        self._set("step_progress", [p for p in self.records("step_progress") if p.commune_code not in drop])
        return self._set("funding", [f for f in self.records("funding") if f.commune_code not in drop])

    def done(self) -> Plan:
        """The edited plan, checked across tables once (raises
        :class:`~ntm_sched.plan.issues.PlanValidationError`)."""
        if not self._tables:
            return self.plan
        changes: dict[str, Any] = {PLAN_FIELD[t]: rows for t, rows in self._tables.items()}
        return dataclasses.replace(self.plan, **changes)


def set_settings(plan: Plan, values: Mapping[str, Any], note: str = "override") -> Plan:
    """The plan with settings ``values`` set or added (see :meth:`PlanEdit.set_settings`)."""
    return PlanEdit(plan).set_settings(values, note).done()


def scale_funding(plan: Plan, scale: float | Mapping[str, float]) -> Plan:
    """The plan with every tranche multiplied by ``scale`` (a number, or a factor per source id)."""
    return PlanEdit(plan).scale_funding(scale).done()


def restrict_plan(plan: Plan, communes: Iterable[str]) -> Plan:
    """A smaller plan keeping only the listed not-yet-recognised communes (see
    :meth:`PlanEdit.restrict_to_communes`). For quick looks and tests."""
    return PlanEdit(plan).restrict_to_communes(communes).done()


def shift_deadlines(plan: Plan, days: int | Mapping[str, int], note: str = "override") -> Plan:
    """The plan with every target date moved (see :meth:`PlanEdit.shift_deadlines`)."""
    return PlanEdit(plan).shift_deadlines(days, note).done()


def set_capacity(plan: Plan, capacity: Mapping[str, float], note: str = "override") -> Plan:
    """The plan with some agencies' weekly capacity set (see :meth:`PlanEdit.set_capacity`)."""
    return PlanEdit(plan).set_capacity(capacity, note=note).done()
