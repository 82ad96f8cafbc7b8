"""``ntm-sched province-report PLAN [--run NAME] [--jobs N] [--dask | --scheduler ADDRESS] [--lang vi|en]
[--time-limit S] [--outputs DIR]``.

The province report of a province plan's folder and, made by the same run, one report per district
(:func:`ntm_sched.report.province_batch.run_province_batch`): ``outputs/<run>/province/report.html``
links each district's row to ``outputs/<run>/district_<code>/report.html``. The district reports run in
``--jobs`` local processes, or on Dask (``--dask``: a ``LocalCluster`` of ``--jobs`` workers; ``--scheduler
ADDRESS``: an existing cluster), with the same files.
"""

from __future__ import annotations

import argparse
import sys

from ntm_sched.cli.common import Subparsers, lang_parent, positive_float, solver_parent, where_of, where_parent
from ntm_sched.errors import InputError
from ntm_sched.report.runner import DEFAULT_TIMEOUT, ReportError

HELP = "a province plan's report (districts, council sessions, money) and one report per district"


def add_parser(sub: Subparsers) -> None:
    p = sub.add_parser("province-report", help=HELP, parents=[solver_parent(), lang_parent("vi"),
                                                                      where_parent("district reports")])
    p.add_argument("plan", help="a province plan's folder (e.g. made by 'ntm-sched plan synth'); only read")
    p.add_argument("--run", default="province", help="run name: outputs/<run>/ (default: province)")
    p.add_argument("--no-districts", action="store_true", help="the province report alone, without district reports")
    p.add_argument("--deterministic", action="store_true",
                   help="--time-limit counts CP-SAT deterministic time on one worker: the same reports at any load, "
                        "locally or on Dask")
    p.add_argument("--outputs", default="outputs", help="outputs folder (default: outputs)")
    p.add_argument("--timeout", type=positive_float, default=DEFAULT_TIMEOUT, help="per-cell execution timeout (s)")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    """0 when every report was published, 1 when one failed, 2 when the plan is bad input."""
    from ntm_sched.report.province_batch import run_province_batch

    try:
        out, errors = run_province_batch(args.plan, run=args.run, lang=args.lang, **where_of(args),
                                         time_limit=args.time_limit, outputs_dir=args.outputs,
                                         timeout=args.timeout, workers=args.workers,
                                         seed=args.seed,
                                         districts=not args.no_districts,
                                         deterministic=bool(getattr(args, "deterministic", False)))
    except ReportError as exc:
        print(f"province report failed: {exc}", file=sys.stderr)
        if exc.failed_dir is not None and (exc.failed_dir / "error.txt").exists():
            print((exc.failed_dir / "error.txt").read_text(encoding="utf-8")[:2000], file=sys.stderr)
        return 2 if isinstance(exc.__cause__, InputError) else 1
    print(f"{out}/report.html")
    failed = sorted(c for c, e in errors.items() if e is not None)
    if failed:
        print(f"failed district reports: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0
