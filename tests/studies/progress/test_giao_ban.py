"""The giao ban report on the worked example: tables, figures, the papermill report and the nightly batch."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from ntm_sched.studies.progress import giao_ban as gbm
from ntm_sched.studies.progress.replan import replan
from tests.studies.progress.progress_helpers import EXAMPLE

SOLVER = {"time_limit": 60.0, "workers": 1, "seed": 0}
W1, W2 = dt.date(2019, 10, 7), dt.date(2019, 10, 14)


@pytest.fixture(scope="module")
def history_of_two_weeks(two_weeks, tmp_path_factory):
    """The worked example's two weeks (solved once per session, conftest), in a history of this module."""
    history = tmp_path_factory.mktemp("giao_ban") / "history"
    shutil.copytree(two_weeks.history, history)
    # the same file and date again: the nightly report re-uses the snapshot instead of adding one
    again = replan("base", EXAMPLE / W2.isoformat(), W2, history, reuse=True, **SOLVER)
    assert again.snapshot.name == W2.isoformat()
    return history


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_tables_and_figures_of_the_example(history_of_two_weeks, tmp_path, lang) -> None:
    two_weeks = history_of_two_weeks
    gb = gbm.load("base", two_weeks, W2, lang, {"07321": "An Dương"}, {"VH_TT": "Phòng Văn hóa - Thông tin"})
    assert gb.previous.name == W1.isoformat() and gb.baseline.name == "baseline"
    t = gb.tables
    # what changed since last week: the culture office's works moved
    assert len(t["changes"]) > 0
    # communes slipping, by how much and why (task, agency, money)
    slip = t["slipping"]
    assert len(slip) >= 1 and (slip[gbm.t("slip", lang)] > 0).all()
    assert "Phòng Văn hóa - Thông tin" in set(slip[gbm.t("why_agency", lang)])  # the agency behind in the example
    assert "An Dương" in set(slip[gbm.t("commune", lang)])  # the commune slipping in the example
    # next two weeks per agency
    nxt = t["next_two_weeks"]
    assert len(nxt) > 0 and nxt[gbm.t("agency", lang)].str.len().min() > 0
    finish = [dt.datetime.strptime(x, "%d/%m/%Y").date() for x in nxt[gbm.t("finish", lang)]]
    assert min(finish) >= W2 and max(finish) < W2 + dt.timedelta(days=14)
    # earned value: VH_TT behind makes SPI < 1 somewhere; CPI defined where money was paid
    ev = t["earned_value"]
    assert (ev[gbm.t("spi", lang)].dropna() < 1).any()
    assert {gbm.t(k, lang) for k in ("pv", "ev", "ac", "spi", "cpi")} <= set(ev.columns)
    # spend per source: the late LONG_GHEP tranche shows in week 1 (nothing paid before 10/10)
    w1 = gbm.load("base", two_weeks, W1, lang).tables["spend"].set_index(gbm.t("source", lang))
    assert w1.loc["LONG_GHEP", gbm.t("spend_actual", lang)] < w1.loc["LONG_GHEP", gbm.t("spend_planned", lang)]
    # slip trend: baseline and both weeks for every commune still to be recognised
    tr = t["trend"]
    assert list(tr["snapshot"].drop_duplicates()) == ["baseline", W1.isoformat(), W2.isoformat()]
    if lang == "en":
        return  # the files are written once (below, in Vietnamese)
    out = gbm.write_outputs(gb, tmp_path / "gb")
    for f in ("tracking_gantt", "spend_curves", "slip_trend"):
        assert (out / "figures" / f"{f}.png").stat().st_size > 10_000
    assert (out / "report.xlsx").exists() and (out / "tables" / "slipping.csv").exists()


