"""Re-plan a scenario from a status date, with its baseline and dated snapshots.

* :func:`save_baseline` solves a scenario as planned and stores it as its baseline.
* :func:`replan` reads a progress file, checks it (every problem located), merges it
  with what the previous snapshot recorded, re-solves the rest of the plan with
  :func:`ntm_sched.engine.status.restrict_to_status` (finished tasks fixed at their
  actual dates, started ones continuing with their remaining share, nothing else
  before the status date, disbursed money deducted from its sources), verifies it
  with the independent checker, computes the variance against the baseline and
  stores the result as a new dated snapshot.

The status date is the first day of the re-plan: work not finished continues from
that day; actual dates and payments up to and including it are accepted.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ntm_sched.domain import NtmModel, PlanResult, build
from ntm_sched.engine import Problem, SolveOptions
from ntm_sched.engine.status import SETTLEMENT_SUFFIX, TaskProgress, restrict_to_status
from ntm_sched.i18n import label
from ntm_sched.studies.progress import history as hist
from ntm_sched.studies.progress.progress_state import (
    DISBURSEMENT_STATE_COLUMNS,
    PROGRESS_STATE_COLUMNS,
    ProgressState,
    engine_source_of,
    engine_status,
    load_progress,
    reference_of,
)

PAYMENT_COLUMNS = ["task_id", "commune_code", "source", "engine_source", "date", "amount_mvnd", "kind"]
VARIANCE_COLUMNS = ["level", "id", "commune_code", "milestone", "agency", "name_vi", "state", "percent_complete",
                    "target_date", "baseline_start", "baseline_finish", "current_start", "current_finish",
                    "slip_days", "baseline_to_date_mvnd", "actual_to_date_mvnd", "baseline_total_mvnd",
                    "current_total_mvnd"]




# ---------------------------------------------------------------------------
# solving
# ---------------------------------------------------------------------------
@dataclass
class Replanned:
    """A solved plan (baseline or re-plan) with the extra tables a snapshot keeps."""

    result: PlanResult
    state: ProgressState
    payments: pd.DataFrame
    variance: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=VARIANCE_COLUMNS))
    warnings: list[Any] = field(default_factory=list)
    snapshot: hist.Snapshot | None = None

    @property
    def checker_text(self) -> str:
        chk = self.result.result.check
        head = f"status: {self.result.status}\n"
        return head + ("checker: not run (no schedule)\n" if chk is None else f"checker: {chk}\n")


def solve_status(model: NtmModel, state: ProgressState, reference: hist.Snapshot | None,
                 options: SolveOptions) -> Replanned:
    """Solve the rest of the plan of ``model`` from ``state`` (see the module docstring)."""
    from ntm_sched.domain import solve_model

    status, prog, spend = engine_status(model, state)
    ref_starts, ref_modes = reference_of(model, reference)
    problem = restrict_to_status(model.problem, status, prog, spend, ref_starts, ref_modes)
    notes = []
    pr = None
    if any(p.started for p in prog.values()):
        # in-progress work resumes on the status date; if capacity or money make that impossible,
        # let it pause (and say so) rather than answer "infeasible"
        pr = solve_model(_with_settlements(model, problem), options.with_(explain=False))
        if pr.status in ("INFEASIBLE", "UNKNOWN"):  # impossible, or not found in time
            problem = restrict_to_status(model.problem, status, prog, spend, ref_starts, ref_modes, resume_fixed=False)
            notes.append("gb_note_resume")
            pr = None
    if pr is None:
        pr = solve_model(_with_settlements(model, problem), options)
    sub, res = pr.model, pr.result
    pr.summary["notes"] = [label(k, "en") for k in notes]
    pr.summary["notes_vi"] = [label(k, "vi") for k in notes]
    pays = _payments(sub, res.solution, state)
    if res.solution is not None:
        _post_process(model, pr, state, prog, pays)
    pr.summary["status_date"] = state.status_date.isoformat()
    return Replanned(pr, state, pays)


def _with_settlements(model: NtmModel, problem: Problem) -> NtmModel:
    """``model`` around the re-plan's ``problem``, its settlement tasks described like the works they pay."""
    info = dict(model.info)
    for t in problem.tasks:
        if t.id.endswith(SETTLEMENT_SUFFIX):
            base = model.info[t.id[: -len(SETTLEMENT_SUFFIX)]]
            info[t.id] = dataclasses.replace(base, task_id=t.id, kind="settlement", milestone=None, target_date=None,
                                             name_vi=label("gb_settlement", "vi") + base.name_vi,
                                             name_en=label("gb_settlement", "en") + base.name_en,
                                             modes=("settlement",))
    return dataclasses.replace(model, problem=problem, info=info)


