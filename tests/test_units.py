"""Units and formats: the one place where money, effort and dates are scaled and written."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from ntm_sched.units import (
    EFFORT_SCALE,
    VND_PER_MODEL_UNIT,
    date_to_period,
    format_date,
    format_money,
    from_model_effort,
    month_start,
    period_to_date,
    scaled_release,
    to_date,
    to_model_effort,
    to_model_money,
    week_start,
)


def test_scale_factors() -> None:
    assert VND_PER_MODEL_UNIT == 1_000_000 and EFFORT_SCALE == 10


@pytest.mark.parametrize(("mvnd", "units"), [(0, 0), (0.49, 0), (0.5, 1), (2.5, 3), (1234.4, 1234), (7, 7)])
def test_money_rounds_half_up(mvnd: float, units: int) -> None:
    assert to_model_money(mvnd) == units


@pytest.mark.parametrize(("mvnd", "factor", "want"), [
    (1.9, 0.6, 1.14), (100, 0.29, 29.0), (7, 0.5, 3.5), (1, 1 / 3, 0.333), (2, 2 / 3, 1.333), (432.5, 1.0, 432.5)])
def test_a_scaled_release_is_rounded_down_to_thousands_of_vnd(mvnd: float, factor: float, want: float) -> None:
    assert scaled_release(mvnd, factor) == want  # 2/3 x 2 = 1.3333 is 1.333, never 1.334


@pytest.mark.parametrize(("mvnd", "factor"), [(-1, 0.5), (1, -0.5), (math.nan, 1), (1, math.inf)])
def test_a_scaled_release_refuses_negative_and_non_finite(mvnd: float, factor: float) -> None:
    with pytest.raises(ValueError, match="finite and non-negative"):
        scaled_release(mvnd, factor)


@pytest.mark.parametrize("bad", [-0.01, math.nan, math.inf])
def test_money_refuses_negative_and_non_finite(bad: float) -> None:
    with pytest.raises(ValueError, match="finite non-negative"):
        to_model_money(bad)


@pytest.mark.parametrize(("pdw", "units"), [(0, 0), (0.1, 1), (0.25, 3), (1, 10), (2.3, 23), (0.01, 1)])
def test_effort_rounds_up_never_undercounting(pdw: float, units: int) -> None:
    assert to_model_effort(pdw) == units
    assert from_model_effort(units) >= pdw - 1e-12


@pytest.mark.parametrize("bad", [-1, math.nan, math.inf])
def test_effort_refuses_negative_and_non_finite(bad: float) -> None:
    with pytest.raises(ValueError):
        to_model_effort(bad)


@pytest.mark.parametrize(
    ("mvnd", "vi", "en"),
    [
        (0, "0 triệu đồng", "0 million VND"),
        (850, "850 triệu đồng", "850 million VND"),
        (999.6, "1,00 tỷ đồng", "1.00 billion VND"),
        (1234.5, "1,23 tỷ đồng", "1.23 billion VND"),
        (21_000, "21,00 tỷ đồng", "21.00 billion VND"),
        (12_345_678, "12.345,68 tỷ đồng", "12,345.68 billion VND"),
        (-1500, "-1,50 tỷ đồng", "-1.50 billion VND"),
    ],
)
def test_money_is_written_with_each_languages_separators(mvnd: float, vi: str, en: str) -> None:
    assert format_money(mvnd, "vi") == vi
    assert format_money(mvnd, "en") == en


def test_dates() -> None:
    d = dt.date(2019, 8, 5)
    assert format_date(d) == "05/08/2019" == format_date(d, "en") and format_date(None) == ""
    assert period_to_date(d, 0) == d and period_to_date(d, 149) == dt.date(2020, 1, 1)
    assert date_to_period(d, dt.date(2020, 1, 1)) == 149 and date_to_period(d, dt.date(2019, 8, 1)) == -4
    assert month_start(dt.date(2020, 2, 29)) == dt.date(2020, 2, 1)
    assert week_start(dt.date(2019, 8, 11)) == dt.date(2019, 8, 5)  # Sunday -> Monday before
    assert week_start(dt.date(2019, 8, 5)) == dt.date(2019, 8, 5)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, None), ("", None), (math.nan, None), (pd.NaT, None),
        ("2019-08-05", dt.date(2019, 8, 5)), (dt.date(2019, 8, 5), dt.date(2019, 8, 5)),
        (dt.datetime(2019, 8, 5, 13, 0), dt.date(2019, 8, 5)), (pd.Timestamp("2019-08-05"), dt.date(2019, 8, 5)),
    ],
)
def test_to_date(value, expected) -> None:
    assert to_date(value) == expected


def test_to_date_refuses_text_that_is_not_iso() -> None:
    with pytest.raises(ValueError):
        to_date("05/08/2019x")


@pytest.mark.parametrize(("value", "expected"), [
    ("2019-08-05 00:00:00", dt.date(2019, 8, 5)), ("2019-08-05T07:30", dt.date(2019, 8, 5)), ("nan", None),
    ("05/08/2019", None), (math.nan, None), (pd.NaT, None), (None, None), ("", None),
    (dt.datetime(2019, 8, 5, 7), dt.date(2019, 8, 5)), (dt.date(2020, 1, 1), dt.date(2020, 1, 1))])
def test_to_date_lenient_reads_tables_back_without_raising(value, expected) -> None:
    """The verifier's reading of written tables (its own helper before): a date-time as text is its
    date, anything else that is not a date is None, a finding rather than a crash."""
    assert to_date(value, lenient=True) == expected


def test_the_three_date_helpers_are_one() -> None:
    """``verify._date`` and ``replan._d`` were copies of ``units.to_date`` with their own rules."""
    import ntm_sched.domain.verify as verify
    import ntm_sched.domain.verify_checks as verify_checks
    import ntm_sched.studies.progress.progress_state as progress_state
    import ntm_sched.studies.progress.replan as replan

    assert not hasattr(verify, "_date") and not hasattr(replan, "_d")
    assert verify_checks.to_date is to_date and progress_state.to_date is to_date
