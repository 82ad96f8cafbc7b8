"""Unit tests: report tables (at-risk reasons), labels and plots."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

from ntm_sched.i18n import commune_names, in_lang, label
from ntm_sched.report import assumption_tables, plots, risk_tables, tables

pytestmark = pytest.mark.slow


def test_headline_and_milestones(base_solved):
    sc, plan, res = base_solved
    h = in_lang("vi", tables.headline, res, plan)
    assert "trên 8" in " ".join(h.iloc[:, 1].astype(str))
    m = in_lang("en", tables.milestone_table, res, plan)
    assert list(m.columns)[:3] == ["Commune", "Milestone", "Plan target"]
    assert m["Plan target"].str.match(r"\d\d/\d\d/\d{4}").all()
    names = set(commune_names(plan).values())
    assert {"Ngọc Thiện", "Liên Chung"} <= names


def test_at_risk_reasons(base_solved):
    from ntm_sched.domain import on_time_table

    sc, plan, res = base_solved
    risk = in_lang("en", risk_tables.at_risk, res, plan)
    ot = on_time_table(res.milestones).set_index("commune_code")
    names = commune_names(plan, "en")
    late = {names[c] for c in ot.index if not ot.loc[c, "on_time"]}
    # every late commune (the one definition) is in the table, as late, at its first missed milestone
    assert late == set(risk.loc[risk["Status"] == "Late", "Commune"])
    assert len(late) == res.summary["communes_late"]
    for c in ot.index[~ot["on_time"].astype(bool)]:
        row = risk[risk["Commune"] == names[c]].iloc[0]
        assert row["Milestone"] == tables.milestone_label(ot.loc[c, "first_missed"], "en")
        assert row["Days"] == f"{ot.loc[c, 'days_late']} days late"
    ms = res.milestones[res.milestones["milestone"].isin(tables.CHAIN_MILESTONES)]
    worst = ms.groupby("commune_code")["slack_days"].min()
    tight = {names[c] for c, s in worst.items() if 0 <= s < tables.TIGHT_DAYS}
    assert tight == set(risk.loc[risk["Status"] == "Tight", "Commune"])
    assert (risk["Main cause"].str.len() > 0).all()
    causes = ("waited for", "break", "procedure alone", "beyond the budget", "starts at the plan's start")
    assert any(any(c in r for c in causes) for r in risk["Main cause"])
    # the procedure a commune's chain needs is its own: half of Ngọc Thiện's dossier is done at the plan's
    # date (step_progress.csv), so its inspection needs 5 + 21 + 3 days, not the 10 + 21 + 3 of the others
    assert risk_tables._procedure_days(res, plan, "inspection", "07360") == 29
    assert risk_tables._procedure_days(res, plan, "inspection", "07345") == 34
    assert risk_tables._procedure_days(res, plan, "recognition", "07360") == 29 + 15 + 7


def test_decisions_section_is_short_and_names_things(base_solved):
    sc, plan, res = base_solved
    md = in_lang("vi", risk_tables.decisions_markdown, res, plan)
    assert len(md.splitlines()) <= 25
    assert "Xã trễ hạn hoặc sát hạn" in md and "Vốn còn thiếu" in md and "Cơ quan là điểm nghẽn" in md
    for code in plan.table("communes")["code"]:
        assert str(code) not in md
    assert "BCD_HUYEN" not in md and "NTM_TW_TINH" not in md


def test_at_risk_procedure_reason(base_solved):
    sc, plan, res = base_solved
    # a target the day after the works: the procedure cannot fit
    ms = res.milestones.copy()
    from ntm_sched.domain import on_time_table

    ot = on_time_table(ms)
    ok = set(ot.loc[ot["on_time"].astype(bool), "commune_code"])  # a commune on time at every other milestone
    i = ms.index[(ms["milestone"] == "recognition") & ms["commune_code"].isin(ok)][0]
    code = ms.at[i, "commune_code"]
    wd = ms[(ms["commune_code"] == code) & (ms["milestone"] == "works_done")]["scheduled_date"].iloc[0]
    ms.at[i, "target_date"] = wd
    ms.at[i, "slack_days"] = (wd - ms.at[i, "scheduled_date"]).days
    fake = type(res)(res.model, res.result, res.schedule, ms, res.allocation, res.agency_load, res.summary)
    risk = in_lang("en", risk_tables.at_risk, fake, plan)
    row = risk[risk["Commune"] == commune_names(plan)[code]]
    text = row["Main cause"].iloc[0] + row["Details"].iloc[0]
    assert "procedure alone takes" in text


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
    assert "KHÔNG KHẢ THI" in " ".join(in_lang("vi", tables.headline, r, plan).iloc[:, 1])
    for f in (tables.milestone_table, risk_tables.at_risk, risk_tables.bottlenecks, tables.allocation_matrix,
              tables.cash_flow_table, tables.schedule_table):
        assert len(in_lang("vi", f, r, plan)) == 0
    for ax in (in_lang("vi", plots.gantt, r.schedule, r.milestones), plots.cash_flow(r, "HUYEN"),
               plots.allocation_bars(r.allocation), plots.agency_heatmap(r.agency_load)):
        assert isinstance(ax, plt.Axes)
        # an empty figure says so, and draws no data
        assert [t.get_text() for t in ax.texts] == [label("no_rows", "vi")]
        assert not ax.patches and not ax.get_images()
    plt.close("all")


def test_assumptions_and_overrides(base_solved):
    from ntm_sched.scenario import load_scenario

    sc, plan, res = base_solved
    a = in_lang("en", assumption_tables.assumptions, plan)
    assert {"assumption", "V (verified)"} <= set(a["Kind"])
    # names, never codes
    assert "District budget" in set(a["Assumption"]) and "HUYEN" not in set(a["Assumption"])
    assert "Agencies" in set(a["Table"]) and "agencies" not in set(a["Table"])
    # a recognition step under way (step_progress.csv) is listed by commune and step, as an assumption
    row = a[a["Table"] == "Recognition steps under way"]
    assert row["Assumption"].tolist() == ["Ngọc Thiện: Proof dossier complete"]
    assert row["Kind"].tolist() == ["assumption"] and "II.1.1" in row["Where it comes from"].iloc[0]
    vi = in_lang("vi", assumption_tables.assumptions, plan)
    assert "Ngọc Thiện: Hoàn thiện hồ sơ chứng minh tiêu chí" in set(vi.iloc[:, 1])
    o = in_lang("vi", assumption_tables.overrides, load_scenario("programme_cut_20"), plan)
    assert o.iloc[0].tolist() == ["Hệ số vốn: Vốn CTMTQG xây dựng NTM (Trung ương và tỉnh)", "0,8"]
    assert len(in_lang("en", assumption_tables.overrides, sc)) == 0


# ---------------------------------------------------------------------------
# issue 22: late out of reach, or late for lack of money / staff / inspection capacity
# ---------------------------------------------------------------------------
def test_base_report_says_the_late_milestones_are_out_of_reach(base_solved):
    """The base plan's late milestones (Tân Trung's works and inspection, Ngọc Thiện's inspection)
    cannot be met by any schedule: the tables say so with the earliest possible date."""
    sc, plan, res = base_solved
    for lang, out in (("vi", "không thể kịp với thời gian thực hiện giả định"),
                      ("en", "out of reach under these durations")):
        m = in_lang(lang, tables.milestone_table, res, plan)
        early, why = label("earliest_possible_date", lang), label("late_cause", lang)
        late = m[m[label("slack_days", lang)] < 0]
        assert len(late) >= 3 and (late[why] == out).all()
        assert (m.loc[m[label("slack_days", lang)] >= 0, why] == "").all()
        row = late[(late[label("commune", lang)] == "Ngọc Thiện")].iloc[0]
        assert row[early] == "05/09/2019"
        risk = in_lang(lang, risk_tables.at_risk, res, plan)
        tt = risk[risk[label("commune", lang)] == "Tân Trung"].iloc[0]
        assert (tt[early], tt[why]) == ("29/11/2019", out)
    md = in_lang("en", risk_tables.decisions_markdown, res, plan)
    assert "The earliest possible date is 29/11/2019, already after the target: out of reach" in md
    # at their earliest possible dates, no agency or money delays them: Ngọc Thiện's inspection waits for
    # the end of the National Day break (31/08-02/09/2019), Tân Trung's works for the site clearance
    rows = {r["name"]: r for r in in_lang("en", risk_tables.risk_rows, res, plan)}
    assert rows["Ngọc Thiện"]["cause"] == ("«District inspection» waited for the end of the National Day 2019 "
                                          "break (02/09/2019)")
    for name in ("Ngọc Thiện", "Tân Trung"):
        assert not any("beyond the budget" in c or "waited for money" in c or "at capacity" in c
                       for c in rows[name]["causes"]), rows[name]["causes"]


@pytest.fixture(scope="module")
def money_late():
    from ntm_sched.plan import load_plan
    from ntm_sched.scenario import load_scenario
    from tests.solved_plans import MONEY_LATE, money_late_plan, solved

    plan = money_late_plan(load_plan(load_scenario("base").plan_path))
    return plan, solved(plan, ("money_late", *MONEY_LATE))


def test_report_tells_late_for_lack_of_money_from_out_of_reach(money_late):
    plan, res = money_late
    for lang in ("vi", "en"):
        risk = in_lang(lang, risk_tables.at_risk, res, plan).set_index(label("commune", lang))
        why = label("late_cause", lang)
        assert risk.loc["Lan Giới", why] == label("lc_money", lang)  # the binding cause the walk found: money
        assert risk.loc["Lan Giới", label("earliest_possible_date", lang)] == "15/09/2019"
        assert risk.loc["Ngọc Thiện", why] == label("lc_out_of_reach", lang)
    md = in_lang("vi", risk_tables.decisions_markdown, res, plan)
    assert "Ngày sớm nhất có thể là 15/09/2019, vẫn kịp mục tiêu: trễ vì thiếu vốn." in md
    m = in_lang("en", tables.milestone_table, res, plan)
    lg = m[(m["Commune"] == "Lan Giới") & (m["Slack (days)"] < 0)]
    assert set(lg["Why late"]) == {label("lc_resources_or_money", "en")}


def test_late_cause_words() -> None:
    assert in_lang("en", tables.late_cause_text, None) == "" == in_lang("en", tables.late_cause_text, float("nan"))
    assert in_lang("en", tables.late_cause_text, "out_of_reach", ["r_money"]) == "out of reach under these durations"
    assert in_lang("en", tables.late_cause_text, "resources_or_money", ["r_agency", "r_chain"]) == (
        "late for lack of staff / inspection capacity")
    assert in_lang("en", tables.late_cause_text, "resources_or_money", ["r_extra"]) == "late for lack of money"
    assert in_lang("vi", tables.late_cause_text, "resources_or_money", ["r_agency", "r_money"]) == (
        "trễ vì thiếu vốn / nhân lực / năng lực thẩm tra")


def test_a_shown_table_has_the_same_html_on_every_run():
    """pandas gives a styled table a random id ("T_07072" once read as a commune code in a report test): the
    report's tables take theirs from their content, in letters, so the same table gives the same HTML."""
    import re

    import pandas as pd

    from ntm_sched.report.context import show_table
    from ntm_sched.studies.progress.giao_ban import GiaoBan, show

    df = pd.DataFrame({"commune": ["Lan Giới", "Cao Xá"], "cost_mvnd": [1234.5, 7072.0]})
    first = in_lang("vi", show_table, df).to_html()
    assert first == in_lang("vi", show_table, df.copy()).to_html()
    ids = set(re.findall(r'id="T_([^"_]+)"', first))
    assert len(ids) == 1 and ids.pop().isalpha()
    assert re.search(r'id="T_([^"_]+)"', in_lang("vi", show_table, df.iloc[:1]).to_html()).group(1) not in first
    gb = GiaoBan.__new__(GiaoBan)
    gb.tables, gb.lang = {"late": df}, "vi"
    assert show(gb, "late").to_html() == show(gb, "late").to_html()


def test_a_short_reason_wraps_in_a_column_wide_enough_to_read() -> None:
    """Names and dates stay on one line; a text that wraps (a reason of a few words, a long detail) gets a column at
    least 12em wide: the at-risk table's "why late" was one word a line beside the long details."""
    import re

    import pandas as pd

    from ntm_sched.report.context import show_table

    df = pd.DataFrame({"commune": ["Tân Trung"], "why": ["không thể kịp với thời gian thực hiện giả định"],
                       "days": [14]})
    html = in_lang("vi", show_table, df).to_html()
    rules = dict(re.findall(r"#T_\w+_(row0_col\d) \{([^}]*)\}", html))
    assert "white-space: nowrap" in rules["row0_col0"] and "min-width" not in rules["row0_col0"]
    assert "min-width: 12em" in rules["row0_col1"] and "nowrap" not in rules["row0_col1"]
    assert "text-align: right" in rules["row0_col2"] and "min-width" not in rules["row0_col2"]
