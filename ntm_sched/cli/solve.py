"""``ntm-sched solve [SCENARIO] [--out DIR] [--time-limit S] [--workers N] [--seed N]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ntm_sched.cli.common import (
    OK_STATUSES,
    Subparsers,
    load,
    options_of,
    out_dir,
    out_parent,
    scenario_parent,
    solver_parent,
)
from ntm_sched.domain import solve_plan
from ntm_sched.io import child_of

HELP = "solve a scenario and write schedule, milestones, allocation, load, summary"


def add_parser(sub: Subparsers) -> None:
    p = sub.add_parser("solve", help=HELP, parents=[scenario_parent(positional=True), solver_parent(),
                                                    out_parent("outputs/solve/<scenario>")])
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    sc, plan = load(args)
    # a user's folder is refused before the solve; the default stays inside outputs/
    out = out_dir(args, child_of(Path("outputs"), "solve", sc.name, what="scenario name"))
    res = solve_plan(plan, options_of(args, sc))
    res.write(out)
    s = res.summary
    print(f"status: {s['status']}  objective: {s['objective']}  bound: {s['best_bound']}  "
          f"gap: {s['gap']}  runtime: {s['runtime_s']} s")
    if res.has_schedule:
        print(f"communes on time: {s['communes_on_time']}/{s['communes_on_time'] + s['communes_late']}  "
              f"late: {', '.join(_late_words(s)) or '-'}")
        print(f"district recognition: {s['district_recognition_date']}  "
              f"total cost: {s['total_cost_mvnd']} million VND  extra funding: {s['extra_funding_mvnd']} million VND")
    if res.has_schedule and not s.get("repeatable"):
        print(f"note: the details may change between runs: {s.get('repeatable_note')}")
    if s.get("explanation"):
        print(f"why: {s['explanation']}")
    if s.get("verified") is False:
        print("error: the answer disagrees with the plan (status INVALID, do not use it):\n  "
              + "\n  ".join(s["verifier_findings"]), file=sys.stderr)
    print(f"written: {out}")
    return 0 if s["status"] in OK_STATUSES else 1


def _late_words(summary: dict) -> list[str]:
    """Each late commune with why: ``07309 (out of reach)`` or ``07303 (resources or money)`` (issue 22)."""
    causes = summary.get("late_cause") or {}
    return [f"{c} ({causes[c].replace('_', ' ')})" if causes.get(c) else c for c in summary["late_communes"]]
