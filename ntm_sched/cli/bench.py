"""``ntm-sched bench psplib DIR [--reference CSV] [--time-limit S] [--workers N] [--out CSV]``."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from ntm_sched.cli.common import Subparsers, positive_float, positive_int
from ntm_sched.engine.bench import run_psplib_bench, summary
from ntm_sched.io import check_output_file, publish_file

BENCH_COLUMNS = ("instance", "makespan", "lower_bound", "status", "runtime_s", "checked")


def is_bench_csv(path: Path) -> bool:
    """An earlier ``--out`` of this benchmark: a CSV whose header starts with its columns."""
    try:
        with open(path, encoding="utf-8") as f:
            head = f.readline().strip().split(",")
    except (OSError, UnicodeDecodeError):
        return False
    return tuple(head[: len(BENCH_COLUMNS)]) == BENCH_COLUMNS

HELP = "benchmarks of the engine"


def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """``DIR [--reference CSV] [--time-limit S] [--workers N] [--out CSV] [--no-progress]``."""
    parser.add_argument("dir", help="folder of PSPLIB .sm/.mm files")
    parser.add_argument("--reference", default=None, help="CSV instance,makespan of reference makespans")
    parser.add_argument("--time-limit", type=positive_float, default=None,
                        help="seconds per instance (default: the engine's)")
    parser.add_argument("--workers", type=positive_int, default=None, help="CP-SAT workers (default: the engine's)")
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
    if args.out:
        check_output_file(args.out, is_bench_csv)  # refuse a user's file before the runs
    try:
        df = run_psplib_bench(args.dir, args.reference, args.time_limit, args.workers, None,
                              progress=not getattr(args, "no_progress", False))
    except (FileNotFoundError, ValueError, RuntimeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.out:
        publish_file(args.out, df.to_csv(index=False), is_bench_csv)
    s = summary(df)
    print(s["text"])
    print(f"wall time {time.perf_counter() - t0:.1f} s")
    return 0
