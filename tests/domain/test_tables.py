"""The NTM layer: a plan becomes an engine problem, and the answer comes back as the plan's tables.

The tables are checked here on their own terms (dates, weekly loads, money by date), independently
of the engine's checker, which every solve also runs.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pandas as pd

from ntm_sched import domain as ntm

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data" / "tan_yen_2019"
NOT_RECOGNISED = ["07303", "07309", "07321", "07330", "07336", "07345", "07357", "07360"]
CHAIN = ["works_done", "dossier", "public_posting", "survey", "inspection", "submission", "appraisal", "decision"]




def test_each_communes_chain_is_in_order(base) -> None:
    sch = base.schedule.set_index("task_id")
    for code in NOT_RECOGNISED:
        works = base.schedule[(base.schedule["commune_code"] == code) & (base.schedule["kind"] == "work")
                              & (base.schedule["criterion"] != "all")]  # not its 2020 plan
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
    assert names == [".ntm-sched-output", "agency_load.csv", "allocation.csv", "milestones.csv", "schedule.csv",
                     "summary.json"]
    sch = pd.read_csv(Path(out) / "schedule.csv", dtype=str)
    assert list(sch.columns[:7]) == ["task_id", "commune_code", "criterion", "start_date", "end_date", "mode",
                                     "cost_mvnd"]
    dt.date.fromisoformat(sch["start_date"].iloc[0])
    ms = pd.read_csv(Path(out) / "milestones.csv")
    assert {"commune_code", "milestone", "target_date", "scheduled_date", "slack_days"} <= set(ms.columns)


def test_zero_length_milestones_start_and_end_on_the_same_day(base, tmp_path) -> None:
    out = base.write(tmp_path / "run")
    sch = pd.read_csv(Path(out) / "schedule.csv", dtype=str)
    start = sch["start_date"].map(dt.date.fromisoformat)
    end = sch["end_date"].map(dt.date.fromisoformat)
    assert (start <= end).all(), sch.loc[start > end, ["task_id", "start_date", "end_date"]]
    zero = [t.id for t in base.model.problem.tasks
            if base.result.solution.tasks[t.id].end == base.result.solution.tasks[t.id].start]
    assert zero, "the plan has zero-length milestones (e.g. works_done)"
    z = sch.set_index("task_id").loc[zero]
    assert (z["start_date"] == z["end_date"]).all()
    # the day shown is the milestone's day in milestones.csv
    ms = pd.read_csv(Path(out) / "milestones.csv", dtype=str).set_index("task_id")
    both = [t for t in zero if t in ms.index]
    assert both and (ms.loc[both, "scheduled_date"] == z.loc[both, "end_date"]).all()


def test_on_time_means_every_dated_chain_milestone_met():
    """ONE definition of on time: every chain milestone with a target met; the first missed one is the reason."""
    d = dt.date(2020, 1, 1)
    rows = [  # A: recognition on time but appraisal late -> late, reason appraisal (not recognition)
        ("A", "works_done", 5), ("A", "inspection", 0), ("A", "appraisal", -3), ("A", "recognition", 10),
        # B: all met (0 days of slack is on time); a late task due is not a chain milestone
        ("B", "works_done", 0), ("B", "recognition", 2), ("B", "task:B-road", -7),
        # C: late first at works done
        ("C", "works_done", -1), ("C", "inspection", -4), ("C", "recognition", -9),
        ("DISTRICT", "works_done", -30),
    ]
    ms = pd.DataFrame([{"commune_code": c, "milestone": m, "target_date": d,
                        "scheduled_date": d - dt.timedelta(days=s), "slack_days": s, "task_id": f"{c}:{m}"}
                       for c, m, s in rows])
    ot = ntm.on_time_table(ms).set_index("commune_code")
    assert list(ot.index) == ["A", "B", "C"]
    assert ot.loc["B", "on_time"] and not ot.loc["A", "on_time"] and not ot.loc["C", "on_time"]
    assert ot.loc["A", "first_missed"] == "appraisal" and ot.loc["A", "days_late"] == 3
    assert ot.loc["C", "first_missed"] == "works_done" and ot.loc["C", "days_late"] == 1
    assert ot.loc["B", "recognition_date"] == d - dt.timedelta(days=2)


def test_summary_counts_on_time_by_the_one_definition(base):
    ot = ntm.on_time_table(base.milestones)
    assert base.summary["communes_on_time"] == int(ot["on_time"].sum())
    assert base.summary["late_communes"] == sorted(ot.loc[~ot["on_time"].astype(bool), "commune_code"])
