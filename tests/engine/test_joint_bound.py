"""The joint lateness bound's money cuts (:mod:`ntm_sched.engine.joint_bound`): valid for every schedule,
and what they add to the per-date groups."""

from __future__ import annotations

import dataclasses
import random

import pytest
from ortools.sat.python import cp_model

from ntm_sched.engine.builder import build_model
from ntm_sched.engine.cpsat import make_solver
from ntm_sched.engine.joint_bound import cut_terms, instalments, joint_lateness_bound, money_cut
from ntm_sched.engine.problem import Calendar, Mode, Objective, Problem, Source, Task, Tranche
from ntm_sched.engine.relaxation import Relaxation

from .test_relaxation import least_lateness, random_problem, with_soft_dues


def _two_payers() -> Problem:
    """``C`` (10, paid at its end by H or X, due 2) on time is paid by H (X releases nothing before period 5);
    ``D`` (10, only H, due 6) then waits for H's second tranche at 12 (7 late), else ``C`` waits for X (4
    late). Each alone can be on time, and per date the groups see no shortfall with both on time (before 5:
    10 against H and X's 10; before 12: D's 10 against H's 10, both against 20)."""
    tasks = (Task("C", (Mode(2, cost=10),), due=2, tardiness_weight=1, late_weight=1, sources=frozenset({"H", "X"})),
             Task("D", (Mode(1, cost=10),), due=6, tardiness_weight=1, late_weight=1, sources=frozenset({"H"})))
    sources = (Source("H", (Tranche(0, 10), Tranche(12, 10))), Source("X", (Tranche(5, 10),)))
    return Problem(tasks, (), sources=sources, horizon=30, advance_share=0.0,
                   objective=Objective(tardiness=1, late_count=1, cost=0, extra_funding=0, makespan=0))


def test_the_cuts_see_money_a_work_paid_early_took():
    p = _two_payers()
    rel = Relaxation(p)
    assert rel.lateness_bound({}) == 0
    assert joint_lateness_bound(rel, {}, 5.0, 0, cuts=False) == 0
    assert joint_lateness_bound(rel, {}, 5.0, 0) == 4  # C ends at 5, paid by X: 3 periods late, and late
    bm = build_model(p)
    solver = make_solver(5.0, 1, 0, False)
    assert solver.solve(bm.model) == cp_model.OPTIMAL and solver.objective_value == 4


def test_money_cut_names_an_inequality_the_times_violate_and_none_when_money_allows():
    rel = Relaxation(_two_payers())
    inst = instalments(rel, rel.latest({})[1])
    assert money_cut(rel, inst, {"C": (0, 2), "D": (11, 12)}) is None
    assert money_cut(rel, inst, {"C": (3, 5), "D": (5, 6)}) is None
    cut = money_cut(rel, inst, {"C": (0, 2), "D": (5, 6)})
    assert cut is not None
    terms, always, released = cut_terms(rel, inst, cut)
    times = {"C": 2, "D": 6}
    assert sum(a for tid, _, c, a in terms if times[tid] < c) + always > released


def _value(terms: list[tuple[str, str, int, int]], always: int, sol: object) -> int:
    tasks = sol.tasks  # type: ignore[attr-defined]
    return always + sum(a for tid, which, c, a in terms
                        if (tasks[tid].start if which == "s" else tasks[tid].end) < c)


