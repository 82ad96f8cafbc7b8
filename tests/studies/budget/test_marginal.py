"""Budget lab: fixed allocations never overspend, the minimum budget is tight, cuts are monotone,
allocation files are checked with file/row/column messages. A 3-commune plan keeps solves short."""

from __future__ import annotations

import pandas as pd
import pytest

from ntm_sched.studies import budget as B

TL = 4.0
KW = {"time_limit": TL, "workers": 1, "seed": 0}
COMMUNES = ["07360", "07357", "07321"]


@pytest.fixture(scope="module")
def plan():
    from ntm_sched.scenario import load_scenario, load_scenario_plan

    return B.restrict_plan(load_scenario_plan(load_scenario("base")), COMMUNES)


@pytest.fixture(scope="module")
def full_plan():
    from ntm_sched.scenario import load_scenario, load_scenario_plan

    return load_scenario_plan(load_scenario("base"))


def small_allocation() -> pd.DataFrame:
    return pd.DataFrame([
        {"commune_code": "07357", "source_id": "HUYEN", "quarter": "2019Q4", "amount_mvnd": 3000},
        {"commune_code": "07357", "source_id": "XA", "quarter": "2020Q1", "amount_mvnd": 1000},
        {"commune_code": "07321", "source_id": "HUYEN", "quarter": "2019Q3", "amount_mvnd": 800},
        {"commune_code": "", "source_id": "NTM_TW_TINH", "quarter": "2019Q4", "amount_mvnd": 2000},
    ])


def test_marginal_value_table(plan):
    df = B.marginal_value(plan, 500, communes=["07357"], time_limit=8.0, workers=1, seed=0)
    assert list(df.columns)[:5] == ["commune_code", "name", "base_date", "date_with_more", "days_gained"]
    assert (df["question"] == B.MARGINAL_QUESTION).all()
    assert df["status_base"].notna().all() and df["lateness_status_base"].notna().all()
    proven = [c for c in df.columns if c.startswith(("status_", "lateness_status_"))]
    if (df[proven] == "OPTIMAL").all().all():  # both questions proven: more money cannot hurt
        assert (df["days_gained"] >= 0).all()
