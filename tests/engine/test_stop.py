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


def test_once_a_contexts_flag_is_set_its_next_search_is_abandoned_not_started():
    """A run overtaken (its flag of ``stopping_here`` set) ends at its next search instead of running its remaining
    steps on stopped solvers; the current flag of ``stopping`` (a Cancel button) still returns stopped solvers, and
    the other contexts are untouched."""
    import contextvars

    import pytest

    from ntm_sched.engine.cpsat import make_solver
    from ntm_sched.engine.stop import Abandoned, stopping_here

    flag = StopFlag()
    steps: list[str] = []

    def overtaken() -> None:
        with stopping_here(flag):
            make_solver(5, 1, 0, False)
            steps.append("first search")
            flag.set()
            make_solver(5, 1, 0, False)
            steps.append("second search")  # not reached

    with pytest.raises(Abandoned):
        contextvars.copy_context().run(overtaken)
    assert steps == ["first search"]

    def overtaken_generator() -> None:  # the warm start's tries are Python, not searches: they end there too
        from ntm_sched.engine.heuristic import best_start
        from tests.engine.engine_helpers import small_problem

        with stopping_here(flag):
            best_start(small_problem(), time_budget=5, seed=0)
            steps.append("tries made")  # not reached

    with pytest.raises(Abandoned):
        contextvars.copy_context().run(overtaken_generator)
    assert steps == ["first search"]
    assert make_solver(5, 1, 0, False) is not None  # this context never had the flag

    cancel = StopFlag()
    cancel.set()
    with stopping(cancel):
        solver = make_solver(5, 1, 0, False)  # a Cancel button's flag: stopped at once, not raised
    assert solver.parameters.max_time_in_seconds == pytest.approx(0.001)


def test_a_search_repairing_its_hint_is_stopped_only_from_its_first_solution():
    """OR-Tools 9.15 aborts the process ("Check failed: heuristics.fixed_search != nullptr") when a search with
    ``repair_hint`` is stopped at one moment of its start (``benchmarks/stop_abort.py``: within 10-150 random stops):
    a flag stops such a search only once its solution callback :func:`past_start` has seen a solution, and one
    attached after the flag is set drops ``repair_hint`` before it is cut to a millisecond. The canonical search's
    first step is one such search."""
    import contextvars

    from ortools.sat.python import cp_model

    from ntm_sched.engine import canonical
    from ntm_sched.engine.stop import attach, past_start, stopping_here

    def solver(repair: bool) -> cp_model.CpSolver:
        s = cp_model.CpSolver()
        s.parameters.repair_hint = repair
        stops: list[int] = []
        s.stop_search = lambda: stops.append(1)  # type: ignore[method-assign]
        s.stops = stops  # type: ignore[attr-defined]
        return s

    flag = StopFlag()
    with stopping(flag):
        repairing, plain = attach(solver(True)), attach(solver(False))
        callback = past_start(repairing)
        flag.set()
        time.sleep(0.12)  # the watcher repeats the stop every 50 ms
        assert repairing.stops == [] and len(plain.stops) >= 2  # type: ignore[attr-defined]
        callback.on_solution_callback()  # its first solution: stopped from now on
        time.sleep(0.12)
        assert len(repairing.stops) >= 1  # type: ignore[attr-defined]
        late = attach(solver(True))  # attached once the flag is set: cut to a millisecond, without repair_hint
        assert not late.parameters.repair_hint and late.parameters.max_time_in_seconds == 0.001

    # the canonical search's first step asks for repair_hint before its solver is attached (so that attach sees it)
    made: list[cp_model.CpSolver] = []
    real = canonical.attach

    def recording(s: cp_model.CpSolver) -> cp_model.CpSolver:
        made.append(s)
        assert s.parameters.repair_hint == (len(made) == 1)
        return real(s)

    canonical.attach = recording
    try:
        mine = StopFlag()

        def run() -> None:
            with stopping_here(mine):
                canonical.canonicalize(hard_rcpsp(), {}, tiers_proven=True, work=0.05, wall=60.0)

        contextvars.copy_context().run(run)
    finally:
        canonical.attach = real
    assert len(made) >= 1 and made[0]._ntm_past_start  # type: ignore[attr-defined]
