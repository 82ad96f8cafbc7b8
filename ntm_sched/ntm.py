"""The NTM domain bridge: a :class:`~ntm_sched.plan.Plan` becomes an engine problem,
and the engine's answer becomes the plan's tables.

What is built (one engine period = one calendar day from the ``plan_start`` setting;
money in million VND; effort scaled by :data:`ntm_sched.units.EFFORT_SCALE`):

* every row of ``tasks.csv`` is a task; its duration is
  ``duration_fixed_days + duration_per_batch_days * ceil(quantity / parallel_per_commune)``,
  its cost ``quantity * unit_cost_mvnd``, its demand the work type's weekly effort on
  its lead agency; accelerable work types get a second, *accelerated* mode (settings
  ``accel_*``) when ``allow_accelerated`` is true;
* every commune not yet recognised gets its recognition chain from
  ``recognition_steps.csv`` (steps of equal ``order`` run side by side, each order
  after the previous one; the first order waits for all the commune's works);
* the district chain starts when every not-yet-recognised commune is recognised,
  every district task is done and every recognised commune's review is done;
* milestone steps are held to the communes' target dates (``communes.csv``) and the
  district's to the ``district_target_<milestone>`` settings; tasks with a ``due_date``
  to that date. Soft by default (``hard_deadlines`` setting);
* each (source, earmark) pair of ``funding.csv`` is an engine money source; a task
  may use the sources whose ``pays_for`` lists its work type and whose earmark, if
  any, is its commune; with ``allow_extra_funding`` an unlimited ``EXTRA`` source,
  priced by ``extra_funding_price``, turns a plan the money cannot carry into an
  answer (how much more, by when); ``extra_funding_from`` makes that money come only from
  a date (e.g. the next budget round), so that a shortfall delays works instead;
* the objective is lexicographic by default (setting ``lexicographic_objective``): first the
  lateness of milestones (late count, then days), then extra funding, then cost and the
  district's date; with ``false`` the same weights are summed into one objective;
* holidays of the construction and office calendars pause the works (see
  :mod:`ntm_sched.engine.problem`).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ntm_sched.engine.problem import (
    Calendar,
    Mode,
    Objective,
    Precedence,
    Problem,
    Resource,
    Source,
    Task,
    Tranche,
)
from ntm_sched.units import (
    date_to_period,
    from_model_effort,
    month_start,
    period_to_date,
    to_date,
    to_model_effort,
    to_model_money,
    week_start,
)

EXTRA_SOURCE = "EXTRA"
"""Name of the engine's unlimited extra-funding source."""

MILESTONES = ("works_done", "inspection", "appraisal", "recognition")
DISTRICT = "DISTRICT"


@dataclass(frozen=True)
class TaskInfo:
    """What the NTM layer knows about one engine task."""

    task_id: str
    commune_code: str  # commune code or "DISTRICT"
    criterion: str
    kind: str  # "work" or "step"
    work_type: str  # work type, or the step name for chain steps
    agency: str | None
    name_vi: str
    name_en: str
    milestone: str | None = None  # for chain steps held to a target
    target_date: dt.date | None = None
    modes: tuple[str, ...] = ("normal",)


@dataclass(frozen=True)
class NtmModel:
    """An engine problem plus the mapping back to the plan's terms."""

    problem: Problem
    origin: dt.date
    info: dict[str, TaskInfo]
    source_map: dict[str, tuple[str, str | None]]  # engine source -> (source_id, earmark)
    agency_resources: dict[str, str]  # agency id -> engine resource name
    settings: dict[str, Any] = field(default_factory=dict)
    commune_names: dict[str, str] = field(default_factory=dict)  # code -> name (NFC), "DISTRICT" -> "huyện"

    def period(self, d: dt.date) -> int:
        """Engine period of date ``d``."""
        return date_to_period(self.origin, d)

    def date(self, period: int) -> dt.date:
        """Date of engine period ``period``."""
        return period_to_date(self.origin, period)

    def completion_date(self, end: int, start: int) -> dt.date:
        """The day a task ending at ``end`` (exclusive) is complete: its last working day.

        A zero-length milestone at ``t`` completes on the day before ``t`` (the day its
        predecessors finished), or on day 0.
        """
        return self.date(max(end - 1, 0))


# ---------------------------------------------------------------------------
# helpers on plan tables
# ---------------------------------------------------------------------------
def _as_list(v: Any) -> list[str]:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return []
    if isinstance(v, (list, tuple)):
        return [str(x) for x in v if str(x) != ""]
    s = str(v).strip()
    return [x.strip() for x in s.split(";") if x.strip()] if s else []


