"""Re-planning the base scenario from a status date: the invariants of issue 11, each tested.

Solves use one worker and a fixed seed; the baseline is solved once per session (conftest).
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from ntm_sched.engine import check
from ntm_sched.studies.progress import history as hist
from ntm_sched.studies.progress.files import ProgressValidationError
from ntm_sched.studies.progress.replan import replan
from tests.studies.progress.progress_helpers import on_baseline_progress

SOLVER = {"time_limit": 60.0, "workers": 1, "seed": 0}
PLAN_DATE = dt.date(2019, 8, 5)


def _same(a: pd.DataFrame, b: pd.DataFrame, cols=("start_date", "end_date", "mode")) -> list[str]:
    m = a.merge(b, on="task_id", suffixes=("_a", "_b"))
    assert len(m) == len(a)
    bad = m[(m[[f"{c}_a" for c in cols]].values != m[[f"{c}_b" for c in cols]].values).any(axis=1)]
    return list(bad["task_id"])


@pytest.mark.slow
def test_no_progress_at_the_plans_date_gives_the_baseline(history) -> None:
    rp = replan("base", None, PLAN_DATE, history, **SOLVER)
    base = hist.baseline(history, "base")
    assert rp.result.status == "OPTIMAL"
    assert _same(rp.result.schedule, base.table("schedule")) == []
    assert (rp.variance.loc[rp.variance["level"] != "source", "slip_days"].fillna(0) == 0).all()


def test_progress_on_baseline_moves_nothing_and_is_checked(history, tmp_path) -> None:
    as_of = dt.date(2019, 10, 7)
    folder = on_baseline_progress(history, as_of, tmp_path / "p")
    rp = replan("base", folder, as_of, history, **SOLVER)
    base = hist.baseline(history, "base").table("schedule")
    assert rp.result.has_schedule
    assert _same(rp.result.schedule[rp.result.schedule["kind"] != "settlement"], base) == []
    ms = rp.variance[rp.variance["level"] == "milestone"]
    assert (ms["slip_days"] == 0).all()
    # nothing not yet started starts before the status date
    s = rp.result.schedule
    assert (s.loc[s["state"] == "planned", "start_date"] >= as_of).all()
    assert set(s["state"]) >= {"done", "in_progress", "planned"}
    # the independent checker verifies the re-plan (also run by every solve)
    report = check(rp.result.model.problem, rp.result.result.solution)
    assert report.ok, str(report)
    assert rp.result.summary["checker_ok"] is True
    assert "schedule OK" in (rp.snapshot.path / "checker.txt").read_text()
    for f in ("schedule.csv", "milestones.csv", "allocation.csv", "agency_load.csv", "summary.json",
              "variance.csv", "payments.csv", "progress.csv", "disbursements.csv", "meta.json"):
        assert (rp.snapshot.path / f).exists(), f


def test_slip_propagates_to_successors_and_the_recognition_chain(history, tmp_path) -> None:
    base = hist.baseline(history, "base").table("schedule").set_index("task_id")
    start = base.loc["07321-waste-area", "start_date"]  # one of An Dương's last works in the baseline
    as_of = start + dt.timedelta(days=21)
    assert as_of < base.loc["07321-waste-area", "end_date"]
    folder = on_baseline_progress(history, as_of, tmp_path / "p")
    prog = pd.read_csv(folder / "progress.csv", dtype=str, keep_default_na=False)
    row = prog["task_id"] == "07321-waste-area"
    assert row.any() and (prog.loc[row, "actual_finish"] == "").all()
    prog.loc[row, "percent_complete"] = "10"
    prog.to_csv(folder / "progress.csv", index=False)
    rp = replan("base", folder, as_of, history, **SOLVER)
    v = rp.variance
    task = v[(v["level"] == "task") & (v["id"] == "07321-waste-area")].iloc[0]
    assert task["slip_days"] > 0
    ms = v[(v["level"] == "milestone") & (v["commune_code"] == "07321")].set_index("milestone")
    assert ms.loc["works_done", "slip_days"] > 0
    assert ms.loc["recognition", "slip_days"] > 0
    nxt = v[(v["level"] == "task") & (v["id"] == "07321:dossier")].iloc[0]
    assert nxt["current_start"] > task["current_finish"]


def test_finished_never_moves_and_money_is_never_spent_twice(two_weeks) -> None:
    """The worked example, two successive weeks: week 2's file lists only what was not done
    (re-planned once per session, conftest, with this module's solver settings)."""
    from collections import defaultdict

    from ntm_sched.domain import build
    from ntm_sched.scenario import load_scenario_and_plan

    history, w1, w2 = two_weeks.history, two_weeks.w1, two_weeks.w2
    assert w1.state.status_date == dt.date(2019, 10, 7) and w2.state.status_date == dt.date(2019, 10, 14)
    assert w1.result.has_schedule and w2.result.has_schedule
    s1 = w1.result.schedule.set_index("task_id")
    s2 = w2.result.schedule.set_index("task_id")
    done = s1.index[s1["state"] == "done"]
    assert len(done) > 20
    assert (s2.loc[done, "start_date"] == s1.loc[done, "start_date"]).all()
    assert (s2.loc[done, "end_date"] == s1.loc[done, "end_date"]).all()
    assert (s2.loc[done, "state"] == "done").all()
    # money: what was paid plus what is still planned never exceeds a task's value (or what was paid)
    pays = w2.payments
    assert len(pays[pays["kind"] == "paid"]) == len(w2.state.disbursements)
    _, plan = load_scenario_and_plan("base")
    model = build(plan)
    paid, planned = defaultdict(float), defaultdict(float)
    for tid, kind, amount in zip(pays["task_id"], pays["kind"], pays["amount_mvnd"]):
        (paid if kind == "paid" else planned)[tid] += amount
    for tid in set(paid) | set(planned):
        value = s2.loc[tid, "cost_mvnd"]
        assert paid[tid] + planned[tid] <= max(value, paid[tid]) + 1e-6, tid
    # and no limited source pays more than it releases, past and future together
    by_source = pays.groupby("engine_source")["amount_mvnd"].sum()
    for src in model.problem.sources:
        if not src.unlimited and src.name in by_source:
            assert by_source[src.name] <= src.total + 1e-6, src.name
    # the history lists the baseline and both weeks, in order
    names = [s.name for s in hist.list_snapshots(history, "base")]
    assert names == ["baseline", "2019-10-07", "2019-10-14"]


def test_a_finished_task_cannot_change_later(history, tmp_path) -> None:
    as_of = dt.date(2019, 10, 7)
    folder = on_baseline_progress(history, as_of, tmp_path / "p")
    replan("base", folder, as_of, history, **SOLVER)
    prog = pd.read_csv(folder / "progress.csv", dtype=str, keep_default_na=False)
    done = prog[prog["actual_finish"] != ""].index[0]
    prog.loc[done, "actual_finish"] = "2019-10-10"
    week2 = tmp_path / "w2"
    week2.mkdir()
    prog.to_csv(week2 / "progress.csv", index=False)
    pd.DataFrame(columns=["date", "source_id", "task_id", "amount_mvnd", "note"]).to_csv(
        week2 / "disbursements.csv", index=False)
    with pytest.raises(ProgressValidationError) as exc:
        replan("base", week2, dt.date(2019, 10, 14), history, **SOLVER)
    assert any("does not change" in i.message for i in exc.value.errors)
