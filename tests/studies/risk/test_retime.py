"""The fixed policy's re-timing: the plan itself at zero change, and every re-timed schedule passes
the independent checker (durations, costs, capacities and late or missing money)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from ntm_sched.engine.checker import check
from ntm_sched.engine.problem import Problem, Source
from ntm_sched.studies.risk.retime import Perturbation, prepare, retime
from ntm_sched.studies.risk.retime_check import perturbed_problem, to_solution


@pytest.fixture(scope="module")
def base_rt(base_solved_1w):
    _, _, res = base_solved_1w
    return res.model.problem, res.result.solution, prepare(res.model.problem, res.result.solution)


def test_no_change_gives_the_plan_back_with_its_payments(base_rt):
    problem, sol, rt = base_rt
    r = retime(rt, Perturbation(np.array(rt.base_duration), np.array(rt.base_cost)))
    assert r.complete
    for k, tid in enumerate(rt.ids):
        assert (r.start[k], r.end[k]) == (sol.tasks[tid].start, sol.tasks[tid].end), tid
    assert set(to_solution(rt, r).payments) == set(sol.payments)


def _random_perturbation(rt, rng, cut_capacity=True, delay_money=True):
    base = np.array(rt.base_duration)
    dur = np.where(base > 0, np.maximum(1, np.round(base * rng.uniform(0.7, 1.8, rt.n))), 0).astype(int)
    cost = np.round(np.array(rt.base_cost) * rng.uniform(0.9, 1.4, rt.n)).astype(int)
    caps = None
    if cut_capacity:
        caps = [c.copy() for c in rt.base_capacity]
        r = int(rng.integers(len(caps)))
        t0 = int(rng.integers(0, 300))
        caps[r][t0:t0 + int(rng.integers(10, 60))] = 0
    trs = None
    if delay_money:
        trs = [[(t + int(rng.integers(0, 120)), int(a * rng.uniform(0.6, 1.0))) for t, a in tr] for tr in rt.tranches]
    return Perturbation(dur, cost, caps, trs)


def test_random_samples_pass_the_checker(base_rt):
    _, _, rt = base_rt
    rng = np.random.default_rng(7)
    for hold in (True, False):
        for _ in range(6):
            pert = _random_perturbation(rt, rng)
            r = retime(rt, pert, hold_plan=hold)
            assert r.complete
            rep = check(perturbed_problem(rt, pert), to_solution(rt, r))
            assert rep.ok, str(rep)


def test_without_extra_funding_late_money_makes_works_wait_and_the_checker_agrees(base_rt):
    problem, sol, _ = base_rt
    # the same plan where the extra funding may only come a year later: money now binds
    late = [dataclasses.replace(s, available_from=365) if s.unlimited else s for s in problem.sources]
    p2 = dataclasses.replace(problem, sources=tuple(late))
    rt = prepare(p2, sol)
    rng = np.random.default_rng(3)
    waited = 0
    for _ in range(6):
        pert = _random_perturbation(rt, rng, cut_capacity=False)
        r = retime(rt, pert)
        waited += sum(1 for d in r.driver if d[0] == "money")
        if r.complete:
            rep = check(perturbed_problem(rt, pert), to_solution(rt, r))
            assert rep.ok, str(rep)
    assert waited > 0


def test_money_that_never_comes_leaves_the_task_and_its_successors_unplaced():
    from ntm_sched.engine.problem import Mode, Precedence, Resource, Task, Tranche
    from ntm_sched.engine.result import Payment, Solution, TaskSchedule

    p = Problem(
        tasks=(Task("A", (Mode(3, {"R": 1}, cost=10),)), Task("B", (Mode(2, {"R": 1}, cost=0),)),
               Task("C", (Mode(1, {"R": 1}),))),
        precedences=(Precedence("A", "B"),), resources=(Resource("R", 2),),
        sources=(Source("S", (Tranche(0, 10),)), Source("X", unlimited=True, available_from=50)), horizon=20)
    sol = Solution({"A": TaskSchedule("A", 0, 3), "B": TaskSchedule("B", 3, 5), "C": TaskSchedule("C", 0, 1)},
                   (Payment("A", "S", 0, 3), Payment("A", "S", 3, 7)))
    assert check(p, sol).ok
    rt = prepare(p, sol)  # extended horizon 40: the extra money (from 50) never comes in time
    r = retime(rt, Perturbation(np.array(rt.base_duration), np.array(rt.base_cost), tranches=[[], []]))
    assert list(r.start) == [-1, -1, 0] and r.unplaced == 2
    assert r.driver[0] == ("none",)
    # with the money back, the plan returns
    r = retime(rt, Perturbation(np.array(rt.base_duration), np.array(rt.base_cost)))
    assert list(r.start) == [0, 3, 0] and r.complete
