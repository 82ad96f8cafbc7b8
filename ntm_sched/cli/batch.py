"""``ntm-sched batch [SCENARIO ...|DIR] [--run NAME] [--jobs N] [--dask | --scheduler ADDRESS] [--time-limit S]
[--progress-dir DIR]``
(``--province PLAN``: the district reports and the province report of a province plan).

After the scenario reports, every scenario with dated progress files in
``<progress-dir>/<scenario>/`` (``YYYY-MM-DD/`` folders or ``YYYY-MM-DD.xlsx``) gets its giao ban
report: the earlier weeks are re-planned first when their snapshots are missing, then the
newest week is reported (``outputs/<run>/<scenario>.giao_ban/``). Failures are logged and
counted like the scenarios'.

Where the reports run: ``--jobs`` local processes (default 2; no Dask needed, the nightly run), or Dask
distributed with ``--dask`` (a ``LocalCluster`` of ``--jobs`` workers) or ``--scheduler ADDRESS`` (an
existing cluster); the files are the same (:mod:`ntm_sched.report.jobs`). The giao ban reports run here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from ntm_sched.cli.common import Subparsers, lang_parent, positive_float, solver_parent, where_of, where_parent
from ntm_sched.report.batch import run_batch
from ntm_sched.report.runner import DEFAULT_TIMEOUT, ReportError

HELP = "run many scenarios' reports and compare them (and giao ban reports where progress files are)"


def add_parser(sub: Subparsers) -> None:
    p = sub.add_parser("batch", help=HELP, parents=[solver_parent(), lang_parent(), where_parent("reports")])
    p.add_argument("scenarios", nargs="*",
                   help="scenario names, YAML files or a folder (default: every scenario of every shipped plan)")
    p.add_argument("--run", default="batch", help="run name: outputs/<run>/ (default: batch)")
    p.add_argument("--outputs", default="outputs")
    p.add_argument("--timeout", type=positive_float, default=DEFAULT_TIMEOUT, help="per-cell execution timeout (s)")
    p.add_argument("--progress-dir", default="data/progress",
                   help="progress files per scenario: <dir>/<scenario>/<yyyy-mm-dd>/ or <yyyy-mm-dd>.xlsx "
                        "(default: data/progress)")
    p.add_argument("--history", default=None, help="history folder of baselines and snapshots (default: history/)")
    p.add_argument("--province", default=None, metavar="PLAN",
                   help="a province plan's folder: one report per district and the province report linking to "
                        "them (as 'ntm-sched province-report PLAN')")
    p.add_argument("--deterministic", action="store_true",
                   help="with --province: --time-limit counts CP-SAT deterministic time on one worker (the same "
                        "reports at any load, locally or on Dask)")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    """0 when every report succeeded, 1 naming the failed scenarios."""
    if getattr(args, "province", None):
        from ntm_sched.cli import province

        args.plan, args.no_districts = args.province, False
        args.lang = args.lang or "vi"
        return province.main(args)
    try:
        df = run_batch(args.scenarios or None, run=args.run, lang=args.lang,
                       time_limit=args.time_limit, outputs_dir=args.outputs, timeout=args.timeout,
                       workers=args.workers, seed=args.seed, **where_of(args))
    except ReportError as exc:
        print(f"batch failed: {exc}", file=sys.stderr)
        return 1
    failed = list(df.loc[~df["ok"].astype(bool), "scenario"])
    print(f"{Path(args.outputs) / args.run / 'index.html'}: {len(df) - len(failed)} of {len(df)} reports")
    failed += giao_ban_reports(args)
    if failed:
        print(f"failed scenarios: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


def giao_ban_reports(args: argparse.Namespace) -> list[str]:
    """The giao ban report of every scenario with progress files; the names of those that failed."""
    from ntm_sched.report.batch import resolve_scenarios
    from ntm_sched.report.runner import scenario_name
    from ntm_sched.studies.progress.files import ProgressValidationError
    from ntm_sched.studies.progress.history import HistoryError
    from ntm_sched.studies.progress.replan import replan
    from ntm_sched.studies.progress.report import progress_entries, run_giao_ban

    failed = []
    progress_dir = getattr(args, "progress_dir", None)
    if not progress_dir:
        return []
    for sc in resolve_scenarios(args.scenarios or None):
        entries = progress_entries(progress_dir, sc)
        if not entries:
            continue
        name = f"{scenario_name(sc)}.giao_ban"
        try:
            for d, p in entries[:-1]:  # earlier weeks first, so that the history is complete
                replan(sc, p, d, getattr(args, "history", None), args.time_limit, args.workers, args.seed,
                       reuse=True)
            d, p = entries[-1]
            out = run_giao_ban(sc, p, d, run=args.run, lang=args.lang, history_root=getattr(args, "history", None),
                               outputs_dir=args.outputs, time_limit=args.time_limit, workers=args.workers,
                               seed=args.seed, timeout=args.timeout)
            print(f"{dt.datetime.now().isoformat(timespec='seconds')} ok {name}: {out}", file=sys.stderr)
        except (ReportError, ProgressValidationError, HistoryError, OSError) as exc:
            failed.append(name)
            print(f"{dt.datetime.now().isoformat(timespec='seconds')} FAILED {name}: {str(exc).splitlines()[0]}",
                  file=sys.stderr)
    return failed
