"""The scenario file's schema: one pydantic model per section, each field described and bounded.

A scenario file (``data/<plan>/scenarios/<name>.yaml``) holds only overrides of ``base.yaml``; every
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

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic_core import ErrorDetails, PydanticCustomError

from ntm_sched.plan.cells import CellError, read_date

__all__ = [
    "CapacityConfig",
    "DeadlinesConfig",
    "DescriptionConfig",
    "FundingConfig",
    "ObjectiveConfig",
    "ReportConfig",
    "RiskConfig",
    "ScenarioConfig",
    "SolverConfig",
    "TrancheAdd",
    "json_schema",
    "read_dates",
    "validate_file",
]

NonNegative = Annotated[float, Field(ge=0, allow_inf_nan=False)]


def _date_text(value: Any) -> Any:
    """A date written as text follows the one rule of input files' dates
    (:func:`ntm_sched.plan.cells.read_date`); a YAML date passes as it is."""
    if not isinstance(value, str):
        return value
    try:
        return read_date(value.strip())[0]
    except CellError as exc:
        raise PydanticCustomError("date_text", "{why}", {"why": exc.en}) from None


FileDate = Annotated[dt.date, BeforeValidator(_date_text), Field(strict=True)]
"""A date of a scenario file: a YAML date (``2020-03-04``), or text following the one rule
(``dd/mm/yyyy`` read with a warning from :func:`read_dates`); never a number or a date-time."""
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
    date_available: FileDate = Field(
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
    weight_recognition_day: NonNegative | None = Field(
        None, description="weight per day of each commune's recognition date (as early as the other goals allow)")
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


Share = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
Distribution = Literal["triangular", "pert"]


class WorkTypeRiskConfig(_Section):
    """Uncertainty of one work type (columns of risk/work_types.csv): factors of the plan's figures."""

    distribution: Distribution | None = Field(None, description="'triangular' or 'pert'")
    duration_low: NonNegative | None = Field(None, description="optimistic duration factor (1 = the plan's)")
    duration_mode: NonNegative | None = Field(None, description="most likely duration factor")
    duration_high: NonNegative | None = Field(None, description="pessimistic duration factor")
    cost_low: NonNegative | None = Field(None, description="optimistic cost factor")
    cost_mode: NonNegative | None = Field(None, description="most likely cost factor")
    cost_high: NonNegative | None = Field(None, description="pessimistic cost factor")
    source: str | None = Field(None, description="where the figures come from (default: this scenario)")


class StepRiskConfig(_Section):
    """Uncertainty of one recognition step (risk/steps.csv): duration factors."""

    distribution: Distribution | None = Field(None, description="'triangular' or 'pert'")
    duration_low: NonNegative | None = Field(None, description="optimistic duration factor")
    duration_mode: NonNegative | None = Field(None, description="most likely duration factor")
    duration_high: NonNegative | None = Field(None, description="pessimistic duration factor")
    source: str | None = Field(None, description="where the figures come from")


class SourceRiskConfig(_Section):
    """Delay and shortfall of one funding source (risk/sources.csv)."""

    distribution: Distribution | None = Field(None, description="'triangular' or 'pert'")
    delay_low_days: NonNegative | None = Field(None, description="optimistic delay of its tranches (days)")
    delay_mode_days: NonNegative | None = Field(None, description="most likely delay (days)")
    delay_high_days: NonNegative | None = Field(None, description="pessimistic delay (days)")
    per_earmark: bool | None = Field(None, description="each commune's earmarked money draws its own delay")
    shortfall_probability: Share | None = Field(None, description="probability that part is never released")
    shortfall_low: Share | None = Field(None, description="optimistic share never released")
    shortfall_mode: Share | None = Field(None, description="most likely share never released")
    shortfall_high: Share | None = Field(None, description="pessimistic share never released")
    source: str | None = Field(None, description="where the figures come from")


