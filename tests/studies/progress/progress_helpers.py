"""Helpers of the progress tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

EXAMPLE = Path(__file__).resolve().parents[3] / "data" / "examples" / "progress"

def on_baseline_progress(history_root: Path, as_of: dt.date, folder: Path) -> Path:
    """Progress and disbursements exactly as the baseline planned them up to ``as_of`` (CSV folder)."""
    from ntm_sched.ntm import build
    from ntm_sched.scenario import load_scenario_and_plan
    from ntm_sched.studies.progress import history as hist

    _, plan = load_scenario_and_plan("base")
    model = build(plan)
    base = hist.baseline(history_root, "base")
    sch = base.table("schedule")
    pays = base.table("payments")
    rows = []
    status = model.period(as_of)
    for _, r in sch.iterrows():
        t = model.problem.task(r["task_id"])
        s = model.period(r["start_date"])
        e = model.period(r["end_date"]) + 1
        k = model.info[t.id].modes.index(r["mode"])
        d = t.modes[k].duration
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
    pd.DataFrame(rows).to_csv(folder / "progress.csv", index=False)
    paid = pays[pays["date"] < as_of]
    pd.DataFrame({"date": paid["date"], "source_id": paid["source"], "task_id": paid["task_id"],
                  "amount_mvnd": paid["amount_mvnd"], "note": ""}).to_csv(folder / "disbursements.csv", index=False)
    return folder
ROOT = Path(__file__).resolve().parents[3]
