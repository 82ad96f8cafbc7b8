"""Solver behaviour on small hand-made problems (seed 0, one worker)."""

from __future__ import annotations

import dataclasses

import pytest

from ntm_sched.engine import (
    Calendar,
    Mode,
    Objective,
    Precedence,
    Problem,
    Resource,
    SolveOptions,
    Source,
    Status,
    Task,
    Tranche,
    elapsed_end,
    solve,
)
from ntm_sched.engine.problem import ProblemError
from ntm_sched.engine.result import NotSolvedError
from tests.engine.engine_helpers import small_problem

MK = Objective(tardiness=0, late_count=0, extra_funding=0, makespan=1)


def test_small_problem_solves_and_checks(problem):
    r = solve(problem, time_limit=5)
    assert r.status == Status.OPTIMAL and r.ok
    assert r.check is not None and r.check.ok  # solve() ran the independent checker
    a = r.solution.tasks["A"]
    assert a.end == elapsed_end(a.start, 3, problem.calendar("C"))


def test_task_spanning_break_is_extended():
    p = Problem(
        tasks=(Task("T", (Mode(3),), release=1, calendar="C"),),
        calendars=(Calendar("C", ((2, 4),)),),
        horizon=20,
        objective=MK,
    )
    r = solve(p, time_limit=5)
    t = r.raise_if_not_solved().solution.tasks["T"]
    # start 1: one period of work, two periods of break, two more periods of work
    assert (t.start, t.end) == (1, 6)


def test_start_in_break_never_chosen():
    # the break [0, 3) starts the horizon: the task may only start at 3
    p = Problem(
        tasks=(Task("T", (Mode(2),), calendar="C"),),
        calendars=(Calendar("C", ((0, 3), (6, 8))),),
        horizon=20,
        objective=MK,
    )
    t = solve(p, time_limit=5).raise_if_not_solved().solution.tasks["T"]
    assert (t.start, t.end) == (3, 5)


def test_multi_break_chain_matches_elapsed_end():
    cal = Calendar("C", ((3, 5), (7, 8), (9, 12)))
    p = Problem(
        tasks=(Task("T", (Mode(6),), release=2, calendar="C"),),
        calendars=(cal,),
        horizon=40,
        objective=MK,
    )
    t = solve(p, time_limit=5).raise_if_not_solved().solution.tasks["T"]
    assert t.start == 2 and t.end == elapsed_end(2, 6, cal) == 14


def test_capacity_profile_respected():
    p = Problem(
        tasks=(Task("A", (Mode(2, {"R": 2}),)), Task("B", (Mode(2, {"R": 2}),))),
        resources=(Resource("R", 2, profile=((0, 5, 0), (7, 8, 1))),),
        horizon=30,
        objective=MK,
    )
    r = solve(p, time_limit=5).raise_if_not_solved()
    # [0,5) closed, one task in [5,7), capacity 1 in period 7, second task in [8,10)
    assert r.solution.makespan == 10
    use = r.solution.resource_usage(p)["R"]
    assert all(use[t] <= p.resources[0].capacity_at(t) for t in range(len(use)))


def money_problem(price: int) -> Problem:
    return Problem(
        tasks=(Task("A", (Mode(2, cost=10),)),),
        sources=(Source("S", (Tranche(0, 5), Tranche(10, 5))), Source("X", unlimited=True, unit_price=price)),
        horizon=30,
        advance_share=0.5,
        objective=Objective(makespan=1, extra_funding=1),
    )


def test_late_tranche_delays_task_when_extra_funding_is_dear():
    p = money_problem(price=10)
    r = solve(p, time_limit=5).raise_if_not_solved()
    a = r.solution.tasks["A"]
    assert a.end == 10  # remainder 5 may only be paid once the second tranche is out
    assert all(pay.source == "S" for pay in r.solution.payments)
    # the payments by hand: advance floor(0.5 * 10) = 5 at the start, 5 at the end, both from S
    assert sorted((pay.time, pay.amount) for pay in r.solution.payments) == [(a.start, 5), (a.end, 5)]


def test_late_tranche_draws_extra_funding_when_cheap():
    p = money_problem(price=1)
    r = solve(p, time_limit=5).raise_if_not_solved()
    assert r.solution.tasks["A"].end == 2
    drawn = sum(pay.amount for pay in r.solution.payments if pay.source == "X")
    assert drawn == 5 and r.objective == 2 + 5


