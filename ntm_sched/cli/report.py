"""``ntm-sched report [SCENARIO] [--run NAME] [--lang vi|en] [--time-limit S] [--outputs DIR]``."""

from __future__ import annotations

import argparse
import json
import sys

from ntm_sched.cli.common import Subparsers, lang_parent, positive_float, scenario_of, scenario_parent, solver_parent
from ntm_sched.errors import InputError
from ntm_sched.report.runner import DEFAULT_TIMEOUT, ReportError, run_report

HELP = "run the scenario report notebook with papermill (giao ban: ntm-sched report giao-ban --help)"


def add_parser(sub: Subparsers) -> None:
    p = sub.add_parser("report", help=HELP, parents=[scenario_parent(positional=True), solver_parent(),
                                                     lang_parent()])
    p.add_argument("--run", default=None, help="run name: outputs/<run>/<scenario>/ (default: the scenario)")
    p.add_argument("--outputs", default="outputs", help="outputs folder (default: outputs)")
    p.add_argument("--timeout", type=positive_float, default=DEFAULT_TIMEOUT, help="per-cell execution timeout (s)")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    """0 on success, 1 when the report failed (evidence in ``.failed/``), 2 when its scenario is bad input."""
    try:
        out = run_report(scenario_of(args), run=args.run, lang=args.lang, time_limit=args.time_limit,
                         outputs_dir=args.outputs, timeout=args.timeout, workers=args.workers, seed=args.seed,
                         progress=sys.stderr.isatty())
    except ReportError as exc:
        print(f"report failed: {exc}", file=sys.stderr)
        if exc.failed_dir is not None and (exc.failed_dir / "error.txt").exists():
            print((exc.failed_dir / "error.txt").read_text(encoding="utf-8")[:2000], file=sys.stderr)
        return 2 if isinstance(exc.__cause__, InputError) else 1
    summ = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    print(f"{out}/report.html  status={summ.get('status')} on_time={summ.get('communes_on_time')} "
          f"district={summ.get('district_recognition_date')}")
    if summ.get("verified") is False:
        print("error: the answer disagrees with the plan (do not use it):\n  "
              + "\n  ".join(summ.get("verifier_findings") or []), file=sys.stderr)
        return 1
    return 0
