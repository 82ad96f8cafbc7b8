"""The finance office's answers in words and by name (no solver: answers built by hand)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pandas as pd
import pytest

from ntm_sched.app import budget_answers as ba
from ntm_sched.app import budget_page as bp
from ntm_sched.i18n import in_lang
from ntm_sched.scenario import load_scenario, load_scenario_plan


@pytest.fixture(scope="module")
def plan():
    return load_scenario_plan(load_scenario("base"))


def test_status_and_gap_in_words():
    assert ba.status_words("OPTIMAL", None) == "Tình trạng lời giải: Tối ưu."
    assert "12,5 %" in ba.status_words("FEASIBLE", 0.125)
    assert ba.quarter_text("2019Q3") == "Quý 3/2019" and in_lang("en", ba.quarter_text, "2019Q3") == "Q3 2019"


def test_cuts_and_marginal_tables_have_names_and_vietnamese_headers(plan):
    cuts = pd.DataFrame({"level": [1.0, 0.8], "budget_mvnd": [80000.0, 64000.0], "status": ["OPTIMAL", "FEASIBLE"],
                         "gap": [0.0, 0.031], "set_status": ["proven", "unsettled"], "set_size": [2, 1],
                         "on_time_set": ["07303;07321", "07321"], "other_largest": [None, "Lan Giới"],
                         "unsettled_sets": [None, "Lan Giới, An Dương"],
                         "late_detail_codes": ["07360:10:inspection", "07303:14:works_done;07360:10:inspection"],
                         "district_recognition_date": ["2020-09-24", "2020-10-01"],
                         "missing_by_month": [None, "2021-01: 1200"]})
    html = ba.cuts_html(cuts, plan)
    assert "Lan Giới, An Dương" in html and "07303" not in html
    assert "Mức ngân sách" in html and "80 %" in html and "2021-01: 1200" in html
    assert "đã chứng minh" in html and "chưa xác định hết" in html and "sai số 3,1 %" in html
    assert "Ngọc Thiện: 10 (" in html and "tối ưu (đã chứng minh)" in html
    assert "Mức 80 %: chưa xác định được các tập" in html and "Mức 80 %: các tập khác cùng 1 xã: Lan Giới" in html
    en = in_lang("en", ba.cuts_html, cuts, plan)
    assert "Communes that can still make it" in en and "unsettled" in en
    mv = pd.DataFrame({"commune_code": ["07357"], "base_date": [dt.date(2020, 2, 24)],
                       "date_with_more": [dt.date(2020, 2, 10)], "days_gained": [14]})
    html = ba.marginal_html(mv, plan)
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
    html = ba.evaluation_html(rep, plan)
    assert "KHÔNG KHẢ THI" in html and "2,50 tỷ đồng" in html and "Quý 4/2019" in html
    assert "không thể làm hết các công việc" in html and "Không xã nào trễ hạn" not in html


def test_budget_answers_say_why_late(plan):
    """Issue 22: the cuts table names each late commune's cause, the evaluation lists them with the
    earliest possible date (answers built by hand: the pages only put words on them)."""
    from ntm_sched.studies.budget.cuts_table import CUTS_COLUMNS

    row = {c: None for c in CUTS_COLUMNS}
    row.update({"level": 1.0, "budget_mvnd": 1000.0, "status": "OPTIMAL", "gap": 0.0, "communes_on_time": 6,
                "set_status": "proven", "set_size": 6, "on_time_set": "07321",
                "late_communes": "07360;07303", "late_detail_codes": "07360:5:inspection;07303:9:works_done",
                "late_causes": "07360:out_of_reach;07303:resources_or_money",
                "district_recognition_date": "2020-10-03", "extra_needed_mvnd": 0, "source": "own solve",
                "verified": True, "verifier_findings": ""})
    df = pd.DataFrame([row])
    html = in_lang("vi", ba.cuts_html, df, plan)
    assert "Vì sao trễ" in html
    assert "Ngọc Thiện: không thể kịp với thời gian thực hiện giả định" in html
    assert "Lan Giới: trễ vì thiếu vốn / nhân lực / năng lực thẩm tra" in html
    assert in_lang("en", ba._causes, "07360:", plan) == "Ngọc Thiện: -"
    with pytest.raises(ValueError, match="unknown late cause"):
        in_lang("en", ba._causes, "07360:None", plan)
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
        html = in_lang(lang, ba.evaluation_html, rep, plan)
        assert words in html, html
        assert "Ngày sớm nhất có thể" in html if lang == "vi" else "Earliest possible" in html


def test_minimum_budget_says_which_missed_deadlines_are_out_of_reach(plan):
    d = dt.date
    relaxed = pd.DataFrame([{"task_id": "07360:inspection", "commune_code": "07360", "milestone": "inspection",
                             "target_date": d(2019, 8, 31), "earliest_date": d(2019, 9, 10), "days_late": 10,
                             "earliest_possible_date": d(2019, 9, 10), "late_cause": "out_of_reach"}])
    mb = SimpleNamespace(result=None, summary={"verified": True}, status="OPTIMAL", total_mvnd=None,
                         by_source_quarter=pd.DataFrame(), relaxed=relaxed)
    html = in_lang("vi", ba.minimum_html, mb, plan)
    assert "Ngọc Thiện" in html and "Ngày sớm nhất có thể" in html and "10/09/2019" in html
    assert "không thể kịp với thời gian thực hiện giả định" in html


def _upload(page, name: str, content: bytes) -> None:
    import datetime as dt_

    page.upload.value = ({"name": name, "type": "text/csv", "size": len(content), "content": memoryview(content),
                          "last_modified": dt_.datetime(2026, 1, 1)},)


def test_an_uploaded_allocation_is_checked_with_located_errors(plan, tmp_path):
    page = bp.BudgetPage(plan, allocation_dir=tmp_path)
    _upload(page, "phan_bo.csv", b"commune_code,source_id,quarter,amount_mvnd\n07303,NOPE,2019Q4,100\n"
                                 b"07303,HUYEN,2019Q9,-5\n")
    msg = page.upload_msg.value
    assert page.uploaded is None
    assert "phan_bo.csv" in msg and "NOPE" in msg and "2019Q9" in msg  # named file, the bad values
    assert "ntm-upload-" not in msg  # the server's temporary folder is not shown
    assert "phan_bo.csv, hàng 2, cột &#x27;source_id&#x27;" in msg  # file, row and column of each problem
    assert "phan_bo.csv, hàng 3, cột &#x27;amount_mvnd&#x27;" in msg
    _upload(page, "phan_bo.csv", b"commune_code,source_id,quarter,amount_mvnd\n07303,HUYEN,2019Q4,100\n")
    assert page.uploaded is not None and page.uploaded.name == "phan_bo.csv"
    assert "phan_bo.csv" in page.upload_msg.value and "hợp lệ" in page.upload_msg.value


def test_cuts_say_what_they_do_can_be_cancelled_and_download_as_xlsx(plan, tmp_path, monkeypatch):
    import base64
    import io
    import re
    import threading

    from ntm_sched.errors import Cancelled
    from ntm_sched.studies.budget.cuts import CutsProgress

    page = bp.BudgetPage(plan, allocation_dir=tmp_path)
    started, release = threading.Event(), threading.Event()
    table = pd.DataFrame({"level": [1.0], "budget_mvnd": [1.0], "status": ["OPTIMAL"], "gap": [0.0],
                          "set_status": ["proven"], "set_size": [1], "on_time_set": ["07303"],
                          "other_largest": [None], "unsettled_sets": [None], "late_detail_codes": [None],
                          "district_recognition_date": [None], "missing_by_month": [None],
                          "method": ["thorough"]})
    asked: list[bool] = []

    def fake_cuts(plan_, levels, options, progress, stop, thorough):
        asked.append(thorough)
        progress(CutsProgress(1, len(levels), levels[0], "search", 3, 12.0))
        started.set()
        release.wait(10)
        if stop.is_set():
            raise Cancelled("budget cuts cancelled at level 1 (1 of 2)")
        return table

    monkeypatch.setattr(bp.budget, "budget_cuts", fake_cuts)
    page.levels.value = "100, 80"
    button = [b for b in _buttons(page.widget) if "ntm-budget-cuts" in b._dom_classes][0]
    assert page.cuts_cancel.layout.display == "none"  # nothing to cancel before a run
    button.click()
    assert started.wait(10)
    assert page.cuts_cancel.layout.display != "none"
    assert page.cuts_bar.max == 4 and page.cuts_bar.layout.visibility == "visible"
    assert "Mức 1/2 (100 %)" in page.cuts_status.value and "3 câu hỏi" in page.cuts_status.value
    assert not page.cuts_cancel.disabled
    page.cuts_cancel.click()
    release.set()
    page.cuts_thread.join(10)
    assert "Đã dừng theo yêu cầu" in page.answers["cuts"].value and page.cuts_cancel.disabled
    assert page.cuts_cancel.layout.display == "none"
    assert page.downloads["cuts"].value == ""
    started.clear()
    release.clear()
    page.thorough.value = True  # the second run thorough: the page passes it and says so with the answer
    button.click()
    assert started.wait(10)
    release.set()
    page.cuts_thread.join(10)
    assert asked == [False, True]
    assert "Lan Giới" in page.answers["cuts"].value and "Đã tính kỹ" in page.answers["cuts"].value
    link = page.downloads["cuts"].value
    assert 'download="cuts.xlsx"' in link
    data = base64.b64decode(re.search(r"base64,([^\"]+)", link).group(1))
    back = pd.read_excel(io.BytesIO(data), sheet_name="cuts", dtype=str)
    assert list(back["on_time_set"]) == ["07303"]


def _buttons(widget):
    import ipywidgets as w

    if isinstance(widget, w.Button):
        yield widget
    for child in getattr(widget, "children", ()):
        yield from _buttons(child)


def test_the_others_lateness_at_its_bound_reads_proven_on_the_page_and_the_plot(plan):
    # a FEASIBLE solve whose schedule reaches the lateness bound (gap 0: the later tiers are the ones not proven) has
    # its others' lateness proven; "not proven, gap 0.0 %" would contradict itself. Any other status stays loud.
    from ntm_sched.i18n import label
    from ntm_sched.studies import budget as B

    assert B.others_proven("OPTIMAL", None) and B.others_proven("FEASIBLE", 0.0)
    assert not B.others_proven("FEASIBLE", 0.016) and not B.others_proven("FEASIBLE", None)
    assert not B.others_proven("INVALID", 0.0) and not B.others_proven("FEASIBLE", float("nan"))
    cuts = pd.DataFrame({"level": [0.8, 0.6], "budget_mvnd": [64000.0, 48000.0], "status": ["FEASIBLE", "FEASIBLE"],
                         "gap": [0.0, 0.016], "set_status": ["proven", "proven"], "set_size": [2, 2],
                         "on_time_set": ["07303;07321", "07303;07321"], "other_largest": [None, None],
                         "unsettled_sets": [None, None], "late_detail_codes": [None, None],
                         "district_recognition_date": ["2020-09-24", "2021-07-02"], "missing_by_month": [None, None],
                         "communes_on_time": [2, 2], "extra_needed_mvnd": [0, 0]})
    html = ba.cuts_html(cuts, plan)
    assert html.count("tối ưu (đã chứng minh)") == 1 and "sai số 1,6 %" in html and "sai số 0,0 %" not in html
    texts = [t.get_text() for t in in_lang("vi", B.plot_cuts, cuts).texts]
    assert sum(label("cuts_optimal", "vi") in t for t in texts) == 1
