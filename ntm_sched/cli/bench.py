"""``ntm-sched bench psplib DIR [--reference CSV] [--time-limit S] [--workers N] [--out CSV]``."""

from __future__ import annotations

import argparse
import time

from ntm_sched.cli.common import Subparsers
from ntm_sched.engine.bench import run_psplib_bench, summary

HELP = "benchmarks of the engine"


def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """``DIR [--reference CSV] [--time-limit S] [--workers N] [--out CSV] [--no-progress]``."""
    parser.add_argument("dir", help="folder of PSPLIB .sm/.mm files")
    parser.add_argument("--reference", default=None, help="CSV instance,makespan of reference makespans")
    parser.add_argument("--time-limit", type=float, default=None, help="seconds per instance (default: the engine's)")
    parser.add_argument("--workers", type=int, default=None, help="CP-SAT workers (default: the engine's)")
    parser.add_argument("--out", default=None, help="write the result table to this CSV")
    parser.add_argument("--no-progress", action="store_true", help="plain lines instead of a progress bar")
    return parser


def add_parser(sub: Subparsers) -> None:
    bench = sub.add_parser("bench", help=HELP)
    bsub = bench.add_subparsers(dest="bench_kind", required=True)
    p = bsub.add_parser("psplib", help="solve PSPLIB instances and compare with reference optima")
    add_arguments(p)
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    """Run the benchmark from parsed arguments; print the summary; return an exit code."""
    t0 = time.perf_counter()
    try:
        df = run_psplib_bench(args.dir, args.reference, args.time_limit, args.workers, args.out,
                              progress=not getattr(args, "no_progress", False))
    except (FileNotFoundError, ValueError, RuntimeError) as exc:
        print(f"error: {exc}")
        return 2
    s = summary(df)
    print(s["text"])
    print(f"wall time {time.perf_counter() - t0:.1f} s")
    return 0
