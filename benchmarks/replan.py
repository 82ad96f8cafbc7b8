"""Benchmark: re-planning the base plan from three status dates vs solving it from scratch.

Goal (issue 11): a re-plan is no slower than the base solve. For each seed the base plan is
solved as the baseline (no progress, status date = the plan's date), then re-planned at three
status dates with progress exactly as the baseline planned it (so the answer is known: nothing
moves, which is checked too). Printed: wall time of the base solve and of each re-plan
(solve only, and end to end: reading and checking the progress files, re-solving, variance,
writing the snapshot), solver status and whether anything moved.

    .venv/bin/python benchmarks/replan.py [--workers 2] [--seeds 0 1 2] [--time-limit 60]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import tempfile
import time
from pathlib import Path

from ntm_sched.domain import build
from ntm_sched.scenario import load_scenario_and_plan
from ntm_sched.studies.progress import history as hist
from ntm_sched.studies.progress.replan import progress_as_planned, replan, save_baseline

DATES = (dt.date(2019, 9, 16), dt.date(2019, 10, 14), dt.date(2019, 12, 16))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--time-limit", type=float, default=60.0)
    args = ap.parse_args()
    _, plan = load_scenario_and_plan("base")
    model = build(plan)
    print(f"base plan: {len(model.problem.tasks)} tasks; workers={args.workers}; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    base_t, re_t = [], {d: [] for d in DATES}
    for seed in args.seeds:
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp) / "history"
            t = time.perf_counter()
            b = save_baseline("base", root, args.time_limit, args.workers, seed)
            base_t.append(time.perf_counter() - t)
            line = [f"seed {seed}: base solve {b.result.result.runtime_s:5.2f} s ({b.result.status})"]
            for d in DATES:
                folder = progress_as_planned(model, hist.baseline(root, "base"), d, Path(tmp) / d.isoformat())
                t = time.perf_counter()
                rp = replan("base", folder, d, root, args.time_limit, args.workers, seed, save=False)
                wall = time.perf_counter() - t
                moved = int((rp.variance.loc[rp.variance["level"] != "source", "slip_days"].fillna(0) != 0).sum())
                re_t[d].append(rp.result.result.runtime_s)
                line.append(f"{d.strftime('%d/%m/%Y')}: solve {rp.result.result.runtime_s:5.2f} s, end to end "
                            f"{wall:5.2f} s ({rp.result.status}, moved {moved})")
            print("  ".join(line[:1]) + "\n    " + "\n    ".join(line[1:]))
    print(f"median base solve {statistics.median([x for x in base_t]):.2f} s (wall incl. writing the baseline)")
    for d in DATES:
        print(f"median re-plan solve at {d.strftime('%d/%m/%Y')}: {statistics.median(re_t[d]):.2f} s")
    print(f"load average now {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