def test_no_extra_source_means_delay_never_overdraw():
    p = Problem(
        tasks=(Task("A", (Mode(2, cost=10),)), Task("B", (Mode(1, cost=6),))),
        sources=(Source("S", (Tranche(0, 6), Tranche(4, 4), Tranche(9, 6))),),
        horizon=30,
        advance_share=0.5,
        objective=MK,
    )
    r = solve(p, time_limit=5).raise_if_not_solved()
    assert r.check.ok
    assert r.solution.makespan == 9  # 16 units in total, the last 6 only at 9


def test_unaffordable_is_infeasible():
    p = Problem(
        tasks=(Task("A", (Mode(2, cost=10),)),),
        sources=(Source("S", (Tranche(0, 5),)),),
        horizon=30,
        objective=MK,
    )
    r = solve(p, time_limit=5)
    assert r.status == Status.INFEASIBLE and not r.ok
    # money short whatever the schedule: found without CP-SAT, with the amounts
    assert r.explanation.names("money") == ["total"]
    assert r.explanation.shortfall == {"cost": 10, "released": 5}
    assert r.explanation.names("source") == ["S"]  # relaxing the tranche limit alone makes it feasible
    with pytest.raises(NotSolvedError, match="INFEASIBLE"):
        r.raise_if_not_solved()


def two_on_one_machine(hard: bool, wa: int = 5, wb: int = 1) -> Problem:
    return Problem(
        tasks=(
            Task("A", (Mode(3, {"M": 1}),), due=3, due_hard=hard, tardiness_weight=wa),
            Task("B", (Mode(3, {"M": 1}),), due=3, due_hard=hard, tardiness_weight=wb),
            Task("C", (Mode(1),), due=1, due_hard=True),
        ),
        resources=(Resource("M", 1),),
        horizon=20,
    )


def test_soft_due_dates_late_task_is_the_cheap_one():
    r = solve(two_on_one_machine(hard=False), time_limit=5).raise_if_not_solved()
    assert r.solution.tasks["A"].end == 3 and r.solution.tasks["B"].end == 6
    assert r.objective == 1 * 3  # tardiness 3 of weight 1; late_weight is 0
    r = solve(two_on_one_machine(hard=False, wa=1, wb=5), time_limit=5).raise_if_not_solved()
    assert r.solution.tasks["B"].end == 3


def test_infeasible_hard_deadlines_are_explained():
    r = solve(two_on_one_machine(hard=True), time_limit=5)
    assert r.status == Status.INFEASIBLE
    ex = r.explanation
    assert sorted(ex.names("deadline")) == ["A", "B"]  # C's deadline is not part of the conflict
    assert ex.names("resource") == ["M"]
    assert sum(ex.extra_periods.values()) == 3
    assert "A" in ex.sentence and "B" in ex.sentence and "M" in ex.sentence
    assert repr(r).startswith("Result(INFEASIBLE")


def test_accelerated_mode_chosen_when_it_pays():
    def prob(tw: int) -> Problem:
        t = Task("T", (Mode(10, name="normal"), Mode(4, cost=7, name="accelerated")), due=5, tardiness_weight=tw)
        return Problem(tasks=(t,), horizon=20, objective=Objective(cost=1, late_count=0))

    assert solve(prob(2), time_limit=5).raise_if_not_solved().solution.tasks["T"].mode == 1  # 7 < 2*5
    assert solve(prob(1), time_limit=5).raise_if_not_solved().solution.tasks["T"].mode == 0  # 7 > 1*5


def test_hint_accepted_and_deterministic(problem):
    r1 = solve(problem, time_limit=5)
    r2 = solve(problem, time_limit=5, hint=r1.solution)
    assert r2.ok and r2.objective == r1.objective
    r3 = solve(problem, time_limit=5)
    assert r3.solution == r1.solution


def test_ss_precedence_and_negative_lag():
    p = Problem(
        tasks=(Task("A", (Mode(4),), release=2), Task("B", (Mode(2),)), Task("C", (Mode(1),))),
        precedences=(Precedence("A", "B", "SS", 1), Precedence("A", "C", "FS", -3)),
        horizon=20,
        objective=MK,
    )
    r = solve(p, time_limit=5).raise_if_not_solved()
    s = r.solution.tasks
    assert s["B"].start >= s["A"].start + 1 and s["C"].start >= s["A"].end - 3


