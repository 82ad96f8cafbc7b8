"""PSPLIB reader and optimum runs (instances copied into tests/data/psplib)."""

from __future__ import annotations

import pandas as pd
import pytest

from ntm_sched.engine import PsplibFormatError, Status, read_psplib, solve
from ntm_sched.engine.bench import run_psplib_bench, summary
from tests.engine.engine_helpers import DATA

J30 = pd.read_csv(DATA / "j30_reference.csv").set_index("instance")["makespan"].to_dict()
MM = pd.read_csv(DATA / "mm_reference.csv").set_index("instance")["makespan"].to_dict()


def test_read_sm():
    p = read_psplib(DATA / "j301_1.sm")
    assert len(p.tasks) == 32 and p.horizon == 158
    assert [r.capacity for r in p.resources] == [12, 13, 4, 12]
    assert p.task("3").modes[0].duration == 4 and dict(p.task("3").modes[0].demands) == {"R1": 10}
    assert sum(1 for q in p.precedences if q.pred == "1") == 3


def test_read_mm_modes_and_budgets():
    p = read_psplib(DATA / "j102_2.mm")
    assert [b.amount for b in p.budgets] == [29, 40]
    t2 = p.task("2")
    assert [m.duration for m in t2.modes] == [3, 9, 10]
    assert dict(t2.modes[2].demands) == {"R2": 6} and dict(t2.modes[2].nonrenewable) == {"N2": 6}


@pytest.mark.parametrize("name", sorted(J30))
def test_j30_optimum(name):
    p = read_psplib(DATA / f"{name}.sm")
    r = solve(p, time_limit=20, workers=1, seed=0)
    assert r.status == Status.OPTIMAL
    assert r.solution.makespan == J30[name]
    assert_plain_rcpsp_valid(p, r.solution)  # an oracle of its own, not the engine's checker again


@pytest.mark.parametrize("name", sorted(MM))
def test_mm_optimum(name):
    p = read_psplib(DATA / f"{name}.mm")
    r = solve(p, time_limit=20, workers=1, seed=0)
    assert r.status == Status.OPTIMAL and r.solution.makespan == MM[name]
    assert r.check.ok


def _write(tmp_path, text):
    f = tmp_path / "bad.sm"
    f.write_text(text)
    return f


def test_parser_error_names_file_and_line(tmp_path):
    lines = (DATA / "j301_1.sm").read_text().splitlines()
    idx = next(i for i, s in enumerate(lines) if s.strip().startswith("5 ") and "20" in s)
    bad = list(lines)
    bad[idx] = bad[idx].replace("20", "2x")
    f = _write(tmp_path, "\n".join(bad))
    with pytest.raises(PsplibFormatError, match=rf"bad\.sm:{idx + 1}:"):
        read_psplib(f)
    # a job line with a missing demand column
    j = next(i for i, s in enumerate(lines) if i > idx + 10 and s.split()[:3] == ["7", "1", "5"])
    bad = list(lines)
    bad[j] = "  7      1     5       4    0"
    with pytest.raises(PsplibFormatError, match=rf"bad\.sm:{j + 1}:.*integers"):
        read_psplib(_write(tmp_path, "\n".join(bad)))
    with pytest.raises(PsplibFormatError, match=r"bad\.sm:\d+:.*horizon"):
        read_psplib(_write(tmp_path, "\n".join(s for s in lines if not s.startswith("horizon"))))


def test_bench_runner(tmp_path):
    import shutil

    for n in ("j301_1", "j3037_2"):
        shutil.copy(DATA / f"{n}.sm", tmp_path)
    df = run_psplib_bench(tmp_path, DATA / "j30_reference.csv", time_limit=5, progress=False,
                          out_csv=tmp_path / "out.csv")
    assert list(df.columns[:5]) == ["instance", "makespan", "lower_bound", "status", "runtime_s"]
    assert df.at_reference.all() and (tmp_path / "out.csv").exists()
    s = summary(df)
    assert s["optimal"] == 2 and s["at_reference"] == 2 and s["mean_gap_to_reference"] == 0


def assert_plain_rcpsp_valid(p, sol) -> None:
    """Textbook RCPSP rules, written here: durations, finish-to-start precedences, capacities per period."""
    ts = sol.tasks
    assert set(ts) == {t.id for t in p.tasks}
    for t in p.tasks:
        s = ts[t.id]
        assert s.end - s.start == t.modes[s.mode].duration and s.start >= 0, t.id
    for pr in p.precedences:
        assert ts[pr.succ].start >= ts[pr.pred].end + pr.lag, (pr.pred, pr.succ)
    for r in p.resources:
        for period in range(sol.makespan):
            use = sum(t.modes[ts[t.id].mode].demands.get(r.name, 0) for t in p.tasks
                      if ts[t.id].start <= period < ts[t.id].end)
            assert use <= r.capacity_at(period), (r.name, period)
