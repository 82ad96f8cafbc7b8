"""The canonical answer (issue 25): one schedule and one allocation for the tiers' values."""

from __future__ import annotations

import itertools

import pytest

from ntm_sched.engine import (
    Mode,
    Objective,
    Precedence,
    Problem,
    Resource,
    Solution,
    SolveOptions,
    Source,
    Status,
    Task,
    Tranche,
    check,
    solve,
)
from ntm_sched.engine.canonical import WHOLE_OBJECTIVE, canonicalize

LEX = Objective(tardiness=10, late_count=0, extra_funding=1, cost=0, makespan=0, lexicographic=True)


def tied_problem() -> Problem:
    """Many equally good schedules: six one-unit works on a resource of 2, only one deadline binds.

    Only ``D`` has a deadline; ``A``..``E`` compete for the resource in any order, and the money
    (two limited sources and an unlimited one) can be split many ways.
    """
    tasks = tuple(Task(n, (Mode(3, {"R": 1}, cost=6),), due=12 if n == "D" else None, tardiness_weight=1)
                  for n in "ABCDEF")
    return Problem(
        tasks=tasks,
        precedences=(Precedence("A", "D"),),
        resources=(Resource("R", 2),),
        sources=(Source("S1", (Tranche(0, 12), Tranche(6, 12))), Source("S2", (Tranche(0, 30),)),
                 Source("X", unlimited=True, unit_price=1)),
        horizon=40,
        advance_share=0.5,
        objective=LEX,
    )


def _key(sol: Solution) -> tuple:
    return (tuple(sorted((k, v.start, v.end, v.mode) for k, v in sol.tasks.items())),
            tuple(sorted((p.task_id, p.source, p.time, p.amount) for p in sol.payments)))


def test_the_same_answer_for_every_seed_and_worker_count() -> None:
    p = tied_problem()
    answers = set()
    for workers, seed in itertools.product((1, 2), (0, 1, 2)):
        r = solve(p, SolveOptions(time_limit=10, workers=workers, seed=seed))
        assert r.status == Status.OPTIMAL and r.check.ok
        assert r.canonical is not None and r.canonical.repeatable and r.canonical.reasons == ()
        answers.add(_key(r.solution))
    assert len(answers) == 1


def test_each_work_as_early_as_the_tiers_allow() -> None:
    """The smallest sum of starts among the optimal schedules: brute force over the orders."""
    p = tied_problem()
    r = solve(p, SolveOptions(time_limit=10, workers=1, seed=0))
    starts = sorted(ts.start for ts in r.solution.tasks.values())
    # two at a time on the resource, three days each: 0, 0, 3, 3, 6, 6 is the least possible
    assert starts == [0, 0, 3, 3, 6, 6]
    assert r.canonical.schedule_proven and r.canonical.allocation_proven


def test_money_comes_from_the_sources_listed_first() -> None:
    """Without a money tier to decide, every instalment is paid from the first source that can pay it."""
    p = tied_problem()
    r = solve(p, SolveOptions(time_limit=10, workers=2, seed=3))
    by_source: dict[str, int] = {}
    for pay in r.solution.payments:
        by_source[pay.source] = by_source.get(pay.source, 0) + pay.amount
    # S1 releases 24 in all, S2 30: 36 to pay, S1 first as far as its tranches allow, no extra money
    assert by_source.get("X", 0) == 0
    assert by_source["S1"] == 24 and by_source["S2"] == 12
    assert check(p, r.solution).ok


def test_the_answer_does_not_depend_on_the_schedule_found() -> None:
    """canonicalize sees only the problem and the values held: two different optimal schedules give one answer."""
    p = tied_problem()
    r = solve(p, SolveOptions(time_limit=10, workers=1, seed=0, canonical=False))
    held = {tr.name: round(tr.value) for tr in r.tiers}
    a, can_a, _ = canonicalize(p, held, tiers_proven=True, work=10, wall=60)
    b, can_b, _ = canonicalize(p, held, tiers_proven=True, work=10, wall=60)
    assert a is not None and b is not None and _key(a) == _key(b)
    assert can_a.repeatable and can_b.repeatable


def test_a_tier_not_proven_is_said() -> None:
    p = tied_problem()
    r = solve(p, SolveOptions(time_limit=10, workers=1, seed=0, canonical=False))
    held = {tr.name: round(tr.value) for tr in r.tiers}
    sol, can, _ = canonicalize(p, held, tiers_proven=False, work=10, wall=60)
    assert sol is not None and can.applied and not can.repeatable
    assert can.reasons == ("tier_not_proven",)
    assert "not proven" in can.reason and "may change between runs" in can.note()


def test_a_search_that_finds_nothing_keeps_the_schedule_found_and_says_so() -> None:
    """A work limit too small to find any schedule: the schedule found is kept, marked as not repeatable."""
    p = tied_problem()
    r = solve(p, SolveOptions(time_limit=10, workers=1, seed=0, canonical=False))
    held = {tr.name: round(tr.value) for tr in r.tiers}
    sol, can, values = canonicalize(p, held, tiers_proven=True, work=1e-9, wall=60)
    assert sol is None and values == {}
    assert not can.applied and not can.repeatable and can.reasons == ("no_schedule",)


