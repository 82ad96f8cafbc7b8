"""Unlimited sources available only from a given period (Source.available_from)."""

from __future__ import annotations

import pytest

from ntm_sched.engine import (
    Mode,
    Objective,
    Payment,
    Problem,
    ProblemError,
    Source,
    Status,
    Task,
    TaskSchedule,
    Tranche,
    check,
    solve,
)
from ntm_sched.engine.result import Solution


def extra_from(available_from: int, makespan_weight: int = 2) -> Problem:
    """A costs 10 (5 at start, 5 at end); S releases 5 at 0 and 5 at 10; X is cheap extra money."""
    return Problem(
        tasks=(Task("A", (Mode(2, cost=10),)),),
        sources=(Source("S", (Tranche(0, 5), Tranche(10, 5))),
                 Source("X", unlimited=True, unit_price=1, available_from=available_from)),
        horizon=30,
        advance_share=0.5,
        objective=Objective(makespan=makespan_weight, extra_funding=1),
    )


def test_extra_money_only_from_its_date():
    r = solve(extra_from(6), time_limit=5).raise_if_not_solved()
    a = r.solution.tasks["A"]
    assert a.end == 6  # the remainder is drawn from X as soon as X is available
    assert all(p.time >= 6 for p in r.solution.payments if p.source == "X")
    assert r.objective == 2 * 6 + 5
    assert r.check.ok


def test_extra_money_from_zero_is_the_default():
    r = solve(extra_from(0), time_limit=5).raise_if_not_solved()
    assert r.solution.tasks["A"].end == 2


def test_extra_money_too_late_to_help():
    r = solve(extra_from(20), time_limit=5).raise_if_not_solved()
    assert r.solution.tasks["A"].end == 10  # waiting for the second tranche beats waiting for X
    assert all(p.source == "S" for p in r.solution.payments)


def test_single_source_task_waits_for_extra_money():
    p = Problem(
        tasks=(Task("A", (Mode(3, cost=9),), sources=frozenset({"X"})),),
        sources=(Source("X", unlimited=True, unit_price=1, available_from=4),),
        horizon=30,
        objective=Objective(makespan=1, extra_funding=1),
    )
    r = solve(p, time_limit=5).raise_if_not_solved()
    assert r.solution.tasks["A"].start == 4


def test_checker_rejects_early_extra_payment():
    p = extra_from(6)
    sol = Solution({"A": TaskSchedule("A", 0, 2)}, (Payment("A", "S", 0, 5), Payment("A", "X", 2, 5)))
    rep = check(p, sol)
    assert rep.kinds() == {"source"}
    assert "before it is available" in str(rep)


def test_available_from_is_validated():
    with pytest.raises(ProblemError):
        Source("X", unlimited=True, available_from=-1)
    with pytest.raises(ProblemError):
        Source("S", (Tranche(0, 5),), available_from=3)


def test_infeasible_because_of_the_date_is_explained():
    p = Problem(
        tasks=(Task("A", (Mode(3, cost=9),), due=5, due_hard=True, sources=frozenset({"X"})),),
        sources=(Source("X", unlimited=True, unit_price=1, available_from=4),),
        horizon=30,
    )
    r = solve(p, time_limit=2)
    assert r.status == Status.INFEASIBLE
    assert r.explanation.names("deadline") == ["A"]
    assert r.explanation.names("source") == ["X"]
