"""Benchmark: CP-SAT searches stopped at random moments, with and without the engine's guard.

OR-Tools 9.15 aborts the whole process ("Check failed: heuristics.fixed_search != nullptr") when a
search with ``repair_hint`` is stopped at one moment of its start. The engine's canonical search uses
``repair_hint``; a stop flag (:mod:`ntm_sched.engine.stop`: the app's Cancel button, a signal, a run
started ahead of its turn and no longer wanted) therefore stops such a search only once it has found its
first solution.

Each round runs one search in a thread and stops it after a random delay (0 to ``--delay`` seconds),
in a child process, so that an abort is counted rather than fatal:

* ``raw``: a CP-SAT model of the canonical search's first step (least sum of starts, every task hinted
  at its earliest start, ``repair_hint``) and ``CpSolver.stop_search``, as the engine did before;
* ``engine``: :func:`ntm_sched.engine.canonical.canonicalize` stopped through a
  :class:`~ntm_sched.engine.stop.StopFlag`, as the engine does now (the stop waits for the search's first
  solution, :func:`~ntm_sched.engine.stop.past_start`).

It prints, per mode, the rounds run, whether the child aborted and after how many rounds, and the
wall time per round.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/stop_abort.py [--rounds 300] [--delay 0.02] [--children 3]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def problem():  # type: ignore[no-untyped-def]
    """Twelve tasks of two modes on two resources, chained in three lines, with due dates: the canonical search
    has work to do for a few tens of milliseconds."""
    from ntm_sched.engine import Mode, Precedence, Problem, Resource, Task

    tasks = tuple(Task(f"T{k}", (Mode(2 + (5 * k) % 7, {"A": 1 + k % 2}), Mode(4 + (3 * k) % 5, {"B": 1})),
                       due=6 + 3 * k, tardiness_weight=1 + k % 3) for k in range(12))
    precedences = tuple(Precedence(f"T{k}", f"T{k + 3}") for k in range(9))
    return Problem(tasks, resources=(Resource("A", 2), Resource("B", 1)), precedences=precedences, horizon=200)


def child(mode: str, rounds: int, delay: float, seed: int) -> None:
    """Run ``rounds`` stopped searches; print one line per round (the parent counts them)."""
    import contextlib
    import contextvars
    import random
    import threading

    from ortools.sat.python import cp_model

    from ntm_sched.engine.builder import build_model
    from ntm_sched.engine.canonical import canonicalize
    from ntm_sched.engine.stop import Abandoned, StopFlag, stopping_here

    p = problem()
    rng = random.Random(seed)
    bm = build_model(p)
    bm.model.minimize(sum(bm.start[t.id] for t in p.tasks))
    for t in p.tasks:
        bm.model.add_hint(bm.start[t.id], bm.earliest_start[t.id])
    for k in range(rounds):
        if mode == "raw":
            s = cp_model.CpSolver()
            s.parameters.num_workers = 1
            s.parameters.max_deterministic_time = 2.0
            s.parameters.repair_hint = True
            th = threading.Thread(target=s.solve, args=(bm.model,))
            th.start()
            time.sleep(rng.random() * delay)
            s.stop_search()
            th.join()
        else:
            flag = StopFlag()

            def run(flag: StopFlag = flag) -> None:
                with stopping_here(flag), contextlib.suppress(Abandoned):
                    canonicalize(p, {}, tiers_proven=True, work=2.0, wall=60.0)

            th = threading.Thread(target=contextvars.copy_context().run, args=(run,))
            th.start()
            time.sleep(rng.random() * delay)
            flag.set()
            th.join()
        os.write(1, f"round {k + 1}\n".encode())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=300)
    ap.add_argument("--delay", type=float, default=0.02, help="most seconds before the stop")
    ap.add_argument("--children", type=int, default=3, help="child processes per mode (seeds 0, 1, ...)")
    ap.add_argument("--child", nargs=3, metavar=("MODE", "ROUNDS", "SEED"), help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        child(a.child[0], int(a.child[1]), a.delay, int(a.child[2]))
        return
    print(f"uptime: {os.getloadavg()}")
    for mode in ("raw", "engine"):
        for seed in range(a.children):
            t0 = time.perf_counter()
            out = subprocess.run([sys.executable, __file__, "--delay", str(a.delay), "--child", mode, str(a.rounds),
                                  str(seed)], capture_output=True, text=True, cwd=ROOT,
                                 env={**os.environ, "PYTHONPATH": str(ROOT)})
            done = out.stdout.count("round ")
            wall = time.perf_counter() - t0
            why = next((ln for ln in out.stderr.splitlines() if "Check failed" in ln), "")
            verdict = f"ABORTED after {done} rounds (exit {out.returncode}): {why}" if out.returncode else "no abort"
            print(f"{mode:6s} seed {seed}: {done:4d} rounds, {1000 * wall / max(1, done):6.1f} ms a round; {verdict}")


if __name__ == "__main__":
    main()
