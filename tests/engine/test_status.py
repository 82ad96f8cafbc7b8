"""Re-planning from a status period in engine terms (restrict_to_status), on a small problem."""

from __future__ import annotations

import pytest

from ntm_sched.engine import Calendar, Mode, Precedence, Problem, Resource, Source, Task, Tranche, check, solve
from ntm_sched.engine.status import (
    SETTLEMENT_SUFFIX,
    Spending,
    StatusError,
    TaskProgress,
    deduct,
    remaining_duration,
    restrict_to_status,
)


def chain() -> Problem:
    return Problem(
        tasks=(Task("A", (Mode(4, {"R": 1}, cost=100),), sources=frozenset({"S"})),
               Task("B", (Mode(6, {"R": 1}, cost=60),), calendar="C", sources=frozenset({"S"})),
               Task("C", (Mode(0),), due=30, tardiness_weight=1),
               Task("D", (Mode(3, {"R": 1}, cost=30),), sources=frozenset({"S"}))),
        precedences=(Precedence("A", "B"), Precedence("B", "C"), Precedence("A", "D")),
        resources=(Resource("R", 2),), calendars=(Calendar("C", ((12, 14),)),),
        sources=(Source("S", (Tranche(0, 150), Tranche(20, 100))),), horizon=60, advance_share=0.3,
    )


def test_no_progress_at_period_zero_changes_nothing() -> None:
    p = chain()
    q = restrict_to_status(p, 0)
    assert q.tasks == p.tasks and q.sources == p.sources and q.precedences == p.precedences


def test_finished_fixed_started_continue_rest_released_and_checked() -> None:
    import dataclasses

    p = dataclasses.replace(chain(), sources=(Source("S", (Tranche(0, 200), Tranche(20, 100))),))
    prog = [TaskProgress("A", 0, 5, 1.0), TaskProgress("B", 5, None, 0.5)]
    pays = [Spending("S", 0, 30, "A"), Spending("S", 5, 18, "B")]
    q = restrict_to_status(p, 8, prog, pays)
    a, b, d = q.task("A"), q.task("B"), q.task("D")
    assert a.fixed_start == 0 and a.modes[0].duration == 5 and a.modes[0].cost == 0 and not a.modes[0].demands
    assert b.fixed_start == 8 and b.modes[0].duration == remaining_duration(6, 0.5) == 3
    assert b.modes[0].cost == 60 - 18 and b.advance_share == 0.0 and b.modes[0].demands == {"R": 1}
    assert d.release == 8
    settle = q.task("A" + SETTLEMENT_SUFFIX)  # 100 worth, 30 paid: 70 still owed, paid at the status period
    assert settle.fixed_start == 8 and settle.modes[0].cost == 70
    assert q.source("S").released_by(8) == 200 - 48
    r = solve(q, time_limit=5, workers=1, seed=0)
    assert r.ok and check(q, r.solution).ok
    assert r.solution.tasks["A"].start == 0 and r.solution.tasks["A"].end == 5
    assert r.solution.tasks["B"].start >= 8 and r.solution.tasks["D"].start >= 8
    # money never spent twice: future payments per task + paid = its value
    fut = {t: sum(x.amount for x in r.solution.payments if x.task_id.split("~")[0] == t) for t in "ABD"}
    assert fut["A"] + 30 == 100 and fut["B"] + 18 == 60 and fut["D"] == 30


