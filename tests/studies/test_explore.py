"""Explorer logic: controls reach the plan, re-solves with a hint stay checker-valid, widgets build."""

from __future__ import annotations

import pytest

from ntm_sched.studies import budget as B
from ntm_sched.studies import explore as E


@pytest.fixture(scope="module")
def plan():
    from ntm_sched.scenario import load_scenario, load_scenario_plan

    return B.restrict_plan(load_scenario_plan(load_scenario("base")), ["07360", "07357"])


def test_defaults_reproduce_the_plan(plan):
    c = E.Controls.from_plan(plan)
    assert c.funding_scale["HUYEN"] == 1.0 and c.inspection_capacity == 5.0
    p2 = E.apply_controls(plan, c)
    assert p2.table("funding")["amount_mvnd"].tolist() == plan.table("funding")["amount_mvnd"].tolist()
    assert p2.table("agencies")["weekly_capacity"].tolist() == plan.table("agencies")["weekly_capacity"].tolist()


def test_controls_reach_the_plan(plan):
    c = E.Controls.from_plan(plan).replace(inspection_capacity=10, hard_deadlines=True, accelerated=False,
                                           extra_funding=False, deadline_shift_days=30,
                                           funding_scale={"HUYEN": 0.5})
    p2 = E.apply_controls(plan, c)
    ag = p2.table("agencies").set_index("agency_id")
    assert ag.loc["BCD_HUYEN", "weekly_capacity"] == 10
    assert p2.setting("hard_deadlines") == "true"
    assert p2.setting("allow_accelerated") == "false"
    assert p2.setting("allow_extra_funding") == "false"
    f0, f1 = plan.table("funding"), p2.table("funding")
    h0 = f0.loc[f0["source_id"] == "HUYEN", "amount_mvnd"].sum()
    assert f1.loc[f1["source_id"] == "HUYEN", "amount_mvnd"].sum() == pytest.approx(h0 / 2)
    c0 = plan.table("communes").set_index("code")
    c1 = p2.table("communes").set_index("code")
    assert (c1.loc["07357", "target_recognition"] - c0.loc["07357", "target_recognition"]).days == 30


def test_explorer_resolve_with_hint_is_valid(plan):
    ex = E.Explorer(plan, time_limit=3)
    r1 = ex.solve()
    assert r1.has_schedule and r1.result.check.ok
    r2 = ex.solve(ex.controls.replace(inspection_capacity=10))
    assert r2.has_schedule and r2.result.check.ok
    assert ex.headline()["communes_total"] == 2
    risk = ex.at_risk(margin_days=10_000)
    assert set(risk["commune_code"]) == {"07360", "07357"}
    assert len(ex.history_table()) == 2


def test_at_risk_uses_the_one_definition_of_on_time(plan):
    from ntm_sched.domain import on_time_table

    ex = E.Explorer(plan, time_limit=3)
    pr = ex.solve()
    risk = ex.at_risk(margin_days=0)  # only the late ones
    ot = on_time_table(pr.milestones)
    assert set(risk["commune_code"]) == set(ot.loc[~ot["on_time"].astype(bool), "commune_code"])
    assert risk["late"].all() if len(risk) else True


def test_at_risk_says_whether_a_late_commune_was_within_reach(plan):
    """Issue 22: Ngọc Thiện (07360) is late on its inspection, out of reach under the assumed durations
    (earliest 05/09/2019 against 31/08/2019); a commune on time carries no cause."""
    import datetime as dt

    ex = E.Explorer(plan, time_limit=3)
    ex.solve()
    risk = ex.at_risk(margin_days=10_000).set_index("commune_code")
    assert risk.loc["07360", "late"]
    assert (risk.loc["07360", "late_cause"], risk.loc["07360", "earliest_possible_date"]) == (
        "out_of_reach", dt.date(2019, 9, 5))
    on_time = risk[~risk["late"].astype(bool)]
    assert on_time["late_cause"].isna().all() and on_time["earliest_possible_date"].isna().all()
