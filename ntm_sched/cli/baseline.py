"""``ntm-sched baseline save|list [SCENARIO] [--history DIR]``: a scenario's baseline and history."""

from __future__ import annotations

import argparse
import sys

from ntm_sched.cli.common import Subparsers, scenario_of, scenario_parent, solver_parent

HELP = "a scenario's baseline and history: save, list"


def _history_parent() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--history", default=None, help="history folder (default: history/)")
    return p


def add_parser(sub: Subparsers) -> None:
    parser = sub.add_parser("baseline", help=HELP)
    bsub = parser.add_subparsers(dest="baseline_verb", required=True)
    s = bsub.add_parser("save", help="solve the scenario and keep it as its baseline (never overwritten)",
                        parents=[scenario_parent(positional=True), solver_parent(), _history_parent()])
    s.add_argument("--note", default="", help="a note kept with the baseline")
    s.set_defaults(func=save_main)
    x = bsub.add_parser("list", help="the scenario's history: baseline and dated snapshots",
                        parents=[scenario_parent(positional=True), _history_parent()])
    x.set_defaults(func=list_main)


def list_main(args: argparse.Namespace) -> int:
    from ntm_sched.report.runner import scenario_name
    from ntm_sched.studies.progress import history as hist

    name = scenario_name(scenario_of(args))
    df = hist.history_table(args.history, name)
    print(df.to_string(index=False) if len(df) else f"no stored plan for {name} in {args.history or 'history'}/")
    return 0


def save_main(args: argparse.Namespace) -> int:
    """0 when saved; 1 when a baseline exists (never overwritten) or the solve found no schedule."""
    from ntm_sched.studies.progress import history as hist
    from ntm_sched.studies.progress.replan import save_baseline

    try:
        rp = save_baseline(scenario_of(args), args.history, args.time_limit, args.workers, args.seed, args.note)
    except hist.HistoryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"baseline: {rp.snapshot.path if rp.snapshot else '-'}  status: {rp.result.status}")
    return 0
