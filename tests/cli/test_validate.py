"""The ntm-sched command: verbs, outputs and exit codes."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

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


def test_validate_exits_0_on_the_plan_and_1_on_a_corrupted_copy(tmp_path, capsys) -> None:
    before = _tree_hash(DATA)
    assert main(["validate", str(DATA)]) == 0
    out = capsys.readouterr().out
    # the steps the plan says are under way are in the summary: Ngọc Thiện's dossier, half left
    assert "Bước công nhận đang làm khi lập kế hoạch (step_progress): 1" in out
    assert "  07360 Ngọc Thiện: dossier, còn 0.5" in out
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
