"""The planner's page driven without a browser: names on the controls, a solve, what changed."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402

from ntm_sched.app.explorer_page import ExplorerPage  # noqa: E402
from ntm_sched.scenario import load_scenario, load_scenario_plan  # noqa: E402
from ntm_sched.studies.explore import Explorer  # noqa: E402


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    sc = load_scenario("base")
    plan = load_scenario_plan(sc)
    ex = Explorer(plan, time_limit=10)
    ex.solve()
    return ExplorerPage(ex, lang="vi", scenario=sc, scenario_dir=tmp_path_factory.mktemp("sc"))


def test_controls_are_named_and_the_page_shows_no_codes(page):
    html = " ".join(getattr(c, "value", "") for c in _walk(page.widget) if isinstance(getattr(c, "value", None), str))
    assert "Ngân sách huyện" in html and "Tổ thẩm tra của BCĐ huyện" in html
    for code in ("NTM_TW_TINH", "HUYEN_LC", "BCD_HUYEN", "07303"):
        assert code not in html, code
    c = page.controls_from_widgets()
    assert c.funding_scale == page.explorer.controls.funding_scale  # 100 % = as planned
    assert "Xã đúng hạn" in page.cards.value and "lần giải đầu tiên" in page.changes.value


def test_solve_after_a_change_shows_what_changed(page):
    page.fund["HUYEN"].value = 80  # the browser test's change: its answer is solved once per run
    assert page.controls_from_widgets().funding_scale["HUYEN"] == 0.8
    page.on_solve()
    assert "Đã giải xong" in page.message.value
    assert "Tiền chuyển giữa các nguồn vốn" in page.changes.value or "Không có thay đổi" in page.changes.value


@pytest.mark.long  # make test-long: the base plan searched again afresh from the first answer, compared
def test_solving_twice_changes_nothing(tmp_path, monkeypatch):
    """Issue 25: the same controls solved again (2 workers, warm-started from the first answer)
    give the same schedule and allocation, so "what changed" is empty."""
    from ntm_sched.engine.solve_cache import ENV

    sc = load_scenario("base")
    ex = Explorer(load_scenario_plan(sc), workers=2, time_limit=30)
    first = ex.solve()  # the run's solve cache may answer: a kept answer is the proven, canonical one
    monkeypatch.delenv(ENV, raising=False)  # the second is searched afresh: the search must give the same answer
    pg = ExplorerPage(ex, lang="vi", scenario=sc, scenario_dir=tmp_path)
    pg.on_solve()
    second = ex.result
    assert second is not first and second.summary["repeatable"] is True
    assert "Không có thay đổi" in pg.changes.value and "ntm-unproven" not in pg.changes.value
    for name in ("schedule", "allocation", "milestones", "agency_load"):
        assert first.tables()[name].equals(second.tables()[name]), name


def _walk(w):
    yield w
    for ch in getattr(w, "children", ()) or ():
        yield from _walk(ch)


def test_late_communes_say_whether_their_dates_were_within_reach(page, tmp_path):
    """Issue 22: the late/at-risk table shows each late commune's earliest possible date and whether
    its lateness is out of reach under the assumed durations or for lack of money / staff."""
    from ntm_sched.plan import load_plan
    from tests.solved_plans import money_late_plan

    base_html = page.risk.value
    assert "Ngày sớm nhất có thể" in base_html and "Vì sao trễ" in base_html
    assert "không thể kịp với thời gian thực hiện giả định" in base_html  # Tân Trung, Ngọc Thiện
    assert "29/11/2019" in base_html and "ntm-late-cause" in base_html
    sc = load_scenario("base")
    ex = Explorer(money_late_plan(load_plan(sc.plan_path)), time_limit=10)
    ex.solve()
    en = ExplorerPage(ex, lang="en", scenario=sc, scenario_dir=tmp_path)
    html = en.risk.value
    assert "late for lack of money" in html and "out of reach under these durations" in html
    assert "15/09/2019" in html  # Lan Giới's works could have been done by then
