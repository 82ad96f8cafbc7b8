"""The solve's clock (:mod:`ntm_sched.engine.clock`): deterministic time gives one answer at any load."""

from __future__ import annotations

import threading
from contextlib import contextmanager

import pytest

from ntm_sched.engine import Mode, Problem, Resource, SolveOptions, Task, solve
from ntm_sched.engine.clock import counting_work, deterministic, now, set_limit


def hard_rcpsp() -> Problem:
    """Forty tasks on two machines with a makespan objective: not proven within a short limit."""
    tasks = tuple(Task(f"T{k}", (Mode(3 + (7 * k) % 11, {"R": 1 + k % 2}),)) for k in range(40))
    return Problem(tasks, resources=(Resource("R", 2),), horizon=2000)


def _busy(stop: threading.Event) -> None:
    x = 0
    while not stop.is_set():
        x += 1


def test_a_deterministic_solve_cut_by_its_work_limit_gives_the_same_answer_under_load() -> None:
    opts = SolveOptions(time_limit=0.1, workers=1, seed=0, deterministic=True, explain=False, canonical=False)
    quiet = solve(hard_rcpsp(), opts)
    stop = threading.Event()
    load = threading.Thread(target=_busy, args=(stop,), daemon=True)  # the GIL and a core taken
    load.start()
    try:
        busy = solve(hard_rcpsp(), opts)
    finally:
        stop.set()
        load.join()
    assert quiet.solution is not None and busy.solution is not None
    assert quiet.objective == busy.objective
    assert {k: (v.start, v.end) for k, v in quiet.solution.tasks.items()} == \
           {k: (v.start, v.end) for k, v in busy.solution.tasks.items()}


def test_deterministic_time_needs_one_worker() -> None:
    with pytest.raises(ValueError, match="workers=1"):
        SolveOptions(workers=2, deterministic=True)


def test_the_clock_counts_work_inside_its_block_only() -> None:
    from ortools.sat.python import cp_model

    assert not deterministic()
    with counting_work(True, safety=30.0) as clock:
        assert deterministic() and now() == 0.0
        m = cp_model.CpModel()
        x = m.new_int_var(0, 10, "x")
        m.maximize(x)
        s = set_limit(cp_model.CpSolver(), 5.0)
        assert s.parameters.max_deterministic_time == 5.0 and s.parameters.max_time_in_seconds == 30.0
        clock.track(s)
        s.solve(m)
        assert now() >= 0.0 and clock.used() == now()  # each search counted once
    assert not deterministic()
    s = set_limit(cp_model.CpSolver(), 2.0)
    assert s.parameters.max_time_in_seconds == 2.0


def test_the_last_tiers_canonical_search_keeps_within_the_time_left(monkeypatch) -> None:
    """On the deterministic clock the last tier's folded canonical search (the earlier tiers proven) is not
    started with less work left than it may take: a 0.5-unit solve used 2.5 units when the fold alone could
    take 2 (its default)."""
    import dataclasses
    import importlib

    from ntm_sched.engine.problem import Objective

    engine_solve = importlib.import_module("ntm_sched.engine.solve")  # the module: the package exports the function

    base = hard_rcpsp()
    # one task necessarily late by one period (its lateness tier is proven at once), then the sum of the ends
    # (not proven within the limit)
    tasks = tuple(dataclasses.replace(t, end_weight=1, **({"due": t.modes[0].duration - 1, "tardiness_weight": 1}
                                                          if t.id == "T0" else {})) for t in base.tasks)
    problem = dataclasses.replace(base, tasks=tasks, objective=Objective(makespan=1, lexicographic=True))
    clocks = []
    real = engine_solve.counting_work

    @contextmanager
    def recording(on: bool, safety: float):
        with real(on, safety) as clock:
            clocks.append(clock)
            yield clock

    monkeypatch.setattr(engine_solve, "counting_work", recording)
    limit = 0.5
    opts = SolveOptions(time_limit=limit, workers=1, seed=0, deterministic=True, explain=False)
    res = solve(problem, opts)
    assert res.solution is not None and [t.name for t in res.tiers][0] == "lateness"
    assert res.tiers[0].status.value == "OPTIMAL"
    assert any("solved without the canonical search" in n for n in res.notes)
    assert clocks[0].used() <= limit + 0.2, clocks[0].used()
