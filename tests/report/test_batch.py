"""End-to-end: the report notebook through papermill, its outputs, failures and batches."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from ntm_sched.io import mark_output
from ntm_sched.report.batch import run_batch
from ntm_sched.report.runner import run_report

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
COMMUNES = ["Ngọc Thiện", "An Dương", "Lan Giới", "Hợp Đức", "Tân Trung", "Cao Xá", "Song Vân", "Liên Chung"]
SUMMARY_FIELDS = ["status", "objective", "best_bound", "gap", "runtime_s", "communes_on_time", "communes_late",
                  "late_communes", "district_recognition_date", "district_target_date", "total_cost_mvnd",
                  "extra_funding_mvnd", "checker_ok", "explanation"]


@pytest.fixture(scope="module")
def base_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("outputs")
    return run_report("base", run="t", time_limit=8, workers=1, outputs_dir=out, timeout=300)


def test_batch_with_a_broken_scenario(tmp_path, capsys):
    sdir = tmp_path / "scenarios"
    sdir.mkdir()
    base = (ROOT / "data" / "tan_yen_2019" / "scenarios" / "base.yaml").read_text(encoding="utf-8")
    (sdir / "base.yaml").write_text(base + f"plan: {ROOT / 'data' / 'tan_yen_2019'}\n", encoding="utf-8")
    shutil.copy(ROOT / "data" / "tan_yen_2019" / "scenarios" / "second_inspection_team.yaml", sdir)
    (sdir / "broken.yaml").write_text("no_such_key: 1\n", encoding="utf-8")
    out = tmp_path / "outputs"
    (out / "b" / "old_scenario").mkdir(parents=True)  # from an earlier batch with this run name
    mark_output(out / "b" / "old_scenario")
    mark_output(out / "b")
    (out / "b" / "notes.txt").write_text("the user's own notes")  # not ours: kept
    from argparse import Namespace

    from ntm_sched.cli.batch import main as batch_main

    # the scenarios' own time limit: second_inspection_team is proven in about 5 s and kept in the run's solve cache,
    # for tests/domain/test_verify.py (cut at 3 s, it was searched again there)
    rc = batch_main(Namespace(scenarios=[str(sdir)], run="b", jobs=2, lang=None, time_limit=None, workers=1, seed=None,
                              outputs=str(out), timeout=300))
    assert rc == 1
    assert "broken" in capsys.readouterr().err
    run = out / "b"
    assert (run / "base" / "report.html").exists()
    assert (run / "second_inspection_team" / "report.html").exists()
    assert (run / "broken.failed" / "error.txt").exists()
    assert not (run / "old_scenario").exists()
    assert (run / "notes.txt").read_text() == "the user's own notes"
    s = pd.read_csv(run / "summary.csv")
    assert list(s["scenario"]) == ["base", "broken", "second_inspection_team"]
    assert list(s["ok"]) == [True, False, True]
    index = (run / "index.html").read_text(encoding="utf-8")
    assert "base/report.html" in index and "no_such_key" in index
    assert (run / "figures" / "comparison.png").exists() and (run / "batch.log").exists()


def test_batch_over_both_plans_names_each_scenarios_unit(tmp_path):
    """One scenario of each shipped plan in one batch: two 'base' files, two report folders, and the
    summary and index say whose plan each scenario is (``run_batch`` returns the summary's frame; one job at a
    time is tests/studies/progress/test_giao_ban.py's nightly batch)."""
    df = run_batch(["base", "example_2021_2025.base"], run="both", jobs=2, time_limit=3, workers=1,
                   outputs_dir=tmp_path, progress=False)
    assert list(df["scenario"]) == ["base", "example_2021_2025.base"] and df["ok"].all(), df.to_dict("records")
    run = tmp_path / "both"
    assert (run / "base" / "report.html").exists() and (run / "example_2021_2025.base" / "report.html").exists()
    s = pd.read_csv(run / "summary.csv", dtype={"unit_code": str})
    assert list(s["unit"]) == ["Huyện Tân Yên", "Huyện Mẫu (ví dụ)"]
    assert list(s["unit_code"]) == ["216", "999"] and list(s["period"]) == ["2016-2020", "2021-2025"]
    assert list(s["invented"]) == [False, True]
    index = (run / "index.html").read_text(encoding="utf-8")
    assert "Huyện Tân Yên (216), 2016-2020" in index and "Huyện Mẫu (ví dụ) (999), 2021-2025" in index
    assert "example_2021_2025.base/report.html" in index
    assert "KẾ HOẠCH VÍ DỤ GIẢ ĐỊNH" in (run / "example_2021_2025.base" / "report.html").read_text(encoding="utf-8")
    assert "KẾ HOẠCH VÍ DỤ GIẢ ĐỊNH" not in (run / "base" / "report.html").read_text(encoding="utf-8")
