"""The engine's answer in the plan's terms: the output tables, ``summary.json`` and :class:`PlanResult`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ntm_sched.domain.explain import describe_explanation, explanation_table
from ntm_sched.domain.model import DISTRICT, EXTRA_SOURCE, MILESTONES, NtmModel
from ntm_sched.engine.bounds import earliest_times
from ntm_sched.engine.result import REASONS, Result, Solution
from ntm_sched.io import write_tables
from ntm_sched.units import from_model_effort, month_start, week_start

SCHEDULE_COLUMNS = ["task_id", "commune_code", "criterion", "start_date", "end_date", "mode",
                    "cost_mvnd", "kind", "work_type", "agency", "name_vi", "name_en"]
MILESTONE_COLUMNS = ["commune_code", "milestone", "target_date", "scheduled_date", "slack_days", "task_id",
                     "earliest_possible_date", "late_cause"]
OUT_OF_REACH = "out_of_reach"
"""``late_cause`` of a late milestone whose earliest possible date (precedences, durations and
calendars alone, unlimited money and staff) is already after its target: no schedule meets it."""
RESOURCES_OR_MONEY = "resources_or_money"
"""``late_cause`` of a late milestone that some schedule could meet with more money, staff or
inspection capacity: its earliest possible date is on or before its target."""
LATE_CAUSES = (OUT_OF_REACH, RESOURCES_OR_MONEY)
ALLOCATION_COLUMNS = ["source", "commune_code", "task_id", "period_start", "amount_mvnd", "earmark", "instalment"]
AGENCY_LOAD_COLUMNS = ["agency", "week_start", "used", "capacity"]


def schedule_table(model: NtmModel, solution: Solution) -> pd.DataFrame:
    """``schedule.csv``: one row per task with real dates, mode and cost."""
    rows = []
    for t in model.problem.tasks:
        ts = solution.tasks[t.id]
        inf = model.info[t.id]
        mode = t.modes[ts.mode]
        rows.append({
            "task_id": t.id,
            "commune_code": inf.commune_code,
            "criterion": inf.criterion,
            # a zero-length milestone happens on one day, the day it completes (never ends before it starts)
            "start_date": model.date(ts.start) if ts.end > ts.start else model.completion_date(ts.end, ts.start),
            "end_date": model.completion_date(ts.end, ts.start),
            "mode": mode.name or inf.modes[ts.mode],
            "cost_mvnd": mode.cost,
            "kind": inf.kind,
            "work_type": inf.work_type,
            "agency": inf.agency,
            "name_vi": inf.name_vi,
            "name_en": inf.name_en,
        })
    return pd.DataFrame(rows, columns=SCHEDULE_COLUMNS)


def earliest_dates(model: NtmModel) -> dict[str, dt.date]:
    """Per task, the earliest day it can be complete under the plan's durations: releases,
    precedences, the fastest mode and the calendars' breaks alone, with unlimited money and staff
    (:func:`ntm_sched.engine.bounds.earliest_times`). No schedule completes a task earlier.

    Raises
    ------
    ValueError
        When the precedences form a cycle (no earliest date exists).
    """
    es, ee, cyclic = earliest_times(model.problem)
    if cyclic:
        raise ValueError("the precedences form a cycle: no earliest possible date exists")
    return {tid: model.completion_date(ee[tid], es[tid]) for tid in ee}


def late_cause(slack_days: int, target: dt.date, earliest: dt.date) -> str | None:
    """Why a milestone is late: :data:`OUT_OF_REACH` when even its earliest possible date is after
    its target, else :data:`RESOURCES_OR_MONEY`; ``None`` when it is not late (slack >= 0)."""
    if slack_days >= 0:
        return None
    return OUT_OF_REACH if earliest > target else RESOURCES_OR_MONEY


def milestones_table(model: NtmModel, solution: Solution) -> pd.DataFrame:
    """``milestones.csv``: every dated target with its scheduled date and slack (negative = late),
    the earliest date the plan's durations allow at all (:func:`earliest_dates`) and, when late,
    whether that date is already after the target (``late_cause``: :data:`LATE_CAUSES`)."""
    rows = []
    earliest = earliest_dates(model)
    for t in model.problem.tasks:
        inf = model.info[t.id]
        if inf.target_date is None:
            continue
        ts = solution.tasks[t.id]
        sched = model.completion_date(ts.end, ts.start)
        slack = (inf.target_date - sched).days
        rows.append({
            "commune_code": inf.commune_code,
            "milestone": inf.milestone or f"task:{t.id}",
            "target_date": inf.target_date,
            "scheduled_date": sched,
            "slack_days": slack,
            "task_id": t.id,
            "earliest_possible_date": earliest[t.id],
            "late_cause": late_cause(slack, inf.target_date, earliest[t.id]),
        })
    return pd.DataFrame(rows, columns=MILESTONE_COLUMNS)


def allocation_table(model: NtmModel, solution: Solution) -> pd.DataFrame:
    """``allocation.csv``: money by source, commune, task and month."""
    rows = []
    starts = {tid: ts.start for tid, ts in solution.tasks.items()}
    for p in solution.payments:
        sid, earmark = model.source_map[p.source]
        rows.append({
            "source": sid,
            "commune_code": model.info[p.task_id].commune_code,
            "task_id": p.task_id,
            "period_start": month_start(model.date(p.time)),
            "amount_mvnd": p.amount,
            "earmark": earmark or "",
            "instalment": "advance" if p.time == starts[p.task_id] else "settlement",
        })
    df = pd.DataFrame(rows, columns=ALLOCATION_COLUMNS)
    if len(df):
        df = (df.groupby(["source", "commune_code", "task_id", "period_start", "earmark", "instalment"],
                         as_index=False)["amount_mvnd"].sum()[ALLOCATION_COLUMNS]
              .sort_values(["period_start", "source", "commune_code", "task_id"]).reset_index(drop=True))
    return df


def agency_load_table(model: NtmModel, solution: Solution) -> pd.DataFrame:
    """``agency_load.csv``: per agency and week, the peak effort in use and the capacity
    (person-days per week; the capacity shown is the week's smallest)."""
    usage = solution.resource_usage(model.problem)
    end = max(solution.makespan, 1)
    rows = []
    for agency, res in model.agency_resources.items():
        r = model.problem.resource(res)
        u = usage[res]
        weeks: dict[dt.date, tuple[int, int]] = {}
        for p in range(0, end):
            wk = week_start(model.date(p))
            used, cap = weeks.get(wk, (0, 10**12))
            weeks[wk] = (max(used, u[p] if p < len(u) else 0), min(cap, r.capacity_at(p)))
        for wk, (used, cap) in sorted(weeks.items()):
            rows.append({"agency": agency, "week_start": wk,
                         "used": from_model_effort(used), "capacity": from_model_effort(cap)})
    return pd.DataFrame(rows, columns=AGENCY_LOAD_COLUMNS)


CHAIN_MILESTONES = MILESTONES
"""The dated milestones of a commune's recognition chain, in chain order (works done, district
inspection, submission to the province, provincial appraisal, recognition: ``plan.settings``)."""

ON_TIME_COLUMNS = ["commune_code", "on_time", "first_missed", "target_date", "scheduled_date", "days_late",
                   "recognition_date", "earliest_possible_date", "late_cause", "out_of_reach_milestone"]


def on_time_table(milestones: pd.DataFrame | None) -> pd.DataFrame:
    """Which communes are on time, by the project's ONE definition of "on time" (đúng hạn).

    A commune is on time when every milestone of its recognition chain that carries a target
    date (works done, district inspection, submission to the province, provincial appraisal,
    recognition) finishes on or
    before that target; otherwise it is late, and the first missed milestone (in chain order)
    is the reason. The headline, the risk and milestone tables, the verifier and the risk
    analysis all use this table; per-task due dates (``task:...``) are not chain milestones.

    Parameters
    ----------
    milestones : pandas.DataFrame or None
        The milestone table (:data:`MILESTONE_COLUMNS`).

    Returns
    -------
    pandas.DataFrame
        One row per commune (the district excluded) with ``on_time`` and, when late, the first
        missed milestone, its target and scheduled dates and its ``days_late``;
        ``recognition_date`` is the scheduled recognition (or ``None``). When the table carries
        the earliest possible dates (:func:`milestones_table`): ``earliest_possible_date`` of the
        first missed milestone, and the commune's ``late_cause``: :data:`OUT_OF_REACH` when any
        milestone of its chain cannot be met by any schedule (``out_of_reach_milestone``, the
        first in chain order), else :data:`RESOURCES_OR_MONEY`; all ``None`` when on time.
    """
    if milestones is None or not len(milestones):
        return pd.DataFrame(columns=ON_TIME_COLUMNS)
    order = {m: i for i, m in enumerate(CHAIN_MILESTONES)}
    ms = milestones[milestones["milestone"].isin(CHAIN_MILESTONES) & (milestones["commune_code"] != DISTRICT)]
    rows = []
    with_earliest = "late_cause" in ms.columns and "earliest_possible_date" in ms.columns
    for code, grp in ms.groupby("commune_code", sort=True):
        grp = grp.assign(_o=grp["milestone"].map(order)).sort_values("_o")
        missed = grp[grp["slack_days"] < 0]
        rec = grp.loc[grp["milestone"] == "recognition", "scheduled_date"]
        row: dict[str, Any] = {"commune_code": str(code), "on_time": missed.empty, "first_missed": None,
                               "target_date": None, "scheduled_date": None, "days_late": 0,
                               "recognition_date": rec.iloc[0] if len(rec) else None,
                               "earliest_possible_date": None, "late_cause": None, "out_of_reach_milestone": None}
        if not missed.empty:
            first = missed.iloc[0]
            row.update(first_missed=str(first["milestone"]), target_date=first["target_date"],
                       scheduled_date=first["scheduled_date"], days_late=int(-first["slack_days"]))
            if with_earliest:
                unreachable = missed[missed["late_cause"] == OUT_OF_REACH]
                row.update(earliest_possible_date=first["earliest_possible_date"],
                           late_cause=OUT_OF_REACH if len(unreachable) else RESOURCES_OR_MONEY,
                           out_of_reach_milestone=str(unreachable["milestone"].iloc[0]) if len(unreachable) else None)
        rows.append(row)
    return pd.DataFrame(rows, columns=ON_TIME_COLUMNS)


def late_milestones(milestones: pd.DataFrame) -> list[dict[str, Any]]:
    """Every late milestone of the milestones table (communes, district and per-task due dates),
    in the table's order, as ``summary.json`` lists them: ``commune_code, milestone, task_id,
    target_date, scheduled_date, earliest_possible_date`` (ISO) and ``late_cause``."""
    late = milestones[milestones["slack_days"] < 0]
    return [{"commune_code": str(r.commune_code), "milestone": str(r.milestone), "task_id": str(r.task_id),
             "target_date": _iso(r.target_date), "scheduled_date": _iso(r.scheduled_date),
             "earliest_possible_date": _iso(r.earliest_possible_date), "late_cause": r.late_cause}
            for r in late.itertuples()]


def _iso(d: Any) -> str:
    return pd.Timestamp(d).date().isoformat()


def summary_dict(model: NtmModel, result: Result, schedule: pd.DataFrame | None,
                 milestones: pd.DataFrame | None, allocation: pd.DataFrame | None) -> dict[str, Any]:
    """``summary.json``: whose plan it is (``unit``: name, code, level, period, criteria set, procedure,
    invented; ``None`` when the plan does not say), status and headline figures (``None`` where there is
    no schedule)."""
    status = result.status.value
    out: dict[str, Any] = {
        "unit": model.unit,  # whose plan: name, code, level, period, criteria set, procedure, invented
        "status": status,
        "objective": result.objective,
        "best_bound": result.best_bound,
        "gap": result.gap,
        "runtime_s": round(float(result.runtime_s), 3),
        "communes_on_time": None,
        "communes_late": None,
        "late_communes": None,
        "district_recognition_date": None,
        "district_target_date": None,
        "total_cost_mvnd": None,
        "extra_funding_mvnd": None,
        "checker_ok": None,
        "explanation": None,
        "repeatable": None,
        "repeatable_reasons": None,
        "repeatable_note": None,
    }
    if result.explanation is not None:
        out["explanation"] = describe_explanation(model, result.explanation, "en")
        out["explanation_vi"] = describe_explanation(model, result.explanation, "vi")
        out["conflicts"] = explanation_table(model, result.explanation).to_dict(orient="records")
    if result.solution is None or schedule is None or milestones is None:
        return out
    can = result.canonical
    # issue 25: is the schedule shown the one every run shows (the canonical answer)?
    out["repeatable"] = bool(can is not None and can.repeatable)
    out["repeatable_reasons"] = [] if out["repeatable"] else list(can.reasons if can is not None else ("not_run",))
    out["repeatable_note"] = "; ".join(REASONS[r] for r in out["repeatable_reasons"])
    check = result.check
    out["checker_ok"] = bool(check.ok) if check is not None else None
    ot = on_time_table(milestones)  # the one definition of "on time"
    late = sorted(ot.loc[~ot["on_time"].astype(bool), "commune_code"])
    out["communes_on_time"] = int(ot["on_time"].astype(bool).sum())
    out["communes_late"] = int(len(late))
    out["late_communes"] = late
    out["first_missed"] = {str(r.commune_code): str(r.first_missed) for r in ot.itertuples() if not r.on_time}
    # issue 22: late because no schedule can make it, or for lack of money / staff / inspection capacity?
    out["late_cause"] = {str(r.commune_code): r.late_cause for r in ot.itertuples() if not r.on_time}
    out["late_milestones"] = late_milestones(milestones)
    dist = schedule[(schedule["commune_code"] == DISTRICT) & (schedule["kind"] == "step")]
    if len(dist):
        out["district_recognition_date"] = max(dist["end_date"]).isoformat()
    tgt = model.settings.district_targets.get("works_done")
    out["district_target_date"] = tgt.isoformat() if tgt else None
    out["total_cost_mvnd"] = int(schedule["cost_mvnd"].sum())
    extra = 0
    if allocation is not None and len(allocation):
        extra = int(allocation.loc[allocation["source"] == EXTRA_SOURCE, "amount_mvnd"].sum())
    out["extra_funding_mvnd"] = extra
    return out


# ---------------------------------------------------------------------------
# one call: plan -> solved tables
# ---------------------------------------------------------------------------
@dataclass
class PlanResult:
    """A solved plan in the plan's own terms.

    ``schedule``, ``milestones``, ``allocation`` and ``agency_load`` are empty
    DataFrames (with their columns) when the solve found no schedule; ``summary``
    always says the status.
    """

    model: NtmModel
    result: Result
    schedule: pd.DataFrame
    milestones: pd.DataFrame
    allocation: pd.DataFrame
    agency_load: pd.DataFrame
    summary: dict[str, Any]
    verification: Any = None  # the plan-level verifier's report (ntm_sched.domain.verify), when it ran

    @property
    def status(self) -> str:
        return str(self.summary["status"])

    @property
    def has_schedule(self) -> bool:
        return self.result.solution is not None

    def tables(self) -> dict[str, pd.DataFrame]:
        """The four output tables by file stem."""
        return {"schedule": self.schedule, "milestones": self.milestones,
                "allocation": self.allocation, "agency_load": self.agency_load}

    def write(self, out_dir: str | Path) -> str | Path:
        """Write ``schedule.csv``, ``milestones.csv``, ``allocation.csv``, ``agency_load.csv`` and
        ``summary.json`` into ``out_dir`` atomically (:func:`ntm_sched.io.write_tables`)."""
        write_tables(out_dir, self.tables(), self.summary, kind="solve")
        return out_dir


def tabulate(model: NtmModel, result: Result) -> PlanResult:
    """Turn an engine result into the plan's tables and summary."""
    if result.solution is not None:
        sch = schedule_table(model, result.solution)
        ms = milestones_table(model, result.solution)
        al = allocation_table(model, result.solution)
        ld = agency_load_table(model, result.solution)
    else:
        sch = pd.DataFrame(columns=SCHEDULE_COLUMNS)
        ms = pd.DataFrame(columns=MILESTONE_COLUMNS)
        al = pd.DataFrame(columns=ALLOCATION_COLUMNS)
        ld = pd.DataFrame(columns=AGENCY_LOAD_COLUMNS)
    summ = summary_dict(model, result, sch if result.solution is not None else None,
                        ms if result.solution is not None else None, al)
    return PlanResult(model, result, sch, ms, al, ld, summ)
