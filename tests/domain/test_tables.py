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
    rows += [("D", "recognition", -2), ("D", "inspection", -5)]  # listed out of chain order: inspection first
    rows += [("E", "works_done", 1)]  # no recognition milestone in the table
    ms = pd.DataFrame([{"commune_code": c, "milestone": m, "target_date": d,
                        "scheduled_date": d - dt.timedelta(days=s), "slack_days": s, "task_id": f"{c}:{m}"}
                       for c, m, s in reversed(rows)])  # communes in any order
    table = ntm.on_time_table(ms)
    assert list(table.columns) == ntm.ON_TIME_COLUMNS
    ot = table.set_index("commune_code")
    assert list(ot.index) == ["A", "B", "C", "D", "E"]
    assert ot.loc["B", "on_time"] and not ot.loc["A", "on_time"] and not ot.loc["C", "on_time"]
    assert ot.loc["A", "first_missed"] == "appraisal" and ot.loc["A", "days_late"] == 3
    assert ot.loc["C", "first_missed"] == "works_done" and ot.loc["C", "days_late"] == 1
    assert ot.loc["B", "recognition_date"] == d - dt.timedelta(days=2)
    late = ot.loc["D"]
    assert (late["first_missed"], late["target_date"], late["scheduled_date"], late["days_late"]) == (
        "inspection", d, d + dt.timedelta(days=5), 5)
    assert late["recognition_date"] == d + dt.timedelta(days=2)
    for code in ("B", "E"):  # on time: no reason, no dates, no days late
        row = ot.loc[code]
        assert pd.isna(row["first_missed"]) and pd.isna(row["target_date"]) and pd.isna(row["scheduled_date"])
        assert row["days_late"] == 0
    assert pd.isna(ot.loc["E", "recognition_date"])


def test_on_time_table_of_no_milestones() -> None:
    d = dt.date(2020, 1, 1)
    district_only = pd.DataFrame([{"commune_code": "DISTRICT", "milestone": "works_done", "target_date": d,
                                   "scheduled_date": d, "slack_days": 0, "task_id": "DISTRICT:criteria_done"},
                                  {"commune_code": "07345", "milestone": "task:07345-sports", "target_date": d,
                                   "scheduled_date": d, "slack_days": 0, "task_id": "07345-sports"}])
    for ms in (None, pd.DataFrame(columns=ntm.MILESTONE_COLUMNS), district_only):
        table = ntm.on_time_table(ms)
        assert table.empty and list(table.columns) == ntm.ON_TIME_COLUMNS


def test_summary_counts_on_time_by_the_one_definition(base):
    ot = ntm.on_time_table(base.milestones)
    assert base.summary["communes_on_time"] == int(ot["on_time"].sum())
    assert base.summary["late_communes"] == sorted(ot.loc[~ot["on_time"].astype(bool), "commune_code"])


# ---------------------------------------------------------------------------
# tables and summary of a small solved plan, field by field
# ---------------------------------------------------------------------------
LATE_PLAN = ["07309", "07360"]  # Tân Trung late from its works on, Ngọc Thiện on its inspection only


@pytest.fixture
def late(plan):
    """Solved once per process; built, checked, tabulated and verified again for every test that asks
    (so that each test exercises the build and the tables itself: benchmarks/mutation.py)."""
    from ntm_sched.plan.edits import restrict_plan
    from tests.solved_plans import solved

    small = restrict_plan(plan, LATE_PLAN)
    return small, solved(small, ("late", *LATE_PLAN))