_as_date = to_date


def _settings(plan: Any) -> dict[str, str]:
    df = plan.table("settings")
    return {str(k): ("" if pd.isna(v) else str(v)) for k, v in zip(df["key"], df["value"])}


def _bool(s: str) -> bool:
    return str(s).strip().lower() in ("1", "true", "yes", "có", "co")


def _date_setting(settings: dict[str, str], key: str) -> dt.date | None:
    v = settings.get(key, "")
    return dt.date.fromisoformat(v) if v else None


def setting_values(plan: Any) -> dict[str, Any]:
    """Typed settings the NTM layer uses. Every modelling default lives in ``settings.csv``
    (with its source); a missing one raises ``KeyError`` naming it rather than falling back
    to a number hidden in code. Optional: the target dates and ``extra_funding_from``."""
    s = _settings(plan)

    def need(key: str) -> str:
        if key not in s or s[key] == "":
            raise KeyError(f"settings.csv: the setting {key!r} is missing")
        return s[key]

    return {
        "plan_start": dt.date.fromisoformat(need("plan_start")),
        "horizon_end": dt.date.fromisoformat(need("horizon_end")),
        "communes_target": _date_setting(s, "communes_target"),
        "district_targets": {
            m: _date_setting(s, f"district_target_{m}") for m in MILESTONES
        },
        "advance_share": float(need("advance_share")),
        "accel_duration_factor": float(need("accel_duration_factor")),
        "accel_cost_factor": float(need("accel_cost_factor")),
        "accel_effort_factor": float(need("accel_effort_factor")),
        "allow_accelerated": _bool(need("allow_accelerated")),
        "allow_extra_funding": _bool(need("allow_extra_funding")),
        "extra_funding_price": int(float(need("extra_funding_price"))),
        "weight_late_milestone": int(float(need("weight_late_milestone"))),
        "weight_tardiness_day": int(float(need("weight_tardiness_day"))),
        "weight_cost_mvnd": int(float(need("weight_cost_mvnd"))),
        "weight_district_day": int(float(need("weight_district_day"))),
        "hard_deadlines": _bool(need("hard_deadlines")),
        "extra_funding_from": _date_setting(s, "extra_funding_from"),
        "lexicographic": _bool(need("lexicographic_objective")),
    }


