"""The earliest end of one task under a lateness cap (engine.earliest), proven by probes.

Fixed seeds. The optima compared with are proven by plain CP-SAT on the full model (one
minimisation of the task's end), not by the probes or their helpers.
"""

from __future__ import annotations

import pytest

from ntm_sched.engine import Mode, Objective, Precedence, Problem, Source, Status, Task, Tranche, check, solve
from ntm_sched.engine.builder import build_model
from ntm_sched.engine.cpsat import make_solver
from ntm_sched.engine.earliest import earliest_end
from ntm_sched.engine.heuristic import lateness_value
from ntm_sched.engine.options import SolveOptions
from tests.engine.test_cashflow import money_bound_problem


def plain_earliest(problem: Problem, task_id: str, cap: int | None) -> tuple[str, int | None]:
    """The earliest end by one plain CP-SAT minimisation (the reference)."""
    bm = build_model(problem)
    if cap is not None:
        bm.model.add(bm.tier_expr("lateness") <= cap)
    bm.model.minimize(bm.end[task_id])
    s = make_solver(30, 1, 0, False)
    st = s.solve(bm.model)
    return s.status_name(st), (int(s.objective_value) if st in (2, 4) else None)


def waiting_for_money() -> Problem:
    """Work paid from a tranche released at 20 (no advance): without money it ends at 5, with it at 25;
    a second chain's soft deadline competes for the first tranche."""
    return Problem(
        tasks=(Task("work", (Mode(5, cost=10),), sources=frozenset({"S"})),
               Task("dossier", (Mode(2),)),
               Task("other", (Mode(3, cost=10),), sources=frozenset({"S"}), due=6, late_weight=50,
                    tardiness_weight=1)),
        precedences=(Precedence("work", "dossier"),),
        sources=(Source("S", (Tranche(0, 10), Tranche(20, 10))),),
        horizon=60, advance_share=0.0, objective=Objective(lexicographic=True),
    )


def test_money_the_cap_and_the_bound():
    p = waiting_for_money()
    # no cap: the first tranche pays the work, which then ends at 5 and the dossier at 7
    free = earliest_end(p, "dossier", options=SolveOptions(time_limit=10, workers=1, seed=0))
    assert (free.status, free.end, free.bound) == (Status.OPTIMAL, 7, 7)
    # "other" on time (lateness 0) takes the first tranche: the work waits for the second, paid at its end
    # (no advance) from day 20 on, so it ends at 20 at the earliest and the dossier at 22
    capped = earliest_end(p, "dossier", lateness_cap=0, options=SolveOptions(time_limit=10, workers=2, seed=0))
    assert plain_earliest(p, "dossier", 0) == ("OPTIMAL", 22)
    assert (capped.status, capped.end, capped.bound, capped.free_bound) == (Status.OPTIMAL, 22, 22, 7)
    assert check(p, capped.solution).ok and lateness_value(p, capped.solution) == 0
    assert capped.solution.tasks["dossier"].end == 22 and capped.gap_days == 0
    # from a later schedule (the work held back to day 30), the probes bring it down and prove it
    held = Problem(tasks=(Task("work", (Mode(5, cost=10),), sources=frozenset({"S"}), release=30), *p.tasks[1:]),
                   precedences=p.precedences, sources=p.sources, horizon=60, advance_share=0.0,
                   objective=p.objective)
    later = solve(held, time_limit=5, workers=1, seed=0, explain=False).solution
    assert later is not None and later.tasks["dossier"].end == 37 and check(p, later).ok
    probed = earliest_end(p, "dossier", lateness_cap=0, hint=later,
                          options=SolveOptions(time_limit=10, workers=1, seed=0))
    assert (probed.status, probed.end, probed.bound) == (Status.OPTIMAL, 22, 22)
    assert [line[8:] for line in probed.probes] == [  # one worker: one probe, below the hint's 37
        "payment-free: OPTIMAL 7 (bound 7)", "end <= 36: OPTIMAL 22 (bound 22)"]
    two = earliest_end(p, "dossier", lateness_cap=0, hint=later, options=SolveOptions(time_limit=10, workers=2, seed=0))
    assert (two.status, two.end, two.bound) == (Status.OPTIMAL, 22, 22)  # the middle probe (21) is infeasible


def test_a_cap_nothing_meets_is_infeasible():
    p = waiting_for_money()
    # "other" cannot end before day 3 while due at 1: its lateness is at least 50 + 2 > 10
    late = Problem(tasks=(*p.tasks[:2], Task("other", (Mode(3),), due=1, late_weight=50, tardiness_weight=1)),
                   precedences=p.precedences, sources=p.sources, horizon=60, advance_share=0.0,
                   objective=p.objective)
    ans = earliest_end(late, "dossier", lateness_cap=10, options=SolveOptions(time_limit=5, workers=1, seed=0))
    assert ans.status == Status.INFEASIBLE and ans.solution is None and ans.end is None


def test_unknown_task():
    with pytest.raises(KeyError, match="nope"):
        earliest_end(waiting_for_money(), "nope")


def test_a_hint_that_breaks_the_cap_is_not_used():
    p = waiting_for_money()
    late = solve(p, time_limit=5, workers=1, seed=0, explain=False).solution  # lateness 0 (optimal)
    assert late is not None and lateness_value(p, late) == 0
    # a schedule with "other" late: not a schedule of the capped question
    bad = solve(Problem(tasks=(*p.tasks[:2], Task("other", (Mode(3, cost=10),), sources=frozenset({"S"}),
                                                    release=10)),
                        precedences=p.precedences, sources=p.sources, horizon=60, advance_share=0.0,
                        objective=p.objective), time_limit=5, workers=1, seed=0, explain=False).solution
    assert bad is not None
    ans = earliest_end(p, "dossier", lateness_cap=0, hint=bad, options=SolveOptions(time_limit=10, workers=1, seed=0))
    assert ans.end == 22 and check(p, ans.solution).ok and lateness_value(p, ans.solution) == 0


@pytest.mark.parametrize("workers", [1, 2])
def test_random_money_problems_against_plain_cp_sat(workers):
    checked = 0
    for seed in range(14):
        p = money_bound_problem(seed)
        r = solve(p, time_limit=5, workers=1, seed=0, explain=False)
        if r.solution is None:  # some random problems have no schedule at all
            continue
        cap = lateness_value(p, r.solution)
        for task in (p.tasks[-1].id, p.tasks[0].id):
            status, optimum = plain_earliest(p, task, cap)
            assert status == "OPTIMAL" and optimum is not None
            ans = earliest_end(p, task, lateness_cap=cap, hint=r.solution,
                               options=SolveOptions(time_limit=20, workers=workers, seed=0))
            assert ans.bound is not None and ans.bound <= optimum  # the bound is a true bound
            assert ans.free_bound is not None and ans.free_bound <= optimum
            assert ans.status == Status.OPTIMAL and ans.end == optimum, (seed, task, ans.probes)
            assert check(p, ans.solution).ok and lateness_value(p, ans.solution) <= cap
            checked += 1
    assert checked >= 16
