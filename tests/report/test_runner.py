"""End-to-end: the report notebook through papermill, its outputs, failures and batches."""

from __future__ import annotations

import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from ntm_sched.report.runner import ReportError, run_report

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
COMMUNES = ["Ngọc Thiện", "An Dương", "Lan Giới", "Hợp Đức", "Tân Trung", "Cao Xá", "Song Vân", "Liên Chung"]
SUMMARY_FIELDS = ["status", "objective", "best_bound", "gap", "runtime_s", "communes_on_time", "communes_late",
                  "late_communes", "district_recognition_date", "district_target_date", "total_cost_mvnd",
                  "extra_funding_mvnd", "checker_ok", "explanation"]


@contextlib.contextmanager
def _printed(into: list[str]) -> Iterator[None]:
    """Everything written on file descriptors 1 and 2 meanwhile, by this process and by the
    processes it starts (the notebook's kernel inherits them)."""
    with tempfile.TemporaryFile() as f:
        sys.stdout.flush()
        sys.stderr.flush()
        saved = [os.dup(1), os.dup(2)]
        os.dup2(f.fileno(), 1)
        os.dup2(f.fileno(), 2)
        try:
            yield
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in saved:
                os.close(fd)
            f.seek(0)
            into.append(f.read().decode("utf-8", "replace"))


@pytest.fixture(scope="module")
def base_run(tmp_path_factory) -> tuple[Path, str]:
    """The base report and what its run printed."""
    out = tmp_path_factory.mktemp("outputs")
    printed: list[str] = []
    with _printed(printed):
        d = run_report("base", run="t", time_limit=8, workers=1, outputs_dir=out, timeout=300)
    return d, printed[0]


@pytest.fixture(scope="module")
def base_report(base_run) -> Path:
    return base_run[0]


def test_a_successful_report_prints_nothing_alarming(base_run):
    """``make report`` printed ``[IPKernelApp] ERROR | KeyboardInterrupt caught in kernel.`` on a
    good run (the kernel was interrupted at its shutdown: ntm_sched.report.kernel)."""
    _, printed = base_run
    for word in ("ERROR", "Error", "KeyboardInterrupt", "Traceback"):
        assert word not in printed, printed


def test_report_outputs(base_report):
    d = base_report
    assert d.name == "base" and d.parent.name == "t"
    for f in ("report.ipynb", "report.html", "report.xlsx", "summary.json", "schedule.csv", "milestones.csv",
              "allocation.csv", "agency_load.csv", "figures/gantt.png", "figures/cash_flow.png",
              "figures/agency_load.png", "tables/at_risk.csv"):
        assert (d / f).exists(), f
    html = (d / "report.html").read_text(encoding="utf-8")
    for name in COMMUNES:
        assert name in html, name
    assert 'class="jp-InputArea' not in html and "build_report_context" not in html
    assert "Các chỉ tiêu chính" in html
    # the back-test appendix closes the report: the model's dates beside what happened
    tail = html[html.index("Phụ lục: đối chiếu với thực tế"):]
    assert "data/outcomes/tan_yen_2019.csv" in tail and "Được công nhận đạt chuẩn NTM cuối năm 2019" in tail
    assert "giả định mặc định" in tail
    summ = json.loads((d / "summary.json").read_text(encoding="utf-8"))
    assert set(SUMMARY_FIELDS) <= set(summ)
    sheets = pd.read_excel(d / "report.xlsx", sheet_name=None)
    assert {"headline", "milestones", "at_risk", "allocation", "assumptions"} <= set(sheets)
    assert not list(d.parent.parent.glob(".t/*"))  # no temporary folder left behind
    assert (d / ".ntm-sched-output").is_file()  # a later run may replace it


def test_report_in_a_browser(base_report, browser, screenshots):
    """The HTML report as a reader opens it: no code, every figure loaded, the committee's decisions
    first and within a screen, the at-risk table by commune name; screenshots in outputs/browser/.
    (Runs before the English test below replaces the shared Vietnamese report.)"""
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    page.goto((base_report / "report.html").as_uri())
    page.wait_for_load_state("load")
    assert page.locator(".jp-InputArea, .jp-InputPrompt, .jp-OutputPrompt").count() == 0
    body = page.inner_text("body")
    for code_text in ("build_report_context", "import ", "ctx.", "display("):
        assert code_text not in body, code_text
    imgs = page.locator("img")
    assert imgs.count() >= 4
    assert page.evaluate("Array.from(document.images).every(i => i.complete && i.naturalWidth > 0)")
    h1 = page.locator("h1").first.inner_text()
    assert "Kế hoạch gốc 116/KH-BCĐ" in h1  # the scenario's description is the title
    assert "Kế hoạch gốc 116/KH-BCĐ" in page.title()  # and the browser tab's
    top = page.locator("h2", has_text="Những việc Ban Chỉ đạo cần quyết định").bounding_box()
    nxt = page.locator("h2", has_text="Các chỉ tiêu chính").bounding_box()
    assert nxt["y"] - top["y"] <= 1000, "the decisions take more than a screen"
    page.screenshot(path=str(screenshots / "report-1-top.png"))
    risk = page.locator("h2", has_text="Điểm nghẽn và các xã có nguy cơ")
    risk.scroll_into_view_if_needed()
    table = page.locator("table", has_text="Nguyên nhân chính").first
    text = table.inner_text()
    assert any(name in text for name in COMMUNES) and "07303" not in text
    assert "Nguyên nhân chính" in text
    align = page.evaluate("(t) => getComputedStyle(t.querySelector('tbody td')).textAlign", table.element_handle())
    assert align in ("left", "start")
    risk.evaluate("e => e.scrollIntoView()")
    page.screenshot(path=str(screenshots / "report-2-at-risk.png"))
    for n, heading in ((3, "Tiến độ theo xã và tiêu chí"), (4, "Vốn được cấp lũy kế và chi tiêu theo nguồn")):
        page.locator("h2", has_text=heading).evaluate("e => e.scrollIntoView()")
        page.screenshot(path=str(screenshots / f"report-{n}-{'gantt' if n == 3 else 'cash-flow'}.png"))
    page.close()


def test_report_english_and_replaces(base_report):
    out = base_report.parent.parent
    (base_report / "stale.txt").write_text("old")
    d = run_report("base", run="t", lang="en", time_limit=3, workers=1, outputs_dir=out, timeout=300)
    html = (d / "report.html").read_text(encoding="utf-8")
    assert "Headline figures" in html and "Milestones by commune" in html
    assert "Các chỉ tiêu chính" not in html
    assert "Appendix: back-test against what happened" in html and "Phụ lục" not in html
    assert "Recognised as an NTM commune at the end of 2019" in html
    assert not (d / "stale.txt").exists()


def test_failure_names_the_cell(tmp_path):
    with pytest.raises(ReportError) as ei:
        run_report("base", run="f", lang="fr", time_limit=2, workers=1, outputs_dir=tmp_path, timeout=120)
    failed = tmp_path / "f" / "base.failed"
    assert ei.value.failed_dir == failed
    err = (failed / "error.txt").read_text(encoding="utf-8")
    assert "failing cell: 2 " in err and "ValueError" in err and "build_report_context" in err
    assert (failed / "report.ipynb").exists()
    assert not (tmp_path / "f" / "base").exists()
