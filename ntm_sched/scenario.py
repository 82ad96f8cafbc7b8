"""Scenarios: a base configuration plus YAML files that hold only overrides.

``data/scenarios/base.yaml`` names the plan and the solver and report defaults.
Every other ``data/scenarios/<name>.yaml`` holds only what differs; loading a
scenario merges it over the base (PyPSA-Eur style). An unknown key or a bad value
raises :class:`ScenarioError` naming the file, the key and what was expected.

Keys (all optional except in the base)::

    description: {vi: ..., en: ...}
    plan: ../tan_yen_2019            # folder or .xlsx, relative to the scenario file
    funding:
      scale: {SOURCE_ID: 0.8}        # multiply every tranche of a source
      delay_days: {SOURCE_ID: 92}    # release every tranche of a source later
      tranche_scale: {TRANCHE_ID: 0.5}
      tranche_delay_days: {TRANCHE_ID: 30}
      add:                           # extra tranches
        - {source_id: HUYEN_LC, date_available: 2019-10-01, amount_mvnd: 2000, commune_code: "07357"}
      extra_funding: true            # may the model ask for money beyond the tranches
    capacity:
      set: {AGENCY_ID: 10}           # weekly capacity (person-days/week)
      scale: {AGENCY_ID: 1.5}
    deadlines:
      shift_days: 30                 # every target date, or {COMMUNE_CODE: days, DISTRICT: days}
      hard: true
    accelerated: true                # allow accelerated modes
    objective: {weight_late_milestone: 100000, weight_tardiness_day: 1000,
                weight_cost_mvnd: 1, weight_district_day: 100, extra_funding_price: 10}
    solver: {time_limit: 30, seed: 0, workers: 2}
    report: {lang: vi}
"""

from __future__ import annotations

import copy
import datetime as dt
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from ntm_sched.plan import Plan, load_plan

BASE_NAME = "base"

_OBJECTIVE_KEYS = ("weight_late_milestone", "weight_tardiness_day", "weight_cost_mvnd",
                   "weight_district_day", "extra_funding_price")

# key -> (expected type description, validator) ; nested dicts described by sub-schemas
_SCHEMA: dict[str, Any] = {
    "description": {"vi": "text", "en": "text"},
    "plan": "path",
    "funding": {
        "scale": "map:number>=0",
        "delay_days": "map:int",
        "tranche_scale": "map:number>=0",
        "tranche_delay_days": "map:int",
        "add": "list:tranche",
        "extra_funding": "bool",
    },
    "capacity": {"set": "map:number>=0", "scale": "map:number>=0"},
    "deadlines": {"shift_days": "int_or_map:int", "hard": "bool"},
    "accelerated": "bool",
    "objective": {k: "number>=0" for k in _OBJECTIVE_KEYS},
    "solver": {"time_limit": "number>0", "seed": "int", "workers": "int>0"},
    "report": {"lang": "lang"},
}


class ScenarioError(ValueError):
    """A scenario file is wrong: names the file, the key and what was expected."""


@dataclass(frozen=True)
class Scenario:
    """A merged scenario (base + overrides)."""

    name: str
    path: Path | None
    config: dict[str, Any]
    overrides: dict[str, Any] = field(default_factory=dict)  # only what the file itself says

    @property
    def plan_path(self) -> Path:
        return Path(self.config["plan"])

    @property
    def time_limit(self) -> float:
        return float(self.config.get("solver", {}).get("time_limit", 30))

    @property
    def seed(self) -> int:
        return int(self.config.get("solver", {}).get("seed", 0))

    @property
    def workers(self) -> int:
        return int(self.config.get("solver", {}).get("workers", 2))

    @property
    def lang(self) -> str:
        return str(self.config.get("report", {}).get("lang", "vi"))

    def solver_kwargs(self, time_limit: float | None = None, workers: int | None = None,
                      seed: int | None = None) -> dict[str, Any]:
        """``time_limit``, ``workers`` and ``seed`` for a solve: the given ones, else the scenario's."""
        return {"time_limit": self.time_limit if time_limit is None else float(time_limit),
                "workers": self.workers if workers is None else int(workers),
                "seed": self.seed if seed is None else int(seed)}

    def description(self, lang: str = "vi") -> str:
        d = self.config.get("description", {}) or {}
        return str(d.get(lang) or d.get("vi") or d.get("en") or self.name)


def default_scenario_dir() -> Path:
    """``data/scenarios`` of the project (the folder next to the package)."""
    return Path(__file__).resolve().parent.parent / "data" / "scenarios"