def test_checker_rejection_is_never_a_success(monkeypatch, problem):
    import sys

    solve_mod = sys.modules["ntm_sched.engine.solve"]

    real = solve_mod.run_solver

    def broken(bm, solver):
        st, sol = real(bm, solver)
        tasks = dict(sol.tasks)
        tasks["C"] = dataclasses.replace(tasks["C"], end=tasks["C"].end + 1)
        return st, dataclasses.replace(sol, tasks=tasks)

    monkeypatch.setattr(solve_mod, "run_solver", broken)
    with pytest.warns(RuntimeWarning, match="rejected"):
        r = solve(problem, SolveOptions(time_limit=5, canonical=False))
    assert r.status == Status.MODEL_INVALID and not r.ok
    assert "CHECKER REJECTED" in r.summary()
    with pytest.raises(NotSolvedError, match="MODEL_INVALID"):
        r.raise_if_not_solved()


def test_a_broken_canonical_schedule_is_rejected_too(monkeypatch, problem):
    """The canonical search replaces the schedule found: the checker judges the one shown."""
    import sys

    can_mod = sys.modules["ntm_sched.engine.canonical"]
    real = can_mod.canonicalize

    def broken(*args, **kwargs):
        sol, can, values = real(*args, **kwargs)
        tasks = dict(sol.tasks)
        tasks["C"] = dataclasses.replace(tasks["C"], end=tasks["C"].end + 1)
        return dataclasses.replace(sol, tasks=tasks), can, values

    monkeypatch.setattr(sys.modules["ntm_sched.engine.solve"], "canonicalize", broken)
    with pytest.warns(RuntimeWarning, match="rejected"):
        r = solve(problem, time_limit=5)
    assert r.status == Status.MODEL_INVALID and not r.ok


def test_budget_limits_mode_choice():
    from ntm_sched.engine import Budget

    t1 = Task("T1", (Mode(2, nonrenewable={"N": 5}), Mode(6, nonrenewable={"N": 1})))
    t2 = Task("T2", (Mode(2, nonrenewable={"N": 5}), Mode(6, nonrenewable={"N": 1})))
    p = Problem(tasks=(t1, t2), precedences=(Precedence("T1", "T2"),), budgets=(Budget("N", 6),), horizon=30,
                objective=MK)
    r = solve(p, time_limit=5).raise_if_not_solved()
    assert r.solution.makespan == 8


def test_small_problem_variants_stay_valid():
    p = small_problem(sources=(Source("S", (Tranche(0, 3), Tranche(9, 20))), Source("X", unlimited=True,
                                                                                    unit_price=100)))
    r = solve(p, time_limit=5).raise_if_not_solved()
    assert r.check.ok


def test_deadline_blocked_by_money_names_the_source():
    p = Problem(
        tasks=(Task("A", (Mode(2, cost=10),), due=5, due_hard=True), Task("B", (Mode(1),), due=3, due_hard=True)),
        sources=(Source("S", (Tranche(0, 5), Tranche(10, 5))),),
        horizon=30,
        advance_share=0.5,
        objective=MK,
    )
    r = solve(p, time_limit=5)
    assert r.status == Status.INFEASIBLE
    assert r.explanation.names("deadline") == ["A"]
    assert r.explanation.names("source") == ["S"]
    assert r.explanation.extra_periods == {"A": 5}
    assert "deadline of A needs +5 periods" in r.explanation.sentence


def test_result_summary_and_gap(problem):
    r = solve(problem, time_limit=5)
    assert r.summary().startswith("OPTIMAL") and r.gap == 0.0 and r.check.ok
    assert r.raise_if_not_solved() is r


def test_end_weight_asks_for_the_earliest_date_no_deadline_pins():
    """A milestone with slack: its date is only an answer when it is asked for (issue 10)."""
    def problem(weight: int) -> Problem:
        return Problem(
            tasks=(Task("work", (Mode(4),)),
                   Task("milestone", (Mode(2),), due=30, late_weight=100, tardiness_weight=1, end_weight=weight),
                   Task("other", (Mode(9),), due=9, late_weight=100)),
            precedences=(Precedence("work", "milestone"),),
            horizon=40, objective=Objective(lexicographic=True, makespan=0, cost=0),
        )
    r = solve(problem(3), time_limit=5, workers=1, seed=0, explain=False)
    assert r.status == Status.OPTIMAL
    assert r.solution.tasks["milestone"].end == 6
    assert [t.name for t in r.tiers] == ["lateness", "rest"]
    assert r.tiers[-1].value == 3 * 6
    with pytest.raises(ProblemError, match="negative weight"):
        Task("x", (Mode(1),), end_weight=-1)
