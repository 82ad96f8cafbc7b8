"""``ntm-sched province-sweep PLAN --vary NAME=V1,V2,... [--vary ...] [--run NAME] [--jobs N] [--dask | --scheduler
ADDRESS] [--work W] [--seed S] [--outputs DIR]``.

The province plan solved at every combination of the varied values (:mod:`ntm_sched.studies.province_sweep`):
``outputs/<run>/sweep.csv`` (one row per point), ``summary.md`` (Vietnamese, then English) and ``run.json``
(where it ran, seconds). Every point gets the same deterministic work limit on one CP-SAT worker, so the files
do not depend on ``--jobs``, on Dask or on the machine's load. Exit 0 when every point has a schedule both the
checker and the verifier accept; 1 when one has not (the files are written and name it); 2 on bad input.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from ntm_sched.cli.common import Subparsers, non_negative_int, positive_float, where_of, where_parent

HELP = "a province plan solved at every combination of varied values (council capacity, money, deadlines)"


def add_parser(sub: Subparsers) -> None:
    """Mount ``province-sweep``."""
    from ntm_sched.studies.province_sweep import AXES, DEFAULT_WORK

    p = sub.add_parser("province-sweep", help=HELP, parents=[where_parent("points", shared_files=False)],
                       description=HELP + ". Values: " + "; ".join(f"{a.name}: {a.help}" for a in AXES.values()))
    p.add_argument("plan", help="a province plan's folder (e.g. made by 'ntm-sched plan synth'); only read")
    p.add_argument("--vary", action="append", default=[], metavar="NAME=V1,V2,...", required=True,
                   help=f"a value and its values (repeat for a grid): {', '.join(AXES)}; "
                        f"e.g. --vary council_capacity=8,11,14 --vary money=0.8,1.0")
    p.add_argument("--run", default="sweep", help="run name: outputs/<run>/ (default: sweep)")
    p.add_argument("--outputs", default="outputs", help="outputs folder (default: outputs)")
    p.add_argument("--work", type=positive_float, default=DEFAULT_WORK,
                   help=f"CP-SAT deterministic time per point (default {DEFAULT_WORK}; about seconds on an idle "
                        f"machine; the same answer at any load)")
    p.add_argument("--seed", type=non_negative_int, default=None,
                   help="CP-SAT's seed, the same for every point (default: the solver's default)")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    """``ntm-sched province-sweep``."""
    from ntm_sched.studies.province_sweep import failed_points, parse_vary, run_sweep

    vary = [parse_vary(v) for v in args.vary]

    def say(line: str) -> None:
        print(f"{dt.datetime.now().isoformat(timespec='seconds')} {line}", file=sys.stderr, flush=True)

    out, df = run_sweep(args.plan, vary, run=args.run, work=args.work, seed=args.seed, outputs_dir=args.outputs,
                        progress=say, **where_of(args))
    print(f"{out / 'sweep.csv'}: {len(df)} points")
    bad = failed_points(df)
    if bad:
        print(f"points without a checked schedule: {', '.join(map(str, bad))} (see {out / 'summary.md'})",
              file=sys.stderr)
        return 1
    return 0