def test_summary_fields_of_a_small_plan(late) -> None:
    small, res = late
    s, r = res.summary, res.result
    assert list(s)[0] == "unit"  # whose plan it is, first (issue 21)
    assert list(s)[1:15] == ["status", "objective", "best_bound", "gap", "runtime_s", "communes_on_time",
                            "communes_late", "late_communes", "district_recognition_date", "district_target_date",
                            "total_cost_mvnd", "extra_funding_mvnd", "checker_ok", "explanation"]
    assert s["status"] == r.status.value and s["objective"] == r.objective and s["best_bound"] == r.best_bound
    assert s["gap"] == r.gap and s["runtime_s"] == round(r.runtime_s, 3)
    assert s["checker_ok"] is True and s["explanation"] is None and s["verified"] is True
    # the one definition of on time: each misses a milestone before its recognition
    assert s["late_communes"] == LATE_PLAN and s["communes_late"] == 2 and s["communes_on_time"] == 0
    assert s["first_missed"] == {"07309": "works_done", "07360": "inspection"}
    ms = res.milestones
    rec = ms[(ms["milestone"] == "recognition") & (ms["commune_code"] != "DISTRICT")]
    assert (rec["slack_days"] >= 0).all()  # recognition alone would call both on time
    sch = res.schedule
    dist = sch[(sch["commune_code"] == "DISTRICT") & (sch["kind"] == "step")]
    assert s["district_recognition_date"] == max(dist["end_date"]).isoformat()
    assert s["district_target_date"] == small.setting("district_target_works_done")
    assert s["total_cost_mvnd"] == int(sch["cost_mvnd"].sum()) > 0
    paid_extra = sum(p.amount for p in r.solution.payments if p.source == "EXTRA")
    assert s["extra_funding_mvnd"] == paid_extra


def test_tables_of_a_small_plan(late, tmp_path) -> None:
    small, res = late
    sol, m = res.result.solution, res.model
    sch = res.schedule.set_index("task_id")
    assert list(res.schedule.columns) == ntm.SCHEDULE_COLUMNS and len(sch) == len(sol.tasks)
    for tid, ts in sol.tasks.items():
        row = sch.loc[tid]
        last = ts.end - 1 if ts.end > ts.start else max(ts.start - 1, 0)
        assert row["end_date"] == m.origin + dt.timedelta(days=last)
        # a zero-length milestone starts and ends on the day it is reached
        first = ts.start if ts.end > ts.start else last
        assert row["start_date"] == m.origin + dt.timedelta(days=first)
        assert row["mode"] == m.problem.task(tid).modes[ts.mode].name
    ms = res.milestones
    assert list(ms.columns) == ntm.MILESTONE_COLUMNS
    assert (ms["slack_days"] == [(t - d).days for t, d in zip(ms["target_date"], ms["scheduled_date"])]).all()
    assert set(ms["task_id"]) == {t.id for t in m.problem.tasks if m.info[t.id].target_date is not None}
    al = res.allocation
    assert list(al.columns) == ntm.ALLOCATION_COLUMNS
    assert set(al["instalment"]) == {"advance", "settlement"}
    assert (al["period_start"].map(lambda d: d.day) == 1).all()
    assert al["amount_mvnd"].sum() == sum(p.amount for p in sol.payments)
    assert list(al["period_start"]) == sorted(al["period_start"])
    ld = res.agency_load
    assert list(ld.columns) == ntm.AGENCY_LOAD_COLUMNS
    assert (ld["week_start"].map(lambda d: d.weekday()) == 0).all()
    bcd = ld[(ld["agency"] == "BCD_TINH") & (ld["week_start"] == dt.date(2020, 1, 20))]
    assert bcd["capacity"].tolist() == [0.0]  # the province does not sit around Tết
    assert ld["used"].max() > 0 and (ld["used"] <= ld["capacity"]).all()
    # written atomically and read back equal
    out = res.write(tmp_path / "o")
    back = pd.read_csv(Path(out) / "schedule.csv", dtype={"commune_code": str, "criterion": str})
    assert back["task_id"].tolist() == res.schedule["task_id"].tolist()
    assert back["start_date"].tolist() == [d.isoformat() for d in res.schedule["start_date"]]
    import json

    assert json.loads((Path(out) / "summary.json").read_text(encoding="utf-8"))["late_communes"] == LATE_PLAN
    assert set(res.tables()) == {"schedule", "milestones", "allocation", "agency_load"}
    assert res.status == res.summary["status"] and res.has_schedule