def test_no_cut_from_any_times_cuts_off_a_schedule_of_the_problem():
    """Cuts made from random times (the relaxation's would be one draw of them) hold for a schedule CP-SAT finds
    of the whole problem (least makespan, agencies, calendars, modes and all), on 30 random problems."""
    checked = 0
    for seed in range(30):
        p = random_problem(seed)
        p = dataclasses.replace(p, objective=Objective(0, 0, 0, 0, 1))
        bm = build_model(p)
        solver = make_solver(5.0, 1, 0, False)
        if solver.solve(bm.model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            continue
        sol = bm.solution_from(solver)
        rel = Relaxation(p)
        inst = instalments(rel, rel.latest({})[1])
        rng = random.Random(seed)
        for _ in range(20):
            times = {t.id: (s := rng.randint(0, 20), s + rng.randint(0, 8)) for t in p.tasks}
            cut = money_cut(rel, inst, times)
            if cut is None:
                continue
            terms, always, released = cut_terms(rel, inst, cut)
            assert _value(terms, always, sol) <= released, (seed, cut)
            checked += 1
    assert checked >= 20


def test_the_guided_schedule_meets_the_relaxations_pattern_and_is_checked():
    """The relaxation's times at its optimum (C late to 5, D on time) guide a schedule of that lateness, which the
    checker accepts: the bound (4) is then proven by it."""
    from ntm_sched.engine.guided import guided_schedule
    from ntm_sched.engine.heuristic import lateness_value
    from ntm_sched.engine.options import SolveOptions

    p = _two_payers()
    times: dict[str, tuple[int, int]] = {}
    assert joint_lateness_bound(Relaxation(p), {}, 5.0, 0, times=times) == 4
    assert times["D"][1] <= 6 and times["C"][1] > 2  # D on time, C late
    sol = guided_schedule(p, times, 5.0, SolveOptions(workers=1, seed=0))
    assert sol is not None
    from ntm_sched.engine import check

    assert check(p, sol).ok and lateness_value(p, sol) == 4


def test_every_rounds_bound_is_told_as_it_is_proven():
    """``on_bound`` hears each round's bound (the lateness search's other thread stops at it): they only grow and
    the last is the answer; on ``_two_payers`` the first round (0, money ignored) then the cut's (4)."""
    heard: list[int] = []
    assert joint_lateness_bound(Relaxation(_two_payers()), {}, 5.0, 0, on_bound=heard.append) == 4
    assert heard == [0, 4]
    for seed in range(8):
        rel = Relaxation(random_problem(seed))
        heard = []
        got = joint_lateness_bound(rel, {}, 2.0, 0, deterministic=True, on_bound=heard.append)
        assert heard == sorted(heard) and (not heard or heard[-1] == got), seed


def test_without_time_the_bound_is_the_per_task_one():
    """CP-SAT given no time proves nothing: the bound is still the per-task delays' sum (a loaded machine once
    gave 0 at a level where that sum is millions)."""
    p = _two_payers()
    p = dataclasses.replace(p, tasks=tuple(dataclasses.replace(t, due=0) if t.id == "D" else t for t in p.tasks))
    rel = Relaxation(p)
    per_task = rel.lateness_bound({})
    assert per_task > 0
    assert joint_lateness_bound(rel, {}, 0.0, 0) == per_task
    assert joint_lateness_bound(rel, {}, 5.0, 0) >= per_task


def test_on_deterministic_time_the_bound_and_its_times_are_the_same_twice():
    """With ``deterministic`` the rounds stop on CP-SAT's work count, not on seconds: the same bound and the same
    relaxation times in two runs (here it converges; the limit is what a loaded machine would otherwise cut)."""
    for seed in (3, 8):
        p = random_problem(seed)
        rel = Relaxation(p)
        p = dataclasses.replace(p, tasks=tuple(dataclasses.replace(t, due=rel.ee[t.id], tardiness_weight=1)
                                               for t in p.tasks))
        rel = Relaxation(p)
        runs = []
        for _ in range(2):
            times: dict[str, tuple[int, int]] = {}
            used: list[float] = []
            runs.append((joint_lateness_bound(rel, {}, 2.0, 0, times=times, deterministic=True, used=used), times,
                         used))
        assert runs[0] == runs[1] and runs[0][1]
        assert len(runs[0][2]) == 1 and 0 < runs[0][2][0] < 2.0  # converged: the rounds' work, within the limit


def test_times_are_given_only_where_the_money_allows_them():
    """The relaxation's times guide a schedule only when the money allows them (no cut left to add): a round
    stopped by its work limit gives none, nor do the times of a round a cut then removes (on two payers the first
    round has both on time, which the money does not allow; the last round's times are given)."""
    p = _two_payers()
    rel = Relaxation(p)
    inst = instalments(rel, rel.latest({})[1])
    times: dict[str, tuple[int, int]] = {}
    assert joint_lateness_bound(rel, {}, 5.0, 0, times=times) == 4
    assert times and money_cut(rel, inst, times) is None
    given = stopped = 0
    for seed in range(12):
        p = random_problem(seed)
        rel = Relaxation(p)
        p = dataclasses.replace(p, tasks=tuple(dataclasses.replace(t, due=rel.ee[t.id], tardiness_weight=1)
                                               for t in p.tasks))
        rel = Relaxation(p)
        inst = instalments(rel, rel.latest({})[1])
        for work in (0.0005, 2.0):
            times = {}
            joint_lateness_bound(rel, {}, work, 0, times=times, deterministic=True)
            if times:
                given += 1
                assert money_cut(rel, inst, times) is None, (seed, work)
            else:
                stopped += 1
    assert given >= 6 and stopped >= 1


def _pause_after_money() -> Problem:
    """``A`` and ``B`` (3 periods each, 10 paid at their start, due 3, on a calendar with a break ``[5, 12)``) share
    ``H``'s 10 at period 0 and 10 at period 4: one starts at 0 and is on time, the other waits for period 4, spans
    the break and ends at 14 (11 late, and late). Without the break the relaxation would end it at 7."""
    tasks = tuple(Task(x, (Mode(3, cost=10),), due=3, tardiness_weight=1, late_weight=1, calendar="c",
                       sources=frozenset({"H"})) for x in "AB")
    return Problem(tasks, (), sources=(Source("H", (Tranche(0, 10), Tranche(4, 10))),),
                   calendars=(Calendar("c", ((5, 12),)),), horizon=40, advance_share=1.0,
                   objective=Objective(tardiness=1, late_count=1, cost=0, extra_funding=0, makespan=0))


def test_a_long_break_the_relaxations_times_span_lengthens_the_task(monkeypatch: pytest.MonkeyPatch):
    """The break of 7 periods (:data:`~ntm_sched.engine.joint_bound.PAUSE_MIN`) is kept: the bound is the optimum,
    12; without it (a shorter break is dropped) the money cut alone gives 5 (the second task ending at 7)."""
    from ntm_sched.engine import joint_bound

    p = _pause_after_money()
    assert joint_bound.PAUSE_MIN <= 7
    assert Relaxation(p).lateness_bound({}) == 0  # each task alone is on time: the per-task floors see nothing
    assert joint_lateness_bound(Relaxation(p), {}, 5.0, 0) == 12
    bm = build_model(p)
    solver = make_solver(5.0, 1, 0, False)
    assert solver.solve(bm.model) == cp_model.OPTIMAL and solver.objective_value == 12
    monkeypatch.setattr(joint_bound, "PAUSE_MIN", 8)
    assert joint_lateness_bound(Relaxation(p), {}, 5.0, 0) == 5


def test_with_long_breaks_the_bound_is_at_most_the_optimum():
    """The random problems of ``test_relaxation`` with two long breaks (7 and 8 periods, both kept) on their
    calendar: the joint bound is never above CP-SAT's optimum of the whole model (agencies, modes, the pause rule
    and all), with the held deadlines hard; and above the bound without the breaks on some draws."""
    from ntm_sched.engine import joint_bound

    compared = above = 0
    for seed in range(40):
        base = dataclasses.replace(random_problem(seed), calendars=(Calendar("c", ((6, 13), (18, 26))),))
        rng = random.Random(seed)
        rel0 = Relaxation(base)
        held = {t.id: rel0.ee[t.id] + rng.randint(0, 8) for t in rng.sample(list(base.tasks), 2)}
        problem = with_soft_dues(base, held, rng)
        rel = Relaxation(problem)
        joint = joint_lateness_bound(rel, held, 5.0, 0)
        optimum = least_lateness(problem, held)
        if optimum is None:
            continue
        compared += 1
        assert optimum >= joint, seed
        saved, joint_bound.PAUSE_MIN = joint_bound.PAUSE_MIN, 10**6
        try:
            above += joint > joint_lateness_bound(rel, held, 5.0, 0)
        finally:
            joint_bound.PAUSE_MIN = saved
    assert compared >= 10 and above >= 2
