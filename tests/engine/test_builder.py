"""The CP-SAT builder on its own: each constraint family is pinned by a tiny problem whose
optimum is worked out by hand in the test (not computed with the engine's helpers), solved with
one worker and a fixed seed, and read back through :class:`BuiltModel`."""

from __future__ import annotations

from ortools.sat.python import cp_model

from ntm_sched.engine.builder import build_model, incompatibility_cliques, money_never_binds
from ntm_sched.engine.problem import (
    Budget,
    Calendar,
    Mode,
    Objective,
    Precedence,
    Problem,
    Resource,
    Source,
    Task,
    Tranche,
)
from ntm_sched.engine.result import Solution


def _solve(problem: Problem, **kw):
    bm = build_model(problem, **kw)
    bm.model.minimize(bm.objective_expr())
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    solver.parameters.max_time_in_seconds = 10
    status = solver.solve(bm.model)
    return bm, solver, status


def _makespan(tasks, **kw) -> Problem:
    return Problem(tasks=tuple(tasks), horizon=kw.pop("horizon", 100),
                   objective=Objective(tardiness=0, late_count=0, cost=0, extra_funding=0, makespan=1), **kw)


def test_precedences_fs_and_ss_with_lags() -> None:
    p = _makespan([Task("a", (Mode(4),)), Task("b", (Mode(3),)), Task("c", (Mode(2),))],
                  precedences=(Precedence("a", "b", "FS", 2), Precedence("a", "c", "SS", 1)))
    bm, solver, status = _solve(p)
    assert status == cp_model.OPTIMAL
    sol = bm.solution_from(solver)
    # a [0,4), b starts >= 4 + 2 and ends at 9; c starts >= 0 + 1
    assert sol.tasks["a"].start == 0 and sol.tasks["b"].start == 6 and sol.tasks["b"].end == 9
    assert sol.tasks["c"].start >= 1
    assert solver.objective_value == 9


def test_a_task_pauses_across_a_break_and_never_starts_inside_one() -> None:
    cal = Calendar("c", ((3, 6),))
    p = _makespan([Task("a", (Mode(5),), calendar="c")], calendars=(cal,))
    bm, solver, status = _solve(p)
    # from 0: 3 working periods, pause [3, 6), 2 more: end 8. Starting at 6 would end at 11.
    assert status == cp_model.OPTIMAL
    assert (bm.solution_from(solver).tasks["a"].start, bm.solution_from(solver).tasks["a"].end) == (0, 8)

    bm = build_model(p)
    for inside in (3, 4, 5):
        m = bm.model.clone()
        m.add(bm.start["a"] == inside)  # type: ignore[attr-defined]
        s = cp_model.CpSolver()
        s.parameters.num_workers = 1
        assert s.solve(m) == cp_model.INFEASIBLE


def test_capacity_profile_is_respected() -> None:
    # capacity 2, but only 1 in [0, 10): two tasks of demand 1 and length 4 run one after the other
    # until period 10, then side by side.
    r = Resource("r", 2, ((0, 10, 1),))
    p = _makespan([Task(x, (Mode(4, demands={"r": 1}),)) for x in "ab"], resources=(r,))
    bm, solver, status = _solve(p)
    sol = bm.solution_from(solver)
    assert status == cp_model.OPTIMAL and solver.objective_value == 8
    assert sorted((t.start, t.end) for t in sol.tasks.values()) == [(0, 4), (4, 8)]


def test_mode_choice_under_a_budget() -> None:
    # fast mode (2 periods) consumes 5 of a budget of 6; only one task can take it
    modes = (Mode(6, nonrenewable={"n": 1}, name="normal"), Mode(2, nonrenewable={"n": 5}, name="fast"))
    p = _makespan([Task("a", modes), Task("b", modes)], budgets=(Budget("n", 6),),
                  precedences=(Precedence("a", "b"),))
    bm, solver, status = _solve(p)
    sol = bm.solution_from(solver)
    assert status == cp_model.OPTIMAL and solver.objective_value == 8  # 2 + 6
    assert sorted(ts.mode for ts in sol.tasks.values()) == [0, 1]


def test_a_remainder_waits_for_its_tranche() -> None:
    # cost 100: advance 30 at start (released at 0), remainder 70 at the end, released only at 10.
    # The task cannot end before 10: it starts at 5 at the earliest (length 5).
    src = Source("s", (Tranche(0, 30), Tranche(10, 70)))
    p = _makespan([Task("a", (Mode(5, cost=100),))], sources=(src,), advance_share=0.3)
    bm, solver, status = _solve(p)
    sol = bm.solution_from(solver)
    assert status == cp_model.OPTIMAL
    assert (sol.tasks["a"].start, sol.tasks["a"].end) == (5, 10)
    assert sorted((pay.time, pay.amount) for pay in sol.payments) == [(5, 30), (10, 70)]


