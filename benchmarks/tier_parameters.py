"""Benchmark: the CP-SAT parameters of single tiers (``ntm_sched.engine.solve.TIER_PARAMETERS``).

Solves each case with the tiers' parameters as committed and without them (every tier on the engine's common
parameters), alternating, ``--repeats`` times each, on one worker, seed 0, with no solve cache, and prints per case:
the median seconds of each tier and of the whole solve, both ways, and whether the two answers are the same
(schedule, milestones, allocation and agency load byte for byte). A proven tier's value does not depend on the
parameters and the answer shown is a function of the tiers' values, so every proven case must print ``same``.

Cases: the shipped scenarios (``--scenarios``), the worked example's week-1 re-plan (``replan``: its stability tier),
the 3-commune plan on its own money (``own3``, the budget lab's reference) and a synthetic province of 6 communes
(``synth``).

    .venv/bin/python benchmarks/tier_parameters.py [--cases base programme_cut_20 replan own3 synth] [--repeats 3]

Measure with nothing else running (the load average is printed before and after).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import hashlib
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ntm_sched.domain import PlanResult, solve_plan
from ntm_sched.engine import SolveOptions
from ntm_sched.scenario import load_scenario, load_scenario_plan

ROOT = Path(__file__).resolve().parents[1]
TIERS = sys.modules["ntm_sched.engine.solve"]  # the module (``ntm_sched.engine.solve`` is also its function's name)
OPTIONS = {"time_limit": 60.0, "workers": 1, "seed": 0, "cache_dir": ""}


def fingerprint(pr: PlanResult) -> str:
    """Hash of the four tables as written to CSV."""
    h = hashlib.sha256()
    for name, df in pr.tables().items():
        h.update(name.encode())
        h.update(df.to_csv(index=False).encode())
    return h.hexdigest()[:12]


def cases(names: list[str]) -> dict[str, Callable[[], PlanResult]]:
    """Each case: a function solving it afresh (its plan read once, here, so that only the solve is timed)."""
    out: dict[str, Callable[[], PlanResult]] = {}
    for name in names:
        if name == "replan":
            from ntm_sched.studies.progress.replan import save_baseline

            _BASELINE["root"] = Path(tempfile.mkdtemp())  # saved once, before the runs are timed
            save_baseline("base", _BASELINE["root"], time_limit=60.0, workers=1, seed=0)
            out[name] = _replan
        elif name == "own3":
            from ntm_sched.studies import budget as B

            three = B.restrict_plan(load_scenario_plan(load_scenario("base")), ["07360", "07357", "07321"])
            out[name] = functools.partial(B.base_solve, three, SolveOptions(**OPTIONS))
        elif name == "synth":
            from ntm_sched.plan import load_plan
            from ntm_sched.plan.synth import SynthSpec, write_synth

            folder = write_synth(SynthSpec(communes=6, districts=2, seed=0), Path(tempfile.mkdtemp()) / "prov")
            out[name] = functools.partial(solve_plan, load_plan(folder), SolveOptions(**OPTIONS))
        else:
            out[name] = functools.partial(solve_plan, load_scenario_plan(load_scenario(name)), SolveOptions(**OPTIONS))
    return out


_BASELINE: dict[str, Path] = {}


def _replan() -> PlanResult:
    """The worked example's week-1 re-plan (data/examples/progress), from a baseline saved once."""
    import shutil

    from ntm_sched.studies.progress.replan import replan

    kw: dict[str, Any] = {"time_limit": 60.0, "workers": 1, "seed": 0}
    history = Path(tempfile.mkdtemp()) / "history"
    shutil.copytree(_BASELINE["root"], history)
    week = dt.date(2019, 10, 7)
    return replan("base", ROOT / "data" / "examples" / "progress" / week.isoformat(), week, history, **kw).result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", nargs="+", default=["base", "programme_cut_20", "residents_late", "replan", "own3",
                                                    "synth"])
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    os.environ.pop("NTM_SCHED_SOLVE_CACHE", None)
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    committed = dict(TIERS.TIER_PARAMETERS)
    print(f"tier parameters: {committed}")
    for name, run in cases(args.cases).items():
        times: dict[str, list[dict[str, float]]] = {"without": [], "with": []}
        prints: dict[str, set[str]] = {"without": set(), "with": set()}
        status: dict[str, set[str]] = {"without": set(), "with": set()}
        for _ in range(args.repeats):
            for way in ("without", "with"):
                TIERS.TIER_PARAMETERS = committed if way == "with" else {}
                t = time.perf_counter()
                pr = run()
                wall = time.perf_counter() - t
                times[way].append({"whole": wall} | {tr.name: tr.runtime_s for tr in pr.result.tiers})
                prints[way].add(fingerprint(pr))
                status[way].add(pr.status)
        TIERS.TIER_PARAMETERS = committed
        keys = list(times["with"][0])
        for way in ("without", "with"):
            med = {k: statistics.median(x.get(k, 0.0) for x in times[way]) for k in keys}
            print(f"{name:18s} {way:8s} " + "  ".join(f"{k} {v:5.2f} s" for k, v in med.items())
                  + f"  status {'/'.join(sorted(status[way]))}")
        same = prints["with"] == prints["without"] and len(prints["with"]) == 1
        print(f"{name:18s} answers: {'same' if same else 'DIFFERENT'} ({', '.join(sorted(prints['with']))} with; "
              f"{', '.join(sorted(prints['without']))} without)")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
