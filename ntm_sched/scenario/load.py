"""Scenarios: a base configuration plus YAML files that hold only overrides.

``data/scenarios/base.yaml`` names the plan and the solver and report defaults.
Every other ``data/scenarios/<name>.yaml`` holds only what differs; loading a
scenario merges it over the base (PyPSA-Eur style). Each file is validated by the
pydantic models of :mod:`ntm_sched.scenario.config`; an unknown key or a bad value
raises :class:`ScenarioError` naming the file, the key and what was expected. A date
written ``dd/mm/yyyy`` is read as day/month/year and named in :attr:`Scenario.warnings`.
``ntm-sched scenario schema`` writes the JSON schema of these files for editors.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ntm_sched.engine.options import SolveOptions
from ntm_sched.errors import InputError
from ntm_sched.io import OutputTargetError, check_name, data_dir
from ntm_sched.scenario.config import ScenarioConfig, read_dates, validate_file

SOLVER_KEYS = ("time_limit", "seed", "workers")

BASE_NAME = "base"


class ScenarioError(InputError):
    """A scenario file is wrong: names the file, the key and what was expected."""


@dataclass(frozen=True)
class Scenario:
    """A merged scenario (base + overrides)."""

    name: str
    path: Path | None
    config: dict[str, Any]
    overrides: dict[str, Any] = field(default_factory=dict)  # only what the file itself says
    warnings: tuple[str, ...] = ()  # located: a date read from dd/mm/yyyy (see config.read_dates)

    @property
    def plan_path(self) -> Path:
        return Path(self.config["plan"])

    def solver_options(self, time_limit: float | None = None, workers: int | None = None,
                       seed: int | None = None) -> SolveOptions:
        """The scenario's solver options (key ``solver``; keys it does not set take the defaults
        of :class:`~ntm_sched.engine.options.SolveOptions`, the one home of solver defaults),
        with the given arguments, when not ``None``, taking precedence."""
        own = {k: v for k, v in (self.config.get("solver", {}) or {}).items() if k in SOLVER_KEYS}
        return SolveOptions().with_(**own).with_(time_limit=time_limit, workers=workers, seed=seed)

    @property
    def time_limit(self) -> float:
        return self.solver_options().time_limit

    @property
    def seed(self) -> int:
        return self.solver_options().seed

    @property
    def workers(self) -> int:
        return self.solver_options().workers

    @property
    def lang(self) -> str:
        return str(self.config.get("report", {}).get("lang", "vi"))

    @property
    def model(self) -> ScenarioConfig:
        """The merged configuration as typed, validated records."""
        return ScenarioConfig.model_validate(self.config)

    def description(self, lang: str = "vi") -> str:
        d = self.config.get("description", {}) or {}
        return str(d.get(lang) or d.get("vi") or d.get("en") or self.name)


def default_scenario_dir() -> Path:
    """``data/scenarios`` of the project (next to the package, or installed with it: see
    :func:`ntm_sched.io.data_dir`)."""
    return data_dir() / "scenarios"


def _read_yaml(path: Path, warnings: list[str] | None = None) -> dict[str, Any]:
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
    notes = read_dates(data, str(path))
    if warnings is not None:
        warnings.extend(notes)
    try:
        validate_file(data, str(path))
    except ValueError as exc:
        raise ScenarioError(str(exc)) from None
    if "plan" in data:
        p = Path(data["plan"])
        data["plan"] = str(p if p.is_absolute() else (path.parent / p).resolve())
    risk = data.get("risk")
    if isinstance(risk, dict) and risk.get("data"):
        p = Path(risk["data"])
        risk["data"] = str(p if p.is_absolute() else (path.parent / p).resolve())
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
    if p.suffix in (".yaml", ".yml"):
        path = p.resolve()
        sdir = Path(scenario_dir).resolve() if scenario_dir else path.parent
    else:  # a name is never used as a path
        try:
            check_name(str(name_or_path), "scenario name")
        except OutputTargetError as exc:
            raise ScenarioError(f"{exc}: give a scenario's name (a file <name>.yaml in the scenarios folder) "
                                f"or the path of a .yaml file") from None
        sdir = Path(scenario_dir).resolve() if scenario_dir else default_scenario_dir()
        path = sdir / f"{name_or_path}.yaml"
    base_path = sdir / f"{BASE_NAME}.yaml"
    warnings: list[str] = []
    base = _read_yaml(base_path, warnings) if base_path.exists() else {}
    own = _read_yaml(path, warnings) if path != base_path else {}
    config = _merge(base, own)
    if "plan" not in config:
        raise ScenarioError(f"{path}: no plan named (key 'plan' in the scenario or in {base_path})")
    name = path.stem
    return Scenario(name=name, path=path, config=config, overrides=own, warnings=tuple(warnings))


def list_scenarios(scenario_dir: str | Path | None = None) -> list[str]:
    """Names of the scenarios in a folder (base first)."""
    sdir = Path(scenario_dir) if scenario_dir else default_scenario_dir()
    names = sorted(p.stem for p in sdir.glob("*.yaml"))
    return sorted(names, key=lambda n: (n != BASE_NAME, n))


