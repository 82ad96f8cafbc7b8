"""``ntm-sched risk``: files, exact columns, summary keys, exit codes and located errors."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from ntm_sched.cli import main
from tests.studies.risk.helpers import make_small_plan, write_scenario


@pytest.fixture(scope="module")
def small_plan_dir(tmp_path_factory):
    return make_small_plan(tmp_path_factory.mktemp("small_plan"))


def test_risk_verb_writes_every_output(small_plan_dir, tmp_path, capsys):
    sc = write_scenario(tmp_path / "sc", small_plan_dir, extra="risk: {samples: 6, spread_scale: 1.0}\n")
    out = tmp_path / "out"
    rc = main(["risk", str(sc), "--jobs", "1", "--seed", "3", "--out", str(out), "--no-report",
               "--check-every", "1"])
    text = capsys.readouterr()
    assert rc == 0, text.err
    for name in ("commune_risk.csv", "district_distribution.csv", "extra_money.csv", "criticality.csv",
                 "tornado.csv", "samples.csv", "recognition_samples.csv", "assumptions.csv", "risk.xlsx",
                 "summary.json",
                 "figures/s_curve.png", "figures/tornado.png", "figures/cash_need.png",
                 "figures/s_curves_communes.png", "figures/criticality.png"):
        assert (out / name).exists(), name
    cr = pd.read_csv(out / "commune_risk.csv", dtype={"commune_code": str})
    assert list(cr.columns) == ["commune_code", "milestone", "target_date", "p_on_time", "p50_date", "p80_date",
                                "p90_date"]
    s = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert s["samples"] == 6 and s["seed"] == 3 and s["policy"] == "fixed"
    assert {"district_p_on_time", "district_p50_date", "district_p80_date"} <= set(s)
    assert s["samples_checked"] == 6 and s["checker_failures"] == 0
    assert "district on time" in text.out and "samples 6/6" in text.err
    assert not any(p.name.startswith(".") for p in tmp_path.iterdir())  # no temporary folder left


def test_bad_input_exits_2_and_names_the_problem(small_plan_dir, tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["risk", "base", "--samples", "0", "--out", str(tmp_path / "x")])
    assert exc.value.code == 2 and "expected a whole number >= 1" in capsys.readouterr().err
    user = tmp_path / "mine"
    user.mkdir()
    (user / "notes.txt").write_text("a user's file", encoding="utf-8")
    assert main(["risk", "base", "--samples", "2", "--out", str(user)]) == 2  # refused before any work
    assert (user / "notes.txt").read_text(encoding="utf-8") == "a user's file"
    capsys.readouterr()
    sc = write_scenario(tmp_path / "sc", small_plan_dir,
                        extra="risk: {sources: {DAN: {delay_high_dayz: 3}}}\n")
    assert main(["risk", str(sc), "--samples", "2", "--jobs", "1", "--out", str(tmp_path / "y"), "--no-report"]) == 2
    err = capsys.readouterr().err
    assert "risk.sources.DAN.delay_high_dayz" in err and str(sc) in err
    assert not (tmp_path / "y").exists()


def test_report_notebook_on_a_finished_run(small_plan_dir, tmp_path):
    """The risk report (papermill, kernel ntm-sched) executes every cell on a real run's folder."""
    from ntm_sched.studies.risk.report import run_risk_notebook

    sc = write_scenario(tmp_path / "sc", small_plan_dir, extra="risk: {samples: 5}\n")
    out = tmp_path / "out"
    assert main(["risk", str(sc), "--jobs", "1", "--out", str(out), "--no-report"]) == 0
    html = run_risk_notebook(out, lang="en", scenario=str(sc))
    text = html.read_text(encoding="utf-8")
    assert "Schedule and funding risk analysis" in text and "P(on time)" in text and "Traceback" not in text
    assert "Probabilistic cash need" in text and "<img" in text


def test_a_failing_risk_report_leaves_failed_evidence_like_the_report(small_plan_dir, tmp_path, capsys,
                                                                      monkeypatch):
    """The risk report kept no evidence of a failed notebook; it now runs through the one notebook
    runner: ``<out>.failed/`` holds error.txt (the failing cell) and the executed notebook, the
    tables are still published, exit 1; a later good run removes the evidence."""
    import ntm_sched.studies.risk.report as risk_report
    from ntm_sched.report.runner import ReportError
    from ntm_sched.studies.risk.report import run_risk_notebook

    empty = tmp_path / "not_a_run"
    empty.mkdir()
    with pytest.raises(ReportError) as ei:
        run_risk_notebook(empty, lang="en", timeout=300)
    failed = tmp_path / "not_a_run.failed"
    assert ei.value.failed_dir == failed and (failed / "report.ipynb").exists()
    error = (failed / "error.txt").read_text(encoding="utf-8")
    assert "failing cell:" in error and "FileNotFoundError" in error and "summary.json" in error

    sc = write_scenario(tmp_path / "sc", small_plan_dir, extra="risk: {samples: 3}\n")
    out = tmp_path / "out"
    broken = tmp_path / "broken.ipynb"
    broken.write_text('{"cells": [{"cell_type": "code", "execution_count": null, "id": "a", "metadata": '
                      '{"tags": ["parameters"]}, "outputs": [], "source": "risk_dir = None"}, {"cell_type": '
                      '"code", "execution_count": null, "id": "b", "metadata": {}, "outputs": [], "source": '
                      '"raise RuntimeError(\'broken risk cell\')"}], "metadata": {"kernelspec": {"name": '
                      '"python3", "display_name": "Python 3", "language": "python"}}, "nbformat": 4, '
                      '"nbformat_minor": 5}', encoding="utf-8")
    monkeypatch.setattr(risk_report, "run_notebook", _with_notebook(risk_report.run_notebook, broken))
    assert main(["risk", str(sc), "--jobs", "1", "--out", str(out)]) == 1
    err = capsys.readouterr().err
    failed = tmp_path / "out.failed"
    assert "the report failed" in err and str(failed / "error.txt") in err
    assert "broken risk cell" in (failed / "error.txt").read_text(encoding="utf-8")
    assert (out / "summary.json").exists() and not (out / "report.html").exists()
    monkeypatch.undo()
    assert main(["risk", str(sc), "--jobs", "1", "--out", str(out)]) == 0
    assert (out / "report.html").exists() and not failed.exists()


def _with_notebook(run_notebook, notebook):
    def run(_nb, *args, **kwargs):
        return run_notebook(notebook, *args, **kwargs)
    return run
