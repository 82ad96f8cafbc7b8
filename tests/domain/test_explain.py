"""The NTM layer: a plan becomes an engine problem, and the answer comes back as the plan's tables.

The tables are checked here on their own terms (dates, weekly loads, money by date), independently
of the engine's checker, which every solve also runs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pandas as pd

from ntm_sched import domain as ntm
from ntm_sched.scenario import apply, load_scenario

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data" / "tan_yen_2019"
NOT_RECOGNISED = ["07303", "07309", "07321", "07330", "07336", "07345", "07357", "07360"]
CHAIN = ["works_done", "dossier", "public_posting", "survey", "inspection", "submission", "appraisal", "decision"]


def test_without_extra_funding_money_shortfall_is_infeasible_and_explained(plan) -> None:
    sc = load_scenario("base")
    sc = dataclasses.replace(sc, config={**sc.config, "funding": {"extra_funding": False, "scale": {
        s: 0.3 for s in ("NTM_TW_TINH", "HUYEN", "XA", "DAN", "LONG_GHEP", "HUYEN_LC")}}})
    res = ntm.solve_plan(apply(plan, sc), time_limit=3, workers=1, seed=0)
    assert res.status == "INFEASIBLE"
    assert not res.has_schedule and res.schedule.empty
    assert "money short" in res.summary["explanation"] and "thiếu vốn" in res.summary["explanation_vi"]


def test_explanations_are_told_in_the_plans_terms(plan) -> None:
    from ntm_sched.engine.result import ConflictItem, Explanation

    m = ntm.build(plan)
    expl = Explanation(
        (ConflictItem("deadline", "07321:submission", "due"), ConflictItem("resource", "BCD_HUYEN", ""),
         ConflictItem("source", "DAN@07321", "")),
        {"07321:submission": 26},
        "Infeasible: ...",
    )
    df = ntm.explanation_table(m, expl)
    dl = df[df["kind"] == "deadline"].iloc[0]
    assert dl["commune"] == "An Dương" and dl["target_date"] == dt.date(2019, 10, 31)
    assert dl["extra_days"] == 26 and dl["needed_date"] == dt.date(2019, 11, 26)
    vi = ntm.describe_explanation(m, expl, "vi")
    en = ntm.describe_explanation(m, expl, "en")
    assert "An Dương" in vi and "31/10/2019" in vi and "26/11/2019" in vi and "BCD_HUYEN" in vi
    assert "needs 26 more days" in en and "DAN" in en


def test_impossible_hard_deadlines_are_explained_by_name(plan) -> None:
    """The all_hard scenario: the plan's own dates cannot all hold; the answer says which and by how much."""
    res = ntm.solve_plan(apply(plan, load_scenario("all_hard")), time_limit=5, workers=1, seed=0)
    assert res.status == "INFEASIBLE" and not res.has_schedule
    conflicts = pd.DataFrame(res.summary["conflicts"])
    late = set(conflicts.loc[conflicts["kind"] == "deadline", "id"])
    # Tân Trung's works cannot end by 15/11/2019 nor its dossier reach the province by 30/11/2019;
    # Ngọc Thiện cannot be inspected by 31/08/2019
    assert {"07309:works_done", "07309:submission", "07360:inspection"} <= late
    row = conflicts.set_index("id").loc["07309:works_done"]
    assert row["commune"] == "Tân Trung" and row["extra_days"] > 0
    assert "Tân Trung" in res.summary["explanation_vi"] and "Ngọc Thiện" in res.summary["explanation_vi"]


def test_a_calendar_break_over_the_whole_horizon_is_named_in_the_explanation(tmp_path) -> None:
    import shutil

    d = tmp_path / "plan"
    shutil.copytree(DATA, d)
    with open(d / "calendar.csv", "a", encoding="utf-8") as f:
        f.write("construction,2019-08-01,2021-12-31,Tạm dừng thi công,Construction stop,test\n")
    from ntm_sched.plan import load_plan

    res = ntm.solve_plan(load_plan(d), time_limit=5, workers=1, seed=0)
    assert res.status == "INFEASIBLE"
    s = res.summary
    assert "'Construction stop' (01/08/2019–31/12/2021)" in s["explanation"] and "construction" in s["explanation"]
    assert "Tết" not in s["explanation"]  # only the break that is the cause
    assert "'Tạm dừng thi công'" in s["explanation_vi"] and "lịch thi công" in s["explanation_vi"]
    kinds = {c["kind"] for c in s["conflicts"]}
    assert "calendar" in kinds