def test_summary_without_a_schedule(plan) -> None:
    from ntm_sched.engine import Result, Status
    from ntm_sched.engine.explain import ConflictItem, Explanation

    m = ntm.build(plan)
    expl = Explanation((ConflictItem("deadline", "07321:decision", "due"),), {"07321:decision": 26}, "x")
    res = ntm.tabulate(m, Result(status=Status.INFEASIBLE, runtime_s=1.23456, explanation=expl))
    s = res.summary
    assert s["status"] == "INFEASIBLE" and s["runtime_s"] == 1.235 and not res.has_schedule
    for key in ("communes_on_time", "communes_late", "late_communes", "district_recognition_date",
                "district_target_date", "total_cost_mvnd", "extra_funding_mvnd", "checker_ok"):
        assert s[key] is None, key
    assert "An Dương" in s["explanation_vi"] and "26" in s["explanation"]
    # the English field in English: the report's language option reads it
    assert s["explanation"] == ntm.describe_explanation(m, expl, "en") != s["explanation_vi"]
    assert s["conflicts"][0]["id"] == "07321:decision"
    for df, cols in ((res.schedule, ntm.SCHEDULE_COLUMNS), (res.milestones, ntm.MILESTONE_COLUMNS),
                     (res.allocation, ntm.ALLOCATION_COLUMNS), (res.agency_load, ntm.AGENCY_LOAD_COLUMNS)):
        assert df.empty and list(df.columns) == cols


def test_written_files_read_back_equal(late, tmp_path) -> None:
    import json

    small, res = late
    out = Path(res.write(tmp_path / "w"))
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "agency_load.csv", "allocation.csv", "milestones.csv", "schedule.csv", "summary.json"]
    for name, df in res.tables().items():
        back = pd.read_csv(out / f"{name}.csv", dtype=str, keep_default_na=False)
        assert list(back.columns) == list(df.columns), name
        want = df.astype(object).where(df.notna(), "").map(
            lambda v: v.isoformat() if isinstance(v, dt.date) else (str(v) if not isinstance(v, float)
                                                                     or not v.is_integer() else str(v)))
        assert back.to_numpy().tolist() == want.to_numpy().tolist(), name
    assert json.loads((out / "summary.json").read_text(encoding="utf-8")) == json.loads(
        json.dumps(res.summary, default=str))


def test_summary_of_a_schedule_without_money_district_target_or_check(late) -> None:
    """Money not modelled (no funding, no extra), no district target set, the checker not asked for."""
    from ntm_sched.engine import Payment, Result, Solution, Status
    from ntm_sched.plan.edits import set_settings

    small, res = late
    free = set_settings(dataclasses.replace(small, funding=()), {"allow_extra_funding": "false",
                                                                 "district_target_works_done": ""})
    m = ntm.build(free)
    sol = Solution(res.result.solution.tasks, ())
    pr = ntm.tabulate(m, Result(status=Status.FEASIBLE, solution=sol))
    s = pr.summary
    assert s["checker_ok"] is None and s["district_target_date"] is None
    assert s["extra_funding_mvnd"] == 0 and s["total_cost_mvnd"] == res.summary["total_cost_mvnd"]
    assert pr.allocation.empty and list(pr.allocation.columns) == ntm.ALLOCATION_COLUMNS
    assert s["late_communes"] == res.summary["late_communes"]
    paid = Solution(sol.tasks, (Payment(next(iter(sol.tasks)), "EXTRA", 0, 5),))
    assert ntm.summary_dict(m, Result(status=Status.FEASIBLE, solution=paid), pr.schedule, pr.milestones,
                            None)["extra_funding_mvnd"] == 0  # no allocation table given: nothing counted


