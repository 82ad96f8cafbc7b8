"""Regenerate the INVENTED worked example of progress files (see README.md).

The example is made from the base scenario's baseline (``history/base/baseline``, run
``ntm-sched baseline save base --workers 1 --seed 0`` first: one worker and a fixed seed make
it repeatable) by taking the baseline as if it had happened,
then changing three things on purpose: An Dương's waste treatment area is behind
(one commune slipping), the culture office VH_TT is behind on all its works (one
agency behind), and the 2019 LONG_GHEP tranche arrived on 10/10/2019 instead of
01/09/2019, so nothing was paid from it before (one tranche late).

    .venv/bin/python data/examples/progress/generate.py [HISTORY_DIR]
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
WEEKS = (dt.date(2019, 10, 7), dt.date(2019, 10, 14))
SLIPPING = {"07321-waste-area": {WEEKS[0]: 55.0, WEEKS[1]: 70.0}}  # An Dương: percent complete
AGENCY_BEHIND, BEHIND_BY = "VH_TT", 20.0  # percentage points behind the baseline
LATE_SOURCE, ARRIVED = "LONG_GHEP", dt.date(2019, 10, 10)


def _consistent(rows: list[dict], previous: dict[str, dict], preds: dict[str, tuple[str, ...]]) -> list[dict]:
    """Drop the rows of tasks whose predecessors had not finished before they started (in this
    invented story such a task simply has not started yet), until none is left."""
    while True:
        finish = {x["task_id"]: x["actual_finish"] for x in [*previous.values(), *rows] if x["actual_finish"]}
        keep = [x for x in rows
                if all(p in finish and finish[p] < x["actual_start"] for p in preds.get(x["task_id"], ()))]
        if len(keep) == len(rows):
            return rows
        rows = keep


def main(history: str = "history") -> None:
    from ntm_sched.domain import build
    from ntm_sched.scenario import load_scenario_and_plan
    from ntm_sched.studies.progress.replan import check_context

    preds = check_context(build(load_scenario_and_plan("base")[1])).preds
    base = Path(history) / "base" / "baseline"
    sch = pd.read_csv(base / "schedule.csv", dtype={"commune_code": str})
    pays = pd.read_csv(base / "payments.csv", dtype={"commune_code": str})
    for c in ("start_date", "end_date"):
        sch[c] = pd.to_datetime(sch[c]).dt.date
    pays["date"] = pd.to_datetime(pays["date"]).dt.date
    sch = sch[sch["kind"] != "settlement"]
    steps = pd.read_csv(Path(__file__).resolve().parents[2] / "tan_yen_2019" / "recognition_steps.csv")
    zero = set(steps.loc[steps["duration_days"] == 0, "step"])
    milestones = {t for t in sch["task_id"] if ":" in t and t.split(":", 1)[1] in zero}
    previous: dict[str, dict] = {}
    for week in WEEKS:
        rows = []
        for _, r in sch.iterrows():
            s, e = r["start_date"], r["end_date"]
            if s >= week or (r["kind"] == "step" and r["task_id"] in milestones):
                continue  # not started, or a zero-length milestone (it follows its predecessors)
            if r["kind"] == "step" and any(t.startswith(str(r["commune_code"]) + "-") for t in SLIPPING):
                continue  # the slipping commune's recognition steps have not begun
            span = max((e - s).days + 1, 1)
            pct = 100.0 if e < week else round(100.0 * (week - s).days / span, 1)
            if r["agency"] == AGENCY_BEHIND and r["kind"] == "work":
                pct = max(5.0, min(pct, 100.0) - BEHIND_BY)
            pct = SLIPPING.get(r["task_id"], {}).get(week, pct)
            row = {"task_id": r["task_id"], "actual_start": s.isoformat(),
                   "actual_finish": e.isoformat() if pct >= 100 else "", "percent_complete": pct,
                   "note": "VÍ DỤ MINH HỌA (số liệu giả định)"}
            if r["task_id"] in SLIPPING:
                row["note"] = "VÍ DỤ: chậm giải phóng mặt bằng khu xử lý rác (giả định)"
            elif r["agency"] == AGENCY_BEHIND and r["kind"] == "work":
                row["note"] = "VÍ DỤ: phòng VH-TT thiếu cán bộ giám sát (giả định)"
            prev = previous.get(r["task_id"])
            if prev is not None and prev["actual_finish"]:
                continue  # finished last week: not in this week's template
            rows.append(row)
        rows = _consistent(rows, previous, preds)
        done = {x["task_id"] for x in rows if x["actual_finish"]}
        done |= {k for k, v in previous.items() if v["actual_finish"]}
        start = WEEKS[0] if week == WEEKS[1] else dt.date(1900, 1, 1)
        started = {x["task_id"] for x in rows} | set(previous)
        paid = []
        for _, p in pays.iterrows():
            if p["source"] == "EXTRA":
                continue  # money beyond the plan's sources was not found: it is still owed
            if p["task_id"] not in started:
                continue  # a work not reported as started (its predecessor behind) has been paid nothing
            d = p["date"]
            if d > week:
                continue
            is_end = d == sch.set_index("task_id").loc[p["task_id"], "end_date"] + dt.timedelta(days=1) \
                if p["task_id"] in set(sch["task_id"]) else False
            if is_end and p["task_id"] not in done:
                continue  # the settlement is paid only when the work is finished
            if p["source"] == LATE_SOURCE and d < ARRIVED:
                if week < ARRIVED:
                    continue
                d = ARRIVED
            if d < start or (week == WEEKS[1] and d <= WEEKS[0] and not (p["source"] == LATE_SOURCE and d == ARRIVED)):
                continue
            note = "VÍ DỤ: đợt vốn lồng ghép về chậm, chi ngày 10/10/2019 (giả định)" \
                if p["source"] == LATE_SOURCE and d == ARRIVED else "VÍ DỤ MINH HỌA (giả định)"
            paid.append({"date": d.isoformat(), "source_id": p["source"], "task_id": p["task_id"],
                         "amount_mvnd": p["amount_mvnd"], "note": note})
        folder = HERE / week.isoformat()
        folder.mkdir(exist_ok=True)
        pd.DataFrame(rows, columns=["task_id", "actual_start", "actual_finish", "percent_complete", "note"]).to_csv(
            folder / "progress.csv", index=False, encoding="utf-8")
        pd.DataFrame(paid, columns=["date", "source_id", "task_id", "amount_mvnd", "note"]).to_csv(
            folder / "disbursements.csv", index=False, encoding="utf-8")
        for x in rows:
            previous[x["task_id"]] = x


if __name__ == "__main__":
    main(*sys.argv[1:])
