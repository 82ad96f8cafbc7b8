"""The bucketed cash-flow formulation (engine.cashflow), the money-aware SGS (engine.heuristic) and
the deadline LNS (engine.lns): exact, bounds valid, schedules checked. One worker, fixed seeds."""

from __future__ import annotations

import dataclasses
import random

import pytest

from ntm_sched.engine import (
    Calendar,
    Mode,
    Objective,
    Precedence,
    Problem,
    Resource,
    Source,
    Status,
    Task,
    Tranche,
    check,
    solve,
)
from ntm_sched.engine.builder import build_model, money_never_binds
from ntm_sched.engine.cashflow import longest_tails
from ntm_sched.engine.cpsat import make_solver
from ntm_sched.engine.heuristic import lateness_value, money_sgs


def money_bound_problem(seed: int) -> Problem:
    """4-6 tasks in chains, soft deadlines, two limited sources and extra money only from a late date."""
    rnd = random.Random(seed)
    n = rnd.randint(4, 6)
    tasks = []
    for i in range(n):
        modes = [Mode(rnd.randint(1, 5), {"R": rnd.randint(0, 2)}, cost=rnd.choice([0, 6, 10, 14]))]
        if rnd.random() < 0.4:
            modes.append(Mode(max(1, modes[0].duration - 2), {"R": 2}, cost=modes[0].cost + 4))
        due = rnd.randint(6, 18) if rnd.random() < 0.6 else None
        tasks.append(Task(f"T{i}", tuple(modes), release=rnd.randint(0, 2), due=due,
                          tardiness_weight=rnd.randint(1, 3) if due else 0,
                          late_weight=rnd.randint(0, 10) if due else 0,
                          calendar="W" if rnd.random() < 0.4 else None,
                          sources=frozenset(rnd.sample(["S1", "S2", "X"], rnd.randint(1, 3)))))
    precs = tuple(Precedence(f"T{i}", f"T{j}") for i in range(n) for j in range(i + 1, n) if rnd.random() < 0.3)
    return Problem(
        tasks=tuple(tasks), precedences=precs,
        resources=(Resource("R", 3),),
        calendars=(Calendar("W", ((rnd.randint(3, 6), rnd.randint(7, 8)),)),),
        sources=(Source("S1", (Tranche(0, rnd.randint(5, 12)), Tranche(rnd.randint(4, 12), rnd.randint(5, 15)))),
                 Source("S2", (Tranche(rnd.randint(0, 8), rnd.randint(4, 12)),)),
                 Source("X", unlimited=True, unit_price=1, available_from=rnd.randint(10, 20))),
        horizon=60, advance_share=rnd.choice([0.3, 0.5]),
        objective=Objective(lexicographic=True, cost=0, makespan=1),
    )


def lateness_optimum(problem: Problem, cash_flow: bool) -> tuple[str, float, float]:
    bm = build_model(problem, cash_flow=cash_flow)
    bm.model.minimize(bm.tier_expr("lateness"))
    s = make_solver(20, 1, 0, False)
    st = s.solve(bm.model)
    return s.status_name(st), s.objective_value, s.best_objective_bound


@pytest.mark.parametrize("seed", range(12))
def test_cash_flow_is_exact_and_its_bound_valid(seed):
    p = money_bound_problem(seed)
    assert not money_never_binds(p)
    st0, opt0, _ = lateness_optimum(p, cash_flow=False)
    st1, opt1, _ = lateness_optimum(p, cash_flow=True)
    if st0 == "INFEASIBLE":
        assert st1 == "INFEASIBLE"
        return
    assert st0 == st1 == "OPTIMAL"
    assert opt0 == opt1  # same optimum: the two money formulations are equivalent
    r = solve(p, time_limit=5, workers=1, seed=0, explain=False)
    assert r.ok and r.check.ok
    tier = r.tiers[0]
    assert tier.bound <= opt0 <= tier.value


def test_cash_flow_payments_pass_the_checker():
    for seed in range(12, 24):
        p = money_bound_problem(seed)
        r = solve(p, time_limit=3, workers=1, seed=0, explain=False)
        if r.solution is not None:
            assert check(p, r.solution).ok
            assert r.ok


def test_money_sgs_schedules_are_checked_and_lateness_is_counted():
    found = feasible = 0
    for seed in range(24):
        p = money_bound_problem(seed)
        st, opt, _ = lateness_optimum(p, cash_flow=True)
        feasible += st == "OPTIMAL"
        sol = money_sgs(p, seed=seed, noise=3)
        if sol is None:
            continue
        found += 1
        assert check(p, sol).ok, str(check(p, sol))
        assert st == "OPTIMAL" and lateness_value(p, sol) >= opt
    assert found >= feasible // 2  # a heuristic: it may miss a schedule, never invent one


def test_money_waits_for_its_tranche():
    """A costs 10 and may only use S (5 at 0, 5 at 8): it must end at 8 or later, so its due 4 is missed."""
    p = Problem(
        tasks=(Task("A", (Mode(3, cost=10),), due=4, tardiness_weight=1, late_weight=10, sources=frozenset({"S"})),),
        sources=(Source("S", (Tranche(0, 5), Tranche(8, 5))),),
        horizon=30, advance_share=0.5, objective=Objective(lexicographic=True),
    )
    r = solve(p, time_limit=5, workers=1, seed=0, explain=False)
    assert r.status == Status.OPTIMAL
    assert r.solution.tasks["A"].end == 8
    assert r.tiers[0].value == 10 + 4
    sol = money_sgs(p)
    assert sol is not None and sol.tasks["A"].end == 8 and check(p, sol).ok


def test_longest_tails_follow_minimum_durations_and_lags():
    p = Problem(
        tasks=(Task("A", (Mode(2), Mode(1))), Task("B", (Mode(3),)), Task("C", (Mode(4),))),
        precedences=(Precedence("A", "B", lag=1), Precedence("B", "C"), Precedence("A", "C", lag=10)),
        horizon=50,
    )
    t = longest_tails(p)
    assert t["A"] == {"B": 4, "C": 14}
    assert t["B"] == {"C": 4}
    assert t["C"] == {}


def test_tranche_formulation_still_available():
    p = money_bound_problem(3)
    a = solve(p, time_limit=5, workers=1, seed=0, explain=False, money_formulation="tranche")
    b = solve(p, time_limit=5, workers=1, seed=0, explain=False)
    if a.status == Status.OPTIMAL and b.status == Status.OPTIMAL:
        assert a.objective == b.objective
    with pytest.raises(ValueError, match="money_formulation"):
        solve(p, money_formulation="bogus")
    assert dataclasses.replace(p) == p
