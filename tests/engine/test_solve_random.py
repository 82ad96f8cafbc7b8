"""Random small problems with every feature: the solver's schedules must pass the independent checker."""

from __future__ import annotations

import math
import random

import pytest

from ntm_sched.engine import (
    Budget,
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


def random_problem(seed: int) -> Problem:
    rnd = random.Random(seed)
    n = rnd.randint(3, 7)
    cals = (Calendar("W", tuple((b, b + rnd.randint(1, 3)) for b in range(rnd.randint(2, 5), 60, rnd.randint(6, 9)))),)
    tasks = []
    for i in range(n):
        modes = tuple(
            Mode(rnd.randint(0, 6), {"R": rnd.randint(0, 3)}, cost=rnd.choice([0, 5, 10, 17]),
                 nonrenewable={"N": rnd.randint(0, 3)})
            for _ in range(rnd.randint(1, 2))
        )
        due = rnd.randint(8, 30) if rnd.random() < 0.5 else None
        tasks.append(Task(f"T{i}", modes, release=rnd.randint(0, 5), due=due, due_hard=due is not None and
                          rnd.random() < 0.3, tardiness_weight=rnd.randint(0, 3), late_weight=rnd.randint(0, 3),
                          calendar="W" if rnd.random() < 0.6 else None,
                          sources=frozenset(rnd.sample(["S1", "S2", "X"], rnd.randint(1, 3)))))
    precs = tuple(Precedence(f"T{i}", f"T{j}", rnd.choice(["FS", "SS"]), rnd.randint(-1, 2))
                  for i in range(n) for j in range(i + 1, n) if rnd.random() < 0.25)
    return Problem(
        tasks=tuple(tasks),
        precedences=precs,
        resources=(Resource("R", 4, profile=((rnd.randint(5, 15), rnd.randint(16, 25), rnd.randint(1, 3)),)),),
        budgets=(Budget("N", 3 * n),),
        calendars=cals,
        sources=(Source("S1", (Tranche(0, 10), Tranche(rnd.randint(5, 20), 20))),
                 Source("S2", (Tranche(rnd.randint(0, 10), 15),)),
                 Source("X", unlimited=True, unit_price=rnd.randint(0, 3))),
        horizon=70,
        advance_share=rnd.choice([0.0, 0.3, 0.29, 0.5, 1.0]),
        objective=Objective(makespan=rnd.randint(0, 2), cost=rnd.randint(0, 1)),
    )


@pytest.mark.parametrize("seed", range(30))
def test_random_problem_schedule_is_valid(seed):
    p = random_problem(seed)
    r = solve(p, time_limit=5, explain=False)
    assert r.status in (Status.OPTIMAL, Status.FEASIBLE, Status.INFEASIBLE), r.summary()
    if r.solution is not None:
        assert r.check is not None and r.ok, r.summary()  # solve() ran the checker and it accepted
        # what the checker does not own: every task paid exactly its chosen mode's cost, from allowed sources
        paid = {t.id: 0 for t in p.tasks}
        for pay in r.solution.payments:
            paid[pay.task_id] += pay.amount
            assert pay.source in p.task(pay.task_id).sources
        assert paid == {t.id: t.modes[r.solution.tasks[t.id].mode].cost for t in p.tasks}


def tiny_problem(seed: int) -> Problem:
    """Two or three single-mode tasks, each paid by exactly one source: small enough to enumerate."""
    rnd = random.Random(1000 + seed)
    n = rnd.randint(2, 3)
    tasks = tuple(
        Task(f"T{i}", (Mode(rnd.randint(0, 4), {"R": rnd.randint(0, 2)}, cost=rnd.choice([0, 4, 7, 10])),),
             release=rnd.randint(0, 3), due=rnd.randint(4, 12), due_hard=rnd.random() < 0.15,
             tardiness_weight=rnd.randint(0, 2), late_weight=rnd.randint(0, 2),
             calendar="W" if rnd.random() < 0.5 else None, sources=frozenset({rnd.choice(["S", "X"])}))
        for i in range(n)
    )
    precs = tuple(Precedence(f"T{i}", f"T{i + 1}", rnd.choice(["FS", "SS"]), rnd.randint(-1, 1))
                  for i in range(n - 1) if rnd.random() < 0.5)
    return Problem(
        tasks=tasks, precedences=precs,
        resources=(Resource("R", 2, profile=((rnd.randint(2, 6), rnd.randint(7, 9), rnd.randint(0, 1)),)),),
        calendars=(Calendar("W", ((rnd.randint(2, 4), rnd.randint(5, 6)), (rnd.randint(8, 9), 10))),),
        sources=(Source("S", (Tranche(0, rnd.randint(2, 10)), Tranche(rnd.randint(3, 9), rnd.randint(6, 16)))),
                 Source("X", unlimited=True, unit_price=rnd.randint(0, 2))),
        horizon=14, advance_share=rnd.choice([0.3, 0.5]),
        objective=Objective(makespan=rnd.randint(0, 2), cost=0, extra_funding=1),
    )


def brute_force(p: Problem) -> int | None:
    """Best objective over every start vector (payments are forced: one source per task)."""
    import itertools
    from decimal import Decimal

    from ntm_sched.engine import Payment, Solution, TaskSchedule, elapsed_end

    best = None
    for starts in itertools.product(range(p.horizon + 1), repeat=len(p.tasks)):
        sched, pays, ok = {}, [], True
        for t, s in zip(p.tasks, starts):
            try:
                e = elapsed_end(s, t.modes[0].duration, p.calendar(t.calendar))
            except ValueError:
                ok = False
                break
            sched[t.id] = TaskSchedule(t.id, s, e)
            (src,) = t.sources
            c = t.modes[0].cost
            a = math.floor(Decimal(str(p.advance_share)) * c)  # the documented rule, not the builder's helper
            pays += [Payment(t.id, src, s, a), Payment(t.id, src, e, c - a)]
        if not ok:
            continue
        sol = Solution(sched, tuple(x for x in pays if x.amount))
        if not check(p, sol).ok:
            continue
        obj = p.objective.makespan * sol.makespan
        for t in p.tasks:
            late = max(0, sched[t.id].end - t.due)
            if not t.due_hard:
                obj += t.tardiness_weight * late + t.late_weight * (late > 0)
        obj += sum(x.amount for x in sol.payments if x.source == "X") * p.source("X").unit_price
        best = obj if best is None else min(best, obj)
    return best


@pytest.mark.parametrize("seed", range(25))
def test_tiny_problem_matches_brute_force(seed):
    p = tiny_problem(seed)
    r = solve(p, time_limit=5, explain=False)
    want = brute_force(p)
    if want is None:
        assert r.status == Status.INFEASIBLE
    else:
        assert r.status == Status.OPTIMAL and r.objective == want, r.summary()