# ---------------------------------------------------------------------------
# build
# ---------------------------------------------------------------------------
def build(plan: Any) -> NtmModel:
    """Turn a plan into an engine problem.

    Parameters
    ----------
    plan
        A validated :class:`ntm_sched.plan.Plan` (scenario overrides already applied).

    Returns
    -------
    NtmModel
        The engine problem and the maps back to communes, criteria and sources.
    """
    st = setting_values(plan)
    origin: dt.date = st["plan_start"]
    horizon = date_to_period(origin, st["horizon_end"]) + 1
    hard = st["hard_deadlines"]
    w_tard, w_late = st["weight_tardiness_day"], st["weight_late_milestone"]

    def period(d: dt.date) -> int:
        return max(0, date_to_period(origin, d))

    def due_of(d: dt.date) -> int:
        # a target "by day D" means the task's last working day is D: end <= D + 1
        return date_to_period(origin, d) + 1

    communes = plan.table("communes")
    wts = plan.table("work_types").set_index("work_type")
    agencies = plan.table("agencies").set_index("agency_id")
    tasks_df = plan.table("tasks")
    steps = plan.table("recognition_steps")
    sources_df = plan.table("sources").set_index("source_id")
    funding = plan.table("funding")
    cal_df = plan.table("calendar")

    # calendars ------------------------------------------------------------
    calendars: list[Calendar] = []
    for name in ("construction", "office"):
        rows = cal_df[cal_df["calendar"] == name]
        brk: list[tuple[int, int]] = []
        for s, e in zip(rows["start_date"], rows["end_date"]):
            b, f = period(_as_date(s)), period(_as_date(e)) + 1
            if f > 0 and f > b:
                brk.append((b, f))
        brk.sort()
        merged: list[tuple[int, int]] = []
        for b, f in brk:
            if merged and b <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(f, merged[-1][1]))
            else:
                merged.append((b, f))
        calendars.append(Calendar(name, tuple(merged)))

    # resources: one per agency with weekly capacity --------------------------
    changes = plan.table("capacity_changes") if _has_table(plan, "capacity_changes") else None
    agency_res: dict[str, str] = {}
    resources: list[Resource] = []
    for aid, row in agencies.iterrows():
        profile: list[tuple[int, int, int]] = []
        if changes is not None and len(changes):
            for _, ch in changes[changes["agency_id"] == aid].iterrows():
                b = period(_as_date(ch["start_date"]))
                e = period(_as_date(ch["end_date"])) + 1
                if e > b:
                    profile.append((b, e, to_model_effort(float(ch["weekly_capacity"]))))
        agency_res[str(aid)] = str(aid)
        resources.append(Resource(str(aid), to_model_effort(float(row["weekly_capacity"])), tuple(profile)))

    # money sources ------------------------------------------------------------
    groups: dict[tuple[str, str | None], list[Tranche]] = defaultdict(list)
    for _, tr in funding.iterrows():
        earmark = tr["commune_code"] if isinstance(tr["commune_code"], str) and tr["commune_code"] else None
        groups[(str(tr["source_id"]), earmark)].append(
            Tranche(period(_as_date(tr["date_available"])), to_model_money(float(tr["amount_mvnd"])))
        )
    source_map: dict[str, tuple[str, str | None]] = {}
    sources: list[Source] = []
    for (sid, earmark), trs in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        name = sid if earmark is None else f"{sid}@{earmark}"
        source_map[name] = (sid, earmark)
        sources.append(Source(name, tuple(trs)))
    if st["allow_extra_funding"]:
        source_map[EXTRA_SOURCE] = (EXTRA_SOURCE, None)
        efrom = st["extra_funding_from"]
        sources.append(Source(EXTRA_SOURCE, unlimited=True, unit_price=st["extra_funding_price"],
                              available_from=period(efrom) if efrom else 0))

    def allowed_sources(work_type: str, commune: str) -> frozenset[str]:
        out = set()
        for name, (sid, earmark) in source_map.items():
            if sid == EXTRA_SOURCE:
                out.add(name)
                continue
            pays = _as_list(sources_df.loc[sid, "pays_for"])
            if ("*" in pays or work_type in pays) and (earmark is None or earmark == commune):
                out.add(name)
        return frozenset(out)

    # work tasks -----------------------------------------------------------------
    tasks: list[Task] = []
    precs: list[Precedence] = []
    info: dict[str, TaskInfo] = {}
    works_of: dict[str, list[str]] = defaultdict(list)
    for _, t in tasks_df.iterrows():
        tid, code, wt_id = str(t["task_id"]), str(t["commune_code"]), str(t["work_type"])
        wt = wts.loc[wt_id]
        q = float(t["quantity"])
        batches = math.ceil(q / int(wt["parallel_per_commune"])) if q > 0 else 0
        dur = int(wt["duration_fixed_days"]) + int(wt["duration_per_batch_days"]) * batches
        cost = to_model_money(q * float(wt["unit_cost_mvnd"]))
        agency = t["lead_agency"] if isinstance(t["lead_agency"], str) and t["lead_agency"] else str(wt["lead_agency"])
        effort = float(wt["effort_per_week"])
        modes = [Mode(dur, {agency: to_model_effort(effort)} if effort > 0 else {}, cost, name="normal")]
        mode_names = ["normal"]
        if st["allow_accelerated"] and bool(wt["accelerable"]) and dur > 1:
            adur = max(1, math.ceil(dur * st["accel_duration_factor"]))
            if adur < dur:
                aeff = effort * st["accel_effort_factor"]
                modes.append(
                    Mode(
                        adur,
                        {agency: to_model_effort(aeff)} if aeff > 0 else {},
                        to_model_money(q * float(wt["unit_cost_mvnd"]) * st["accel_cost_factor"]),
                        name="accelerated",
                    )
                )
                mode_names.append("accelerated")
        release = _as_date(t["release_date"])
        due = _as_date(t["due_date"])
        tasks.append(
            Task(
                tid,
                tuple(modes),
                release=period(release) if release else 0,
                due=due_of(due) if due else None,
                due_hard=hard and due is not None,
                tardiness_weight=w_tard if due else 0,
                late_weight=w_late if due else 0,
                calendar=str(wt["calendar"]) if dur > 0 else None,
                sources=allowed_sources(wt_id, code) if sources else None,
                label=str(t["description_vi"]),
            )
        )
        info[tid] = TaskInfo(
            tid, code, str(t["criterion"]), "work", wt_id, agency,
            str(t["description_vi"]),
            str(t["description_en"]) if isinstance(t["description_en"], str) and t["description_en"] else str(wt["name_en"]),
            target_date=due, modes=tuple(mode_names),
        )
        works_of[code].append(tid)
        for p in _as_list(t["predecessors"]):
            precs.append(Precedence(p, tid))

    # recognition chains -----------------------------------------------------------
    def add_chain(chain: str, owner: str, label: str, targets: dict[str, dt.date | None],
                  first_preds: list[str]) -> list[str]:
        rows = steps[steps["chain"] == chain].sort_values(["order", "step"])
        prev: list[str] = list(first_preds)
        last: list[str] = []
        for order, grp in rows.groupby("order", sort=True):
            cur: list[str] = []
            for _, s in grp.iterrows():
                sid = f"{owner}:{s['step']}"
                dur = int(s["duration_days"])
                milestone = s["milestone"] if isinstance(s["milestone"], str) and s["milestone"] else None
                target = targets.get(milestone) if milestone else None
                eff = float(s["effort_per_week"])
                agency = str(s["agency_id"])
                tasks.append(
                    Task(
                        sid,
                        (Mode(dur, {agency: to_model_effort(eff)} if eff > 0 else {}, 0, name="normal"),),
                        due=due_of(target) if target else None,
                        due_hard=hard and target is not None,
                        tardiness_weight=w_tard if target else 0,
                        late_weight=w_late if target else 0,
                        calendar=str(s["calendar"]) if dur > 0 else None,
                        sources=frozenset() if sources else None,
                        label=f"{label}: {s['name_vi']}",
                    )
                )
                info[sid] = TaskInfo(sid, owner, "", "step", str(s["step"]), agency,
                                     str(s["name_vi"]), str(s["name_en"]), milestone, target)
                precs.extend(Precedence(p, sid) for p in prev)
                cur.append(sid)
            prev, last = cur, cur
        return last

    commune_last: list[str] = []
    name_of = dict(zip(communes["code"], communes["name"]))
    for _, c in communes[communes["status"] == "not_recognised"].iterrows():
        code = str(c["code"])
        targets = {
            "works_done": _as_date(c["target_works_done"]),
            "inspection": _as_date(c["target_inspection"]),
            "appraisal": _as_date(c["target_appraisal"]),
            "recognition": _as_date(c["target_recognition"]) or st["communes_target"],
        }
        commune_last += add_chain("commune", code, str(c["name"]), targets, works_of.get(code, []))

    recognised = set(communes.loc[communes["status"] == "recognised", "code"])
    district_preds = list(commune_last) + works_of.get(DISTRICT, [])
    district_preds += [
        tid for code in recognised for tid in works_of.get(code, [])
        if info[tid].work_type == "criteria_review"
    ]
    add_chain("district", DISTRICT, "Huyện", st["district_targets"], district_preds)

    problem = Problem(
        tasks=tuple(tasks),
        precedences=tuple(precs),
        resources=tuple(r for r in resources if _used(r.name, tasks)),
        calendars=tuple(calendars),
        sources=tuple(sources),
        horizon=horizon,
        advance_share=st["advance_share"],
        objective=Objective(
            tardiness=1,
            late_count=1,
            cost=st["weight_cost_mvnd"],
            extra_funding=1,
            makespan=st["weight_district_day"],
            lexicographic=st["lexicographic"],
        ),
    )
    names = {str(k): str(v) for k, v in name_of.items()}
    names[DISTRICT] = "huyện Tân Yên" if DISTRICT not in names else names[DISTRICT]
    return NtmModel(problem, origin, info, source_map,
                    {a: r for a, r in agency_res.items() if _used(r, tasks)}, st, names)


