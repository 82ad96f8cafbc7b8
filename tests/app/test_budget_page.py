"""The finance office's answers in words and by name (no solver: answers built by hand)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pandas as pd
import pytest

from ntm_sched.app import budget_page as bp
from ntm_sched.scenario import load_scenario, load_scenario_plan


@pytest.fixture(scope="module")
def plan():
    return load_scenario_plan(load_scenario("base"))


def test_status_and_gap_in_words():
    assert bp.status_words("OPTIMAL", None) == "Tình trạng lời giải: Tối ưu."
    assert "12,5 %" in bp.status_words("FEASIBLE", 0.125)
    assert bp.quarter_text("2019Q3") == "Quý 3/2019" and bp.quarter_text("2019Q3", "en") == "Q3 2019"


def test_cuts_and_marginal_tables_have_names_and_vietnamese_headers(plan):
    cuts = pd.DataFrame({"level": [1.0, 0.8], "budget_mvnd": [80000.0, 64000.0], "status": ["OPTIMAL", "FEASIBLE"],
                         "communes_on_time": [3, 2], "communes_late": [5, 6],
                         "late_communes": ["07303;07321", "07303;07321;07360"],
                         "district_recognition_date": ["2020-09-24", "2020-10-01"], "extra_needed_mvnd": [0, 1200],
                         "source": ["own solve", "schedule of level 1.0"]})
    html = bp.cuts_html(cuts, plan)
    assert "Lan Giới, An Dương" in html and "07303" not in html
    assert "Mức ngân sách" in html and "80 %" in html and "1.200" in html and "lịch của mức thấp hơn" in html
    mv = pd.DataFrame({"commune_code": ["07357"], "base_date": [dt.date(2020, 2, 24)],
                       "date_with_more": [dt.date(2020, 2, 10)], "days_gained": [14]})
    html = bp.marginal_html(mv, plan)
    assert "Liên Chung" in html and "24/02/2020" in html and "Sớm hơn (ngày)" in html


def test_evaluation_without_a_schedule_says_so(plan):
    fixed = SimpleNamespace(has_schedule=False, summary={"gap": None})
    rep = SimpleNamespace(summary={"status": "INFEASIBLE", "missing_mvnd": 2500.0, "late_communes": [],
                                   "unspent_mvnd": None},
                          fixed=fixed, communes=pd.DataFrame(),
                          missing=pd.DataFrame({"commune_code": ["07303"], "quarter": ["2019Q4"],
                                                "extra_mvnd": [2500.0]}),
                          unspent=pd.DataFrame(columns=["commune_code", "source_id", "allocated_mvnd", "paid_mvnd",
                                                        "unspent_mvnd"]))
    html = bp.evaluation_html(rep, plan)
    assert "KHÔNG KHẢ THI" in html and "2,50 tỷ đồng" in html and "Quý 4/2019" in html
    assert "không thể làm hết các công việc" in html and "Không xã nào trễ hạn" not in html


def test_budget_answers_say_why_late(plan):
    """Issue 22: the cuts table names each late commune's cause, the evaluation lists them with the
    earliest possible date (answers built by hand: the pages only put words on them)."""
    df = pd.DataFrame([{"level": 1.0, "budget_mvnd": 1000.0, "status": "OPTIMAL", "communes_on_time": 6,
                        "late_communes": "07360;07303", "late_causes": "07360:out_of_reach;07303:resources_or_money",
                        "district_recognition_date": "2020-10-03", "extra_needed_mvnd": 0, "source": "own solve",
                        "verified": True, "verifier_findings": ""}])
    html = bp.cuts_html(df, plan, "vi")
    assert "Vì sao trễ" in html
    assert "Ngọc Thiện: không thể kịp với thời gian thực hiện giả định" in html
    assert "Lan Giới: trễ vì thiếu vốn / nhân lực / năng lực thẩm tra" in html
    assert bp._causes("07360:", plan, "en") == "Ngọc Thiện: -"
    with pytest.raises(ValueError, match="unknown late cause"):
        bp._causes("07360:None", plan, "en")
    d = dt.date
    communes = pd.DataFrame([
        {"commune_code": "07360", "target_date": d(2019, 12, 31), "scheduled_date": d(2020, 1, 9), "late_days": 9,
         "slip_vs_base_days": None, "earliest_possible_date": d(2020, 1, 2), "late_cause": "out_of_reach"},
        {"commune_code": "07303", "target_date": d(2019, 12, 31), "scheduled_date": d(2020, 2, 24), "late_days": 55,
         "slip_vs_base_days": None, "earliest_possible_date": d(2019, 11, 10), "late_cause": "resources_or_money"},
        {"commune_code": "07357", "target_date": d(2020, 2, 29), "scheduled_date": d(2020, 2, 1), "late_days": -28,
         "slip_vs_base_days": None, "earliest_possible_date": d(2019, 12, 1), "late_cause": None}])
    rep = SimpleNamespace(summary={"status": "OPTIMAL", "missing_mvnd": 0.0, "late_communes": ["07360", "07303"],
                                   "unspent_mvnd": None},
                          fixed=SimpleNamespace(has_schedule=True, summary={"gap": 0.0}), communes=communes,
                          missing=pd.DataFrame(columns=["commune_code", "quarter", "extra_mvnd"]),
                          unspent=pd.DataFrame(columns=["commune_code", "source_id", "allocated_mvnd", "paid_mvnd",
                                                        "unspent_mvnd"]))
    for lang, words in (("vi", "Vì sao trễ: Ngọc Thiện không thể kịp với thời gian thực hiện giả định (sớm nhất "
                               "02/01/2020); Lan Giới trễ vì thiếu vốn / nhân lực / năng lực thẩm tra (sớm nhất "
                               "10/11/2019)."),
                        ("en", "Why late: Ngọc Thiện out of reach under these durations (earliest 02/01/2020); Lan "
                               "Giới late for lack of money / staff / inspection capacity (earliest 10/11/2019).")):
        html = bp.evaluation_html(rep, plan, lang)
        assert words in html, html
        assert "Ngày sớm nhất có thể" in html if lang == "vi" else "Earliest possible" in html


def test_minimum_budget_says_which_missed_deadlines_are_out_of_reach(plan):
    d = dt.date
    relaxed = pd.DataFrame([{"task_id": "07360:inspection", "commune_code": "07360", "milestone": "inspection",
                             "target_date": d(2019, 8, 31), "earliest_date": d(2019, 9, 10), "days_late": 10,
                             "earliest_possible_date": d(2019, 9, 10), "late_cause": "out_of_reach"}])
    mb = SimpleNamespace(result=None, summary={"verified": True}, status="OPTIMAL", total_mvnd=None,
                         by_source_quarter=pd.DataFrame(), relaxed=relaxed)
    html = bp.minimum_html(mb, plan, "vi")
    assert "Ngọc Thiện" in html and "Ngày sớm nhất có thể" in html and "10/09/2019" in html
    assert "không thể kịp với thời gian thực hiện giả định" in html
