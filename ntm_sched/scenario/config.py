"""The scenario file's schema: one pydantic model per section, each field described and bounded.

A scenario file (``data/scenarios/<name>.yaml``) holds only overrides of ``base.yaml``; every
key is optional in it. The same models validate the base and the overrides, so an unknown key or
a bad value is refused wherever it stands, with an error naming the file, the key and what was
expected (:func:`validate_file`). :func:`json_schema` exports the schema for editors
(``ntm-sched scenario schema``), so a planner writing a scenario in VS Code gets completion and
the descriptions below as hover help.

Values are checked strictly: ``workers: "2"`` or ``hard: yes-please`` are errors, not coerced
(YAML already gives numbers, booleans and dates their own types).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import ErrorDetails

__all__ = [
    "CapacityConfig",
    "DeadlinesConfig",
    "DescriptionConfig",
    "FundingConfig",
    "ObjectiveConfig",
    "ReportConfig",
    "ScenarioConfig",
    "SolverConfig",
    "TrancheAdd",
    "json_schema",
    "validate_file",
]

NonNegative = Annotated[float, Field(ge=0, allow_inf_nan=False)]
WholeDays = Annotated[int, Field(ge=-3650, le=3650)]


class _Section(BaseModel):
    """Strict, closed section: unknown keys are errors, no type coercion."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class DescriptionConfig(_Section):
    """The scenario's title in each language (the report's title)."""

    vi: str | None = Field(None, description="Vietnamese description (the report's title)")
    en: str | None = Field(None, description="English description")


class TrancheAdd(_Section):
    """An extra tranche of money added by the scenario."""

    source_id: str = Field(description="a source of sources.csv, e.g. HUYEN_LC")
    date_available: Annotated[dt.date, Field(strict=False)] = Field(
        description="ISO date (yyyy-mm-dd) from which the money may be spent")
    amount_mvnd: NonNegative = Field(description="amount in million VND")
    commune_code: str | None = Field(None, description="earmark: the commune code the money is reserved for")
    tranche_id: str | None = Field(None, description="id of the new tranche (default <scenario>-add-<n>)")
    source: str | None = Field(None, description="where the figure comes from (shown in the report)")


class FundingConfig(_Section):
    """Changes to the money: scaled or delayed sources and tranches, added tranches."""

    scale: dict[str, NonNegative] = Field(
        default_factory=dict, description="source id -> factor applied to every tranche of the source")
    delay_days: dict[str, WholeDays] = Field(
        default_factory=dict, description="source id -> days every tranche of the source comes later")
    tranche_scale: dict[str, NonNegative] = Field(
        default_factory=dict, description="tranche id -> factor applied to that tranche")
    tranche_delay_days: dict[str, WholeDays] = Field(
        default_factory=dict, description="tranche id -> days that tranche comes later")
    add: list[TrancheAdd] = Field(default_factory=list, description="extra tranches")
    extra_funding: bool | None = Field(
        None, description="may the model ask for money beyond the tranches (setting allow_extra_funding)")


class CapacityConfig(_Section):
    """Agency capacities in person-days per week."""

    set: dict[str, NonNegative] = Field(
        default_factory=dict, description="agency id -> weekly capacity (person-days/week)")
    scale: dict[str, NonNegative] = Field(
        default_factory=dict, description="agency id -> factor applied to its weekly capacity")


class DeadlinesConfig(_Section):
    """Target dates: shifted, and soft (penalised) or hard (must hold)."""

    shift_days: WholeDays | dict[str, WholeDays] | None = Field(
        None, description="days every target date moves, or commune code (or DISTRICT) -> days")
    hard: bool | None = Field(None, description="deadlines must hold (an explanation when they cannot)")


class ObjectiveConfig(_Section):
    """Weights of the objective (settings of the same names)."""

    weight_late_milestone: NonNegative | None = Field(None, description="penalty per late milestone")
    weight_tardiness_day: NonNegative | None = Field(None, description="penalty per day of lateness")
    weight_cost_mvnd: NonNegative | None = Field(None, description="weight of cost, per million VND")
    weight_district_day: NonNegative | None = Field(None, description="weight per day of the district's date")
    extra_funding_price: NonNegative | None = Field(
        None, description="price of one million VND of extra funding")


class SolverConfig(_Section):
    """CP-SAT options."""

    time_limit: Annotated[float, Field(gt=0, allow_inf_nan=False)] | None = Field(
        None, description="seconds per solve (> 0)")
    seed: Annotated[int, Field(ge=0)] | None = Field(None, description="random seed (>= 0)")
    workers: Annotated[int, Field(gt=0, le=256)] | None = Field(
        None, description="CP-SAT search workers (> 0)")


class ReportConfig(_Section):
    """Report options."""

    lang: Literal["vi", "en"] | None = Field(None, description="language of the report: 'vi' or 'en'")


