"""The deadline-pattern search (engine.patterns): which chains of deadlines to give up when money binds.

One worker, fixed seeds. The optima compared with are proven by plain CP-SAT on the full model,
not by the pattern search or its helpers.
"""

from __future__ import annotations

import pytest

from ntm_sched.engine import (
    Mode,
    Objective,
    Precedence,
    Problem,
    Solution,
    Source,
    Task,
    TaskSchedule,
    Tranche,
    check,
    solve,
)
from ntm_sched.engine.builder import build_model
from ntm_sched.engine.options import SolveOptions
from ntm_sched.engine.patterns import deadline_targets, followers, late_roots, pattern_search, soft_deadlines
from ntm_sched.engine.solve import _complete_money, _complete_values, _payment_free
from tests.engine.test_cashflow import lateness_optimum, money_bound_problem

ONE = SolveOptions(workers=1, seed=0)
"""One worker, seed 0: the searches are repeatable."""


def two_chains(weight_a: int, weight_b: int) -> Problem:
    """Two chains of work -> dossier, each with a soft deadline on the dossier; the money released
    before the deadlines pays one chain's work only, the rest comes at 40 (a tranche) or at 60
    (extra money): the cheaper chain to give up is the one with the smaller weight."""
    def chain(name: str, w: int) -> tuple[Task, Task]:
        work = Task(f"{name}-work", (Mode(5, cost=10),), sources=frozenset({"S", "X"}))
        dossier = Task(f"{name}-dossier", (Mode(2),), due=12, late_weight=100 * w, tardiness_weight=w)
        return work, dossier

    a, b = chain("A", weight_a), chain("B", weight_b)
    return Problem(
        tasks=(*a, *b),
        precedences=(Precedence("A-work", "A-dossier"), Precedence("B-work", "B-dossier")),
        sources=(Source("S", (Tranche(0, 10), Tranche(40, 10))),
                 Source("X", unlimited=True, unit_price=1, available_from=60)),
        horizon=100, advance_share=0.0, objective=Objective(lexicographic=True),
    )


def both_late_values(problem: Problem):
    """A complete assignment of the model where both chains wait for the extra money at 60."""
    bm = build_model(problem)
    expr = bm.tier_expr("lateness")
    late = Solution(tasks={
        "A-work": TaskSchedule("A-work", 60, 65), "A-dossier": TaskSchedule("A-dossier", 65, 67),
        "B-work": TaskSchedule("B-work", 60, 65), "B-dossier": TaskSchedule("B-dossier", 65, 67)})
    done = _complete_money(bm, late, expr, 5.0, ONE)
    assert done is not None
    values, solver = done
    return bm, expr, values, solver.value(expr)


@pytest.mark.parametrize(("wa", "wb", "given_up"), [(1, 3, "A-dossier"), (3, 1, "B-dossier")])
def test_the_cheaper_chain_is_given_up(wa, wb, given_up):
    p = two_chains(wa, wb)
    _, free = _payment_free(p, 5.0, ONE)
    targets = deadline_targets(p, free)
    assert targets == {"A-dossier": 12, "B-dossier": 12}  # without money both are on time
    bm, expr, values, start_v = both_late_values(p)
    assert start_v == (100 + 55) * (wa + wb)  # both dossiers end at 67
    best, v, log = pattern_search(bm, values, expr, targets, time_budget=10.0, options=ONE)
    status, optimum, _ = lateness_optimum(p, cash_flow=True)
    assert status == "OPTIMAL"
    assert v == optimum
    # the chain given up is paid (all at its end: no advance) by the tranche at 40: work 35-40,
    # dossier 40-42, 30 days late
    assert optimum == 100 * min(wa, wb) + min(wa, wb) * (42 - 12)
    assert log.best_pattern == (given_up,)
    # none given up (infeasible), A, B; the whole set {A, B}, built around the start, is dropped unsolved
    # once A improves on the start
    assert log.tried == 3 and log.improved >= 1
    held = _complete_values(bm, best, expr, ONE)  # a solver holding exactly these values
    assert held is not None
    assert check(p, bm.solution_from(held[1])).ok


