"""The NTM layer: a plan becomes an engine problem, and the answer comes back as the plan's tables.

The tables are checked here on their own terms (dates, weekly loads, money by date), independently
of the engine's checker, which every solve also runs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from ntm_sched import ntm
from ntm_sched.engine import check
from ntm_sched.plan import load_plan
from ntm_sched.scenario import apply, load_scenario

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "tan_yen_2019"
NOT_RECOGNISED = ["07303", "07309", "07321", "07330", "07336", "07345", "07357", "07360"]
CHAIN = ["works_done", "dossier", "public_posting", "survey", "inspection", "appraisal", "decision"]


@pytest.fixture(scope="module")
def plan():
    return load_plan(DATA)


@pytest.fixture(scope="module")
def base(plan) -> ntm.PlanResult:
    return ntm.solve_plan(plan, time_limit=60, workers=1, seed=0)


def test_build_has_every_task_and_each_communes_chain(plan) -> None:
    m = ntm.build(plan)
    ids = {t.id for t in m.problem.tasks}
    assert {t.task_id for t in plan.tasks} <= ids
    for code in NOT_RECOGNISED:
        for step in CHAIN:
            assert f"{code}:{step}" in ids
    assert "DISTRICT:decision" in ids
    # the district's chain waits for every commune's decision
    preds = {p.pred for p in m.problem.precedences if p.succ == "DISTRICT:criteria_done"}
    assert {f"{c}:decision" for c in NOT_RECOGNISED} <= preds
    assert {"D1-regional-plan", "D7-dossier", "D5.2-dossier"} <= preds


def test_durations_costs_and_modes_follow_the_work_types(plan) -> None:
    m = ntm.build(plan)
    houses = m.problem.task("07336-houses-new")  # 6 new houses, 6 at a time: 15 + 90 days
    assert houses.modes[0].duration == 15 + 90
    assert houses.modes[0].cost == 6 * 560
    assert houses.modes[1].name == "accelerated" and houses.modes[1].duration < houses.modes[0].duration
    road = m.problem.task("07345-road")  # 5.12 km, 2 km at a time -> 3 batches of 30 days + 10
    assert road.modes[0].duration == 10 + 3 * 30
    assert road.calendar == "construction"


def test_deadlines_come_from_the_plans_target_dates(plan) -> None:
    m = ntm.build(plan)
    t = m.problem.task("07330:inspection")
    assert m.date(t.due - 1) == dt.date(2019, 11, 30)
    assert not t.due_hard and t.late_weight > 0


def test_earmarked_money_only_reaches_its_commune(plan) -> None:
    m = ntm.build(plan)
    for t in m.problem.tasks:
        for s in t.sources or ():
            _, earmark = m.source_map[s]
            assert earmark is None or earmark == m.info[t.id].commune_code


def test_base_plan_solves_and_the_checker_passes(base) -> None:
    assert base.status in ("OPTIMAL", "FEASIBLE"), base.summary
    assert base.result.check is not None and base.result.check.ok
    # the engine's checker agrees when run again from outside
    assert check(base.model.problem, base.result.solution).ok
    assert base.summary["checker_ok"] is True
    assert set(base.summary) >= {"status", "objective", "best_bound", "gap", "runtime_s", "communes_on_time",
                                 "communes_late", "district_recognition_date", "total_cost_mvnd",
                                 "extra_funding_mvnd"}
    assert base.summary["communes_on_time"] + base.summary["communes_late"] == 8


def test_base_plan_is_proven_optimal(base) -> None:
    """Lexicographic objective: every tier proven (one worker, seed 0: repeatable)."""
    assert base.status == "OPTIMAL", [t for t in base.result.tiers]
    assert base.summary["gap"] == 0
    assert all(t.status.value == "OPTIMAL" for t in base.result.tiers)
    # An Duong and Lan Gioi cannot be recognised by 31/10/2019 whatever the money: the
    # recognition procedure alone is longer than the time the plan leaves
    assert {"07303", "07321"} <= set(base.summary["late_communes"])


def test_each_communes_chain_is_in_order(base) -> None:
    sch = base.schedule.set_index("task_id")
    for code in NOT_RECOGNISED:
        works = base.schedule[(base.schedule["commune_code"] == code) & (base.schedule["kind"] == "work")]
        done = sch.loc[f"{code}:works_done", "end_date"]
        if len(works):
            assert works["end_date"].max() <= done
        assert sch.loc[f"{code}:dossier", "start_date"] > done or len(works) == 0
        for a, b in [("dossier", "survey"), ("dossier", "public_posting"), ("survey", "inspection"),
                     ("public_posting", "inspection"), ("inspection", "appraisal"), ("appraisal", "decision")]:
            assert sch.loc[f"{code}:{a}", "end_date"] < sch.loc[f"{code}:{b}", "start_date"], (code, a, b)
    assert sch.loc["DISTRICT:criteria_done", "end_date"] >= max(
        sch.loc[f"{c}:decision", "end_date"] for c in NOT_RECOGNISED)


def test_no_agency_above_capacity_in_any_week(base) -> None:
    load = base.agency_load
    assert len(load) > 0
    over = load[load["used"] > load["capacity"] + 1e-9]
    assert over.empty, over


def test_no_source_overdrawn_at_any_date(base, plan) -> None:
    """Cumulative payments per (source, earmark) never exceed cumulative releases (from funding.csv)."""
    m = base.model
    pays = pd.DataFrame([dataclasses.asdict(p) for p in base.result.solution.payments])
    funding = plan.table("funding")
    for name, (sid, earmark) in m.source_map.items():
        if sid == ntm.EXTRA_SOURCE:
            continue
        rel = funding[(funding["source_id"] == sid) &
                      (funding["commune_code"].fillna("").astype(str) == (earmark or ""))]
        mine = pays[pays["source"] == name] if len(pays) else pays
        for t in sorted(set(mine["time"])) if len(mine) else []:
            day = m.date(t)
            paid = mine.loc[mine["time"] <= t, "amount"].sum()
            released = rel.loc[rel["date_available"].map(lambda d: d <= day), "amount_mvnd"].sum()
            assert paid <= released + 1e-6, (name, day, paid, released)


def test_allocation_pays_every_task_exactly_its_cost(base) -> None:
    paid = base.allocation.groupby("task_id")["amount_mvnd"].sum()
    cost = base.schedule.set_index("task_id")["cost_mvnd"]
    for tid, c in cost.items():
        assert paid.get(tid, 0) == c, tid


def test_outputs_are_written_with_real_dates(base, tmp_path) -> None:
    out = base.write(tmp_path / "run")
    names = sorted(p.name for p in Path(out).iterdir())
    assert names == ["agency_load.csv", "allocation.csv", "milestones.csv", "schedule.csv", "summary.json"]
    sch = pd.read_csv(Path(out) / "schedule.csv", dtype=str)
    assert list(sch.columns[:7]) == ["task_id", "commune_code", "criterion", "start_date", "end_date", "mode",
                                     "cost_mvnd"]
    dt.date.fromisoformat(sch["start_date"].iloc[0])
    ms = pd.read_csv(Path(out) / "milestones.csv")
    assert {"commune_code", "milestone", "target_date", "scheduled_date", "slack_days"} <= set(ms.columns)


def test_a_deep_budget_cut_asks_for_extra_funding_never_overspends(plan, tmp_path) -> None:
    sc = load_scenario("base")
    sc = dataclasses.replace(sc, config={**sc.config, "funding": {"scale": {s: 0.5 for s in
                                                                            ("NTM_TW_TINH", "HUYEN", "XA", "DAN",
                                                                             "LONG_GHEP", "HUYEN_LC")}}})
    cut = apply(plan, sc)
    res = ntm.solve_plan(cut, time_limit=10, workers=1, seed=0)
    assert res.status in ("OPTIMAL", "FEASIBLE")
    total_cost = res.summary["total_cost_mvnd"]
    available = float(cut.table("funding")["amount_mvnd"].sum())
    # what the tranches cannot carry must come from extra funding, and it is reported
    assert res.summary["extra_funding_mvnd"] >= total_cost - available - 1
    assert res.result.check.ok


def test_without_extra_funding_money_shortfall_is_infeasible_and_explained(plan) -> None:
    sc = load_scenario("base")
    sc = dataclasses.replace(sc, config={**sc.config, "funding": {"extra_funding": False, "scale": {
        s: 0.3 for s in ("NTM_TW_TINH", "HUYEN", "XA", "DAN", "LONG_GHEP", "HUYEN_LC")}}})
    res = ntm.solve_plan(apply(plan, sc), time_limit=3, workers=1, seed=0)
    assert res.status == "INFEASIBLE"
    assert not res.has_schedule and res.schedule.empty
    assert "money short" in res.summary["explanation"] and "thiếu vốn" in res.summary["explanation_vi"]


def test_explanations_are_told_in_the_plans_terms(plan) -> None:
    from ntm_sched.engine.explain import ConflictItem, Explanation

    m = ntm.build(plan)
    expl = Explanation(
        (ConflictItem("deadline", "07321:decision", "due"), ConflictItem("resource", "BCD_HUYEN", ""),
         ConflictItem("source", "DAN@07321", "")),
        {"07321:decision": 26},
        "Infeasible: ...",
    )
    df = ntm.explanation_table(m, expl)
    dl = df[df["kind"] == "deadline"].iloc[0]
    assert dl["commune"] == "An Dương" and dl["target_date"] == dt.date(2019, 10, 31)
    assert dl["extra_days"] == 26 and dl["needed_date"] == dt.date(2019, 11, 26)
    vi = ntm.describe_explanation(m, expl, "vi")
    en = ntm.describe_explanation(m, expl, "en")
    assert "An Dương" in vi and "31/10/2019" in vi and "26/11/2019" in vi and "BCD_HUYEN" in vi
    assert "needs 26 more days" in en and "DAN" in en


def test_impossible_hard_deadlines_are_explained_by_name(plan) -> None:
    """The all_hard scenario: the plan's own dates cannot all hold; the answer says which and by how much."""
    res = ntm.solve_plan(apply(plan, load_scenario("all_hard")), time_limit=5, workers=1, seed=0)
    assert res.status == "INFEASIBLE" and not res.has_schedule
    conflicts = pd.DataFrame(res.summary["conflicts"])
    late = set(conflicts.loc[conflicts["kind"] == "deadline", "id"])
    # An Duong and Lan Gioi cannot be recognised by 31/10/2019, Ngoc Thien not inspected by 31/08/2019
    assert {"07321:decision", "07303:decision", "07360:inspection"} <= late
    row = conflicts.set_index("id").loc["07321:decision"]
    assert row["commune"] == "An Dương" and row["extra_days"] > 0
    assert "An Dương" in res.summary["explanation_vi"] and "Lan Giới" in res.summary["explanation_vi"]
