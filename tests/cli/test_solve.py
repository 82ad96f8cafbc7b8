"""The ntm-sched command: verbs, outputs and exit codes."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from ntm_sched.cli import main

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data" / "tan_yen_2019"


def _tree_hash(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(p.name.encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def test_solve_writes_the_five_files(tmp_path, capsys) -> None:
    out = tmp_path / "solve"
    rc = main(["solve", "base", "--out", str(out), "--time-limit", "8", "--workers", "1"])
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert rc == (0 if summary["status"] in ("OPTIMAL", "FEASIBLE") else 1)
    assert sorted(p.name for p in out.iterdir()) == [".ntm-sched-output", "agency_load.csv", "allocation.csv",
                                                     "milestones.csv", "schedule.csv", "summary.json"]
    for key in ("status", "objective", "best_bound", "gap", "runtime_s", "communes_on_time", "communes_late",
                "district_recognition_date", "total_cost_mvnd", "extra_funding_mvnd", "late_cause",
                "late_milestones"):
        assert key in summary
    printed = capsys.readouterr().out
    assert "status:" in printed
    if summary["late_communes"]:  # issue 22: each late commune printed with why (the base plan: out of reach)
        assert all(f"{c} ({summary['late_cause'][c].replace('_', ' ')})" in printed
                   for c in summary["late_communes"]), printed


def test_solve_with_a_bad_scenario_exits_2(tmp_path, capsys) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("fundingg: {}\n", encoding="utf-8")
    (tmp_path / "base.yaml").write_text(f"plan: {DATA}\n", encoding="utf-8")
    assert main(["solve", str(bad), "--out", str(tmp_path / "o")]) == 2
    assert "unknown key 'fundingg'" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


def test_solve_refuses_a_plan_with_an_empty_task_table(tmp_path, capsys) -> None:
    plan = tmp_path / "plan"
    shutil.copytree(DATA, plan)
    header = (plan / "tasks.csv").read_text(encoding="utf-8").splitlines()[0]
    (plan / "tasks.csv").write_text(header + "\n", encoding="utf-8")
    sc = tmp_path / "empty.yaml"
    sc.write_text(f"plan: {plan}\n", encoding="utf-8")
    (tmp_path / "base.yaml").write_text(f"plan: {plan}\n", encoding="utf-8")
    assert main(["solve", str(sc), "--out", str(tmp_path / "o"), "--time-limit", "2", "--workers", "1"]) == 2
    err = capsys.readouterr().err
    assert "tasks.csv" in err and "task table is empty" in err and "OPTIMAL" not in err
    assert not (tmp_path / "o").exists()


@pytest.mark.long  # make test-long: three whole solves of the base plan, compared
@pytest.mark.fresh_solves  # the search itself must give one answer
def test_the_base_scenario_gives_one_answer_on_every_run(tmp_path) -> None:
    """Issue 25: two solves with 2 workers (the second in another process, with another hash seed and another
    solver seed) and one with 1 worker write byte-identical schedule, milestones, allocation and load."""
    import os
    import subprocess
    import sys

    runs = {"a": ["--workers", "2"], "d": ["--workers", "1", "--seed", "3"]}
    for name, extra in runs.items():
        assert main(["solve", "base", "--out", str(tmp_path / name), *extra]) == 0
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-m", "ntm_sched.cli", "solve", "base", "--out", str(tmp_path / "c"),
                    "--workers", "2", "--seed", "7"], check=True, env=env, capture_output=True, cwd=ROOT)
    summaries = {n: json.loads((tmp_path / n / "summary.json").read_text(encoding="utf-8")) for n in "acd"}
    for n, s in summaries.items():
        assert s["status"] == "OPTIMAL" and s["repeatable"] is True and s["repeatable_reasons"] == [], (n, s)
    for f in ("schedule.csv", "milestones.csv", "allocation.csv", "agency_load.csv"):
        first = (tmp_path / "a" / f).read_bytes()
        for n in "cd":
            assert (tmp_path / n / f).read_bytes() == first, f"{f} of run {n} differs from run a"
