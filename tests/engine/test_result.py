"""Result objects state their status loudly: a rejected schedule is never 'ok'."""

from __future__ import annotations

import pytest

from ntm_sched.engine.checker import CheckReport, Violation
from ntm_sched.engine.problem import Mode, Problem, Resource, Task
from ntm_sched.engine.result import (
    NotSolvedError,
    Payment,
    Result,
    Solution,
    Status,
    TaskSchedule,
    TierResult,
)


def _solution() -> Solution:
    return Solution(
        {"a": TaskSchedule("a", 0, 3), "b": TaskSchedule("b", 2, 6, mode=1), "m": TaskSchedule("m", 6, 6)},
        (Payment("a", "s", 0, 30), Payment("a", "s", 3, 70), Payment("b", "x", 6, 5)),
    )


def test_solution_makespan_payments_and_resource_usage() -> None:
    sol = _solution()
    assert sol.makespan == 6 and Solution({}).makespan == 0
    assert [p.amount for p in sol.payments_of("a")] == [30, 70] and sol.payments_of("m") == []
    problem = Problem(
        tasks=(Task("a", (Mode(3, demands={"r": 2}),)),
               Task("b", (Mode(9, demands={"r": 5}), Mode(4, demands={"r": 1}))),
               Task("m", (Mode(0, demands={"r": 7}),))),
        resources=(Resource("r", 3),), horizon=8)
    # a uses 2 on [0,3), b in mode 1 uses 1 on [2,6), the milestone uses nothing
    assert sol.resource_usage(problem) == {"r": [2, 2, 3, 1, 1, 1, 0, 0]}


def test_ok_needs_a_status_a_schedule_and_the_checkers_word() -> None:
    sol = _solution()
    assert Result(Status.OPTIMAL, solution=sol).ok
    assert Result(Status.FEASIBLE, solution=sol, check=CheckReport()).ok
    assert not Result(Status.OPTIMAL).ok
    assert not Result(Status.INFEASIBLE, solution=sol).ok
    rejected = Result(Status.OPTIMAL, solution=sol, check=CheckReport([Violation("capacity", "r over by 1")]))
    assert not rejected.ok
    with pytest.raises(NotSolvedError, match=r"checker rejected the schedule:\n1 violation\(s\):\n  \[capacity\]"):
        rejected.raise_if_not_solved()
    with pytest.raises(NotSolvedError, match="status UNKNOWN"):
        Result(Status.UNKNOWN).raise_if_not_solved()
    good = Result(Status.OPTIMAL, solution=sol)
    assert good.raise_if_not_solved() is good


def test_summary_says_status_first_and_every_figure() -> None:
    r = Result(Status.FEASIBLE, objective=120.0, best_bound=100.0, gap=20 / 120, runtime_s=1.234,
               solution=_solution(), check=CheckReport(),
               tiers=[TierResult("lateness", Status.OPTIMAL, 0.0, 0.0, 0.5),
                      TierResult("extra_funding", Status.FEASIBLE, None, 3.0, 0.7)],
               notes=["time limit reached"])
    text = r.summary()
    assert text.startswith("FEASIBLE objective=120 bound=100 gap=16.67% time=1.23s makespan=6")
    assert "[lateness OPTIMAL 0 0.50s]" in text and "[extra_funding FEASIBLE None 0.70s]" in text
    assert "check=OK" in text and text.endswith("\ntime limit reached")
    bad = Result(Status.MODEL_INVALID, check=CheckReport([Violation("budget", "over")]))
    assert "check=FAILED(1 violations)" in bad.summary() and "[budget] over" in bad.summary()
    assert repr(bad).startswith("Result(MODEL_INVALID")