def test_payments_split_between_sources_and_extra_funding_is_priced() -> None:
    # 60 from s at 0; the remaining 40 must come from the priced unlimited source x
    s = Source("s", (Tranche(0, 60),))
    x = Source("x", unlimited=True, unit_price=1)
    p = Problem(tasks=(Task("a", (Mode(2, cost=100),)),), sources=(s, x), horizon=10, advance_share=0.5,
                objective=Objective(tardiness=0, late_count=0, extra_funding=1))
    bm, solver, status = _solve(p)
    sol = bm.solution_from(solver)
    assert status == cp_model.OPTIMAL and solver.objective_value == 40
    paid = {src: sum(pay.amount for pay in sol.payments if pay.source == src) for src in ("s", "x")}
    assert paid == {"s": 60, "x": 40}


def test_extra_funding_only_from_its_date_delays_the_work() -> None:
    # no limited money at all; extra funding from period 7: the advance cannot be paid before 7
    x = Source("x", unlimited=True, unit_price=1, available_from=7)
    p = _makespan([Task("a", (Mode(3, cost=10),))], sources=(x,))
    bm, solver, status = _solve(p)
    assert status == cp_model.OPTIMAL
    assert bm.solution_from(solver).tasks["a"].start == 7


def test_soft_deadline_tardiness_and_hard_deadline() -> None:
    tasks = (Task("a", (Mode(5,),), due=3, tardiness_weight=2, late_weight=10),)
    p = Problem(tasks=tasks, horizon=20, objective=Objective(tardiness=1, late_count=1))
    _, solver, status = _solve(p)
    assert status == cp_model.OPTIMAL and solver.objective_value == 2 * 2 + 10  # 2 periods late
    hard = Problem(tasks=(Task("a", (Mode(5),), due=3, due_hard=True),), horizon=20)
    _, _, status = _solve(hard)
    assert status == cp_model.INFEASIBLE
    bm, solver, status = _solve(hard, soften_hard_deadlines=True)
    assert status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and "a" in bm.tardiness


def test_relaxing_a_resource_drops_its_constraint() -> None:
    p = _makespan([Task(x, (Mode(4, demands={"r": 1}),)) for x in "ab"], resources=(Resource("r", 1),))
    _, solver, _ = _solve(p)
    assert solver.objective_value == 8
    _, solver, _ = _solve(p, relax=frozenset({("resource", "r")}))
    assert solver.objective_value == 4


def test_a_hint_is_a_feasible_warm_start() -> None:
    p = _makespan([Task("a", (Mode(4),)), Task("b", (Mode(3),))], precedences=(Precedence("a", "b"),))
    bm, solver, _ = _solve(p)
    first: Solution = bm.solution_from(solver)
    bm2 = build_model(p, hint=first)
    bm2.model.minimize(bm2.objective_expr())
    s = cp_model.CpSolver()
    s.parameters.num_workers = 1
    s.parameters.fix_variables_to_their_hinted_value = True
    assert s.solve(bm2.model) == cp_model.OPTIMAL
    assert bm2.solution_from(s).tasks == first.tasks


def test_money_never_binds_only_with_an_unlimited_source_from_period_zero() -> None:
    task = Task("a", (Mode(2, cost=10),))
    free = Source("x", unlimited=True)
    late = Source("x", unlimited=True, available_from=5)
    limited = Source("s", (Tranche(0, 5),))
    assert money_never_binds(Problem(tasks=(task,), sources=(limited, free)))
    assert not money_never_binds(Problem(tasks=(task,), sources=(limited, late)))
    assert not money_never_binds(Problem(tasks=(task,), sources=(limited,)))
    only_limited = Task("a", (Mode(2, cost=10),), sources=frozenset({"s"}))
    assert not money_never_binds(Problem(tasks=(only_limited,), sources=(limited, free)))
    assert money_never_binds(Problem(tasks=(Task("z", (Mode(2),)),), sources=(limited,)))


def test_incompatibility_cliques_cover_pairs_that_exceed_capacity() -> None:
    r = Resource("r", 3)
    big = [Task(x, (Mode(2, demands={"r": 2}),)) for x in "abc"]  # any two exceed 3
    small = [Task("d", (Mode(2, demands={"r": 1}),))]               # fits beside any
    milestone = [Task("m", (Mode(0, demands={"r": 3}),))]           # never occupies time
    cliques = incompatibility_cliques(Problem(tasks=(*big, *small, *milestone), resources=(r,)))
    assert [sorted(c) for c in cliques] == [["a", "b", "c"]]
    assert incompatibility_cliques(Problem(tasks=tuple(big), resources=(r,)),
                                   relax=frozenset({("resource", "r")})) == []
