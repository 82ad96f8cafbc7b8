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
