"""Lexicographic objective: lateness first, then extra funding, then the rest."""

from __future__ import annotations

import dataclasses

from ntm_sched.engine import Mode, Objective, Problem, Resource, Source, Status, Task, Tranche, solve
from tests.engine.engine_helpers import small_problem


def late_or_pay(lexicographic: bool) -> Problem:
    """A (cost 10, half at start) is due at 2; S pays 5 now and 5 at 10; extra money X costs 10 a unit.

    On time A needs 5 units of X (50); waiting for the second tranche makes it 8 periods late (8)."""
    return Problem(
        tasks=(Task("A", (Mode(2, cost=10),), due=2, tardiness_weight=1),
               Task("B", (Mode(1),), due=30, tardiness_weight=1)),
        sources=(Source("S", (Tranche(0, 5), Tranche(10, 5))), Source("X", unlimited=True, unit_price=10)),
        horizon=30,
        advance_share=0.5,
        objective=Objective(tardiness=1, late_count=0, extra_funding=1, makespan=0, lexicographic=lexicographic),
    )


def test_weighted_prefers_being_late():
    r = solve(late_or_pay(False), time_limit=5).raise_if_not_solved()
    assert r.solution.tasks["A"].end == 10
    assert r.objective == 8 and r.tiers == []


def test_lexicographic_meets_the_deadline_and_pays():
    r = solve(late_or_pay(True), time_limit=5).raise_if_not_solved()
    assert r.status == Status.OPTIMAL
    assert r.solution.tasks["A"].end == 2
    assert sum(p.amount for p in r.solution.payments if p.source == "X") == 5
    assert [t.name for t in r.tiers] == ["lateness", "extra_funding"]  # no cost or makespan terms: no third tier
    assert [t.value for t in r.tiers] == [0, 50]
    assert all(t.status == Status.OPTIMAL for t in r.tiers)
    assert r.objective == 50 and r.best_bound == 50 and r.gap == 0  # same weights as the weighted model
    assert r.check.ok
    assert "lateness" in r.summary()


def test_lexicographic_rest_tier_and_determinism():
    base = small_problem()
    p = dataclasses.replace(base, objective=Objective(cost=1, makespan=2, lexicographic=True))
    r1 = solve(p, time_limit=5, workers=1, seed=7).raise_if_not_solved()
    r2 = solve(p, time_limit=5, workers=1, seed=7).raise_if_not_solved()
    assert r1.solution == r2.solution
    assert [(t.name, t.value) for t in r1.tiers] == [(t.name, t.value) for t in r2.tiers]
    assert r1.status == Status.OPTIMAL and r1.best_bound == r1.objective
    w = solve(dataclasses.replace(p, objective=Objective(cost=1, makespan=2)), time_limit=5)
    # here the tiers do not conflict, so both agree on the optimum
    assert w.objective == r1.objective


def test_lexicographic_infeasible_is_explained():
    p = dataclasses.replace(late_or_pay(True), tasks=(Task("A", (Mode(3),), due=2, due_hard=True),
                                                      Task("B", (Mode(1),), due=0, tardiness_weight=1)))
    r = solve(p, time_limit=2)
    assert r.status == Status.INFEASIBLE
    # A's deadline is before its earliest end: proven without search, so no tier is solved
    assert r.tiers == [] and r.notes[0].startswith("infeasible without search")
    assert r.explanation.names("deadline") == ["A"]
    # a conflict only search can find still goes through the lateness tier
    q = dataclasses.replace(late_or_pay(True), tasks=(Task("A", (Mode(3, {"M": 1}),), due=3, due_hard=True),
                                                      Task("C", (Mode(3, {"M": 1}),), due=3, due_hard=True),
                                                      Task("B", (Mode(1),), due=30, tardiness_weight=1)),
                            resources=(Resource("M", 1),))
    r = solve(q, time_limit=2)
    assert r.status == Status.INFEASIBLE
    assert [(t.name, t.status) for t in r.tiers] == [("lateness", Status.INFEASIBLE)]


def test_lexicographic_with_extra_money_from_a_date():
    # X only from period 5: money now restricts the schedule, the lateness tier runs on the full model
    p = late_or_pay(True)
    p = dataclasses.replace(p, sources=(p.sources[0], dataclasses.replace(p.sources[1], available_from=5)))
    r = solve(p, time_limit=5).raise_if_not_solved()
    assert r.solution.tasks["A"].end == 5
    assert [t.value for t in r.tiers] == [3, 50]
    assert r.status == Status.OPTIMAL and r.objective == 53
    w = solve(dataclasses.replace(p, objective=dataclasses.replace(p.objective, lexicographic=False)), time_limit=5)
    assert w.solution.tasks["A"].end == 10 and w.objective == 8


def test_when_cp_sat_finds_no_schedule_the_warm_start_is_kept(monkeypatch):
    """A province's lateness tier can end without a schedule (thousands of tasks); the serial generator's
    schedule, completed on the full model, is then the answer (FEASIBLE, checked) instead of none."""
    import importlib

    from ortools.sat.python import cp_model

    engine_solve = importlib.import_module("ntm_sched.engine.solve")  # the module, not the function

    p = Problem((Task("A", (Mode(3, cost=10),), due=2, tardiness_weight=5), Task("B", (Mode(2, cost=4),))),
                sources=(Source("S", (Tranche(0, 5),)), Source("X", unlimited=True, unit_price=1)),
                horizon=20, objective=Objective(lexicographic=True, cost=1))
    made = []
    real = engine_solve.make_solver

    def first_finds_nothing(*a, **kw):
        solver = real(*a, **kw)
        made.append(solver)
        if len(made) == 1:  # the payment-free lateness tier: it runs (a bound) but reports no schedule
            run = solver.solve
            monkeypatch.setattr(solver, "solve", lambda model, *x, **y: (run(model), cp_model.UNKNOWN)[1])
        return solver

    monkeypatch.setattr(engine_solve, "make_solver", first_finds_nothing)
    r = solve(p, time_limit=10, workers=1, seed=0)
    assert r.status == Status.FEASIBLE and r.check.ok
    assert r.tiers[0].value == 5  # A ends at 3, one period late
    assert any("serial generator" in n for n in r.notes)
