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


def test_a_flag_of_one_context_stops_its_solves_not_the_other_threads():
    import contextvars

    from ortools.sat.python import cp_model

    from ntm_sched.engine.cpsat import make_solver
    from ntm_sched.engine.stop import stopping_here

    flag = StopFlag()
    times: dict[str, float] = {}

    def run(name: str, limit: float) -> None:
        m = cp_model.CpModel()  # hard_rcpsp's tasks on two machines, least makespan: not proven within seconds
        ends, jobs = [], []
        for k in range(40):
            size = 3 + (7 * k) % 11
            s = m.new_int_var(0, 2000, f"s{k}")
            ends.append(s + size)
            jobs.append((m.new_fixed_size_interval_var(s, size, f"i{k}"), 1 + k % 2))
        m.add_cumulative([i for i, _ in jobs], [d for _, d in jobs], 2)
        span = m.new_int_var(0, 2000, "span")
        m.add_max_equality(span, ends)
        m.minimize(span)
        t0 = time.perf_counter()
        make_solver(limit, 1, 0, False).solve(m)
        times[name] = time.perf_counter() - t0

    def here() -> None:
        with stopping_here(flag):
            run("here", 8)

    other = threading.Thread(target=run, args=("other", 1.5))
    mine = threading.Thread(target=contextvars.copy_context().run, args=(here,))
    other.start()
    mine.start()
    time.sleep(0.5)
    flag.set()
    mine.join()
    other.join()
    assert times["here"] < 5  # stopped, not run to its 8 s
    assert times["other"] >= 1.4  # the other thread's solve ran to its limit
    assert not stop_requested()  # the flag of a context is not the current one
