"""Stopping the engine's searches from another thread (:mod:`ntm_sched.engine.stop`)."""

from __future__ import annotations

import threading
import time

from ntm_sched.engine import Mode, Problem, Resource, Task, solve
from ntm_sched.engine.stop import StopFlag, stop_requested, stopping


def hard_rcpsp() -> Problem:
    """Forty tasks on two machines with a makespan objective: not proven within seconds."""
    tasks = tuple(Task(f"T{k}", (Mode(3 + (7 * k) % 11, {"R": 1 + k % 2}),)) for k in range(40))
    return Problem(tasks, resources=(Resource("R", 2),), horizon=2000)


def test_a_set_flag_stops_a_running_solve_and_every_later_one():
    flag = StopFlag()
    with stopping(flag):
        threading.Timer(0.5, flag.set).start()
        t0 = time.perf_counter()
        res = solve(hard_rcpsp(), time_limit=60, workers=1, explain=False)
        assert time.perf_counter() - t0 < 10  # stopped, not run to its 60 s
        assert res.status.value != "OPTIMAL" or res.best_bound == res.objective
        assert stop_requested()
        t0 = time.perf_counter()
        solve(hard_rcpsp(), time_limit=60, workers=1, explain=False)
        assert time.perf_counter() - t0 < 10
    assert not stop_requested()  # the flag is current only inside the block
