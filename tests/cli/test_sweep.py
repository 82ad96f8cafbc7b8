"""``ntm-sched province-sweep``: its files and exit codes (0 every point checked; 2 bad input, nothing written)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ntm_sched.cli import main
from ntm_sched.plan.synth import SynthSpec, write_synth


@pytest.fixture(scope="module")
def plan_dir(tmp_path_factory) -> Path:
    return write_synth(SynthSpec(communes=4, districts=2, seed=1), tmp_path_factory.mktemp("p") / "prov")


def test_a_sweep_writes_its_files_and_exits_0(plan_dir, tmp_path, capsys) -> None:
    rc = main(["province-sweep", str(plan_dir), "--vary", "deadline_days=0,30", "--jobs", "1", "--work", "0.2",
               "--outputs", str(tmp_path), "--run", "s"])
    cap = capsys.readouterr()
    assert rc == 0, cap.err
    assert "2 points" in cap.out and "point 2/2 deadline_days=30" in cap.err
    assert {p.name for p in (tmp_path / "s").iterdir()} >= {"sweep.csv", "summary.md", "run.json"}


@pytest.mark.parametrize("argv, msg", [
    (["--vary", "council_capacity=8,eleven"], "value 2 ('eleven') of council_capacity is not a whole number"),
    (["--vary", "speed=1"], "unknown value 'speed'"),
    (["--vary", "money=1", "--run", "../x"], "run name '../x'"),
])
def test_bad_input_exits_2_naming_it(plan_dir, tmp_path, capsys, argv, msg) -> None:
    rc = main(["province-sweep", str(plan_dir), "--outputs", str(tmp_path), *argv])
    assert rc == 2 and msg in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_a_missing_plan_folder_exits_2(tmp_path, capsys) -> None:
    rc = main(["province-sweep", str(tmp_path / "nope"), "--vary", "money=1", "--outputs", str(tmp_path)])
    assert rc == 2 and "nope" in capsys.readouterr().err


def test_dask_and_scheduler_are_exclusive(plan_dir, capsys) -> None:
    with pytest.raises(SystemExit):
        main(["province-sweep", str(plan_dir), "--vary", "money=1", "--dask", "--scheduler", "tcp://h:1"])
    assert "not allowed with" in capsys.readouterr().err
