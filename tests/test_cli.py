"""The ntm-sched command: verbs, outputs and exit codes."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from ntm_sched.cli import build_parser, main

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "tan_yen_2019"


def _tree_hash(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file():
            h.update(p.name.encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def test_every_verb_is_mounted() -> None:
    parser = build_parser()
    for argv in (["validate", "x"], ["solve"], ["report", "base"], ["batch"], ["budget", "cuts"],
                 ["bench", "psplib", "d"]):
        args = parser.parse_args(argv)
        assert callable(args.func), argv


def test_validate_exits_0_on_the_plan_and_1_on_a_corrupted_copy(tmp_path, capsys) -> None:
    before = _tree_hash(DATA)
    assert main(["validate", str(DATA)]) == 0
    bad = tmp_path / "bad"
    shutil.copytree(DATA, bad)
    tasks = (bad / "tasks.csv").read_text(encoding="utf-8").replace("07330-markers,07330", "07330-markers,99999")
    (bad / "tasks.csv").write_text(tasks, encoding="utf-8")
    wt = (bad / "work_types.csv").read_text(encoding="utf-8").replace(",560,150,", ",-560,150,")
    (bad / "work_types.csv").write_text(wt, encoding="utf-8")
    corrupted = _tree_hash(bad)
    capsys.readouterr()
    assert main(["validate", str(bad), "--lang", "en"]) == 1
    out = capsys.readouterr().out
    assert "tasks.csv" in out and "commune_code" in out and "99999" in out
    assert "work_types.csv" in out and "unit_cost_mvnd" in out
    assert _tree_hash(bad) == corrupted and _tree_hash(DATA) == before


def test_solve_writes_the_five_files(tmp_path, capsys) -> None:
    out = tmp_path / "solve"
    rc = main(["solve", "base", "--out", str(out), "--time-limit", "8", "--workers", "1"])
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert rc == (0 if summary["status"] in ("OPTIMAL", "FEASIBLE") else 1)
    assert sorted(p.name for p in out.iterdir()) == ["agency_load.csv", "allocation.csv", "milestones.csv",
                                                     "schedule.csv", "summary.json"]
    for key in ("status", "objective", "best_bound", "gap", "runtime_s", "communes_on_time", "communes_late",
                "district_recognition_date", "total_cost_mvnd", "extra_funding_mvnd"):
        assert key in summary
    assert "status:" in capsys.readouterr().out


def test_solve_with_a_bad_scenario_exits_2(tmp_path, capsys) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("fundingg: {}\n", encoding="utf-8")
    (tmp_path / "base.yaml").write_text(f"plan: {DATA}\n", encoding="utf-8")
    assert main(["solve", str(bad), "--out", str(tmp_path / "o")]) == 2
    assert "unknown key 'fundingg'" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()