def test_started_task_resumes_after_a_break_and_keeps_its_reference_mode() -> None:
    import dataclasses

    p = dataclasses.replace(chain(), sources=(Source("S", (Tranche(0, 400),)),))  # money never binds here
    q = restrict_to_status(p, 12, [TaskProgress("A", 0, 4, 1.0), TaskProgress("B", 4, None, 0.5)],
                           reference={"D": 20}, reference_modes={"B": 0})
    assert q.reference_starts["B"] == 14  # the status period lies in the break [12, 14)
    assert q.reference_starts["D"] == 20
    r = solve(dataclasses.replace(q, objective=q.objective.__class__(lexicographic=True)),
              time_limit=5, workers=1, seed=0)
    assert r.ok and r.solution.tasks["B"].start == 14 and r.solution.tasks["D"].start == 20
    # with the original money the settlement of A (100 at 12) leaves too little before 20: B cannot
    # resume at 14; allowed to pause, it waits for the next tranche
    lex = chain().objective.__class__(lexicographic=True)
    prog = [TaskProgress("A", 0, 4, 1.0), TaskProgress("B", 4, None, 0.5)]
    q2 = restrict_to_status(chain(), 12, prog)
    assert solve(dataclasses.replace(q2, objective=lex), time_limit=5, workers=1, seed=0,
                 explain=False).status.value == "INFEASIBLE"
    q3 = restrict_to_status(chain(), 12, prog, resume_fixed=False)
    r3 = solve(dataclasses.replace(q3, objective=lex), time_limit=5, workers=1, seed=0)
    assert r3.ok and r3.solution.tasks["B"].end >= 20


def test_milestone_follows_finished_predecessors() -> None:
    p = chain()
    q = restrict_to_status(p, 20, [TaskProgress("A", 0, 4, 1.0), TaskProgress("B", 4, 12, 1.0)])
    assert q.task("C").fixed_start == 12 and q.task("C").modes[0].duration == 0
    # the reference plan had it later: it keeps that date (before the status period) ...
    prog = [TaskProgress("A", 0, 4, 1.0), TaskProgress("B", 4, 12, 1.0)]
    assert restrict_to_status(p, 20, prog, reference={"C": 15}).task("C").fixed_start == 15
    # ... or stays for the solver to place (after it)
    q2 = restrict_to_status(p, 20, prog, reference={"C": 25})
    assert q2.task("C").fixed_start is None and q2.task("C").release == 20 and q2.reference_starts["C"] == 25


def test_bad_progress_is_refused() -> None:
    p = chain()
    with pytest.raises(StatusError, match="after the status"):
        restrict_to_status(p, 5, [TaskProgress("A", 6, None, 0.1)])
    with pytest.raises(StatusError, match="unknown task"):
        restrict_to_status(p, 5, [TaskProgress("Z", 1, None, 0.1)])
    with pytest.raises(StatusError, match="outside"):
        restrict_to_status(p, 5, [TaskProgress("A", 1, None, 1.5)])
    with pytest.raises(StatusError, match="more than"):
        deduct(p.source("S"), 251)
    with pytest.raises(StatusError, match="after the status"):
        restrict_to_status(p, 5, spending=[Spending("S", 6, 1)])


def test_checker_rejects_a_moved_fixed_start() -> None:
    from ntm_sched.engine import Solution, TaskSchedule

    p = Problem(tasks=(Task("A", (Mode(2),), fixed_start=3),), horizon=10)
    assert check(p, Solution({"A": TaskSchedule("A", 3, 5)})).ok
    assert "release" in check(p, Solution({"A": TaskSchedule("A", 4, 6)})).kinds()


def test_stability_only_breaks_ties_and_stays_out_of_the_objective() -> None:
    import dataclasses

    p = Problem(tasks=(Task("A", (Mode(2, {"R": 1}),), due=10, tardiness_weight=1),
                       Task("B", (Mode(2, {"R": 1}),), due=10, tardiness_weight=1)),
                resources=(Resource("R", 1),), horizon=20,
                objective=chain().objective.__class__(lexicographic=True, makespan=1))
    plain = solve(p, time_limit=5, workers=1, seed=0)
    for ref in ({"A": 2, "B": 0}, {"A": 0, "B": 2}):  # two equally good orders: the reference one is kept
        r = solve(dataclasses.replace(p, reference_starts=ref), time_limit=5, workers=1, seed=0)
        assert {k: v.start for k, v in r.solution.tasks.items()} == ref
        assert r.objective == plain.objective  # the tie-break adds nothing to the objective
        assert [t.name for t in r.tiers][-1] == "stability" and r.tiers[-1].value == 0
    # a reference that would cost lateness is not followed
    r = solve(dataclasses.replace(p, reference_starts={"A": 15}), time_limit=5, workers=1, seed=0)
    assert r.solution.tasks["A"].end <= 10 and r.objective == plain.objective