def _payments(model: NtmModel, solution: Any, state: ProgressState) -> pd.DataFrame:
    rows = []
    for d in state.disbursements:
        eng = engine_source_of(model, d.source_id, d.task_id)
        rows.append({"task_id": d.task_id or "", "commune_code": model.info[d.task_id].commune_code if d.task_id else
                     (model.source_map.get(eng or "", ("", None))[1] or ""), "source": d.source_id,
                     "engine_source": eng, "date": d.date, "amount_mvnd": d.amount_mvnd, "kind": "paid"})
    if solution is not None:
        for p in solution.payments:
            tid = p.task_id
            orig = tid[: -len(SETTLEMENT_SUFFIX)] if tid.endswith(SETTLEMENT_SUFFIX) else tid
            rows.append({"task_id": orig, "commune_code": model.info[tid].commune_code,
                         "source": model.source_map[p.source][0], "engine_source": p.source,
                         "date": model.date(p.time), "amount_mvnd": float(p.amount), "kind": "planned"})
    df = pd.DataFrame(rows, columns=PAYMENT_COLUMNS)
    return df.sort_values(["date", "source", "task_id"], kind="stable").reset_index(drop=True)


def _post_process(model: NtmModel, pr: PlanResult, state: ProgressState, prog: dict[str, TaskProgress],
                  pays: pd.DataFrame) -> None:
    """Tables in the plan's terms: actual starts, full task values, payments already made."""
    sch = pr.schedule
    remaining = sch["cost_mvnd"].copy()
    states: list[str] = []
    pcts: list[float | None] = []
    costs: list[int] = []
    for i, r in sch.iterrows():
        tid = r["task_id"]
        p = prog.get(tid)
        if r["kind"] == "settlement":
            states.append("settlement")
            pcts.append(None)
            costs.append(0)
            continue
        t = model.problem.task(tid)
        mode_names = model.info[tid].modes
        k = mode_names.index(r["mode"]) if r["mode"] in mode_names else 0
        costs.append(t.modes[k].cost)
        if p is None and pr.model.problem.task(tid).fixed_start is not None:
            states.append("done")  # a milestone whose predecessors had all finished
            pcts.append(100.0)
        elif p is None:
            states.append("planned")
            pcts.append(0.0)
        elif p.actual_end is not None:
            states.append("done")
            pcts.append(100.0)
        else:
            states.append("in_progress")
            pcts.append(round(100 * p.fraction_done, 1))
            if p.actual_start is not None:
                sch.at[i, "start_date"] = model.date(p.actual_start)
    sch["cost_mvnd"] = costs
    sch["state"] = states
    sch["percent_complete"] = pcts
    sch["remaining_mvnd"] = remaining
    pr.summary["total_cost_mvnd"] = int(sch["cost_mvnd"].sum())
    # allocation: payments already made join the planned ones
    paid = pays[pays["kind"] == "paid"]
    if len(paid):
        extra = pd.DataFrame({
            "source": paid["source"], "commune_code": paid["commune_code"], "task_id": paid["task_id"],
            "period_start": [d.replace(day=1) for d in paid["date"]], "amount_mvnd": paid["amount_mvnd"],
            "earmark": [model.source_map.get(e, ("", None))[1] or "" for e in paid["engine_source"]],
            "instalment": "paid"})
        pr.allocation = pd.concat([extra, pr.allocation], ignore_index=True)[pr.allocation.columns]


