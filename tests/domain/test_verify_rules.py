"""The verifier's own arithmetic: the day-by-day sums of spans, and an agency's capacity on a day."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from ntm_sched.domain.verify_rules import Rules, daily_totals

DAY0 = dt.date(2019, 8, 1)


def _naive(spans):
    """Each span's amount added to each of its days: the sums ``daily_totals`` must give."""
    out = defaultdict(int)
    for start, end, amount in spans:
        d = start
        while d < end:
            out[d] += amount
            d += dt.timedelta(days=1)
    return dict(out)


spans_strategy = st.lists(
    st.tuples(st.integers(0, 60), st.integers(-3, 40),
              st.one_of(st.integers(0, 50), st.fractions(min_value=0, max_value=20, max_denominator=20))),
    max_size=12).map(lambda rows: [(DAY0 + dt.timedelta(days=s), DAY0 + dt.timedelta(days=s + n), a)
                                   for s, n, a in rows])


@settings(max_examples=300, deadline=None)
@given(spans_strategy)
def test_daily_totals_are_the_day_by_day_sums(spans) -> None:
    """Overlapping, touching, empty and reversed spans, whole and fractional amounts, amounts of zero: every
    day inside a span has its exact sum (a zero sum included), no other day appears."""
    got = daily_totals(spans)
    assert got == _naive(spans)
    assert all(isinstance(v, (int, Fraction)) for v in got.values())


def test_a_capacity_change_holds_on_its_days_only(plan) -> None:
    """``capacity_changes.csv`` on the days of its rows (first and last day included); on the other days,
    ``agencies.csv`` (the plan refuses rows of one agency that overlap)."""
    import dataclasses

    from ntm_sched.plan import CapacityChange

    agency = plan.agencies[0].agency_id
    base = Fraction(str(plan.agencies[0].weekly_capacity))
    first = CapacityChange(agency_id=agency, start_date=DAY0, end_date=DAY0 + dt.timedelta(days=6),
                           weekly_capacity=1.5, source="test")
    second = CapacityChange(agency_id=agency, start_date=DAY0 + dt.timedelta(days=7),
                            end_date=DAY0 + dt.timedelta(days=9), weekly_capacity=7.0, source="test")
    rules = Rules(dataclasses.replace(plan, capacity_changes=(first, second)))
    other = plan.agencies[1].agency_id
    assert rules.capacity(agency, DAY0 - dt.timedelta(days=1)) == base
    assert rules.capacity(agency, DAY0) == Fraction(3, 2)
    assert rules.capacity(agency, DAY0 + dt.timedelta(days=6)) == Fraction(3, 2)
    assert rules.capacity(agency, DAY0 + dt.timedelta(days=7)) == 7
    assert rules.capacity(agency, DAY0 + dt.timedelta(days=9)) == 7
    assert rules.capacity(agency, DAY0 + dt.timedelta(days=10)) == base
    assert rules.capacity(other, DAY0) == Fraction(str(plan.agencies[1].weekly_capacity))