def test_a_weighted_objective_is_held_whole() -> None:
    p = tied_problem()
    p = Problem(**{**p.__dict__, "objective": Objective(tardiness=10, late_count=0, extra_funding=1, cost=0,
                                                            makespan=0, lexicographic=False)})
    answers = set()
    for workers, seed in ((1, 0), (2, 5)):
        r = solve(p, SolveOptions(time_limit=10, workers=workers, seed=seed))
        assert r.status == Status.OPTIMAL and r.canonical.repeatable
        answers.add(_key(r.solution))
    assert len(answers) == 1
    held = {WHOLE_OBJECTIVE: round(r.objective)}
    sol, can, values = canonicalize(p, held, tiers_proven=True, work=10, wall=60)
    assert values[WHOLE_OBJECTIVE] == r.objective


@pytest.mark.parametrize("flag", [False, True])
def test_canonical_can_be_turned_off(flag: bool) -> None:
    r = solve(tied_problem(), SolveOptions(time_limit=10, workers=1, seed=0, canonical=flag))
    assert (r.canonical is not None) == flag


def test_money_beyond_the_plan_is_drawn_as_late_as_possible() -> None:
    """Two works paid at their end (days 2 and 8), one limited source of 10 that could pay either:
    the money beyond the plan's sources pays the later one, whatever the seed (the planned tranche first)."""
    tasks = (Task("P", (Mode(2, cost=10),), due=2, tardiness_weight=1),
             Task("Q", (Mode(2, cost=10),), release=6, due=8, tardiness_weight=1))
    p = Problem(tasks=tasks, sources=(Source("S", (Tranche(0, 10),)), Source("X", unlimited=True, unit_price=1)),
                horizon=20, advance_share=0.0, objective=LEX)
    for workers, seed in ((1, 0), (2, 4)):
        r = solve(p, SolveOptions(time_limit=10, workers=workers, seed=seed))
        assert r.canonical.repeatable and r.check.ok
        paid = {(pay.task_id, pay.source): pay.amount for pay in r.solution.payments}
        assert paid == {("P", "S"): 10, ("Q", "X"): 10}, paid


def test_the_last_tier_is_proven_by_the_canonical_search() -> None:
    """The last tier is folded into the canonical search ("the tier, then the starts"): same optimum, one search."""
    p = tied_problem()
    plain = solve(p, SolveOptions(time_limit=10, workers=2, seed=0, canonical=False))
    r = solve(p, SolveOptions(time_limit=10, workers=2, seed=0))
    assert [t.name for t in r.tiers] == [t.name for t in plain.tiers] and len(r.tiers) >= 2
    assert all(t.status == Status.OPTIMAL for t in r.tiers)
    assert [t.value for t in r.tiers] == [t.value for t in plain.tiers]
    assert r.tiers[-1].bound == r.tiers[-1].value
    assert r.objective == plain.objective and r.best_bound == r.objective
    assert not any("solved as the others" in n for n in r.notes)
    assert r.canonical.repeatable and r.check.ok


def test_a_last_tier_the_canonical_search_cannot_prove_is_solved_as_the_others() -> None:
    """No work for the canonical search: the last tier is solved (and proven) by the tiers' search, and
    the schedule found is kept, marked as not repeatable."""
    p = tied_problem()
    r = solve(p, SolveOptions(time_limit=10, workers=1, seed=0, canonical_work=1e-9))
    assert any("solved as the others" in n for n in r.notes)
    assert r.status == Status.OPTIMAL and all(t.status == Status.OPTIMAL for t in r.tiers)
    assert not r.canonical.applied and r.canonical.reasons == ("no_schedule",) and r.check.ok


def test_no_canonical_search_under_a_tier_not_proven(monkeypatch) -> None:
    """A tier not proven: no search can make the answer repeatable, so none runs (it would spend its whole
    work limit); the schedule found is kept and said to be not repeatable."""
    import sys

    S = sys.modules["ntm_sched.engine.solve"]  # the module (the package's ``solve`` is its function)

    def never(*args, **kwargs):
        raise AssertionError("the canonical search ran under a tier not proven")

    monkeypatch.setattr(S, "tiers_all_proven", lambda tiers: False)
    monkeypatch.setattr(S, "canonicalize", never)
    r = solve(tied_problem(), SolveOptions(time_limit=10, workers=1, seed=0))
    assert r.solution is not None and r.check.ok
    assert not r.canonical.applied and not r.canonical.repeatable
    assert r.canonical.reasons == ("tier_not_proven",)
    assert any("may change between runs" in n for n in r.notes)


def test_a_fold_that_reaches_the_tiers_optimum_unproven_is_kept(monkeypatch) -> None:
    """The folded search stopped by its work limit (simulated: its proof withheld) at the value the tiers'
    search then proves optimal: its schedule is the canonical one, and no second canonical search runs."""
    import dataclasses
    import sys

    S = sys.modules["ntm_sched.engine.solve"]
    real = S.canonicalize
    calls: list[object] = []

    def unproven(*args, **kwargs):
        sol, can, values = real(*args, **kwargs)
        calls.append(kwargs.get("fold"))
        return sol, dataclasses.replace(can, schedule_proven=False), values

    monkeypatch.setattr(S, "canonicalize", unproven)
    p = tied_problem()
    r = solve(p, SolveOptions(time_limit=10, workers=1, seed=0))
    assert len(calls) == 1 and calls[0] == r.tiers[-1].name  # the folded search only
    assert any("solved as the others" in n for n in r.notes)
    assert all(t.status == Status.OPTIMAL for t in r.tiers) and r.status == Status.OPTIMAL
    assert r.canonical.repeatable and not r.canonical.schedule_proven and r.check.ok
    monkeypatch.setattr(S, "canonicalize", real)
    assert _key(r.solution) == _key(solve(p, SolveOptions(time_limit=10, workers=2, seed=4)).solution)