def _has_table(plan: Any, name: str) -> bool:
    try:
        plan.table(name)
    except (KeyError, ValueError):
        return False
    return True


def _used(resource: str, tasks: list[Task]) -> bool:
    return any(resource in m.demands for t in tasks for m in t.modes)


# ---------------------------------------------------------------------------
# tables from a solution
# ---------------------------------------------------------------------------
SCHEDULE_COLUMNS = ["task_id", "commune_code", "criterion", "start_date", "end_date", "mode",
                    "cost_mvnd", "kind", "work_type", "agency", "name_vi", "name_en"]
MILESTONE_COLUMNS = ["commune_code", "milestone", "target_date", "scheduled_date", "slack_days", "task_id"]
ALLOCATION_COLUMNS = ["source", "commune_code", "task_id", "period_start", "amount_mvnd", "earmark", "instalment"]
AGENCY_LOAD_COLUMNS = ["agency", "week_start", "used", "capacity"]


def schedule_table(model: NtmModel, solution: Any) -> pd.DataFrame:
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
            "start_date": model.date(ts.start),
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


def milestones_table(model: NtmModel, solution: Any) -> pd.DataFrame:
    """``milestones.csv``: every dated target with its scheduled date and slack (negative = late)."""
    rows = []
    for t in model.problem.tasks:
        inf = model.info[t.id]
        if inf.target_date is None:
            continue
        ts = solution.tasks[t.id]
        sched = model.completion_date(ts.end, ts.start)
        rows.append({
            "commune_code": inf.commune_code,
            "milestone": inf.milestone or f"task:{t.id}",
            "target_date": inf.target_date,
            "scheduled_date": sched,
            "slack_days": (inf.target_date - sched).days,
            "task_id": t.id,
        })
    return pd.DataFrame(rows, columns=MILESTONE_COLUMNS)


