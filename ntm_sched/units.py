"""Units and formats, in one place.

Money
    The model counts money in **million VND** (integers in the engine).
    :data:`VND_PER_MODEL_UNIT` is the only conversion factor; reports format
    amounts with :func:`format_money`.
Effort
    Agencies' effort is in person-days per week; the engine needs integers, so
    effort is scaled by :data:`EFFORT_SCALE` when a model is built and divided
    back when results are reported.
Dates
    Files use ISO dates (``yyyy-mm-dd``); reports show ``dd/mm/yyyy``.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from ntm_sched.i18n import label

VND_PER_MODEL_UNIT: int = 1_000_000
"""One engine money unit is one million VND."""

EFFORT_SCALE: int = 10
"""Engine effort units per person-day/week (tenths of a person-day)."""


def to_model_money(mvnd: float) -> int:
    """Million VND (float, from data) to integer engine money units (rounded half up)."""
    if not math.isfinite(mvnd) or mvnd < 0:
        raise ValueError(f"money must be a finite non-negative number, got {mvnd!r}")
    return int(math.floor(mvnd + 0.5))


def to_model_money_released(mvnd: float) -> int:
    """Money *released* (a tranche) in million VND to integer engine units, rounded **down**: the
    model may never spend more than the plan releases (a tranche of 432.5 gives 432, not 433)."""
    if mvnd < 0 or math.isnan(mvnd) or math.isinf(mvnd):
        raise ValueError(f"money must be a finite non-negative number, got {mvnd!r}")
    return int(math.floor(round(mvnd, 9)))


RELEASE_DECIMALS: int = 3
"""Decimals a released amount keeps in million VND (thousands of VND, as ``funding.csv``)."""


def scaled_release(mvnd: float, factor: float) -> float:
    """A released amount (a tranche, million VND) x ``factor``, rounded **down** to
    :data:`RELEASE_DECIMALS` decimals: the one funding-scale rule of the product.

    Used by the plan-level edit (:meth:`ntm_sched.plan.edits.PlanEdit.scale_funding`) and by the
    studies' scaled problems (:func:`ntm_sched.domain.build.scaled_funding`), so that a scaled plan
    and a scaled problem release the same money: 1.9 million x 0.6 is 1.14 (1 in the engine) in
    both, where scaling the engine's already rounded 1 gave 0.

    Parameters
    ----------
    mvnd
        The amount released, million VND (finite, non-negative).
    factor
        The scale (finite, non-negative).

    Returns
    -------
    float
        ``mvnd * factor`` rounded down to thousands of VND (a float error below 1e-6 of a
        thousand VND is not taken for a shortfall: 100 x 0.29 is 29, not 28.999).
    """
    if not (math.isfinite(mvnd) and math.isfinite(factor)) or mvnd < 0 or factor < 0:
        raise ValueError(f"a released amount and its scale must be finite and non-negative, got {mvnd!r} x {factor!r}")
    unit = 10 ** RELEASE_DECIMALS
    return math.floor(round(mvnd * factor * unit, 6)) / unit


def to_model_effort(person_days_per_week: float) -> int:
    """Effort in person-days/week to integer engine units (rounded up: never under-count)."""
    if not math.isfinite(person_days_per_week) or person_days_per_week < 0:
        raise ValueError(f"effort must be a finite non-negative number, got {person_days_per_week!r}")
    return int(math.ceil(round(person_days_per_week * EFFORT_SCALE, 9)))


def from_model_effort(units: float) -> float:
    """Engine effort units back to person-days/week."""
    return units / EFFORT_SCALE


def format_money(mvnd: float, lang: str | None = None) -> str:
    """Human-readable money from million VND: billions when large.

    Vietnamese uses ``.`` as thousands separator and ``,`` as decimal mark.
    """
    if round(abs(mvnd)) >= 1000:  # 999.6 million shows as 1,00 billion, not "1.000 million"
        value, unit = mvnd / 1000, label("u_billion", lang)
        text = f"{value:,.2f}"
    else:
        value, unit = mvnd, label("u_million", lang)
        text = f"{value:,.0f}"
    thousands, decimal = label("num_thousands", lang), label("num_decimal", lang)
    text = text.replace(",", "\u2009").replace(".", decimal).replace("\u2009", thousands)
    return f"{text} {unit}"


def format_number(value: float, lang: str | None = None, decimals: int = 0) -> str:
    """A number for people: thousands grouped (``.`` in Vietnamese, ``,`` in English), decimal
    mark ``,`` in Vietnamese; as in the reports' money (:func:`format_money`)."""
    text = f"{value:,.{decimals}f}"
    thousands, decimal = label("num_thousands", lang), label("num_decimal", lang)
    return text.replace(",", "\u2009").replace(".", decimal).replace("\u2009", thousands)


def format_date(d: dt.date | None, lang: str | None = None) -> str:
    """``dd/mm/yyyy`` (both languages: the district's convention); empty for ``None``."""
    if d is None:
        return ""
    return d.strftime("%d/%m/%Y")


def period_to_date(origin: dt.date, period: int) -> dt.date:
    """Calendar date of engine period ``period`` (one period = one day)."""
    return origin + dt.timedelta(days=int(period))


def date_to_period(origin: dt.date, d: dt.date) -> int:
    """Engine period of a calendar date."""
    return (d - origin).days


def month_start(d: dt.date) -> dt.date:
    """First day of ``d``'s month."""
    return d.replace(day=1)


def week_start(d: dt.date) -> dt.date:
    """Monday of ``d``'s ISO week."""
    return d - dt.timedelta(days=d.weekday())


def to_date(v: Any, *, lenient: bool = False) -> dt.date | None:
    """A ``datetime.date`` from a value of a table: the one reader of dates already in the
    product's own form (tables, snapshots, results); a user's cell is read by
    :func:`ntm_sched.plan.cells.parse_date`.

    Parameters
    ----------
    v
        A date, a datetime or pandas Timestamp (its date), ISO text ``yyyy-mm-dd``, or an empty
        value (``None``, ``""``, NaN, NaT).
    lenient
        For a checker reading tables back: text is read by its first 10 characters (a date-time
        written as text) and text that is not a date gives ``None`` (a finding, not a crash).

    Returns
    -------
    datetime.date or None
        ``None`` for an empty value (and, when ``lenient``, for text that is not a date).

    Raises
    ------
    ValueError
        Text that is not an ISO date (unless ``lenient``).
    """
    if v is None or (isinstance(v, str) and v == ""):
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    try:
        import pandas as pd

        if pd.isna(v):  # NaN, None, pandas.NaT (which is also a datetime)
            return None
    except (TypeError, ValueError):
        pass
    if isinstance(v, dt.datetime):  # includes pandas.Timestamp
        return v.date()
    if isinstance(v, dt.date):
        return v
    if not lenient:
        return dt.date.fromisoformat(str(v))
    try:
        return dt.date.fromisoformat(str(v)[:10])
    except ValueError:
        return None