def three_chains() -> Problem:
    """Three chains of work -> dossier (weights 1, 2, 3); the money released before the deadlines pays one
    chain's work only, a second tranche at 40 pays one more, extra money from 60 pays the rest: two chains
    must be given up, and no single chain given up is feasible."""
    tasks, precs = [], []
    for name, w in (("A", 1), ("B", 2), ("C", 3)):
        tasks += [Task(f"{name}-work", (Mode(5, cost=10),), sources=frozenset({"S", "X"})),
                  Task(f"{name}-dossier", (Mode(2),), due=12, late_weight=100 * w, tardiness_weight=w)]
        precs.append(Precedence(f"{name}-work", f"{name}-dossier"))
    return Problem(tasks=tuple(tasks), precedences=tuple(precs),
                   sources=(Source("S", (Tranche(0, 10), Tranche(40, 10))),
                            Source("X", unlimited=True, unit_price=1, available_from=60)),
                   horizon=100, advance_share=0.0, objective=Objective(lexicographic=True))


def test_when_no_single_chain_is_enough_the_whole_set_is_searched_down():
    p = three_chains()
    _, free = _payment_free(p, 5.0, ONE)
    targets = deadline_targets(p, free)
    bm = build_model(p)
    expr = bm.tier_expr("lateness")
    late = Solution(tasks={t: TaskSchedule(t, s, e) for name in "ABC"
                           for t, s, e in ((f"{name}-work", 60, 65), (f"{name}-dossier", 65, 67))})
    done = _complete_money(bm, late, expr, 5.0, ONE)
    assert done is not None
    values, solver = done
    best, v, log = pattern_search(bm, values, expr, targets, time_budget=20.0, options=ONE)
    status, optimum, _ = lateness_optimum(p, cash_flow=True)
    assert status == "OPTIMAL" and v == optimum
    # C (weight 3) on time; B paid by the tranche at 40 (dossier 42, 30 days late), A by the extra money
    assert optimum == 200 + 2 * 30 + 100 + 1 * (62 - 12)  # A: work 55-60, paid at its end at 60
    assert log.best_pattern == ("A-dossier", "B-dossier")
    # no single chain given up is feasible; the whole set, hinted with the start, finds the optimum at once
    # (no pairs needed: they come only when nothing improved)
    assert [line[8:] for line in log.lines] == [
        "(none): INFEASIBLE -", "A-dossier: INFEASIBLE -", "B-dossier: INFEASIBLE -", "C-dossier: INFEASIBLE -",
        "A-dossier+B-dossier+C-dossier: OPTIMAL 410"]
    assert check(p, bm.solution_from(_complete_values(bm, best, expr, ONE)[1])).ok


def test_roots_and_followers():
    p = Problem(
        tasks=(Task("A", (Mode(1),), due=1, late_weight=1), Task("B", (Mode(1),), due=2, late_weight=1),
               Task("C", (Mode(1),), due=3, late_weight=1), Task("D", (Mode(1),), due=3),
               Task("E", (Mode(1),), due=9, late_weight=1)),
        precedences=(Precedence("A", "B"), Precedence("B", "C"), Precedence("A", "D")),
        horizon=20,
    )
    assert soft_deadlines(p) == ["A", "B", "C", "E"]  # D's due has no weight
    f = followers(p)
    assert f["A"] == {"A", "B", "C"} and f["B"] == {"B", "C"} and f["E"] == {"E"}
    targets = {"A": 1, "B": 2, "C": 3, "E": 9}
    # B and C late, A on time: B is the root; E late on its own, less late than B
    assert late_roots({"A": 1, "B": 6, "C": 7, "E": 10}, targets, f) == ["B", "E"]
    assert late_roots({"A": 1, "B": 2, "C": 3, "E": 9}, targets, f) == []


@pytest.mark.parametrize("seed", [0, 2, 5, 7])
def test_solve_with_patterns_finds_the_proven_optimum_on_small_problems(seed):
    """The engine (warm start, pattern search, final solve) against plain CP-SAT's proven optimum."""
    p = money_bound_problem(seed)
    status, optimum, _ = lateness_optimum(p, cash_flow=True)
    r = solve(p, time_limit=10, workers=1, seed=0, explain=False)
    if status == "INFEASIBLE":
        assert r.solution is None
        return
    assert r.check is not None and r.check.ok
    tier = r.tiers[0]
    assert tier.bound <= optimum <= tier.value
    assert tier.value == optimum
