"""A scenario's overrides applied to its plan: record-level edits (:class:`~ntm_sched.plan.edits.PlanEdit`),
checked once at the end."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ntm_sched.plan import Plan, PlanValidationError, load_plan
from ntm_sched.plan.edits import PlanEdit
from ntm_sched.plan.records import Tranche
from ntm_sched.scenario.load import Scenario, ScenarioError, load_scenario


def _check_ids(edit: PlanEdit, ids: Iterable[Any], table: str, column: str, what: str, key: str,
               scenario: Scenario) -> None:
    ids = {str(i) for i in ids}
    bad = edit.unknown(ids, table, column)
    if bad:
        known = sorted({getattr(r, column) for r in edit.records(table)} | ({"DISTRICT"} if table == "communes"
                                                                             else set()))
        raise ScenarioError(f"{scenario.path}: key '{key}': unknown {what} {bad} (expected one of {known})")


def _added_tranches(fund: dict[str, Any], scenario: Scenario, note: str) -> list[Tranche]:
    out = []
    for j, tr in enumerate(fund.get("add", []) or []):
        d = tr["date_available"]
        out.append(Tranche(
            tranche_id=str(tr.get("tranche_id", f"{scenario.name}-add-{j + 1}")),
            source_id=str(tr["source_id"]),
            date_available=d if isinstance(d, dt.date) else dt.date.fromisoformat(str(d)),
            amount_mvnd=float(tr["amount_mvnd"]),
            commune_code=str(tr["commune_code"]) if tr.get("commune_code") else None,
            source=str(tr.get("source", note)),
        ))
    return out


def edit_for(plan: Plan, scenario: Scenario) -> PlanEdit:
    """The scenario's overrides as pending edits of ``plan`` (call ``.done()`` for the plan).

    Raises
    ------
    ScenarioError
        An override names an unknown source, tranche, agency or commune.
    """
    cfg = scenario.config
    note = f"scenario {scenario.name}"
    edit = PlanEdit(plan)

    fund = cfg.get("funding", {}) or {}
    if fund:
        for key, table, column, what in (("scale", "sources", "source_id", "source"),
                                         ("delay_days", "sources", "source_id", "source"),
                                         ("tranche_scale", "funding", "tranche_id", "tranche"),
                                         ("tranche_delay_days", "funding", "tranche_id", "tranche")):
            _check_ids(edit, fund.get(key, {}) or {}, table, column, what, f"funding.{key}", scenario)
        edit.scale_funding(dict(fund.get("scale", {}) or {}), tranche_scale=fund.get("tranche_scale"),
                           delay_days=fund.get("delay_days"), tranche_delay_days=fund.get("tranche_delay_days"),
                           note=note)
        adds = _added_tranches(fund, scenario, note)
        if adds:
            edit.add_tranches(adds)

    cap = cfg.get("capacity", {}) or {}
    if cap:
        _check_ids(edit, cap.get("set", {}) or {}, "agencies", "agency_id", "agency", "capacity.set", scenario)
        _check_ids(edit, cap.get("scale", {}) or {}, "agencies", "agency_id", "agency", "capacity.scale", scenario)
        edit.set_capacity(cap.get("set"), cap.get("scale"), note=note)

    dl = cfg.get("deadlines", {}) or {}
    shift = dl.get("shift_days", 0)
    if shift:
        if isinstance(shift, dict):
            _check_ids(edit, shift, "communes", "code", "commune code", "deadlines.shift_days", scenario)
        edit.shift_deadlines(shift, note)

    settings: dict[str, Any] = {}
    if "hard" in dl:
        settings["hard_deadlines"] = bool(dl["hard"])
    if "accelerated" in cfg:
        settings["allow_accelerated"] = bool(cfg["accelerated"])
    if "extra_funding" in fund:
        settings["allow_extra_funding"] = bool(fund["extra_funding"])
    for k, v in (cfg.get("objective", {}) or {}).items():
        settings[k] = str(v)
    if settings:
        edit.set_settings(settings, note)
    return edit


def set_settings(plan: Plan, values: Mapping[str, Any], note: str = "override") -> Plan:
    """The plan with settings ``values`` (key -> value; booleans as true/false) set or added,
    each marked with ``note`` as its source (a record-level edit, checked once)."""
    return PlanEdit(plan).set_settings(values, note).done()


def apply(plan: Plan, scenario: Scenario) -> Plan:
    """The plan with the scenario's overrides applied, checked once (the input plan is not changed).

    Raises
    ------
    ScenarioError
        An unknown id, or overrides that make the plan invalid (e.g. deadlines shifted past
        the horizon): names the scenario file, and the plan's errors after the change.
    """
    try:
        return edit_for(plan, scenario).done()
    except PlanValidationError as exc:
        errors = exc.errors
        shown = "\n".join(f"  {e}" for e in errors[:5]) + (f"\n  ... and {len(errors) - 5} more"
                                                          if len(errors) > 5 else "")
        raise ScenarioError(f"{scenario.path}: the plan with this scenario's overrides "
                            f"({', '.join(sorted(scenario.overrides)) or 'none'}) is not valid:\n{shown}") from None


def load_scenario_plan(scenario: Scenario) -> Plan:
    """Load the scenario's plan and apply its overrides (a ``plan:`` that does not exist is a
    :class:`ScenarioError` naming the scenario file and the path)."""
    if not scenario.plan_path.exists():
        raise ScenarioError(f"{scenario.path}: key 'plan': {scenario.plan_path} does not exist (expected a plan "
                            f"folder of CSV files or an .xlsx workbook; a relative path is read from the "
                            f"scenario file's folder)")
    return apply(load_plan(scenario.plan_path), scenario)


def load_scenario_and_plan(name_or_path: str | Path) -> tuple[Scenario, Plan]:
    """The scenario and its plan with the overrides applied (raises :class:`ScenarioError` or
    :class:`ntm_sched.plan.PlanValidationError` with located messages)."""
    sc = load_scenario(name_or_path)
    return sc, load_scenario_plan(sc)
