"""Benchmark: the money-aware schedule generator's speed on the shipped plan with its own money, cut by level.

Each level's plan is the cut table's (:func:`ntm_sched.studies.budget.budget_cuts`): the plan's own money times the
level, the dates soft, the horizon a year past the plan's.

The generator (:func:`ntm_sched.engine.heuristic.money_sgs`) is the warm start of every solve where money binds,
the seed of the cut table's set search and the start of the risk analysis' re-timing; it asks the money check
(``_Money.fits``, a max-flow) for every start it tries. Prints, per level of the plan's money: schedules built per
second (``--seconds`` of seeds 0, 1, 2, ..., noise 5 periods), money checks per schedule, and a fingerprint of the
first ten schedules (the same fingerprint before and after a change of speed says the answers did not move).

    PYTHONPATH=$PWD .venv/bin/python benchmarks/money_sgs.py [--levels 1.0 0.8 0.6] [--seconds 3]

Measure with nothing else running (``uptime`` is printed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import time
from pathlib import Path

from ntm_sched.domain import build
from ntm_sched.engine import heuristic
from ntm_sched.engine.heuristic import money_sgs
from ntm_sched.plan import load_plan
from ntm_sched.studies import budget as B

PLAN = Path(__file__).resolve().parents[1] / "data" / "tan_yen_2019"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--levels", type=float, nargs="+", default=[1.0, 0.8, 0.6])
    ap.add_argument("--seconds", type=float, default=3.0)
    args = ap.parse_args(argv)
    print("load average", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    calls = {"n": 0}
    real = heuristic._Money.fits

    def counted(self, extra):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        return real(self, extra)

    heuristic._Money.fits = counted  # type: ignore[method-assign]
    plan = load_plan(PLAN)
    print("| level | schedules/s | money checks per schedule | first ten schedules |")
    print("| --- | --- | --- | --- |")
    for level in args.levels:
        end = dt.date.fromisoformat(str(plan.setting("horizon_end"))) + dt.timedelta(days=365)
        problem = build(B.set_settings(B.own_money(B.scale_funding(plan, level)),
                                       {"hard_deadlines": False, "horizon_end": end.isoformat()})).problem
        h = hashlib.sha256()
        found = 0
        for seed in range(10):
            sol = money_sgs(problem, seed=seed, noise=5)
            found += sol is not None
            h.update(repr(None if sol is None else (sorted(sol.tasks.items()), sol.payments)).encode())
        calls["n"] = 0
        n, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < args.seconds:
            money_sgs(problem, seed=n, noise=5)
            n += 1
        rate = n / (time.perf_counter() - t0)
        print(f"| {level:.0%} | {rate:.1f} | {calls['n'] / n:,.0f} | {found} found, {h.hexdigest()[:12]} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
