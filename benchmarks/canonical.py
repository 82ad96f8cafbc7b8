"""Benchmark: what the canonical answer costs, and whether it is one answer (issue 25).

Solves a scenario several times with different seeds and worker counts, each time with the
canonical pass (:mod:`ntm_sched.engine.canonical`) and without it, and prints:

* per run: wall time of the whole solve, of the canonical pass alone, the status, whether
  every tier and the canonical search were proven, and a short fingerprint of the four
  tables (schedule, milestones, allocation, agency load);
* the number of distinct fingerprints with and without the pass (1 = one answer);
* the median wall time with the pass (goal for the base scenario: within 5 s on 2 cores).

    .venv/bin/python benchmarks/canonical.py [--scenario base] [--runs 0:2 1:2 2:2 0:1] [--time-limit 30]

A run is ``SEED:WORKERS``. Measure with nothing else running (``uptime`` is printed).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import time

from ntm_sched.domain import build, solve_model
from ntm_sched.engine import SolveOptions
from ntm_sched.scenario import load_scenario, load_scenario_plan


def fingerprint(pr) -> str:
    """Hash of the four tables as written to CSV."""
    h = hashlib.sha256()
    for name, df in pr.tables().items():
        h.update(name.encode())
        h.update(df.to_csv(index=False).encode())
    return h.hexdigest()[:12]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scenario", default="base")
    ap.add_argument("--runs", nargs="+", default=["0:2", "1:2", "2:2", "0:1"])
    ap.add_argument("--time-limit", type=float, default=30.0)
    args = ap.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    model = build(load_scenario_plan(load_scenario(args.scenario)))
    prints: dict[bool, set[str]] = {True: set(), False: set()}
    walls: list[float] = []
    passes: list[float] = []
    for canonical in (False, True):
        for run in args.runs:
            seed, workers = (int(x) for x in run.split(":"))
            opts = SolveOptions(time_limit=args.time_limit, workers=workers, seed=seed, explain=False,
                                canonical=canonical)
            t = time.perf_counter()
            pr = solve_model(model, opts)
            wall = time.perf_counter() - t
            can = pr.result.canonical
            fp = fingerprint(pr)
            prints[canonical].add(fp)
            tiers = all(tr.status.value == "OPTIMAL" for tr in pr.result.tiers)
            extra = ""
            if canonical and can is not None:
                walls.append(wall)
                passes.append(can.runtime_s)
                extra = (f" canonical {can.runtime_s:.2f} s repeatable {can.repeatable} "
                         f"proven {can.schedule_proven and can.allocation_proven}")
            print(f"{'with' if canonical else 'without':7s} seed {seed} workers {workers}: {pr.status:8s} "
                  f"tiers proven {tiers} wall {wall:.2f} s{extra} tables {fp}")
    print(f"distinct answers without the canonical pass: {len(prints[False])} of {len(args.runs)} runs")
    print(f"distinct answers with the canonical pass:    {len(prints[True])} of {len(args.runs)} runs")
    if walls:
        print(f"median wall with the pass {statistics.median(walls):.2f} s (the pass itself: median "
              f"{statistics.median(passes):.2f} s, max {max(passes):.2f} s); goal for base: within 5 s on 2 cores")


if __name__ == "__main__":
    main()
