"""The independent checker detects every class of violation."""

from __future__ import annotations

import dataclasses

import pytest

from ntm_sched.engine import Budget, Payment, Solution, Source, TaskSchedule, Tranche, check
from ntm_sched.engine.result import CheckError
from tests.engine.engine_helpers import small_problem


def with_task(sol: Solution, tid: str, start: int, end: int, mode: int = 0, repay: bool = True) -> Solution:
    """Move a task and (optionally) its payments along."""
    old = sol.tasks[tid]
    tasks = dict(sol.tasks)
    tasks[tid] = TaskSchedule(tid, start, end, mode)
    pays = []
    for p in sol.payments:
        if p.task_id == tid and repay:
            p = dataclasses.replace(p, time=start if p.time == old.start else end)
        pays.append(p)
    return Solution(tasks, tuple(pays))


def test_valid_solution_passes(problem, solution):
    rep = check(problem, solution)
    assert rep.ok, str(rep)
    assert rep.raise_if_failed() is rep


def test_precedence_with_lag(problem, solution):
    rep = check(problem, with_task(solution, "B", 7, 9))  # FS lag 1 needs B >= 8
    assert rep.kinds() == {"precedence"}
    assert rep.violations[0].task == "B"
    with pytest.raises(CheckError, match="precedence"):
        rep.raise_if_failed()


def test_capacity(problem, solution):
    rep = check(problem, with_task(solution, "C", 3, 4))  # A uses 2 of 2 there
    assert rep.kinds() == {"capacity"}
    assert (rep.violations[0].resource, rep.violations[0].period) == ("R", 3)


def test_capacity_profile(problem, solution):
    rep = check(problem, with_task(solution, "B", 9, 11))  # capacity 0 in [10, 12)
    assert rep.kinds() == {"capacity"}
    assert rep.violations[0].period == 10


def test_start_in_break_rejected(problem, solution):
    rep = check(problem, with_task(solution, "A", 4, 9))
    assert "calendar" in rep.kinds()


def test_pause_not_applied_is_a_duration_error(problem, solution):
    rep = check(problem, with_task(solution, "A", 2, 5))  # spans the break: must end at 7
    assert "duration" in rep.kinds()


def test_budget(solution):
    rep = check(small_problem(budgets=(Budget("N", 4),)), solution)
    assert rep.kinds() == {"budget"}


def test_overdrawn_source(solution):
    p = small_problem(sources=(Source("S", (Tranche(0, 2), Tranche(3, 20))), Source("X", unlimited=True)))
    rep = check(p, solution)
    assert rep.kinds() == {"source"}
    assert (rep.violations[0].source, rep.violations[0].period) == ("S", 2)


def test_wrong_instalment(problem, solution):
    pays = list(solution.payments)
    pays[0] = Payment("A", "S", 2, 2)  # advance must be floor(0.3 * 10) = 3
    pays[1] = Payment("A", "S", 7, 8)
    rep = check(problem, Solution(solution.tasks, tuple(pays)))
    assert rep.kinds() == {"payment"}
    assert len(rep.violations) == 2


def test_payment_at_wrong_time_and_source(problem, solution):
    pays = list(solution.payments)
    pays[1] = Payment("A", "X", 7, 7)  # A may only use S
    pays.append(Payment("B", "X", 9, 0))
    rep = check(problem, Solution(solution.tasks, tuple(pays)))
    msgs = " ".join(str(v) for v in rep.violations)
    assert "allowed" in msgs and "neither its start" in msgs


def test_negative_payment(problem, solution):
    pays = list(solution.payments) + [Payment("B", "S", 8, -1), Payment("B", "X", 8, 1)]
    rep = check(problem, Solution(solution.tasks, tuple(pays)))
    assert any("negative" in v.message for v in rep.violations)


def test_hard_deadline(solution):
    p = small_problem()
    tasks = list(p.tasks)
    tasks[1] = dataclasses.replace(tasks[1], due=9)
    rep = check(dataclasses.replace(p, tasks=tuple(tasks)), solution)
    assert rep.kinds() == {"deadline"}
    assert rep.violations[0].task == "B"


def test_soft_deadline_is_not_a_violation(solution):
    p = small_problem()
    tasks = list(p.tasks)
    tasks[1] = dataclasses.replace(tasks[1], due=9, due_hard=False)
    assert check(dataclasses.replace(p, tasks=tuple(tasks)), solution).ok


def test_missing_task_invalid_mode_release_horizon(problem, solution):
    tasks = dict(solution.tasks)
    del tasks["C"]
    assert "schedule" in check(problem, Solution(tasks, solution.payments)).kinds()
    assert "mode" in check(problem, with_task(solution, "C", 0, 1, mode=1)).kinds()
    rep = check(problem, with_task(solution, "C", 29, 30))
    assert rep.ok
    rep = check(dataclasses.replace(problem, horizon=9), solution)
    assert rep.kinds() == {"horizon"}
    late = dataclasses.replace(problem.tasks[2], release=1)
    rep = check(dataclasses.replace(problem, tasks=(*problem.tasks[:2], late)), solution)
    assert rep.kinds() == {"release"}