def allocation_table(model: NtmModel, solution: Any) -> pd.DataFrame:
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


def agency_load_table(model: NtmModel, solution: Any) -> pd.DataFrame:
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


def summary_dict(model: NtmModel, result: Any, schedule: pd.DataFrame | None,
                 milestones: pd.DataFrame | None, allocation: pd.DataFrame | None) -> dict[str, Any]:
    """``summary.json``: status and headline figures (``None`` where there is no schedule)."""
    status = result.status.value if hasattr(result.status, "value") else str(result.status)
    out: dict[str, Any] = {
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
    }
    if getattr(result, "explanation", None) is not None:
        out["explanation"] = describe_explanation(model, result.explanation, "en")
        out["explanation_vi"] = describe_explanation(model, result.explanation, "vi")
        out["conflicts"] = explanation_table(model, result.explanation).to_dict(orient="records")
    if result.solution is None or schedule is None or milestones is None:
        return out
    check = getattr(result, "check", None)
    out["checker_ok"] = bool(check.ok) if check is not None else None
    rec = milestones[(milestones["milestone"] == "recognition") & (milestones["commune_code"] != DISTRICT)]
    late = sorted(rec.loc[rec["slack_days"] < 0, "commune_code"])
    out["communes_on_time"] = int((rec["slack_days"] >= 0).sum())
    out["communes_late"] = int(len(late))
    out["late_communes"] = late
    dist = schedule[(schedule["commune_code"] == DISTRICT) & (schedule["kind"] == "step")]
    if len(dist):
        out["district_recognition_date"] = max(dist["end_date"]).isoformat()
    tgt = model.settings["district_targets"].get("works_done")
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
    result: Any  # ntm_sched.engine.Result
    schedule: pd.DataFrame
    milestones: pd.DataFrame
    allocation: pd.DataFrame
    agency_load: pd.DataFrame
    summary: dict[str, Any]

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

    def write(self, out_dir: str | Any) -> Any:
        """Write ``schedule.csv``, ``milestones.csv``, ``allocation.csv``, ``agency_load.csv`` and
        ``summary.json`` into ``out_dir`` atomically (a temporary folder renamed at the end)."""
        from ntm_sched.io_utils import atomic_dir, write_json

        with atomic_dir(out_dir) as tmp:
            for name, df in self.tables().items():
                df.to_csv(tmp / f"{name}.csv", index=False, encoding="utf-8", date_format="%Y-%m-%d")
            write_json(tmp / "summary.json", self.summary)
        return out_dir


def solve_plan(plan: Any, time_limit: float = 30.0, workers: int = 2, seed: int = 0,
               hint: Any = None, log: bool = False) -> PlanResult:
    """Build, solve, check and tabulate a plan.

    Parameters
    ----------
    plan
        A validated plan (scenario overrides applied).
    time_limit, workers, seed
        Solver settings; with ``workers=1`` and a fixed seed the answer is repeatable.
    hint
        A previous :class:`ntm_sched.engine.Solution` to warm-start from.

    Returns
    -------
    PlanResult
        Always returned; an infeasible or timed-out solve says so in ``summary['status']``
        and carries the engine's explanation.
    """
    from ntm_sched.engine import solve

    model = build(plan)
    result = solve(model.problem, time_limit=time_limit, workers=workers, seed=seed, hint=hint, log=log)
    return tabulate(model, result)


def tabulate(model: NtmModel, result: Any) -> PlanResult:
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


