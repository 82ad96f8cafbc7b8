"""Applying a scenario's overrides to a plan (the input plan is never changed)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd

from ntm_sched.plan import Plan, load_plan
from ntm_sched.scenario.load import Scenario, ScenarioError, load_scenario

def set_settings(plan: Plan, values: dict[str, Any], note: str = "override") -> Plan:
    """The plan with settings ``values`` (key -> value; booleans as true/false) set or added,
    each marked with ``note`` as its source."""
    return plan.with_table("settings", _set_settings(plan.table("settings"), values, note))


def _set_settings(frame: pd.DataFrame, values: dict[str, Any], note: str) -> pd.DataFrame:
    frame = frame.copy()
    for k, v in values.items():
        v = ("true" if v else "false") if isinstance(v, bool) else str(v)
        if (frame["key"] == k).any():
            frame.loc[frame["key"] == k, "value"] = v
            frame.loc[frame["key"] == k, "source"] = note
        else:
            frame = pd.concat([frame, pd.DataFrame([{"key": k, "value": v, "description": "",
                                                     "source": note}])], ignore_index=True)
    return frame


def _unknown(ids: Any, known: set[str], what: str, key: str, sc: Scenario) -> None:
    bad = sorted(set(ids) - known)
    if bad:
        raise ScenarioError(f"{sc.path}: key '{key}': unknown {what} {bad} (expected one of {sorted(known)})")


def apply(plan: Plan, scenario: Scenario) -> Plan:
    """The plan with the scenario's overrides applied (the input plan is not changed)."""
    cfg = scenario.config
    note = f"scenario {scenario.name}"
    out = plan

    fund = cfg.get("funding", {}) or {}
    if fund:
        f = out.table("funding")
        sids = set(out.table("sources")["source_id"])
        tids = set(f["tranche_id"])
        for key, ids, known, what in (("funding.scale", fund.get("scale", {}), sids, "source"),
                                      ("funding.delay_days", fund.get("delay_days", {}), sids, "source"),
                                      ("funding.tranche_scale", fund.get("tranche_scale", {}), tids, "tranche"),
                                      ("funding.tranche_delay_days", fund.get("tranche_delay_days", {}), tids,
                                       "tranche")):
            _unknown(ids, known, what, key, scenario)
        f = f.copy()
        amounts = f["amount_mvnd"].astype(float)
        dates = list(f["date_available"])
        for i in range(len(f)):
            sid, tid = f.at[i, "source_id"], f.at[i, "tranche_id"]
            factor = float(fund.get("scale", {}).get(sid, 1.0)) * float(fund.get("tranche_scale", {}).get(tid, 1.0))
            delay = int(fund.get("delay_days", {}).get(sid, 0)) + int(fund.get("tranche_delay_days", {}).get(tid, 0))
            amounts.iat[i] = amounts.iat[i] * factor
            dates[i] = dates[i] + dt.timedelta(days=delay)
            if factor != 1.0 or delay:
                f.at[i, "source"] = f"{f.at[i, 'source']}; {note}"
        f["amount_mvnd"] = amounts.round(3)
        f["date_available"] = pd.Series(dates, dtype=object)
        adds = []
        for j, tr in enumerate(fund.get("add", []) or []):
            adds.append({
                "tranche_id": tr.get("tranche_id", f"{scenario.name}-add-{j + 1}"),
                "source_id": tr["source_id"],
                "date_available": tr["date_available"] if isinstance(tr["date_available"], dt.date)
                else dt.date.fromisoformat(str(tr["date_available"])),
                "amount_mvnd": float(tr["amount_mvnd"]),
                "commune_code": str(tr["commune_code"]) if tr.get("commune_code") else None,
                "source": tr.get("source", note),
            })
        if adds:
            f = pd.concat([f, pd.DataFrame(adds)], ignore_index=True)
        out = out.with_table("funding", f)

    cap = cfg.get("capacity", {}) or {}
    if cap:
        a = out.table("agencies").copy()
        aids = set(a["agency_id"])
        _unknown(cap.get("set", {}), aids, "agency", "capacity.set", scenario)
        _unknown(cap.get("scale", {}), aids, "agency", "capacity.scale", scenario)
        caps = a["weekly_capacity"].astype(float)
        for i in range(len(a)):
            aid = a.at[i, "agency_id"]
            if aid in cap.get("set", {}):
                caps.iat[i] = float(cap["set"][aid])
                a.at[i, "source"] = note
            if aid in cap.get("scale", {}):
                caps.iat[i] = caps.iat[i] * float(cap["scale"][aid])
                a.at[i, "source"] = note
        a["weekly_capacity"] = caps
        out = out.with_table("agencies", a)

    dl = cfg.get("deadlines", {}) or {}
    shift = dl.get("shift_days", 0)
    if shift:
        codes = set(out.table("communes")["code"]) | {"DISTRICT"}
        per = shift if isinstance(shift, dict) else None
        if per is not None:
            _unknown({str(k) for k in per}, codes, "commune code", "deadlines.shift_days", scenario)
            per = {str(k): int(v) for k, v in per.items()}

        def days_for(code: str) -> int:
            return int(shift) if per is None else per.get(code, 0)

        c = out.table("communes").copy()
        for col in ("target_works_done", "target_inspection", "target_appraisal", "target_recognition"):
            c[col] = pd.Series([d + dt.timedelta(days=days_for(code)) if d is not None else None
                                for d, code in zip(c[col], c["code"])], dtype=object)
        out = out.with_table("communes", c)
        t = out.table("tasks").copy()
        t["due_date"] = pd.Series([d + dt.timedelta(days=days_for(code)) if d is not None else None
                                   for d, code in zip(t["due_date"], t["commune_code"])], dtype=object)
        out = out.with_table("tasks", t)
        s = out.table("settings")
        vals = {}
        for key in ("communes_target", "district_target_works_done", "district_target_inspection",
                    "district_target_appraisal", "district_target_recognition"):
            row = s[s["key"] == key]
            if len(row) and str(row["value"].iloc[0]):
                d = dt.date.fromisoformat(str(row["value"].iloc[0]))
                vals[key] = (d + dt.timedelta(days=days_for("DISTRICT") if key != "communes_target"
                                              else (int(shift) if per is None else 0))).isoformat()
        if vals:
            out = out.with_table("settings", _set_settings(s, vals, note))

    settings: dict[str, str] = {}
    if "hard" in dl:
        settings["hard_deadlines"] = "true" if dl["hard"] else "false"
    if "accelerated" in cfg:
        settings["allow_accelerated"] = "true" if cfg["accelerated"] else "false"
    if "extra_funding" in fund:
        settings["allow_extra_funding"] = "true" if fund["extra_funding"] else "false"
    for k, v in (cfg.get("objective", {}) or {}).items():
        settings[k] = str(v)
    if settings:
        out = out.with_table("settings", _set_settings(out.table("settings"), settings, note))
    return out


def load_scenario_plan(scenario: Scenario) -> Plan:
    """Load the scenario's plan and apply its overrides."""
    return apply(load_plan(scenario.plan_path), scenario)


def load_scenario_and_plan(name_or_path: str | Path) -> tuple[Scenario, Plan]:
    """The scenario and its plan with the overrides applied (raises :class:`ScenarioError` or
    :class:`ntm_sched.plan.PlanValidationError` with located messages)."""
    sc = load_scenario(name_or_path)
    return sc, load_scenario_plan(sc)
