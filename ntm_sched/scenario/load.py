"""Scenarios: a base configuration plus YAML files that hold only overrides.

Each plan keeps its own scenarios in its folder: ``data/<plan>/scenarios/base.yaml`` holds the
solver and report defaults, and every other ``data/<plan>/scenarios/<name>.yaml`` holds only what
differs; loading a scenario merges it over the base of its folder (PyPSA-Eur style). The plan of a
scenario in a plan's ``scenarios/`` folder is that plan: a ``plan`` key (or ``risk.data``) there that
resolves outside the plan's folder is an error naming the file and the key. A scenario anywhere else
(a folder of its own, an explicit ``.yaml`` path) names its plan with ``plan``.

``data/plans.csv`` lists the shipped plans in the order they are shown and run; the scenarios of its
``default`` plan answer to their bare names (``base``), those of any other plan to
``<plan>.<name>`` (``example_2021_2025.base``), which is also the name of their report folders.
Each file is validated by the pydantic models of :mod:`ntm_sched.scenario.config`; an unknown key or a bad value
raises :class:`ScenarioError` naming the file, the key and what was expected. A date
written ``dd/mm/yyyy`` is read as day/month/year and named in :attr:`Scenario.warnings`.
``ntm-sched scenario schema`` writes the JSON schema of these files for editors.
"""

from __future__ import annotations

import copy
import csv
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ntm_sched.engine.options import SolveOptions
from ntm_sched.errors import InputError
from ntm_sched.i18n import current_lang
from ntm_sched.io import OutputTargetError, check_name, data_dir
from ntm_sched.scenario.config import ScenarioConfig, read_dates, validate_file

SOLVER_KEYS = ("time_limit", "seed", "workers")

BASE_NAME = "base"

SCENARIOS_FOLDER = "scenarios"
"""The folder of a plan that holds its scenarios."""
PLANS_FILE = "plans.csv"
"""``data/plans.csv``: the shipped plans (columns ``plan``, ``default``, ``note``)."""
QUALIFIER = "."
"""Between a plan's folder name and a scenario's name: ``example_2021_2025.base``."""
_PLAN_MARKERS = ("unit.csv", "communes.csv")


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

    def description(self, lang: str | None = None) -> str:
        """The scenario's description in ``lang`` (``None``: the run's language), else in the other one."""
        d = self.config.get("description", {}) or {}
        lang = lang or current_lang()
        return str(d.get(lang) or d.get("vi") or d.get("en") or self.name)


@dataclass(frozen=True)
class ShippedPlan:
    """One row of ``data/plans.csv``: a plan folder of ``data/`` and whether its scenarios are the default."""

    name: str
    folder: Path
    default: bool

    @property
    def scenario_dir(self) -> Path:
        """``<plan>/scenarios``."""
        return self.folder / SCENARIOS_FOLDER


def shipped_plans(data: str | Path | None = None) -> list[ShippedPlan]:
    """The plans of ``data/plans.csv`` in its order (``data``: another ``data/`` folder).

    Raises
    ------
    ScenarioError
        The file is missing or wrong: a row names no plain folder, a folder without ``scenarios/base.yaml``,
        a ``default`` that is not true/false, or not exactly one default (file, row and column named).
    """
    root = Path(data) if data is not None else data_dir()
    path = root / PLANS_FILE
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ScenarioError(f"{path}: no such file (the list of shipped plans: plan,default,note)") from None
    rows = list(csv.DictReader(text.splitlines()))
    out: list[ShippedPlan] = []
    for i, r in enumerate(rows, start=2):
        name = (r.get("plan") or "").strip()
        try:
            check_name(name, "plan folder")
        except OutputTargetError as exc:
            raise ScenarioError(f"{path}, row {i}, column 'plan': {exc}") from None
        if not (root / name / SCENARIOS_FOLDER / f"{BASE_NAME}.yaml").is_file():
            raise ScenarioError(f"{path}, row {i}, column 'plan': {root / name} has no "
                                f"{SCENARIOS_FOLDER}/{BASE_NAME}.yaml")
        flag = (r.get("default") or "").strip().lower()
        if flag not in ("true", "false"):
            raise ScenarioError(f"{path}, row {i}, column 'default': expected true or false, got {flag!r}")
        out.append(ShippedPlan(name, root / name, flag == "true"))
    if sum(p.default for p in out) != 1:
        raise ScenarioError(f"{path}, column 'default': exactly one plan must be the default, "
                            f"found {sum(p.default for p in out)}")
    return out


def default_plan() -> ShippedPlan:
    """The default plan of ``data/plans.csv``: its scenarios answer to their bare names."""
    return next(p for p in shipped_plans() if p.default)


def default_scenario_dir() -> Path:
    """The default plan's ``scenarios/`` (next to the package, or installed with it: see
    :func:`ntm_sched.io.data_dir`)."""
    return default_plan().scenario_dir


def plan_of_scenario_dir(sdir: str | Path) -> Path | None:
    """The plan folder that holds the scenarios folder ``sdir`` (``<plan>/scenarios``, the plan folder having
    ``unit.csv`` or ``communes.csv``), resolved; ``None`` for a scenarios folder of its own."""
    d = Path(sdir).resolve()
    if d.name != SCENARIOS_FOLDER or not any((d.parent / m).is_file() for m in _PLAN_MARKERS):
        return None
    return d.parent


def _is_default(plan_folder: Path) -> bool:
    try:
        return default_plan().folder.resolve() == plan_folder.resolve()
    except (ScenarioError, FileNotFoundError):
        return False