class RiskEventConfig(_Section):
    """One risk event (risk/events.csv): a new id needs every required column."""

    name_vi: str | None = Field(None, description="name in Vietnamese")
    name_en: str | None = Field(None, description="name in English")
    probability: Share | None = Field(None, description="probability that it happens")
    scope: Literal["all", "each"] | None = Field(None, description="one draw for all targets, or one per task")
    work_types: list[str] | None = Field(None, description="work types it hits ('*': every work)")
    steps: list[str] | None = Field(None, description="recognition steps it hits, as chain:step")
    communes: list[str] | None = Field(None, description="only these communes (codes)")
    agency: str | None = Field(None, description="the agency it hits (capacity_outage) or filters tasks by")
    source_id: str | None = Field(None, description="the money source it delays (release_delay_days)")
    window_start: FileDate | None = Field(None, description="window start (ISO date)")
    window_end: FileDate | None = Field(None, description="window end (ISO date)")
    effect: Literal["duration_factor", "delay_days", "cost_factor", "capacity_outage",
                    "release_delay_days"] | None = Field(None, description="what it does")
    distribution: Distribution | None = Field(None, description="'triangular' or 'pert'")
    impact_low: NonNegative | None = Field(None, description="optimistic impact")
    impact_mode: NonNegative | None = Field(None, description="most likely impact")
    impact_high: NonNegative | None = Field(None, description="pessimistic impact")
    capacity_factor: Share | None = Field(None, description="share of capacity left during an outage")
    source: str | None = Field(None, description="where the figures come from")


class RiskConfig(_Section):
    """Risk analysis (``ntm-sched risk``): uncertainty overrides and the run's defaults."""

    data: Annotated[str, Field(min_length=1)] | None = Field(
        None, description="risk data folder, relative to the scenario file (default: <plan folder>/risk)")
    work_types: dict[str, WorkTypeRiskConfig] = Field(
        default_factory=dict, description="work type (or '*') -> columns of risk/work_types.csv to change")
    steps: dict[str, StepRiskConfig] = Field(
        default_factory=dict, description="chain:step -> columns of risk/steps.csv to change")
    sources: dict[str, SourceRiskConfig] = Field(
        default_factory=dict, description="source id -> columns of risk/sources.csv to change")
    events: dict[str, RiskEventConfig] = Field(
        default_factory=dict, description="event id -> columns of risk/events.csv to change (or a new event)")
    spread_scale: NonNegative | None = Field(
        None, description="multiplies every spread and event probability (0: the deterministic plan)")
    samples: Annotated[int, Field(gt=0)] | None = Field(None, description="Monte Carlo samples")
    policy: Literal["fixed", "replan"] | None = Field(None, description="'fixed' (re-time the plan) or 'replan'")
    seed: Annotated[int, Field(ge=0)] | None = Field(None, description="seed of the samples")


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
    risk: RiskConfig | None = Field(None, description="risk analysis: uncertainty overrides and run defaults")


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
    if kind == "date_text":
        return f"an ISO date yyyy-mm-dd ({ctx.get('why', '')})"
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
        # a union member that got further (``shift_days.<commune code>``) says more than its parent
        keys = [k for k in expected if not any(o != k and o.startswith(k + ".") for o in expected)]
        lines = unknown + [f"{file}: key '{k}': expected {' or '.join(expected[k])}, got {got[k]!r}"
                           for k in keys]
        raise ValueError("\n".join(lines)) from None


DATE_KEYS = frozenset({"date_available", "window_start", "window_end"})
"""The keys of a scenario file that hold a date (the fields typed :data:`FileDate`)."""


def read_dates(data: Any, file: str, _key_path: str = "") -> list[str]:
    """Read the dates written as text in a scenario file's mapping, in place, by the one rule.

    A text ``dd/mm/yyyy`` under a date key becomes the date it reads as, and a warning line
    ``<file>: key '<key>': 03/04/2020 read as 3 April 2020 (dd/mm/yyyy); files use ISO
    yyyy-mm-dd`` is returned; any other text is left for :func:`validate_file` to refuse.

    Parameters
    ----------
    data
        The file's mapping as read by ``yaml.safe_load`` (changed in place).
    file
        The file's path, named in the warnings.

    Returns
    -------
    list of str
        One warning per date read from a form other than ISO.
    """
    notes: list[str] = []
    items: Any = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for k, v in list(items):
        here = (f"{_key_path}[{k}]" if isinstance(k, int) else f"{_key_path}.{k}" if _key_path else str(k))
        if isinstance(v, str) and k in DATE_KEYS:
            try:
                value, how = read_date(v.strip())
            except CellError:
                continue  # refused, located, by validate_file
            data[k] = value
            if how is not None:
                notes.append(f"{file}: key '{here}': {how.en}")
        elif isinstance(v, (dict, list)):
            notes.extend(read_dates(v, file, here))
    return notes


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