def variance_table(model: NtmModel, base: hist.Snapshot, current: PlanResult, pays: pd.DataFrame,
                   status: dt.date) -> pd.DataFrame:
    """``variance.csv``: per task and milestone baseline vs current dates and slip; per source spend to date."""
    bs = base.table("schedule").set_index("task_id")
    rows = []
    for _, r in current.schedule.iterrows():
        if r["kind"] == "settlement":
            continue
        tid = r["task_id"]
        b = bs.loc[tid] if tid in bs.index else None
        rows.append({"level": "task", "id": tid, "commune_code": r["commune_code"], "agency": r["agency"],
                     "name_vi": r["name_vi"], "state": r.get("state"), "percent_complete": r.get("percent_complete"),
                     "baseline_start": None if b is None else b["start_date"],
                     "baseline_finish": None if b is None else b["end_date"],
                     "current_start": r["start_date"], "current_finish": r["end_date"],
                     "slip_days": None if b is None else (r["end_date"] - b["end_date"]).days})
    bm = base.table("milestones")
    bmi = {(str(c), m): d for c, m, d in zip(bm["commune_code"], bm["milestone"], bm["scheduled_date"])}
    for _, r in current.milestones.iterrows():
        bd = bmi.get((str(r["commune_code"]), r["milestone"]))
        rows.append({"level": "milestone", "id": r["task_id"], "commune_code": r["commune_code"],
                     "milestone": r["milestone"], "target_date": r["target_date"], "baseline_finish": bd,
                     "current_finish": r["scheduled_date"],
                     "slip_days": None if bd is None else (r["scheduled_date"] - bd).days})
    bp = base.table("payments")
    for sid in sorted({s for s, _ in model.source_map.values()}):
        b_all = bp[bp["source"] == sid] if len(bp) else bp
        c_all = pays[pays["source"] == sid]
        rows.append({"level": "source", "id": sid,
                     "baseline_to_date_mvnd":
                         float(b_all.loc[b_all["date"] <= status, "amount_mvnd"].sum()) if len(b_all) else 0.0,
                     "actual_to_date_mvnd": float(c_all.loc[c_all["kind"] == "paid", "amount_mvnd"].sum()),
                     "baseline_total_mvnd": float(b_all["amount_mvnd"].sum()) if len(b_all) else 0.0,
                     "current_total_mvnd": float(c_all["amount_mvnd"].sum())})
    return pd.DataFrame(rows, columns=VARIANCE_COLUMNS)


# ---------------------------------------------------------------------------
# storing
# ---------------------------------------------------------------------------
def _fill(rp: Replanned, with_variance: bool) -> Callable[[Path], None]:
    """Write a stored plan's files into a folder (the five files of ``solve`` and the rest)."""
    from ntm_sched.io import atomic_write_text, write_tables

    def fill(tmp: Path) -> None:
        tables = dict(rp.result.tables())
        tables |= {"payments": rp.payments, "progress": rp.state.progress_frame(),
                   "disbursements": rp.state.disbursement_frame()}
        if with_variance:
            tables["variance"] = rp.variance
        write_tables(tmp, tables, rp.result.summary, replace_folder=False)
        atomic_write_text(tmp / "checker.txt", rp.checker_text)
    return fill


def save_baseline(scenario: str = "base", history_root: str | os.PathLike[str] | None = None,
                  time_limit: float | None = None, workers: int | None = None, seed: int | None = None,
                  note: str = "") -> Replanned:
    """Solve ``scenario`` as planned and store it as its baseline (refused if one exists)."""
    from ntm_sched.scenario import load_scenario_and_plan

    sc, plan = load_scenario_and_plan(scenario)
    if hist.baseline(history_root, sc.name) is not None:
        raise hist.HistoryError(f"{hist.scenario_dir(history_root, sc.name) / hist.BASELINE} exists already: "
                                "a baseline is never overwritten")
    model = build(plan)
    state = ProgressState(model.origin)
    rp = solve_status(model, state, None, sc.solver_options(time_limit, workers, seed))
    if not rp.result.has_schedule:
        raise hist.HistoryError(f"{sc.name}: the solve found no schedule ({rp.result.status}); no baseline saved")
    meta = {"kind": hist.BASELINE, "scenario": sc.name, "status_date": model.origin.isoformat(),
            "solver_status": rp.result.status, "note": note}
    rp.snapshot = hist.write_snapshot(history_root, sc.name, hist.BASELINE, meta, _fill(rp, False), unique=False)
    return rp


