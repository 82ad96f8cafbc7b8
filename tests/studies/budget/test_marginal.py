"""Budget lab: fixed allocations never overspend, the minimum budget is tight, cuts are monotone,
allocation files are checked with file/row/column messages. A 3-commune plan keeps solves short."""

from __future__ import annotations

from ntm_sched.studies import budget as B


def test_marginal_value_table(plan):
    df = B.marginal_value(plan, 500, communes=["07357"], time_limit=8.0, workers=1, seed=0)
    assert list(df.columns)[:5] == ["commune_code", "name", "base_date", "date_with_more", "days_gained"]
    assert (df["question"] == B.MARGINAL_QUESTION).all()
    assert df["status_base"].notna().all() and df["lateness_status_base"].notna().all()
    proven = [c for c in df.columns if c.startswith(("status_", "lateness_status_"))]
    if (df[proven] == "OPTIMAL").all().all():  # both questions proven: more money cannot hurt
        assert (df["days_gained"] >= 0).all()