def test_a_task_on_the_plans_first_day_counts_in_its_weeks_load(late) -> None:
    """The week of the plan's date (a Monday) holds the load of its first day too."""
    from ntm_sched.engine import Solution, TaskSchedule

    small, res = late
    m = res.model
    busy = next(t for t in m.problem.tasks if t.modes[0].demands and t.modes[0].duration > 0)
    (agency, units), = busy.modes[0].demands.items()
    far = max(ts.end for ts in res.result.solution.tasks.values()) + 30
    tasks = {t.id: TaskSchedule(t.id, far, far) for t in m.problem.tasks}  # everything else out of the way
    tasks[busy.id] = TaskSchedule(busy.id, 0, 1)
    ld = ntm.agency_load_table(m, Solution(tasks))
    week0 = ld[(ld["agency"] == agency) & (ld["week_start"] == m.origin)]
    from ntm_sched.units import from_model_effort

    assert m.origin.weekday() == 0 and week0["used"].tolist() == [from_model_effort(units)] and units > 0


def test_tables_without_targets_or_agency_effort_keep_their_columns(late) -> None:
    """No dated target anywhere and no agency effort: milestones.csv and agency_load.csv are empty but
    keep their headers (a reader of the files finds the columns it expects)."""
    from ntm_sched.plan.edits import set_settings

    small, res = late
    bare = set_settings(small, {"communes_target": "", **{f"district_target_{m}": "" for m in ntm.MILESTONES}})
    bare = dataclasses.replace(
        bare,
        communes=tuple(dataclasses.replace(c, target_works_done=None, target_inspection=None, target_submission=None,
                                           target_appraisal=None, target_recognition=None) for c in bare.communes),
        tasks=tuple(dataclasses.replace(t, due_date=None) for t in bare.tasks),
        work_types=tuple(dataclasses.replace(w, effort_per_week=0.0) for w in bare.work_types),
        recognition_steps=tuple(dataclasses.replace(r, effort_per_week=0.0) for r in bare.recognition_steps))
    m = ntm.build(bare)
    pr = ntm.tabulate(m, res.result)
    assert pr.milestones.empty and list(pr.milestones.columns) == ntm.MILESTONE_COLUMNS
    assert pr.agency_load.empty and list(pr.agency_load.columns) == ntm.AGENCY_LOAD_COLUMNS


# ---------------------------------------------------------------------------
# issue 22: late out of reach, or late for lack of money / staff?
# ---------------------------------------------------------------------------
def test_late_milestones_out_of_reach_say_their_earliest_date(late) -> None:
    """Tân Trung's works and inspection and Ngọc Thiện's inspection cannot be met by any schedule
    under the assumed durations (issue 22's dates): late ``out_of_reach``, earliest date shown."""
    _, res = late
    ms = res.milestones.set_index("task_id")
    want = {"07309:works_done": dt.date(2019, 11, 29), "07309:inspection": dt.date(2020, 1, 3),
            "07360:inspection": dt.date(2019, 9, 5)}
    for tid, day in want.items():
        assert ms.loc[tid, "earliest_possible_date"] == day
        assert ms.loc[tid, "late_cause"] == ntm.OUT_OF_REACH
        assert ms.loc[tid, "scheduled_date"] >= day > ms.loc[tid, "target_date"]
    on_time = ms[ms["slack_days"] >= 0]
    assert on_time["late_cause"].isna().all()  # no cause where nothing is late
    assert (ms["earliest_possible_date"] <= ms["scheduled_date"]).all()  # never later than a real schedule
    s = res.summary
    assert s["late_cause"] == {"07309": ntm.OUT_OF_REACH, "07360": ntm.OUT_OF_REACH}
    listed = {r["task_id"]: r for r in s["late_milestones"]}
    assert set(listed) == set(ms.index[ms["slack_days"] < 0])
    assert listed["07360:inspection"] == {
        "commune_code": "07360", "milestone": "inspection", "task_id": "07360:inspection",
        "target_date": "2019-08-31", "scheduled_date": ms.loc["07360:inspection", "scheduled_date"].isoformat(),
        "earliest_possible_date": "2019-09-05", "late_cause": "out_of_reach"}
    ot = ntm.on_time_table(res.milestones).set_index("commune_code")
    assert ot.loc["07360", "earliest_possible_date"] == dt.date(2019, 9, 5)
    assert ot.loc["07309", "late_cause"] == ntm.OUT_OF_REACH
    assert ot.loc["07309", "out_of_reach_milestone"] == "works_done"


