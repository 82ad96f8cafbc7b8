"""``ntm-sched batch [SCENARIO ...|DIR] [--run NAME] [--jobs N] [--time-limit S]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ntm_sched.cli.common import Subparsers, lang_parent, positive_float, positive_int, solver_parent
from ntm_sched.report.batch import run_batch
from ntm_sched.report.runner import DEFAULT_TIMEOUT, ReportError

HELP = "run many scenarios' reports and compare them"


def add_parser(sub: Subparsers) -> None:
    p = sub.add_parser("batch", help=HELP, parents=[solver_parent(), lang_parent()])
    p.add_argument("scenarios", nargs="*", help="scenario names, YAML files or a folder (default: every scenario)")
    p.add_argument("--run", default="batch", help="run name: outputs/<run>/ (default: batch)")
    p.add_argument("--jobs", type=positive_int, default=2, help="reports run at the same time (default: 2)")
    p.add_argument("--outputs", default="outputs")
    p.add_argument("--timeout", type=positive_float, default=DEFAULT_TIMEOUT, help="per-cell execution timeout (s)")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    """0 when every report succeeded, 1 naming the failed scenarios."""
    try:
        df = run_batch(args.scenarios or None, run=args.run, jobs=args.jobs, lang=args.lang,
                       time_limit=args.time_limit, outputs_dir=args.outputs, timeout=args.timeout,
                       workers=args.workers, seed=args.seed)
    except ReportError as exc:
        print(f"batch failed: {exc}", file=sys.stderr)
        return 1
    failed = list(df.loc[~df["ok"].astype(bool), "scenario"])
    print(f"{Path(args.outputs) / args.run / 'index.html'}: {len(df) - len(failed)} of {len(df)} reports")
    if failed:
        print(f"failed scenarios: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0
