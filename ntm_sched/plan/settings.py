"""The plan's settings (``settings.csv``) parsed once into a typed object.

Every modelling default lives in ``settings.csv`` with its source; :func:`read_settings`
raises ``KeyError`` naming a missing setting rather than falling back to a number hidden
in code. Optional: the target dates, ``extra_funding_from`` and
``budget_lab_extra_funding_from``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from ntm_sched.errors import InputError

from .cells import CellError, parse_bool, parse_date
from .model import Plan

MILESTONES = ("works_done", "inspection", "submission", "appraisal", "recognition")
"""Milestones of a recognition chain that may carry a target date."""

def _date(settings: Mapping[str, str], key: str) -> dt.date | None:
    v = settings.get(key, "")
    return parse_date(v) if v else None


@dataclass(frozen=True)
class PlanSettings:
    """Typed settings of a plan (see ``data/<plan>/settings.csv`` for each one's meaning and source)."""

    plan_start: dt.date
    horizon_end: dt.date
    communes_target: dt.date | None
    district_targets: Mapping[str, dt.date | None]
    advance_share: float
    accel_duration_factor: float
    accel_cost_factor: float
    accel_effort_factor: float
    allow_accelerated: bool
    allow_extra_funding: bool
    extra_funding_price: int
    weight_late_milestone: int
    weight_tardiness_day: int
    weight_cost_mvnd: int
    weight_district_day: int
    hard_deadlines: bool
    extra_funding_from: dt.date | None
    lexicographic: bool
    budget_lab_extra_funding_from: dt.date | None = None
    weight_recognition_day: int = 0
    raw: Mapping[str, str] = field(default_factory=dict, repr=False, compare=False)


class SettingError(InputError, KeyError):
    """A setting the model needs is missing or unreadable (names the setting and its value)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


def read_settings(plan: Plan) -> PlanSettings:
    """The typed settings of ``plan``.

    Raises
    ------
    SettingError
        (a ``KeyError``) naming the first required setting that is missing or empty, or a value
        that cannot be read as what the setting holds.
    """
    try:
        return _read_settings(plan)
    except SettingError:
        raise
    except ValueError as exc:
        raise SettingError(f"settings.csv: {exc}") from None


def _read_settings(plan: Plan) -> PlanSettings:
    s = {k: ("" if v is None else str(v)) for k, v in plan.settings.items()}

    def need(key: str) -> str:
        if key not in s or s[key] == "":
            raise SettingError(f"settings.csv: the setting {key!r} is missing")
        return s[key]

    def flag(key: str) -> bool:
        try:
            return parse_bool(need(key).strip())
        except CellError as exc:
            raise SettingError(f"settings.csv: the setting {key!r}: {exc.en}") from None

    return PlanSettings(
        plan_start=parse_date(need("plan_start")),
        horizon_end=parse_date(need("horizon_end")),
        communes_target=_date(s, "communes_target"),
        district_targets={m: _date(s, f"district_target_{m}") for m in MILESTONES},
        advance_share=float(need("advance_share")),
        accel_duration_factor=float(need("accel_duration_factor")),
        accel_cost_factor=float(need("accel_cost_factor")),
        accel_effort_factor=float(need("accel_effort_factor")),
        allow_accelerated=flag("allow_accelerated"),
        allow_extra_funding=flag("allow_extra_funding"),
        extra_funding_price=int(float(need("extra_funding_price"))),
        weight_late_milestone=int(float(need("weight_late_milestone"))),
        weight_tardiness_day=int(float(need("weight_tardiness_day"))),
        weight_cost_mvnd=int(float(need("weight_cost_mvnd"))),
        weight_district_day=int(float(need("weight_district_day"))),
        hard_deadlines=flag("hard_deadlines"),
        extra_funding_from=_date(s, "extra_funding_from"),
        lexicographic=flag("lexicographic_objective"),
        budget_lab_extra_funding_from=_date(s, "budget_lab_extra_funding_from"),
        weight_recognition_day=int(float(s.get("weight_recognition_day") or 0)),
        raw=s,
    )