@pytest.fixture
def money_late(plan):
    from tests.solved_plans import MONEY_LATE, money_late_plan, solved

    small = money_late_plan(plan)
    return small, solved(small, ("money_late", *MONEY_LATE))


def test_late_for_lack_of_money_beside_late_out_of_reach(money_late) -> None:
    """Without money until 01/11/2019 Lan Giới's works wait: late, yet every one of its dates was
    reachable (``resources_or_money``); Ngọc Thiện stays out of reach whatever the money."""
    _, res = money_late
    assert res.summary["verified"] is True
    ms = res.milestones.set_index("task_id")
    lg = ms.loc["07303:works_done"]
    assert lg["slack_days"] < 0 and lg["earliest_possible_date"] <= lg["target_date"]
    assert lg["late_cause"] == ntm.RESOURCES_OR_MONEY
    assert ms.loc["07360:inspection", "late_cause"] == ntm.OUT_OF_REACH
    assert res.summary["late_cause"] == {"07303": ntm.RESOURCES_OR_MONEY, "07360": ntm.OUT_OF_REACH}
    ot = ntm.on_time_table(res.milestones).set_index("commune_code")
    assert ot.loc["07303", "late_cause"] == ntm.RESOURCES_OR_MONEY
    assert pd.isna(ot.loc["07303", "out_of_reach_milestone"])
    assert ot.loc["07303", "earliest_possible_date"] == lg["earliest_possible_date"]


def test_a_commune_is_out_of_reach_when_any_missed_milestone_is() -> None:
    """The first missed milestone may be late for lack of money while a later one is out of reach:
    no money makes the commune on time, so the commune is ``out_of_reach``, naming that milestone."""
    d = dt.date(2020, 1, 1)
    rows = [("A", "works_done", -3, d), ("A", "inspection", -9, d + dt.timedelta(days=4)),
            ("B", "works_done", -2, d - dt.timedelta(days=10)), ("C", "works_done", 1, d)]
    causes = [ntm.late_cause(s, d, e) for _, _, s, e in rows]
    assert causes == [ntm.RESOURCES_OR_MONEY, ntm.OUT_OF_REACH, ntm.RESOURCES_OR_MONEY, None]
    ms = pd.DataFrame([{"commune_code": c, "milestone": m, "target_date": d,
                        "scheduled_date": d - dt.timedelta(days=s), "slack_days": s, "task_id": f"{c}:{m}",
                        "earliest_possible_date": e, "late_cause": k} for (c, m, s, e), k in zip(rows, causes)])
    ot = ntm.on_time_table(ms).set_index("commune_code")
    assert (ot.loc["A", "first_missed"], ot.loc["A", "late_cause"], ot.loc["A", "out_of_reach_milestone"]) == (
        "works_done", ntm.OUT_OF_REACH, "inspection")
    assert ot.loc["A", "earliest_possible_date"] == d  # of the first missed milestone, beside its dates
    assert ot.loc["B", "late_cause"] == ntm.RESOURCES_OR_MONEY
    assert pd.isna(ot.loc["C", "late_cause"]) and pd.isna(ot.loc["C", "earliest_possible_date"])


def test_earliest_dates_bound_every_task_of_the_base_plan(base) -> None:
    """No task of the solved base plan completes before its earliest possible date."""
    earliest = ntm.earliest_dates(base.model)
    sch = base.schedule.set_index("task_id")
    assert all(sch.loc[t, "end_date"] >= e for t, e in earliest.items())
    assert sum(sch.loc[t, "end_date"] == e for t, e in earliest.items()) > 10  # and often reached