def test_explanations_word_for_word(plan) -> None:
    """Every kind of conflict, in both languages, as the planner reads it."""
    from ntm_sched.engine.explain import ConflictItem, Explanation

    m = ntm.build(plan)
    expl = Explanation(
        (ConflictItem("deadline", "07321:decision", "due"), ConflictItem("resource", "BCD_HUYEN", ""),
         ConflictItem("source", "DAN@07321", ""), ConflictItem("source", "HUYEN", ""),
         ConflictItem("money", "money", "")),
        {"07321:decision": 26, "07303:decision": 5}, "Infeasible: ...", {"cost": 12345, "released": 6789})
    t21, t03 = m.info["07321:decision"].target_date, m.info["07303:decision"].target_date

    def d(x: dt.date, days: int = 0) -> str:
        return (x + dt.timedelta(days=days)).strftime("%d/%m/%Y")

    df = ntm.explanation_table(m, expl)
    assert list(df.columns) == ntm.EXPLANATION_COLUMNS
    assert df["kind"].tolist() == ["deadline", "resource", "source", "source", "money", "deadline"]
    lan = df.iloc[5]
    assert (lan["id"], lan["commune_code"], lan["commune"], lan["extra_days"], lan["needed_date"]) == (
        "07303:decision", "07303", "Lan Giới", 5, t03 + dt.timedelta(days=5))
    assert df.iloc[2]["commune_code"] == "07321" and pd.isna(df.iloc[3]["commune_code"])
    assert ntm.describe_explanation(m, expl, "vi") == (
        f"Không thể đáp ứng đồng thời các mốc bắt buộc: An Dương: Quyết định công nhận ({d(t21)}) cần lùi 26 ngày, "
        f"sớm nhất {d(t21, 26)}; Lan Giới: Quyết định công nhận ({d(t03)}) cần lùi 5 ngày, sớm nhất {d(t03, 5)}. "
        "Ràng buộc quyết định: năng lực của BCD_HUYEN; lịch cấp vốn của nguồn DAN (xã 07321); lịch cấp vốn của "
        "nguồn HUYEN; thiếu vốn: các công việc cần ít nhất 12,35 tỷ đồng nhưng các nguồn được phép chi chỉ cấp "
        "6,79 tỷ đồng.")
    assert ntm.describe_explanation(m, expl, "en") == (
        f"The hard deadlines cannot all be met: An Dương: Recognition decision ({d(t21)}) needs 26 more days, at the "
        f"earliest {d(t21, 26)}; Lan Giới: Recognition decision ({d(t03)}) needs 5 more days, at the earliest "
        f"{d(t03, 5)}. Binding: capacity of BCD_HUYEN; release schedule of source DAN (commune 07321); release "
        "schedule of source HUYEN; money short: the works cost at least 12.35 billion VND but the sources allowed "
        "to pay them release 6.79 billion VND in all.")
    other = Explanation((ConflictItem("budget", "N", "N over"),), {}, "why")
    assert ntm.explanation_table(m, other).iloc[0][["what_vi", "what_en"]].tolist() == ["N over", "N over"]
    assert ntm.describe_explanation(m, other, "en") == "Binding: N over."
    assert ntm.describe_explanation(m, other, "vi") == "Ràng buộc quyết định: N over."
    none = Explanation((), {}, "nothing")
    assert ntm.describe_explanation(m, none, "vi") == "Không tìm thấy nguyên nhân trong thời gian cho phép."
    assert ntm.describe_explanation(m, none, "en") == "nothing"
    assert ntm.describe_explanation(m, Explanation((), {}, ""), "en") == "No cause found within the time limit."
    weird = Explanation((ConflictItem("deadline", "NOT-A-TASK", ""),), {}, "odd")
    row = ntm.explanation_table(m, weird).iloc[0]
    assert row["id"] == "NOT-A-TASK" and row["commune"] is None
