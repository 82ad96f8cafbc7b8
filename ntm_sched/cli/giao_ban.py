"""``ntm-sched report giao-ban [SCENARIO] --progress FILE --as-of DATE [--run NAME] [--lang vi|en]``.

The weekly steering meeting report (papermill, Vietnamese by default) in
``outputs/<run>/<scenario>.giao_ban/``; mounted under ``report`` by :func:`ntm_sched.cli.main`.
"""

from __future__ import annotations

import argparse
import sys

from ntm_sched.cli.common import lang_parent, scenario_of, scenario_parent, solver_parent
from ntm_sched.cli.progress import progress_parent
from ntm_sched.report.runner import DEFAULT_TIMEOUT

HELP = "the weekly steering meeting (giao ban) report"


def parser() -> argparse.ArgumentParser:
    """The parser of ``ntm-sched report giao-ban``."""
    p = argparse.ArgumentParser(prog="ntm-sched report giao-ban", description=HELP,
                                parents=[scenario_parent(positional=True), progress_parent(), solver_parent(),
                                         lang_parent()])
    p.add_argument("--run", default=None, help="outputs/<run>/<scenario>.giao_ban/ (default: giao_ban)")
    p.add_argument("--outputs", default="outputs", help="outputs folder (default: outputs)")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="per-cell execution timeout (s)")
    return p


def main(args: argparse.Namespace) -> int:
    """0 on success, 1 when the report failed (evidence in ``.failed/``)."""
    from ntm_sched.report.runner import ReportError
    from ntm_sched.studies.progress.report import run_giao_ban

    try:
        out = run_giao_ban(scenario_of(args), args.progress, args.as_of, run=args.run, lang=args.lang,
                           history_root=args.history, outputs_dir=args.outputs, time_limit=args.time_limit,
                           workers=args.workers, seed=args.seed, timeout=args.timeout)
    except ReportError as exc:
        print(f"report failed: {exc}", file=sys.stderr)
        if exc.failed_dir is not None and (exc.failed_dir / "error.txt").exists():
            print((exc.failed_dir / "error.txt").read_text(encoding="utf-8")[:2000], file=sys.stderr)
        return 1
    print(f"{out}/report.html")
    return 0
