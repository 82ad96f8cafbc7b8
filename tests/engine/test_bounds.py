"""Earliest times from precedences and calendars alone: hand-computed cases, and the same times as
CP-SAT's earliest schedule of random small problems stripped of resources and money."""

from __future__ import annotations

import dataclasses

import pytest

from ntm_sched.engine import Calendar, Mode, Objective, Precedence, Problem, Resource, Status, Task, check, solve
from ntm_sched.engine.bounds import driving_chain, earliest_times, fixed_start_conflicts
from ntm_sched.engine.problem import elapsed_end
from ntm_sched.engine.result import Solution, TaskSchedule

from .test_solve_random import random_problem

CAL = Calendar("C", ((4, 6), (6, 8), (20, 22)))  # [4, 8) is one pause made of two adjacent breaks


def hand_problem() -> Problem:
    return Problem(
        tasks=(
            Task("A", (Mode(4),), release=1, calendar="C"),  # works 1..3, pauses over [4, 8), works 8: ends 9
            Task("B", (Mode(5), Mode(2, {"R": 9})), calendar="C"),  # after A: 9 + 2 = 11 (shortest mode)
            Task("C", (Mode(0),)),  # milestone after B: 11, 11
            Task("D", (Mode(2),), release=5, calendar="C"),  # release in the pause: starts 8, ends 10
            Task("E", (Mode(4),), calendar="C"),  # SS after D + 11: 19, runs 19 and 22..25: ends 25
            Task("F", (Mode(1),)),  # FS after E with lag -3: 22, 23 (no calendar)
            Task("G", (Mode(6),), release=30),  # its release binds, not the chain
        ),
        precedences=(Precedence("A", "B"), Precedence("B", "C"), Precedence("D", "E", "SS", 11),
                     Precedence("E", "F", "FS", -3), Precedence("C", "G")),
        resources=(Resource("R", 1),),
        calendars=(CAL,),
        horizon=60,
    )


def test_hand_computed_times() -> None:
    es, ee, cyclic = earliest_times(hand_problem())
    assert not cyclic
    assert {t: (es[t], ee[t]) for t in es} == {
        "A": (1, 9), "B": (9, 11), "C": (11, 11), "D": (8, 10), "E": (19, 25), "F": (22, 23), "G": (30, 36)}


def test_the_driving_chain_follows_the_binding_precedences() -> None:
    p = hand_problem()
    es, ee, _ = earliest_times(p)
    assert driving_chain(p, es, ee, "C") == ["C", "B", "A"]
    assert driving_chain(p, es, ee, "F") == ["F", "E", "D"]
    assert driving_chain(p, es, ee, "G") == ["G"]  # its own release is later than its predecessor


def test_removing_a_break_gives_the_times_without_it() -> None:
    es, ee, _ = earliest_times(hand_problem(), ("C", frozenset({(4, 6), (6, 8)})))
    assert (es["A"], ee["A"]) == (1, 5) and (es["D"], ee["D"]) == (5, 7)


def test_a_fixed_start_a_predecessor_cannot_meet_is_named() -> None:
    p = Problem(tasks=(Task("A", (Mode(5),)), Task("B", (Mode(1),), fixed_start=3), Task("Z", (Mode(1),),
                                                                                           fixed_start=9)),
                precedences=(Precedence("A", "B"),), horizon=20)
    es, ee, _ = earliest_times(p)
    assert (es["B"], ee["B"]) == (5, 6)
    assert fixed_start_conflicts(p, es) == ["B"]


def test_a_positive_cycle_is_reported() -> None:
    p = Problem(tasks=(Task("A", (Mode(1),)), Task("B", (Mode(1),))),
                precedences=(Precedence("A", "B"), Precedence("B", "A")), horizon=20)
    assert earliest_times(p)[2] is True


def strip(p: Problem) -> Problem:
    """``p`` without resources, budgets, money and deadlines; every task's end weighted 1 (the
    earliest schedule is then the only optimum: each end at its least value)."""
    tasks = tuple(dataclasses.replace(t, modes=tuple(Mode(m.duration) for m in t.modes), due=None, due_hard=False,
                                      tardiness_weight=0, late_weight=0, sources=None, end_weight=1)
                  for t in p.tasks)
    horizon = max(t.release for t in tasks) + sum(max(m.duration for m in t.modes) for t in tasks) + 3 * 70 + 20
    return Problem(tasks=tasks, precedences=p.precedences, calendars=p.calendars, horizon=horizon,
                   objective=Objective(tardiness=0, late_count=0, cost=0, extra_funding=0, makespan=0))


@pytest.mark.parametrize("seed", range(20))
def test_same_times_as_cp_sat_without_resources_and_money(seed: int) -> None:
    p = strip(random_problem(seed))
    es, ee, cyclic = earliest_times(p)
    assert not cyclic
    r = solve(p, time_limit=10, workers=1, seed=0, explain=False)
    assert r.status == Status.OPTIMAL, r.summary()
    sol = r.solution
    assert sol is not None
    # CP-SAT's least sum of ends is the pass's: every end is at its least value
    assert {t: sol.tasks[t].end for t in ee} == ee
    assert all(sol.tasks[t].start >= es[t] for t in es)  # the starts are lower bounds ...
    # ... and reached: every task at its earliest start in its fastest mode is a valid schedule
    cal = {t.id: p.calendar(t.calendar) for t in p.tasks}
    fastest = {t.id: min(range(len(t.modes)), key=lambda k, t=t: elapsed_end(es[t.id], t.modes[k].duration,
                                                                             cal[t.id])) for t in p.tasks}
    rep = check(p, Solution({t: TaskSchedule(t, es[t], ee[t], fastest[t]) for t in es}))
    assert rep.ok, rep


def test_the_comparison_can_fail() -> None:
    """A pass that forgot the calendar's pauses would disagree with CP-SAT on this problem."""
    p = strip(Problem(tasks=(Task("A", (Mode(3),), calendar="C"),), calendars=(Calendar("C", ((1, 5),)),),
                      horizon=30))
    r = solve(p, time_limit=5, workers=1, seed=0, explain=False)
    assert r.solution is not None and r.solution.tasks["A"].end == 7 == earliest_times(p)[1]["A"]
    assert r.solution.tasks["A"].end != 3  # what a pass without calendars would say


def test_random_seed_problems_have_calendars_and_modes() -> None:
    """The random problems exercise what the pass must handle exactly: breaks, two modes, SS and lags."""
    ps = [random_problem(s) for s in range(20)]
    assert sum(len(t.modes) > 1 for p in ps for t in p.tasks) > 10
    assert sum(t.calendar is not None for p in ps for t in p.tasks) > 20
    assert {pr.kind for p in ps for pr in p.precedences} == {"FS", "SS"}
    assert any(pr.lag < 0 for p in ps for pr in p.precedences)