class ScenarioConfig(_Section):
    """A scenario file: the base configuration, or the overrides of one scenario."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True,
                              title="ntm-sched scenario",
                              json_schema_extra={"description": "A scenario of ntm-sched: base.yaml, or "
                                                 "the overrides of one scenario over it."})

    description: DescriptionConfig | None = Field(None, description="title of the scenario, per language")
    plan: Annotated[str, Field(min_length=1)] | None = Field(
        None, description="plan folder or .xlsx workbook, relative to the scenario file")
    funding: FundingConfig | None = Field(None, description="changes to the money")
    capacity: CapacityConfig | None = Field(None, description="changes to agency capacities")
    deadlines: DeadlinesConfig | None = Field(None, description="target dates")
    accelerated: bool | None = Field(None, description="allow accelerated (shorter, dearer) modes")
    objective: ObjectiveConfig | None = Field(None, description="objective weights")
    solver: SolverConfig | None = Field(None, description="solver options")
    report: ReportConfig | None = Field(None, description="report options")


def _expected(err: ErrorDetails) -> str:
    """What was expected, in words, for one pydantic error."""
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "extra_forbidden":
        return "no such key"
    if kind in ("bool_type", "bool_parsing"):
        return "true or false"
    if kind == "literal_error":
        return f"one of {ctx.get('expected', '')}"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        sign = {"greater_than": ">", "greater_than_equal": ">=", "less_than": "<",
                "less_than_equal": "<="}[kind]
        bound = next(iter(ctx.values()), "")
        return f"a number {sign} {bound}"
    if kind in ("int_type", "int_from_float", "int_parsing"):
        return "a whole number"
    if kind in ("float_type", "float_parsing", "finite_number"):
        return "a finite number"
    if kind in ("string_type", "string_too_short"):
        return "a non-empty text"
    if kind == "missing":
        return "this key (it is required)"
    if kind in ("date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact"):
        return "an ISO date yyyy-mm-dd"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "a mapping"
    if kind == "list_type":
        return "a list"
    return str(err.get("msg", kind))


def _key(loc: tuple[Any, ...]) -> str:
    """``('funding', 'add', 0, 'amount_mvnd')`` -> ``funding.add[0].amount_mvnd``.

    pydantic adds the chosen member of a union (``int``, ``dict[str,int]``) to the location;
    those parts are not keys of the file and are dropped.
    """
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif "[" in str(part) or part in ("int", "float", "str", "bool", "constrained-int",
                                           "constrained-float", "function-after"):
            continue
        else:
            out += f".{part}" if out else str(part)
    return out


def validate_file(data: dict[str, Any], file: str) -> ScenarioConfig:
    """Validate the mapping read from one scenario file.

    Parameters
    ----------
    data
        The file's top-level mapping, as read by ``yaml.safe_load``.
    file
        The file's path, named in errors.

    Returns
    -------
    ScenarioConfig

    Raises
    ------
    ValueError
        (as :class:`ntm_sched.scenario.ScenarioError`, raised by the caller) with one line per
        problem: ``<file>: key '<key>': expected <what>, got <value>``; an unknown key reads
        ``<file>: unknown key '<key>' (expected one of [...])``.
    """
    try:
        return ScenarioConfig.model_validate(data)
    except ValidationError as exc:
        unknown: list[str] = []
        expected: dict[str, list[str]] = {}
        got: dict[str, Any] = {}
        for err in exc.errors():
            key = _key(tuple(err["loc"]))
            if err["type"] == "extra_forbidden":
                unknown.append(f"{file}: unknown key '{key}' (expected one of {sorted(_fields_at(key))})")
                continue
            # a union (``int | dict``) reports each member: join what each expected
            what = expected.setdefault(key, [])
            if _expected(err) not in what:
                what.append(_expected(err))
            got.setdefault(key, err.get("input"))
        # a union member that got further (``shift_days.07357``) says more than its parent
        keys = [k for k in expected if not any(o != k and o.startswith(k + ".") for o in expected)]
        lines = unknown + [f"{file}: key '{k}': expected {' or '.join(expected[k])}, got {got[k]!r}"
                           for k in keys]
        raise ValueError("\n".join(lines)) from None


def _fields_at(key: str) -> set[str]:
    """The keys allowed beside ``key`` (the fields of the section that holds it)."""
    model: type[BaseModel] = ScenarioConfig
    parts = [p for p in key.replace("]", "").replace("[", ".").split(".") if p and not p.isdigit()][:-1]
    for part in parts:
        field = model.model_fields.get(part)
        if field is None:
            break
        nested = _model_of(field.annotation)
        if nested is None:
            break
        model = nested
    return set(model.model_fields)


def _model_of(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside an annotation such as ``FundingConfig | None`` or ``list[TrancheAdd]``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _model_of(arg)
        if found is not None:
            return found
    return None


def json_schema() -> dict[str, Any]:
    """The JSON schema of a scenario file (for editor completion and documentation)."""
    schema = ScenarioConfig.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
