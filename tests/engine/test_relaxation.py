"""The relaxations of :mod:`ntm_sched.engine.relaxation` against CP-SAT on small random problems: a set of
deadlines they refute has no schedule (CP-SAT on the engine's model with those deadlines hard never finds one),
and the lateness lower bound is never above the lateness of a schedule CP-SAT finds."""

from __future__ import annotations

import dataclasses
import random

import pytest
from ortools.sat.python import cp_model

from ntm_sched.engine import Calendar, Mode, Precedence, Problem, Resource, Source, Task, Tranche, check
from ntm_sched.engine.builder import build_model
from ntm_sched.engine.cpsat import make_solver
from ntm_sched.engine.problem import Objective
from ntm_sched.engine.relaxation import NEVER, Relaxation


def random_problem(seed: int) -> Problem:
    """Seven tasks, some with a fast dear mode, FS/SS precedences with lags, a calendar break, one agency,
    two limited sources released in tranches, some tasks paid by only one of them, and (on odd seeds) an
    unlimited source from period 25."""
    rng = random.Random(seed)
    tasks = []
    for k in range(7):
        d = rng.randint(1, 6)
        cost = rng.randint(0, 12)
        modes = [Mode(d, {"R": rng.randint(0, 2)}, cost=cost)]
        if rng.random() < 0.4:
            modes.append(Mode(max(1, d - 2), {"R": rng.randint(0, 2)}, cost=cost + rng.randint(2, 6)))
        srcs = rng.choice([None, frozenset({"A"}), frozenset({"B"}), frozenset({"A", "B"})])
        if seed % 2 and srcs is not None:
            srcs = srcs | {"X"}
        cal = "c" if rng.random() < 0.3 else None
        tasks.append(Task(f"T{k}", tuple(modes), release=rng.randint(0, 4), calendar=cal,
                          sources=srcs, advance_share=rng.choice([None, 0.0, 0.5])))
    precs = []
    for k in range(1, 7):
        for j in range(k):
            if rng.random() < 0.25:
                precs.append(Precedence(f"T{j}", f"T{k}", rng.choice(["FS", "FS", "SS"]), rng.randint(0, 2)))
    total = sum(max(md.cost for md in t.modes) for t in tasks)
    sources = [Source("A", (Tranche(0, total // 5), Tranche(rng.randint(5, 15), total // 4))),
               Source("B", (Tranche(rng.randint(0, 6), total // 5), Tranche(rng.randint(10, 20), total // 3)))]
    if seed % 2:
        sources.append(Source("X", unlimited=True, unit_price=1, available_from=25))
    return Problem(tuple(tasks), tuple(precs), resources=(Resource("R", 2),), calendars=(Calendar("c", ((8, 11),)),),
                   sources=tuple(sources), horizon=60, advance_share=0.3)


def hard(problem: Problem, deadlines: dict[str, int]) -> Problem:
    tasks = tuple(dataclasses.replace(t, due=deadlines.get(t.id), due_hard=t.id in deadlines, tardiness_weight=0,
                                      late_weight=0) for t in problem.tasks)
    return dataclasses.replace(problem, tasks=tasks, objective=Objective(0, 0, 0, 0, 0))


def cp_sat(problem: Problem) -> tuple[int, object]:
    bm = build_model(problem)
    bm.model.clear_objective()
    solver = make_solver(20.0, 1, 0, False)
    st = solver.solve(bm.model)
    sol = bm.solution_from(solver) if st in (cp_model.OPTIMAL, cp_model.FEASIBLE) else None
    return st, sol


CASES = [(seed, k) for seed in range(48) for k in range(3)]


def deadlines_of(problem: Problem, seed: int, k: int) -> dict[str, int]:
    rng = random.Random(1000 * seed + k)
    rel = Relaxation(problem)
    chosen = rng.sample([t.id for t in problem.tasks], rng.randint(1, 4))
    return {tid: rel.ee[tid] + rng.randint(-1, 8) for tid in chosen}


def with_soft_dues(base: Problem, held: dict[str, int], rng: random.Random) -> Problem:
    """``base`` with a soft due date (weighted, near its earliest end) on every task not held."""
    rel0 = Relaxation(base)
    return dataclasses.replace(base, tasks=tuple(t if t.id in held else dataclasses.replace(
        t, due=max(0, rel0.ee[t.id] - rng.randint(-2, 6)), tardiness_weight=1, late_weight=3) for t in base.tasks))


def least_lateness(problem: Problem, held: dict[str, int]) -> int | None:
    """CP-SAT's optimum of the lateness of ``problem`` with the ``held`` deadlines hard (the engine's whole model),
    ``None`` when it is not proven in 20 s."""
    from ntm_sched.engine.heuristic import lateness_value

    exact = dataclasses.replace(problem, tasks=tuple(
        dataclasses.replace(t, due=held[t.id], due_hard=True) if t.id in held else t for t in problem.tasks),
        objective=Objective(1, 1, 0, 0, 0))
    bm = build_model(exact)
    solver = make_solver(20.0, 1, 0, False)
    if solver.solve(bm.model) != cp_model.OPTIMAL:
        return None
    return lateness_value(problem, bm.solution_from(solver))


def test_a_refuted_set_of_deadlines_has_no_schedule_and_the_relaxations_refute_some():
    refuted = {"earliest": 0, "money": 0}
    undecided = 0
    for seed, k in CASES:
        problem = random_problem(seed)
        d = deadlines_of(problem, seed, k)
        rel = Relaxation(problem)
        why = rel.refute(d)
        st, sol = cp_sat(hard(problem, d))
        if st == cp_model.UNKNOWN:
            undecided += 1
            continue
        if why is not None:
            refuted["earliest" if why.startswith("earliest") else "money"] += 1
            assert st == cp_model.INFEASIBLE, f"seed {seed}/{k}: refuted ({why}) but CP-SAT found a schedule"
        if sol is not None:
            assert check(hard(problem, d), sol).ok
    assert undecided <= 2
    # not a vacuous test: both proofs fire on these cases
    assert refuted["earliest"] >= 3 and refuted["money"] >= 3, refuted


def test_least_delay_is_a_lower_bound_of_every_schedule():
    """A schedule meeting the held deadlines (two tasks' ends in a first schedule) ends each other task at least
    ``least_delay`` after a date near its earliest end (the random problems that have a schedule at all)."""
    checked = 0
    for seed in range(24):
        problem = random_problem(seed)
        if cp_sat(problem)[1] is not None:
            checked += 1
            _least_delay_case(problem, seed)
    assert checked >= 8


def _least_delay_case(problem: Problem, seed: int) -> None:
    rel = Relaxation(problem)
    st, first = cp_sat(problem)
    assert first is not None
    rng = random.Random(seed)
    held = {tid: first.tasks[tid].end for tid in rng.sample([t.id for t in problem.tasks], 2)}  # type: ignore
    st, sol = cp_sat(hard(problem, held))
    assert sol is not None and rel.refute(held) is None
    positive = 0
    for t in problem.tasks:
        if t.id in held:
            continue
        for k in range(-2, 3):
            due = rel.ee[t.id] + k
            delta = rel.least_delay(held, t.id, due)
            assert delta != NEVER
            assert max(0, sol.tasks[t.id].end - due) >= delta  # type: ignore[attr-defined]
            positive += delta > 0
    assert positive > 0


def test_no_deadline_no_money_nothing_refuted():
    p = Problem((Task("a", (Mode(3, cost=5),)),), horizon=10)
    rel = Relaxation(p)
    assert rel.refute({}) is None and rel.refute({"a": 3}) is None
    assert rel.refute({"a": 2}) is not None and rel.least_delay({}, "a", 1) == 2


@pytest.mark.parametrize("seed", range(1, 24, 3))
def test_lateness_bound_is_at_most_the_lateness_of_every_schedule(seed):
    """The summed per-task bound against the lateness tier of schedules CP-SAT finds with the held deadlines
    (some draws make it positive, so the test is not vacuous over the parametrisation)."""
    from ntm_sched.engine.heuristic import lateness_value

    base = random_problem(seed)
    rel0 = Relaxation(base)
    rng = random.Random(seed)
    held = deadlines_of(base, seed, 1)
    soft = tuple(t if t.id in held else dataclasses.replace(
        t, due=max(0, rel0.ee[t.id] - rng.randint(-2, 6)), tardiness_weight=1, late_weight=3) for t in base.tasks)
    problem = dataclasses.replace(base, tasks=soft)
    rel = Relaxation(problem)
    bound = rel.lateness_bound(held)
    st, sol = cp_sat(hard(base, held))
    if sol is None:
        assert rel.refute(held) is not None or st != cp_model.FEASIBLE
        return
    assert lateness_value(problem, sol) >= bound
    assert bound >= sum(max(0, rel.ee[t.id] - t.due) for t in problem.tasks  # type: ignore[operator]
                        if t.id not in held and t.due is not None)


def test_joint_lateness_bound_is_at_most_the_optimum_and_at_least_the_per_task_bound():
    """CP-SAT's optimum of the lateness with the held deadlines hard (the engine's model, agencies and all) is
    never below the joint relaxation's bound, which is never below the per-task one; the joint bound is above
    it on some draws (the late tasks' competition for the same money)."""
    from ntm_sched.engine.joint_bound import joint_lateness_bound

    compared = above = 0
    for seed in range(40):
        base = random_problem(seed)
        rng = random.Random(seed)
        held = deadlines_of(base, seed, 1)
        problem = with_soft_dues(base, held, rng)
        rel = Relaxation(problem)
        per_task, joint = rel.lateness_bound(held), joint_lateness_bound(rel, held, 5.0)
        assert joint >= per_task
        optimum = least_lateness(problem, held)
        if optimum is None:
            continue
        compared += 1
        above += joint > per_task
        assert optimum >= joint, seed
    assert compared >= 10 and above >= 2
