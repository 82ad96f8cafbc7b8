"""Benchmark: the start of the processes that read or run notebooks, with and without the lazy ``rfc3987_syntax``.

``import ntm_sched`` makes ``rfc3987_syntax`` lazy (:mod:`ntm_sched.lazy_imports`): jsonschema, under nbformat,
papermill, nbconvert and Voilà, no longer builds its RFC 3987 parser at import. Prints, per kind of process, the
median wall seconds of ``--runs`` fresh interpreters: as ``ntm_sched`` starts it (lazy) and without ``ntm_sched``
first (as before; for Voilà, ``python -m voila`` against ``python -m ntm_sched.app.voila_main``).

    PYTHONPATH=$PWD .venv/bin/python benchmarks/imports.py [--runs 5]

Measure with nothing else running (``uptime`` is printed).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

CASES = {
    "nbformat + jsonschema (the report runner, the tests' collection)": (
        [sys.executable, "-c", "import nbformat"],
        [sys.executable, "-c", "import ntm_sched, nbformat"]),
    "papermill (a report, a batch)": (
        [sys.executable, "-c", "import papermill"],
        [sys.executable, "-c", "import ntm_sched, papermill"]),
    "Voilà's command (the app's server), --help": (
        [sys.executable, "-m", "voila", "--help"],
        [sys.executable, "-m", "ntm_sched.app.voila_main", "--help"]),
}


def _median(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    print(f"uptime: {os.getloadavg()}; {args.runs} runs each, median wall seconds")
    print(f"{'process':<66} {'eager':>7} {'lazy':>7} {'saved':>7}")
    for name, (eager, lazy) in CASES.items():
        a, b = _median(eager, args.runs), _median(lazy, args.runs)
        print(f"{name:<66} {a:7.2f} {b:7.2f} {a - b:7.2f}")


if __name__ == "__main__":
    main()
