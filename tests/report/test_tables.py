"""Unit tests: report tables (at-risk reasons), labels and plots."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

from ntm_sched.i18n import commune_names
from ntm_sched.report import plots, tables

pytestmark = pytest.mark.slow


def test_headline_and_milestones(base_solved):
    sc, plan, res = base_solved
    h = tables.headline(res, plan, "vi")
    assert "trên 8" in " ".join(h.iloc[:, 1].astype(str))
    m = tables.milestone_table(res, plan, "en")
    assert list(m.columns)[:3] == ["Commune", "Milestone", "Plan target"]
    assert m["Plan target"].str.match(r"\d\d/\d\d/\d{4}").all()
    names = set(commune_names(plan).values())
    assert {"Ngọc Thiện", "Liên Chung"} <= names


def test_at_risk_reasons(base_solved):
    sc, plan, res = base_solved
    risk = tables.at_risk(res, plan, "en")
    ms = res.milestones[~res.milestones["milestone"].str.startswith("task:")]
    worst = ms.groupby("commune_code")["slack_days"].min()
    expected = {commune_names(plan, "en")[c] for c, s in worst.items() if s < tables.TIGHT_DAYS}
    assert set(risk["Commune"]) == expected
    for _, r in risk.iterrows():
        reason = r["Reason"]
        assert ("late" in reason) or ("slack" in reason)
        assert "longest chain" in reason
    # at least one concrete cause besides the chain
    causes = ("waited for", "break", "procedure alone", "beyond the budget")
    assert any(any(c in r for c in causes) for r in risk["Reason"])


def test_at_risk_procedure_reason(base_solved):
    sc, plan, res = base_solved
    # a target the day after the works: the procedure cannot fit
    ms = res.milestones.copy()
    i = ms.index[(ms["milestone"] == "recognition") & (ms["commune_code"] != "DISTRICT")][0]
    code = ms.at[i, "commune_code"]
    wd = ms[(ms["commune_code"] == code) & (ms["milestone"] == "works_done")]["scheduled_date"].iloc[0]
    ms.at[i, "target_date"] = wd
    ms.at[i, "slack_days"] = (wd - ms.at[i, "scheduled_date"]).days
    fake = type(res)(res.model, res.result, res.schedule, ms, res.allocation, res.agency_load, res.summary)
    risk = tables.at_risk(fake, plan, "en")
    row = risk[risk["Commune"] == commune_names(plan)[code]]
    assert "procedure alone takes" in row["Reason"].iloc[0]


def test_empty_result_degrades(base_solved):
    sc, plan, res = base_solved

    class NoSolution:
        has_schedule = False
        model = res.model
        summary = dict(res.summary, status="INFEASIBLE", communes_on_time=None, total_cost_mvnd=None,
                       extra_funding_mvnd=None, district_recognition_date=None, checker_ok=None,
                       explanation="deadline X cannot be met")
        schedule = res.schedule.iloc[0:0]
        milestones = res.milestones.iloc[0:0]
        allocation = res.allocation.iloc[0:0]
        agency_load = res.agency_load.iloc[0:0]

    r = NoSolution()
    assert "KHÔNG KHẢ THI" in " ".join(tables.headline(r, plan, "vi").iloc[:, 1])
    for f in (tables.milestone_table, tables.at_risk, tables.bottlenecks, tables.allocation_matrix,
              tables.cash_flow_table, tables.schedule_table):
        assert len(f(r, plan, "vi")) == 0
    for ax in (plots.gantt(r.schedule, r.milestones, "vi"), plots.cash_flow(r, "HUYEN"),
               plots.allocation_bars(r.allocation), plots.agency_heatmap(r.agency_load)):
        assert isinstance(ax, plt.Axes)
    plt.close("all")


def test_assumptions_and_overrides(base_solved):
    from ntm_sched.scenario import load_scenario

    sc, plan, res = base_solved
    a = tables.assumptions(plan, "en")
    assert {"assumption", "V (verified)"} <= set(a["Kind"])
    o = tables.overrides(load_scenario("programme_cut_20"), "en")
    assert o.iloc[0].tolist() == ["funding.scale.NTM_TW_TINH", "0.8"]
    assert len(tables.overrides(sc, "en")) == 0
