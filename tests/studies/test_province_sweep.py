"""The province sweep (issue 24, item 6): one answer however computed. A SYNTHETIC province of 6 communes in
2 districts, 2 points with a small deterministic work limit: the same ``sweep.csv`` and ``summary.md`` from one
local process and from a Dask cluster of two workers; located errors for bad values; a user's folder kept."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from ntm_sched.errors import InputError
from ntm_sched.io import OutputTargetError
from ntm_sched.plan import load_plan
from ntm_sched.plan.synth import SynthSpec, write_synth
from ntm_sched.studies.province_sweep import failed_points, grid, parse_vary, point_plan, run_sweep

WORK = 0.3
VARY = [("council_capacity", (1, 11)), ("money", (0.8,))]


@pytest.fixture(scope="module")
def plan_dir(tmp_path_factory) -> Path:
    return write_synth(SynthSpec(communes=6, districts=2, seed=0), tmp_path_factory.mktemp("p") / "prov")


@pytest.fixture(scope="module")
def local(plan_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    return run_sweep(plan_dir, VARY, run="local", jobs=1, work=WORK, outputs_dir=out)


@pytest.mark.long  # make test-long: the sweep again on a Dask cluster, compared
@pytest.mark.fresh_solves  # the same answer from another search, not from the solve cache
def test_local_and_dask_write_the_same_sweep(local, plan_dir, tmp_path) -> None:
    from distributed import Client, LocalCluster

    # two Dask worker processes (the plan is pickled to them): the answer must not depend on where a point ran
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        dask_dir, _ = run_sweep(plan_dir, VARY, run="dask", work=WORK, outputs_dir=tmp_path, client=client)
    local_dir, df = local
    for name in ("sweep.csv", "summary.md"):
        assert (dask_dir / name).read_bytes() == (local_dir / name).read_bytes(), name
    facts = json.loads((dask_dir / "run.json").read_text(encoding="utf-8"))
    assert facts["where"] == "the caller's Dask client" and set(facts["seconds"]) == {"1", "2"}


def test_one_row_per_point_each_checked_and_verified(local) -> None:
    out, df = local
    s = pd.read_csv(out / "sweep.csv")
    assert list(s.columns[:3]) == ["point", "council_capacity", "money"]
    assert list(s["point"]) == [1, 2] and list(s["council_capacity"]) == [1, 11]
    assert {"status", "communes_on_time", "communes_late", "objective", "best_bound", "gap", "extra_funding_mvnd",
            "latest_recognition", "verified", "checker_ok"} <= set(s.columns)
    assert failed_points(df) == [] and s["verified"].all() and s["checker_ok"].all()
    # cut by the work limit, not proven: the case where only a deterministic limit gives one answer
    assert (s["status"] == "FEASIBLE").any() and s["repeatable"].all()
    assert (s["communes_on_time"] + s["communes_late"] == 6).all()
    md = (out / "summary.md").read_text(encoding="utf-8")
    assert md.index("Quét kịch bản cấp tỉnh") < md.index("Province scenario sweep")  # Vietnamese first
    assert "SYNTHETIC" in md and "/20" in md  # dd/mm/yyyy dates
    assert sorted(p.name for p in out.iterdir()) == [".ntm-sched-output", "run.json", "summary.md", "sweep.csv"]


def test_bad_values_are_refused_with_what_was_expected() -> None:
    assert parse_vary("council_capacity=8, 11,14") == ("council_capacity", (8, 11, 14))
    assert parse_vary("money=0.8,1") == ("money", (0.8, 1.0))
    for text, msg in [("capacity=1", "unknown value 'capacity'"), ("money", "expected NAME=V1,V2"),
                      ("council_capacity=8,x", r"value 2 \('x'\) of council_capacity is not a whole number"),
                      ("money=-1", "must be >= 0"), ("money=nan", "not a finite number"),
                      ("deadline_days=3,3", "given twice")]:
        with pytest.raises(InputError, match=msg):
            parse_vary(text)
    with pytest.raises(InputError, match="at least one --vary"):
        grid([])
    with pytest.raises(InputError, match="given twice"):
        grid([("money", (1.0,)), ("money", (0.5,))])
    assert grid([("council_capacity", (8, 11)), ("money", (0.8, 1.0))])[1] == {"council_capacity": 8, "money": 1.0}


def test_each_point_edits_the_plan(plan_dir) -> None:
    plan = load_plan(plan_dir)
    p = point_plan(plan, {"council_capacity": 2, "money": 0.5, "deadline_days": 30})
    assert {s.capacity for s in p.council_sessions} == {2}
    assert sum(t.amount_mvnd for t in p.funding) <= 0.5 * sum(t.amount_mvnd for t in plan.funding) + 1
    a, b = plan.communes[0].target_recognition, p.communes[0].target_recognition
    assert a is not None and b is not None and (b - a).days == 30


def test_a_users_folder_is_never_replaced(plan_dir, tmp_path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("keep", encoding="utf-8")
    with pytest.raises(OutputTargetError):
        run_sweep(plan_dir, [("money", (1.0,))], run="mine", work=WORK, outputs_dir=tmp_path)
    assert (tmp_path / "mine" / "notes.txt").read_text(encoding="utf-8") == "keep"
    with pytest.raises(OutputTargetError):
        run_sweep(plan_dir, [("money", (1.0,))], run="../up", work=WORK, outputs_dir=tmp_path)
