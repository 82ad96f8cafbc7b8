"""``ntm-sched bench psplib``: the engine on PSPLIB instances against reference optima."""

from __future__ import annotations

import shutil

from ntm_sched.cli import main
from tests.engine.engine_helpers import DATA


def test_bench_psplib_verb(tmp_path, capsys):
    for n in ("j301_1", "j3037_2"):
        shutil.copy(DATA / f"{n}.sm", tmp_path)
    rc = main(["bench", "psplib", str(tmp_path), "--reference", str(DATA / "j30_reference.csv"), "--time-limit", "5",
               "--no-progress"])
    assert rc == 0
    assert "2/2 proven optimal" in capsys.readouterr().out
    assert main(["bench", "psplib", str(tmp_path / "nothing-here")]) == 2