def _qualified(sdir: Path, stem: str) -> str:
    """A scenario's name: ``stem``, or ``<plan>.<stem>`` when it belongs to a plan other than the default."""
    plan = plan_of_scenario_dir(sdir)
    return stem if plan is None or _is_default(plan) else f"{plan.name}{QUALIFIER}{stem}"


def _resolve_name(name: str) -> tuple[Path, str]:
    """The scenarios folder and file stem of a scenario name: ``<plan>.<stem>`` of a shipped plan, or a bare
    name of the default plan."""
    head, sep, rest = name.partition(QUALIFIER)
    if sep and rest:
        for p in shipped_plans():
            if p.name == head:
                return p.scenario_dir, rest
    return default_scenario_dir(), name


def scenario_name(scenario: str | os.PathLike[str]) -> str:
    """The name of a scenario, given by name or by its ``.yaml`` path: the file's stem, qualified by its plan
    (``example_2021_2025.base``) when it is in the ``scenarios/`` folder of a plan other than the default.
    A name that is not one plain path component (``../x``, ``/tmp/x``) raises
    :class:`~ntm_sched.io.OutputTargetError`: names are never used as paths."""
    p = Path(scenario)
    if p.suffix in (".yaml", ".yml"):
        stem = check_name(p.stem, f"scenario file {str(scenario)!r}: its name")
        return _qualified(p.resolve().parent, stem)
    name = check_name(str(scenario), "scenario name")
    if QUALIFIER in name:  # a plan-qualified name of the default plan is its bare name
        try:
            sdir, stem = _resolve_name(name)
        except (ScenarioError, FileNotFoundError):
            return name
        return _qualified(sdir, stem)
    return name


def _inside_plan(path: Path, data: dict[str, Any], plan: Path) -> None:
    """A scenario in ``<plan>/scenarios/`` belongs to ``plan``: its ``plan`` key (when given) must be that
    folder and its ``risk.data`` inside it; no path climbs out."""
    given = data.get("plan")
    if given is not None:
        p = Path(str(given))
        got = (p if p.is_absolute() else path.parent / p).resolve()
        if got != plan:
            raise ScenarioError(f"{path}: key 'plan': {given!r} resolves to {got}, not the plan folder {plan} that "
                                f"holds this scenario (a scenario in a plan's {SCENARIOS_FOLDER}/ folder belongs to "
                                f"that plan: leave the key out)")
    risk = data.get("risk")
    if isinstance(risk, dict) and risk.get("data"):
        p = Path(str(risk["data"]))
        got = (p if p.is_absolute() else path.parent / p).resolve()
        if not got.is_relative_to(plan):
            raise ScenarioError(f"{path}: key 'risk.data': {risk['data']!r} resolves to {got}, outside the plan "
                                f"folder {plan} that holds this scenario")
    data["plan"] = str(plan)


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
    own_plan = plan_of_scenario_dir(path.parent)
    if own_plan is not None:
        _inside_plan(path, data, own_plan)
    elif "plan" in data:
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


def _not_found(stem: str, path: Path) -> str:
    """No scenario of that name: the file looked for, and the shipped scenarios of that stem in other plans."""
    others = [f"{p.name}{QUALIFIER}{stem}" if not p.default else stem for p in shipped_plans()
              if (p.scenario_dir / f"{stem}.yaml").exists() and (p.scenario_dir / f"{stem}.yaml") != path]
    hint = f" (did you mean {' or '.join(others)}?)" if others else " (ntm-sched scenario list shows them)"
    return f"{path}: no such scenario file{hint}"


def load_scenario(name_or_path: str | Path, scenario_dir: str | Path | None = None) -> Scenario:
    """Load a scenario by name or path, merged over the ``base.yaml`` of its folder.

    A name is ``<name>.yaml`` in ``scenario_dir`` when given; otherwise a bare name is a scenario of the
    default plan (``data/plans.csv``) and ``<plan>.<name>`` one of that shipped plan.

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
        if scenario_dir:
            sdir, stem = Path(scenario_dir).resolve(), str(name_or_path)
        else:
            sdir, stem = _resolve_name(str(name_or_path))
            if not (sdir / f"{stem}.yaml").exists():
                raise ScenarioError(_not_found(stem, sdir / f"{stem}.yaml"))
        path = sdir / f"{stem}.yaml"
    base_path = sdir / f"{BASE_NAME}.yaml"
    warnings: list[str] = []
    base = _read_yaml(base_path, warnings) if base_path.exists() else {}
    own = _read_yaml(path, warnings) if path != base_path else {}
    config = _merge(base, own)
    if "plan" not in config:
        raise ScenarioError(f"{path}: no plan named (key 'plan' in the scenario or in {base_path})")
    name = _qualified(path.parent, path.stem)  # checked as a plain name where it becomes a folder (scenario_name)
    return Scenario(name=name, path=path, config=config, overrides=own, warnings=tuple(warnings))


def list_scenarios(scenario_dir: str | Path | None = None) -> list[str]:
    """File stems of the scenarios in a folder (default: the default plan's), base first."""
    sdir = Path(scenario_dir) if scenario_dir else default_scenario_dir()
    names = sorted(p.stem for p in sdir.glob("*.yaml") if not p.name.startswith("."))
    return sorted(names, key=lambda n: (n != BASE_NAME, n))


def scenario_groups() -> list[tuple[ShippedPlan, list[Path]]]:
    """Every shipped plan (``data/plans.csv`` order) with the paths of its scenario files, base first."""
    return [(p, [p.scenario_dir / f"{n}.yaml" for n in list_scenarios(p.scenario_dir)]) for p in shipped_plans()]


