"""Scenario overrides of the risk data (the scenario's ``risk`` key) and the uncertainty of a scenario.

Split from :mod:`ntm_sched.studies.risk.uncertainty` (one job per module, issue 20).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from ntm_sched.studies.risk.risk_files import (
    _COLUMNS,
    _Errors,
    _event,
    _Row,
    _source,
    _step,
    _work_type,
    check_against_plan,
    load_uncertainty,
)
from ntm_sched.studies.risk.uncertainty import RiskDataError, ThreePoint, Uncertainty

# ---------------------------------------------------------------------------
# scenario overrides
# ---------------------------------------------------------------------------
RISK_KEYS = ("data", "work_types", "steps", "sources", "events", "spread_scale", "samples", "policy", "seed")


def apply_overrides(unc: Uncertainty, risk_cfg: dict[str, Any], where: str) -> Uncertainty:
    """The uncertainty with a scenario's ``risk`` overrides applied.

    ``risk_cfg`` keys (all optional)::

        work_types: {WORK_TYPE or '*': {distribution, duration_low, ..., cost_high}}
        steps: {'chain:step': {distribution, duration_low, duration_mode, duration_high}}
        sources: {SOURCE_ID: {delay_low_days, ..., shortfall_probability, ...}}
        events: {EVENT_ID: {probability: 0.5, ...}}   # a new id needs every required column
        spread_scale, samples, policy, seed            # defaults of the run (read by the CLI)

    Only the fields given change; the row's ``source`` becomes ``scenario <file>`` unless
    given. Raises :class:`RiskDataError` naming ``where`` (the scenario file) and the key.
    """
    if not isinstance(risk_cfg, dict):
        raise RiskDataError(f"{where}: key 'risk': expected a mapping")
    errors = _Errors()
    for k in risk_cfg:
        if k not in RISK_KEYS:
            errors.add(f"{where}: key 'risk.{k}'", f"unknown key (expected one of {list(RISK_KEYS)})")
    errors.raise_if_any("the scenario's risk overrides have errors:")
    note = f"scenario {Path(where).name}"
    wts = dict(unc.work_types)
    steps = dict(unc.steps)
    sources = dict(unc.sources)
    events = {e.event_id: e for e in unc.events}

    def merged(kind: str, key: str, old: dict[str, Any] | None, new: Any) -> _Row | None:
        if not isinstance(new, dict):
            errors.add(f"{where}: key 'risk.{kind}.{key}'", "expected a mapping of column -> value")
            return None
        allowed = set(_COLUMNS[f"{kind}.csv"])
        for c in new:
            if c not in allowed:
                errors.add(f"{where}: key 'risk.{kind}.{key}.{c}'", f"unknown column (expected one of "
                           f"{sorted(allowed)})")
        row = dict(old or {})
        row.update({c: v for c, v in new.items()})
        row.setdefault("source", note)
        if "source" not in new:
            row["source"] = note
        return _Row(where, None, row, errors)

    for key, new in (risk_cfg.get("work_types") or {}).items():
        ow = wts.get(key)
        base = None if ow is None else {"work_type": key, "distribution": ow.duration.distribution,
                                        **_tp_cols("duration", "", ow.duration), **_tp_cols("cost", "", ow.cost)}
        r = merged("work_types", key, base, new)
        if r is not None:
            r.row["work_type"] = key
            rw = _work_type(r)
            if r.ok:
                wts[key] = rw
    for key, new in (risk_cfg.get("steps") or {}).items():
        if ":" not in str(key):
            errors.add(f"{where}: key 'risk.steps.{key}'", "write the step as chain:step")
            continue
        chain, step = str(key).split(":", 1)
        ost = steps.get((chain, step))
        base = None if ost is None else {"distribution": ost.duration.distribution,
                                         **_tp_cols("duration", "", ost.duration)}
        r = merged("steps", key, base, new)
        if r is not None:
            r.row.update({"chain": chain, "step": step})
            rs = _step(r)
            if r.ok:
                steps[(chain, step)] = rs
    for key, new in (risk_cfg.get("sources") or {}).items():
        oso = sources.get(key)
        base = None if oso is None else {
            "distribution": oso.delay.distribution, **_tp_cols("delay", "_days", oso.delay),
            "per_earmark": oso.per_earmark, "shortfall_probability": oso.shortfall_probability,
            **_tp_cols("shortfall", "", oso.shortfall)}
        r = merged("sources", key, base, new)
        if r is not None:
            r.row["source_id"] = key
            rso = _source(r)
            if r.ok:
                sources[key] = rso
    for key, new in (risk_cfg.get("events") or {}).items():
        oe = events.get(key)
        base = None if oe is None else {
            "event_id": key, "name_vi": oe.name_vi, "name_en": oe.name_en, "probability": oe.probability,
            "scope": oe.scope, "work_types": list(oe.work_types), "steps": list(oe.steps),
            "communes": list(oe.communes), "agency": oe.agency or "", "source_id": oe.source_id or "",
            "window_start": oe.window[0] if oe.window else "", "window_end": oe.window[1] if oe.window else "",
            "effect": oe.effect, "distribution": oe.impact.distribution, **_tp_cols("impact", "", oe.impact),
            "capacity_factor": oe.capacity_factor}
        r = merged("events", key, base, new)
        if r is not None:
            r.row["event_id"] = key
            re_ = _event(r)
            if r.ok:
                events[key] = re_
    x = risk_cfg.get("spread_scale")
    if x is not None and (isinstance(x, bool) or not isinstance(x, (int, float)) or x < 0):
        errors.add(f"{where}: key 'risk.spread_scale'", f"expected a number >= 0, got {x!r}")
    n = risk_cfg.get("samples")
    if n is not None and (isinstance(n, bool) or not isinstance(n, int) or n <= 0):
        errors.add(f"{where}: key 'risk.samples'", f"expected a whole number > 0, got {n!r}")
    pol = risk_cfg.get("policy")
    if pol is not None and pol not in ("fixed", "replan"):
        errors.add(f"{where}: key 'risk.policy'", f"expected 'fixed' or 'replan', got {pol!r}")
    errors.raise_if_any("the scenario's risk overrides have errors:")
    return Uncertainty(wts, steps, sources, tuple(events.values()), unc.origin, unc.warnings)


def _tp_cols(prefix: str, suffix: str, t: ThreePoint) -> dict[str, float]:
    return {f"{prefix}_low{suffix}": t.low, f"{prefix}_mode{suffix}": t.mode, f"{prefix}_high{suffix}": t.high}


def risk_data_folder(scenario: Any) -> Path:
    """The scenario's risk data folder: ``risk.data`` if given, else ``<plan folder>/risk``."""
    cfg = dict(scenario.config.get("risk") or {})
    if cfg.get("data"):
        p = Path(str(cfg["data"]))
        if not p.is_absolute() and scenario.path is not None:
            p = (Path(scenario.path).parent / p).resolve()
        return p
    plan = Path(scenario.plan_path)
    if plan.is_dir():
        return plan / "risk"
    raise RiskDataError(f"{scenario.path}: the plan {plan} is a workbook: name the risk data folder with "
                        f"the key 'risk.data'")


def scenario_uncertainty(scenario: Any, plan: Any) -> Uncertainty:
    """The scenario's uncertainty: its data folder, its ``risk`` overrides, checked against the plan."""
    unc = load_uncertainty(risk_data_folder(scenario))
    cfg = copy.deepcopy(scenario.config.get("risk") or {})
    if cfg:
        unc = apply_overrides(unc, cfg, str(scenario.path))
    check_against_plan(unc, plan)
    return unc

