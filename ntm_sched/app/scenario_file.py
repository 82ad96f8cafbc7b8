"""Save the explorer's controls as a named scenario file that the nightly batch runs.

The file holds only overrides (like every shipped scenario), is validated by loading it
exactly as the batch will, is written atomically, never replaces ``base.yaml``, and never
replaces an existing scenario unless the caller says ``overwrite=True`` (the app asks first).
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Any

import yaml

from ntm_sched.scenario import BASE_NAME, Scenario, ScenarioError, load_scenario, load_scenario_plan
from ntm_sched.studies.explore import Controls, controls_overrides

NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,59}$")


class ScenarioExists(FileExistsError):
    """The scenario file already exists; ask before replacing it (``overwrite=True``)."""

    def __init__(self, path: Path) -> None:
        super().__init__(str(path))
        self.path = path


def check_name(name: str) -> str:
    """A scenario name usable as a file name: lowercase letters, digits, ``_`` or ``-``, at most
    60 characters; ``base`` is reserved. Raises :class:`ScenarioError` saying what is allowed."""
    n = (name or "").strip()
    if not NAME_PATTERN.match(n):
        raise ScenarioError(f"scenario name {name!r}: use lowercase letters without accents, digits, '_' or '-' "
                            f"(at most 60), e.g. 'von_tang_10'")
    if n == BASE_NAME:
        raise ScenarioError("scenario name 'base': reserved for the base configuration, choose another name")
    return n


def scenario_document(plan: Any, controls: Controls, description_vi: str, description_en: str = "",
                      start: Scenario | None = None) -> dict[str, Any]:
    """The overrides a scenario file holds for ``controls``.

    ``plan`` is the plan the explorer started from, i.e. scenario ``start`` applied to the
    base; the file then holds ``start``'s own overrides combined with the controls' (funding
    factors multiply, deadline shifts add, everything else is replaced by the control's value),
    so the saved scenario reproduces what the planner sees.
    """
    cfg = controls_overrides(plan, controls)
    own = {k: v for k, v in ((start.overrides if start is not None else {}) or {}).items()
           if k not in ("description", "solver", "report")}
    doc: dict[str, Any] = {"description": {"vi": description_vi.strip(),
                                           "en": (description_en or description_vi).strip()}}
    doc.update({k: v for k, v in own.items() if k not in ("funding", "capacity", "deadlines", "accelerated")})
    fund = dict(own.get("funding", {}) or {})
    scale = dict(fund.get("scale", {}) or {})
    for sid, f in cfg["funding"]["scale"].items():
        scale[sid] = round(float(scale.get(sid, 1.0)) * float(f), 6)
    if scale:
        fund["scale"] = scale
    fund["extra_funding"] = cfg["funding"]["extra_funding"]
    doc["funding"] = fund
    cap = dict(own.get("capacity", {}) or {})
    if cfg["capacity"]["set"]:
        cap["set"] = {**(cap.get("set", {}) or {}), **cfg["capacity"]["set"]}
        for aid in cfg["capacity"]["set"]:
            (cap.get("scale") or {}).pop(aid, None)
    if cap:
        doc["capacity"] = cap
    dl = dict(own.get("deadlines", {}) or {})
    shift = dl.get("shift_days", 0)
    add = int(cfg["deadlines"]["shift_days"])
    if isinstance(shift, dict):
        dl["shift_days"] = {k: int(v) + add for k, v in shift.items()} if add else shift
        if add:  # a per-commune map plus a shift of every deadline: communes not listed get the shift
            raise ScenarioError("this scenario shifts deadlines per commune; the app cannot add a shift of every "
                                "deadline to it: save without moving the deadline slider")
    else:
        dl["shift_days"] = int(shift) + add
    dl["hard"] = cfg["deadlines"]["hard"]
    doc["deadlines"] = dl
    doc["accelerated"] = cfg["accelerated"]
    doc["solver"] = {"time_limit": float(controls.time_limit)}
    return doc


def save_scenario(plan: Any, controls: Controls, name: str, description_vi: str, scenario_dir: str | Path,
                  description_en: str = "", overwrite: bool = False, start: Scenario | None = None) -> Path:
    """Write ``<scenario_dir>/<name>.yaml`` from the controls and return its path.

    Raises
    ------
    ScenarioError
        Bad name, empty description, or a file the scenario loader rejects (nothing is written).
    ScenarioExists
        The file exists and ``overwrite`` is false (nothing is written).
    """
    n = check_name(name)
    if not description_vi.strip():
        raise ScenarioError("the scenario needs a description (it becomes the report's title)")
    sdir = Path(scenario_dir)
    target = sdir / f"{n}.yaml"
    if target.exists() and not overwrite:
        raise ScenarioExists(target)
    doc = scenario_document(plan, controls, description_vi, description_en, start)
    text = ("# saved from the planner's app (ntm-sched app): overrides of base.yaml\n"
            + yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))
    fd, tmp = tempfile.mkstemp(prefix=f".{n}.", suffix=".yaml", dir=sdir)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        sc = load_scenario(tmp, sdir)  # validated exactly as the batch will read it
        load_scenario_plan(sc)  # and applied to the plan: unknown sources or agencies fail here
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target