def replan(scenario: str, progress: str | os.PathLike[str] | None, as_of: dt.date,
           history_root: str | os.PathLike[str] | None = None, time_limit: float | None = None,
           workers: int | None = None, seed: int | None = None, save: bool = True,
           reuse: bool = False) -> Replanned:
    """Re-plan ``scenario`` from ``as_of`` with the progress file ``progress``.

    Creates the baseline first when the scenario has none (said in the summary's
    ``notes``), with the scenario's own time limit. With ``reuse``, a snapshot with the same status date and the same
    progress file content is returned instead of solving again (the nightly report).

    Raises
    ------
    ProgressValidationError
        The progress file has errors (each located by file, sheet, row and column).
    """
    from ntm_sched.scenario import load_scenario_and_plan

    sc, plan = load_scenario_and_plan(scenario)
    model = build(plan)
    notes = []
    base = hist.baseline(history_root, sc.name)
    if base is None:
        # the baseline is what the committee approves: solved with the scenario's own time limit,
        # not the (possibly short) limit of a weekly re-plan
        save_baseline(scenario, history_root, None, workers, seed, note="created by replan: no baseline yet")
        base = hist.baseline(history_root, sc.name)
        notes.append("gb_note_baseline")
    assert base is not None
    previous = hist.latest_before(history_root, sc.name, as_of)
    state, warnings = load_progress(model, progress, as_of, previous)
    if reuse:
        for s in hist.list_snapshots(history_root, sc.name):
            if (s.kind == "snapshot" and s.status_date == as_of and s.meta.get("progress_sha256") == state.digest
                    and s.meta.get("previous") == (previous.name if previous else None)):
                return _from_snapshot(model, s, state, warnings)
    rp = solve_status(model, state, previous, sc.solver_options(time_limit, workers, seed))
    rp.warnings = warnings
    rp.result.summary["notes"] = [label(k, "en") for k in notes] + rp.result.summary.get("notes", [])
    rp.result.summary["notes_vi"] = [label(k, "vi") for k in notes] + rp.result.summary.get("notes_vi", [])
    if rp.result.has_schedule:
        rp.variance = variance_table(model, base, rp.result, rp.payments, as_of)
    if save:
        meta = {"kind": "snapshot", "scenario": sc.name, "status_date": as_of.isoformat(),
                "solver_status": rp.result.status, "progress_file": str(progress) if progress else None,
                "progress_sha256": state.digest, "previous": previous.name if previous else None,
                "baseline": base.name}
        rp.snapshot = hist.write_snapshot(history_root, sc.name, as_of.isoformat(), meta, _fill(rp, True))
    return rp


def _from_snapshot(model: NtmModel, s: hist.Snapshot, state: ProgressState, warnings: list[Any]) -> Replanned:
    """A stored re-plan read back (no solve)."""
    from ntm_sched.engine.result import Result, Status

    summ = s.summary()
    pr = PlanResult(model, Result(Status(summ["status"])), s.table("schedule"), s.table("milestones"),
                    s.table("allocation"), s.table("agency_load"), summ)
    rp = Replanned(pr, state, s.table("payments"), s.table("variance"), warnings, s)
    return rp


def write_outputs(rp: Replanned, out: str | os.PathLike[str]) -> Path:
    """The five files of ``solve`` plus ``variance.csv``, ``payments.csv`` and ``checker.txt`` into ``out`` (atomic)."""
    from ntm_sched.io import atomic_dir

    out = Path(out)
    with atomic_dir(out) as tmp:
        _fill(rp, True)(tmp)
    return out


def progress_as_planned(model: NtmModel, plan: hist.Snapshot, as_of: dt.date, folder: str | os.PathLike[str]) -> Path:
    """Write progress files saying that everything went exactly as ``plan`` said, up to ``as_of``.

    Tasks ending before ``as_of`` are finished on their planned dates; tasks under way have the
    share of their working days done; payments made before ``as_of`` are the planned ones.
    Used to check that such progress moves nothing, and by ``benchmarks/replan.py``.
    """
    folder = Path(folder)
    sch = plan.table("schedule")
    pays = plan.table("payments")
    status = model.period(as_of)
    rows = []
    for _, r in sch.iterrows():
        if r["kind"] == "settlement":
            continue
        t = model.problem.task(r["task_id"])
        names = model.info[t.id].modes
        d = t.modes[names.index(r["mode"]) if r["mode"] in names else 0].duration
        s, e = model.period(r["start_date"]), model.period(r["end_date"]) + 1
        if d == 0:
            continue  # milestones follow their predecessors
        if e <= status:
            rows.append({"task_id": t.id, "actual_start": r["start_date"], "actual_finish": r["end_date"],
                         "percent_complete": 100, "note": ""})
        elif s < status:
            cal = model.problem.calendar(t.calendar)
            worked = sum(1 for q in range(s, status) if cal is None or not any(b <= q < f for b, f in cal.breaks))
            rows.append({"task_id": t.id, "actual_start": r["start_date"], "actual_finish": "",
                         "percent_complete": repr(100.0 * worked / d), "note": ""})
    folder.mkdir(parents=True, exist_ok=True)
    pd.DataFrame(rows, columns=PROGRESS_STATE_COLUMNS).to_csv(folder / "progress.csv", index=False)
    paid = pays[(pays["date"] < as_of)] if len(pays) else pays
    pd.DataFrame({"date": paid["date"], "source_id": paid["source"], "task_id": paid["task_id"],
                  "amount_mvnd": paid["amount_mvnd"], "note": ""},
                 columns=DISBURSEMENT_STATE_COLUMNS).to_csv(folder / "disbursements.csv", index=False)
    return folder
