"""Benchmark: the base Tân Yên plan, solved from scratch.

Goal (issue 3): proven optimal within 5 s on this 2-core machine (2 workers).
Prints status, objective, bound, gap and wall time for a few seeds, plus the
model's size, so a change to the NTM layer or the engine can be measured.

    .venv/bin/python benchmarks/base_plan.py [--time-limit 60] [--workers 2] [--seeds 0 1 2] [--weighted]

By default the objective is solved lexicographically (lateness, then extra
funding, then cost and makespan: ``Objective.lexicographic``); ``--weighted``
solves the single weighted sum instead. Per-tier status, value, bound and time
are printed for lexicographic solves.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from ntm_sched.domain import build
from ntm_sched.engine import SolveOptions, solve
from ntm_sched.scenario import load_scenario, load_scenario_plan

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scenario", default="base")
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--weighted", action="store_true", help="single weighted objective (not lexicographic)")
    args = ap.parse_args()

    plan = load_scenario_plan(load_scenario(args.scenario))
    t0 = time.perf_counter()
    model = build(plan)
    build_s = time.perf_counter() - t0
    pr = model.problem
    print(f"scenario {args.scenario}: {len(pr.tasks)} tasks, {len(pr.precedences)} precedences, "
          f"{len(pr.resources)} resources, {len(pr.sources)} money sources; build {build_s:.2f} s")
    times = []
    for seed in args.seeds:
        t = time.perf_counter()
        r = solve(pr, SolveOptions(time_limit=args.time_limit, workers=args.workers, seed=seed, explain=False,
                                   lexicographic=not args.weighted))
        wall = time.perf_counter() - t
        times.append(wall)
        print(f"seed {seed}: {r.status.value:9s} objective {r.objective} bound {r.best_bound} "
              f"gap {r.gap if r.gap is None else round(r.gap, 4)} wall {wall:.2f} s "
              f"checker {'ok' if r.check is not None and r.check.ok else 'n/a'}")
        for tr in r.tiers:
            print(f"    tier {tr.name:13s} {tr.status.value:9s} value {tr.value} bound {tr.bound} "
                  f"time {tr.runtime_s:.2f} s")
    print(f"median wall {statistics.median(times):.2f} s over {len(times)} seeds "
          f"({'weighted' if args.weighted else 'lexicographic'}; goal: proven optimal within 5 s with 2 workers)")


if __name__ == "__main__":
    main()
