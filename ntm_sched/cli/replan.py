"""``ntm-sched replan [SCENARIO] --progress FILE --as-of DATE [--out DIR] [--history DIR]``.

Re-plans the scenario from the status date with the progress file; writes the five files of
``solve`` plus ``variance.csv``, ``payments.csv`` and ``checker.txt`` into ``--out`` and keeps
a dated snapshot in the history. Exit 1 when the progress file has errors (each located) or
the re-plan has no verified schedule.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ntm_sched.cli.common import (
    OK_STATUSES,
    Subparsers,
    fail,
    lang_parent,
    out_dir,
    out_parent,
    scenario_of,
    scenario_parent,
    solver_parent,
)
from ntm_sched.cli.progress import progress_parent
from ntm_sched.i18n import localized

HELP = "re-plan a scenario from a status date with a progress file"


def add_parser(sub: Subparsers) -> None:
    p = sub.add_parser("replan", help=HELP, parents=[scenario_parent(positional=True), progress_parent(),
                                                     solver_parent(), lang_parent("vi"),
                                                     out_parent("outputs/replan/<scenario>/<date>")])
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from ntm_sched.plan.issues import format_issues
    from ntm_sched.report.runner import scenario_name
    from ntm_sched.studies.progress.files import ProgressValidationError
    from ntm_sched.studies.progress.replan import replan, write_outputs

    scenario = scenario_of(args)
    try:
        rp = replan(scenario, args.progress, args.as_of, args.history, args.time_limit, args.workers, args.seed)
    except ProgressValidationError as exc:  # an InputError, but listed in the user's language, exit 1
        print(format_issues(exc.issues, args.lang), file=sys.stderr)
        return 1
    except FileNotFoundError as exc:
        return fail(str(exc))
    s = rp.result.summary
    out = out_dir(args, Path("outputs") / "replan" / scenario_name(scenario) / args.as_of.isoformat())
    write_outputs(rp, out)
    for n in localized(s, "notes", args.lang) or []:
        print(f"note: {n}")
    if rp.warnings:
        print(format_issues(rp.warnings, args.lang))
    print(f"status: {s['status']}  checker: {'OK' if s.get('checker_ok') else s.get('checker_ok')}  "
          f"late communes: {', '.join(s.get('late_communes') or []) or '-'}  "
          f"district recognition: {s.get('district_recognition_date')}")
    if s.get("explanation"):
        print(f"why: {s['explanation']}")
    print(f"snapshot: {rp.snapshot.path if rp.snapshot else '-'}")
    print(f"written: {out}")
    return 0 if s["status"] in OK_STATUSES and s.get("checker_ok") else 1