def _check(value: Any, spec: Any, where: str, file: str) -> None:
    def fail(expected: str) -> None:
        raise ScenarioError(f"{file}: key '{where}': expected {expected}, got {value!r}")

    if isinstance(spec, dict):
        if not isinstance(value, dict):
            fail(f"a mapping with keys {sorted(spec)}")
        for k, v in value.items():
            if k not in spec:
                full = f"{where}.{k}" if where else str(k)
                raise ScenarioError(f"{file}: unknown key '{full}' (expected one of {sorted(spec)})")
            _check(v, spec[k], f"{where}.{k}" if where else str(k), file)
        return
    if spec == "text":
        if not isinstance(value, str):
            fail("text")
    elif spec == "path":
        if not isinstance(value, str) or not value:
            fail("a path to a plan folder or .xlsx workbook")
    elif spec == "bool":
        if not isinstance(value, bool):
            fail("true or false")
    elif spec == "lang":
        if value not in ("vi", "en"):
            fail("'vi' or 'en'")
    elif spec in ("int", "int>0"):
        if isinstance(value, bool) or not isinstance(value, int) or (spec == "int>0" and value <= 0):
            fail("a whole number" + (" > 0" if spec == "int>0" else ""))
    elif spec.startswith("number"):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
        if ok and spec == "number>=0":
            ok = value >= 0
        if ok and spec == "number>0":
            ok = value > 0
        if not ok:
            fail({"number>=0": "a number >= 0", "number>0": "a number > 0"}.get(spec, "a number"))
    elif spec.startswith("map:"):
        if not isinstance(value, dict):
            fail("a mapping of id -> value")
        for k, v in value.items():
            _check(v, spec[4:], f"{where}.{k}", file)
    elif spec.startswith("int_or_map:"):
        if isinstance(value, dict):
            for k, v in value.items():
                _check(v, "int", f"{where}.{k}", file)
        else:
            _check(value, "int", where, file)
    elif spec == "list:tranche":
        if not isinstance(value, list):
            fail("a list of tranches")
        need = {"source_id", "date_available", "amount_mvnd"}
        allowed = need | {"commune_code", "tranche_id", "source"}
        for i, tr in enumerate(value):
            if not isinstance(tr, dict):
                raise ScenarioError(f"{file}: key '{where}[{i}]': expected a mapping")
            missing = need - set(tr)
            unknown = set(tr) - allowed
            if missing or unknown:
                raise ScenarioError(f"{file}: key '{where}[{i}]': missing {sorted(missing)} / unknown "
                                    f"{sorted(unknown)}; expected keys {sorted(allowed)}")
            _check(tr["amount_mvnd"], "number>=0", f"{where}[{i}].amount_mvnd", file)
            d = tr["date_available"]
            if not isinstance(d, dt.date):
                try:
                    dt.date.fromisoformat(str(d))
                except ValueError:
                    raise ScenarioError(f"{file}: key '{where}[{i}].date_available': expected an ISO "
                                        f"date yyyy-mm-dd, got {d!r}") from None
    else:  # pragma: no cover - schema typo
        raise AssertionError(spec)


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(f"{path}: no such scenario file") from None
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ScenarioError(f"{path}: expected a mapping of keys at the top level")
    _check(data, _SCHEMA, "", str(path))
    if "plan" in data:
        p = Path(data["plan"])
        data["plan"] = str(p if p.is_absolute() else (path.parent / p).resolve())
    return data


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = _merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def load_scenario(name_or_path: str | Path, scenario_dir: str | Path | None = None) -> Scenario:
    """Load a scenario by name (``data/scenarios/<name>.yaml``) or path, merged over ``base.yaml``.

    Raises
    ------
    ScenarioError
        Unknown key, bad value, missing file, or no plan named.
    """
    p = Path(name_or_path)
    if p.suffix in (".yaml", ".yml") or p.exists():
        path = p.resolve()
        sdir = Path(scenario_dir).resolve() if scenario_dir else path.parent
    else:
        sdir = Path(scenario_dir).resolve() if scenario_dir else default_scenario_dir()
        path = sdir / f"{name_or_path}.yaml"
    base_path = sdir / f"{BASE_NAME}.yaml"
    base = _read_yaml(base_path) if base_path.exists() else {}
    own = _read_yaml(path) if path != base_path else {}
    config = _merge(base, own)
    if "plan" not in config:
        raise ScenarioError(f"{path}: no plan named (key 'plan' in the scenario or in {base_path})")
    name = path.stem
    return Scenario(name=name, path=path, config=config, overrides=own)


def list_scenarios(scenario_dir: str | Path | None = None) -> list[str]:
    """Names of the scenarios in a folder (base first)."""
    sdir = Path(scenario_dir) if scenario_dir else default_scenario_dir()
    names = sorted(p.stem for p in sdir.glob("*.yaml"))
    return sorted(names, key=lambda n: (n != BASE_NAME, n))


# ---------------------------------------------------------------------------
# applying overrides to a plan
# ---------------------------------------------------------------------------
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