# ---------------------------------------------------------------------------
# infeasibility explained in the plan's terms
# ---------------------------------------------------------------------------
EXPLANATION_COLUMNS = ["kind", "id", "commune_code", "commune", "what_vi", "what_en", "target_date",
                       "extra_days", "needed_date"]


def explanation_table(model: NtmModel, explanation: Any) -> pd.DataFrame:
    """The engine's explanation as rows people can read: each conflicting deadline with its
    commune, step and target date and, where the smallest relaxation was found, how many days
    it must move and the date it could be met; then each binding agency or money source."""
    rows = []
    extra = dict(getattr(explanation, "extra_periods", {}) or {})
    items = list(getattr(explanation, "items", ()) or ())
    listed = {i.name for i in items if i.kind == "deadline"}
    # deadlines in the smallest relaxation that the core did not list are conflicts too
    for tid in extra:
        if tid not in listed:
            items.append(type("Item", (), {"kind": "deadline", "name": tid, "detail": ""})())
    for it in items:
        row = dict.fromkeys(EXPLANATION_COLUMNS)
        row["kind"], row["id"] = it.kind, it.name
        if it.kind == "deadline" and it.name in model.info:
            inf = model.info[it.name]
            row["commune_code"] = inf.commune_code
            row["commune"] = model.commune_names.get(inf.commune_code, inf.commune_code)
            row["what_vi"], row["what_en"] = inf.name_vi, inf.name_en
            row["target_date"] = inf.target_date
            if it.name in extra and inf.target_date is not None:
                row["extra_days"] = int(extra[it.name])
                row["needed_date"] = inf.target_date + dt.timedelta(days=int(extra[it.name]))
        elif it.kind == "resource":
            row["what_vi"] = f"năng lực của {it.name}"
            row["what_en"] = f"capacity of {it.name}"
        elif it.kind == "source":
            sid, earmark = model.source_map.get(it.name, (it.name, None))
            row["commune_code"] = earmark
            row["what_vi"] = f"lịch cấp vốn của nguồn {sid}" + (f" (xã {earmark})" if earmark else "")
            row["what_en"] = f"release schedule of source {sid}" + (f" (commune {earmark})" if earmark else "")
        elif it.kind == "money":
            from ntm_sched.units import format_money

            sf = getattr(explanation, "shortfall", {}) or {}
            c, r = float(sf.get("cost", 0)), float(sf.get("released", 0))
            row["what_vi"] = (f"thiếu vốn: các công việc cần ít nhất {format_money(c, 'vi')} nhưng các nguồn "
                              f"được phép chi chỉ cấp {format_money(r, 'vi')}")
            row["what_en"] = (f"money short: the works cost at least {format_money(c, 'en')} but the sources "
                              f"allowed to pay them release {format_money(r, 'en')} in all")
        else:
            row["what_vi"] = row["what_en"] = getattr(it, "detail", "")
        rows.append(row)
    return pd.DataFrame(rows, columns=EXPLANATION_COLUMNS)


def describe_explanation(model: NtmModel, explanation: Any, lang: str = "vi") -> str:
    """One paragraph saying why no schedule meets the hard deadlines, with names and dates."""
    from ntm_sched.units import format_date

    df = explanation_table(model, explanation)
    if df.empty:
        return ("Không tìm thấy nguyên nhân trong thời gian cho phép." if lang == "vi"
                else str(explanation) or "No cause found within the time limit.")
    dl = df[df["kind"] == "deadline"]
    lim = df[df["kind"].isin(["resource", "source", "budget", "money"])]
    parts = []
    what = "what_vi" if lang == "vi" else "what_en"
    if len(dl):
        items = []
        for _, r in dl.iterrows():
            txt = f"{r['commune']}: {r[what]} ({format_date(r['target_date'])})"
            if r["extra_days"] is not None and not pd.isna(r["extra_days"]):
                txt += (f" cần lùi {int(r['extra_days'])} ngày, sớm nhất {format_date(r['needed_date'])}"
                        if lang == "vi" else
                        f" needs {int(r['extra_days'])} more days, at the earliest {format_date(r['needed_date'])}")
            items.append(txt)
        parts.append(("Không thể đáp ứng đồng thời các mốc bắt buộc: " if lang == "vi"
                      else "The hard deadlines cannot all be met: ") + "; ".join(items))
    if len(lim):
        parts.append(("Ràng buộc quyết định: " if lang == "vi" else "Binding: ")
                     + "; ".join(str(x) for x in lim[what]))
    if not parts:
        parts.append(str(explanation))
    return ". ".join(parts) + "."