@pytest.mark.slow
def test_nightly_batch_runs_the_giao_ban_when_progress_files_are_present(two_weeks, tmp_path) -> None:
    """Batch of one scenario with progress files for two weeks: the scenario report, then the giao ban.

    The history holds the baseline and week 1 already (re-planned once per session, conftest): the
    batch re-uses week 1's snapshot (same file, same date) and re-plans week 2.
    """
    from ntm_sched.cli import build_parser
    from ntm_sched.studies.progress import history as hist

    history = tmp_path / "history"
    shutil.copytree(two_weeks.after_week1, history)
    assert [s.name for s in hist.list_snapshots(history, "base")] == ["baseline", W1.isoformat()]
    pdir = tmp_path / "progress" / "base"
    pdir.mkdir(parents=True)
    for w in (W1, W2):
        shutil.copytree(EXAMPLE / w.isoformat(), pdir / w.isoformat())
    args = build_parser().parse_args(["batch", "base", "--run", "nightly", "--jobs", "1", "--time-limit", "10",
                                      "--workers", "1",
                         "--outputs", str(tmp_path / "outputs"), "--progress-dir", str(tmp_path / "progress"),
                         "--history", str(history)])
    assert args.func(args) == 0
    out = tmp_path / "outputs" / "nightly"
    assert (out / "base" / "report.html").exists()
    gb = out / "base.giao_ban"
    assert (gb / "report.html").exists() and (gb / "figures" / "tracking_gantt.png").exists()
    assert (gb / "report.xlsx").exists() and (gb / "tables" / "earned_value.csv").exists()
    html = (gb / "report.html").read_text(encoding="utf-8")
    assert "Báo cáo giao ban" in html and "Các xã chậm" in html
    assert [s.name for s in hist.list_snapshots(history, "base")] == ["baseline", W1.isoformat(), W2.isoformat()]


def test_a_failing_giao_ban_notebook_leaves_failed_evidence_like_the_report(tmp_path) -> None:
    """The giao ban runs through the one notebook runner: a failing cell leaves ``.failed/``
    (error.txt naming the cell and the error, the executed notebook) and publishes nothing."""
    from ntm_sched.report.runner import ReportError
    from ntm_sched.studies.progress.report import run_giao_ban

    progress = tmp_path / "progress"
    progress.mkdir()
    (progress / "progress.csv").write_text(
        "task_id,actual_start,actual_finish,percent_complete,note\nNO_SUCH_TASK,2019-09-01,,50,\n", encoding="utf-8")
    with pytest.raises(ReportError) as ei:
        run_giao_ban("base", progress, W1, run="gb", history_root=tmp_path / "history",
                     outputs_dir=tmp_path / "outputs", time_limit=5, workers=1, seed=0, timeout=300)
    failed = tmp_path / "outputs" / "gb" / "base.giao_ban.failed"
    assert ei.value.failed_dir == failed
    error = (failed / "error.txt").read_text(encoding="utf-8")
    assert "failing cell:" in error and "ProgressValidationError" in error and "NO_SUCH_TASK" in error
    assert (failed / "report.ipynb").exists() and not (tmp_path / "outputs" / "gb" / "base.giao_ban").exists()


class _Stored:
    """A stored plan as the headline reads it: its summary and status date."""

    def __init__(self, summary: dict, status_date: dt.date = W1) -> None:
        self._summary, self.status_date = summary, status_date

    def summary(self) -> dict:
        return self._summary


@pytest.mark.parametrize(("invented", "lang", "shown"), [
    (True, "vi", True), (True, "en", True), (False, "vi", False), (None, "vi", False)])
def test_the_headline_of_an_invented_plan_opens_with_its_warning(invented, lang, shown) -> None:
    unit = None if invented is None else {"name": "Mẫu (ví dụ)", "code": "999", "level": "district",
                                           "period": "2021-2025", "invented": invented}
    summ = {"unit": unit, "status": "OPTIMAL", "checker_ok": True, "district_recognition_date": "2025-02-23"}
    stored = _Stored(summ)
    gb = gbm.GiaoBan("example_2021_2025.base", lang, stored, stored, None, [stored])
    first = gb.headline().split("\n\n")[0]
    banner = {"vi": "KẾ HOẠCH VÍ DỤ GIẢ ĐỊNH", "en": "INVENTED EXAMPLE PLAN"}[lang]
    assert (banner in first) is shown and (banner in gb.headline()) is shown
