"""What a re-plan starts from: the progress files read in the plan's terms and merged with
what the previous snapshot recorded (:class:`ProgressState`), and that state in the engine's
terms (:func:`engine_status`: the status period, each task's progress, the money spent).
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ntm_sched.domain import NtmModel
from ntm_sched.engine.status import Spending, TaskProgress
from ntm_sched.plan.issues import Issue
from ntm_sched.studies.progress import history as hist
from ntm_sched.studies.progress.files import (
    CheckContext,
    DisbursementRow,
    ProgressFiles,
    ProgressRow,
    ProgressValidationError,
    check_progress,
    read_progress_files,
)
from ntm_sched.units import to_date, to_model_money

PROGRESS_STATE_COLUMNS = ["task_id", "actual_start", "actual_finish", "percent_complete", "note"]
DISBURSEMENT_STATE_COLUMNS = ["date", "source_id", "task_id", "amount_mvnd", "note"]


# ---------------------------------------------------------------------------
# the plan's terms for the checks
# ---------------------------------------------------------------------------
def engine_source_of(model: NtmModel, source_id: str, task_id: str | None) -> str | None:
    """The engine source a payment from ``source_id`` for ``task_id`` came from (``None``: not allowed).

    ``EXTRA`` (when the plan allows extra funding) records money found beyond the plan's sources.
    """
    commune = model.info[task_id].commune_code if task_id in model.info else None
    task = None
    if task_id is not None:
        try:
            task = model.problem.task(task_id)
        except KeyError:
            return None
    for name, (sid, earmark) in model.source_map.items():
        if sid != source_id:
            continue
        if earmark is not None and earmark != commune:
            continue
        if task is not None and task.sources is not None and name not in task.sources:
            continue
        return name
    return None


def check_context(model: NtmModel) -> CheckContext:
    """What :func:`~ntm_sched.studies.progress.files.check_progress` needs, from the model."""
    direct: dict[str, list[str]] = defaultdict(list)
    for p in model.problem.precedences:
        if p.kind == "FS":
            direct[p.succ].append(p.pred)
    zero = {t.id for t in model.problem.tasks if max(m.duration for m in t.modes) == 0}

    def through(tid: str, seen: set[str]) -> list[str]:
        # a milestone has no work to report: look through it to the works before it
        out = []
        for q in direct.get(tid, []):
            if q in seen:
                continue
            seen.add(q)
            out += through(q, seen) if q in zero else [q]
        return out

    preds = {tid: through(tid, set()) for tid in direct}
    srcs = {s.name: s for s in model.problem.sources}

    def released(eng: str, d: dt.date) -> float:
        s = srcs[eng]
        return math.inf if s.unlimited else float(s.released_by(model.period(d)))

    sids = {sid for sid, _ in model.source_map.values()}  # EXTRA too: money found beyond the plan's sources
    earmarked = {sid for sid, e in model.source_map.values() if e is not None}
    return CheckContext(frozenset(model.info), {k: tuple(v) for k, v in preds.items()}, frozenset(sids),
                        lambda sid, tid: engine_source_of(model, sid, tid), released, frozenset(earmarked))


# ---------------------------------------------------------------------------
# progress state: the previous snapshot's record updated by the new files
# ---------------------------------------------------------------------------
@dataclass
class ProgressState:
    """Progress and payments known at ``status_date`` (cumulative)."""

    status_date: dt.date
    progress: dict[str, ProgressRow] = field(default_factory=dict)
    disbursements: list[DisbursementRow] = field(default_factory=list)
    digest: str = ""

    def progress_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{"task_id": r.task_id, "actual_start": r.actual_start, "actual_finish": r.actual_finish,
                              "percent_complete": r.percent_complete, "note": r.note}
                             for r in self.progress.values()], columns=PROGRESS_STATE_COLUMNS)

    def disbursement_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{"date": d.date, "source_id": d.source_id, "task_id": d.task_id or "",
                              "amount_mvnd": d.amount_mvnd, "note": d.note} for d in self.disbursements],
                            columns=DISBURSEMENT_STATE_COLUMNS)


def state_of(snapshot: hist.Snapshot | None) -> tuple[dict[str, ProgressRow], list[DisbursementRow]]:
    if snapshot is None:
        return {}, []
    prog: dict[str, ProgressRow] = {}
    pf = snapshot.table("progress")
    for _, r in pf.iterrows():
        pct = r.get("percent_complete")
        prog[str(r["task_id"])] = ProgressRow(
            str(r["task_id"]), to_date(r.get("actual_start")), to_date(r.get("actual_finish")),
            None if pct is None or pd.isna(pct) else float(pct), "" if pd.isna(r.get("note")) else str(r.get("note")))
    pays = []
    df = snapshot.table("disbursements")
    for _, r in df.iterrows():
        tid = r.get("task_id")
        day = to_date(r["date"])
        if day is None:  # cannot happen in a snapshot written by this module
            raise hist.HistoryError(f"{snapshot.path / 'disbursements.csv'}: a payment without a date")
        pays.append(DisbursementRow(day, str(r["source_id"]),
                                    None if tid is None or pd.isna(tid) or tid == "" else str(tid),
                                    float(r["amount_mvnd"]), "" if pd.isna(r.get("note")) else str(r.get("note"))))
    return prog, pays


def load_progress(model: NtmModel, path: str | os.PathLike[str] | None, status: dt.date,
                  previous: hist.Snapshot | None) -> tuple[ProgressState, list[Issue]]:
    """Read and check a progress file against ``model``; merge it with ``previous``'s record.

    Raises :class:`ProgressValidationError` (every issue listed) when there are errors;
    returns the merged state and the warnings otherwise.
    """
    prev_prog, prev_pay = state_of(previous)
    files = read_progress_files(path) if path is not None else ProgressFiles(Path("-"))
    if status < model.origin:
        raise ProgressValidationError([Issue("--as-of", None, None,
                                             f"status date {status.isoformat()} before the plan's date "
                                             f"{model.origin.isoformat()}", "error", None,
                                             "ngày báo cáo trước ngày của kế hoạch")])
    issues = check_progress(files, status, check_context(model), prev_prog, prev_pay)
    if any(i.is_error for i in issues):
        raise ProgressValidationError(issues)
    merged = dict(prev_prog)
    for r in files.progress:
        merged[r.task_id] = r
    return ProgressState(status, merged, prev_pay + list(files.disbursements), files.digest), issues



def engine_status(model: NtmModel, state: ProgressState) -> tuple[int, dict[str, TaskProgress], list[Spending]]:
    """The status period, progress and payments in engine terms."""
    status = model.period(state.status_date)
    prog = {}
    for tid, r in state.progress.items():
        if r.actual_start is None:
            continue
        start = model.period(r.actual_start)
        end = model.period(r.actual_finish) + 1 if r.actual_finish is not None else None
        frac = 1.0 if end is not None else (r.percent_complete or 0.0) / 100.0
        prog[tid] = TaskProgress(tid, start, end, frac)
    spend = []
    for d in state.disbursements:
        eng = engine_source_of(model, d.source_id, d.task_id)
        if eng is None:  # checked before: cannot happen for a checked state
            raise ValueError(f"payment from {d.source_id!r} for {d.task_id!r}: source may not pay it")
        spend.append(Spending(eng, model.period(d.date), to_model_money(d.amount_mvnd), d.task_id))
    return status, prog, spend


def reference_of(model: NtmModel, snapshot: hist.Snapshot | None) -> tuple[dict[str, int], dict[str, int]]:
    """Start period and mode index of every task in a stored plan."""
    if snapshot is None:
        return {}, {}
    sch = snapshot.table("schedule")
    starts, modes = {}, {}
    for _, r in sch.iterrows():
        tid = str(r["task_id"])
        if tid not in model.info:
            continue
        starts[tid] = model.period(r["start_date"])
        names = model.info[tid].modes
        if r["mode"] in names:
            modes[tid] = names.index(r["mode"])
    return starts, modes
