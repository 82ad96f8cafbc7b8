"""Council sessions (:mod:`ntm_sched.engine.families.sessions`): the model, the check, the warm start
and the explanation of a task that waits behind a full session."""

from __future__ import annotations

import pytest

from ntm_sched.engine import Mode, Precedence, Problem, ProblemError, Solution, Task, TaskSchedule, check, solve
from ntm_sched.engine.builder import build_model
from ntm_sched.engine.families.sessions import session_waits
from ntm_sched.engine.heuristic import money_sgs
from ntm_sched.engine.problem import Session


def council(n: int = 3, capacity: int = 1, cutoff: int = 2, due: int = 12) -> Problem:
    """``n`` dossiers (3, 4, 5... periods) each followed by an appraisal due at ``due``; sessions at 6, 10, 20."""
    tasks, precs = [], []
    for k in range(n):
        tasks.append(Task(f"D{k}", (Mode(3 + k),)))
        tasks.append(Task(f"A{k}", (Mode(1),), kind="appraisal", due=due, tardiness_weight=1))
        precs.append(Precedence(f"D{k}", f"A{k}"))
    sessions = (Session("s6", 6, capacity, cutoff), Session("s10", 10, capacity, cutoff),
                Session("s20", 20, capacity, cutoff))
    return Problem(tuple(tasks), tuple(precs), horizon=40, sessions=sessions)


def test_sessions_are_validated() -> None:
    with pytest.raises(ProblemError, match="negative"):
        Session("x", 3, -1)
    with pytest.raises(ProblemError, match="duplicate session date"):
        council(1).__class__((Task("A", (Mode(1),)),), sessions=(Session("a", 3, 1), Session("b", 3, 2)))


def test_without_sessions_the_model_is_unchanged() -> None:
    p = council(2)
    bare = Problem(tuple(Task(t.id, t.modes, due=t.due, tardiness_weight=t.tardiness_weight) for t in p.tasks),
                   p.precedences, horizon=p.horizon)
    kinds_only = Problem(p.tasks, p.precedences, horizon=p.horizon)
    assert str(build_model(bare).model.proto) == str(build_model(kinds_only).model.proto)


def test_each_appraisal_sits_at_one_session_within_capacity_and_cutoff() -> None:
    p = council(3)
    r = solve(p, time_limit=10, workers=1, seed=0)
    assert r.check.ok
    starts = sorted(r.solution.tasks[f"A{k}"].start for k in range(3))
    assert starts == [6, 10, 20]  # one per session (capacity 1)
    for k in range(3):
        a = r.solution.tasks[f"A{k}"].start
        assert r.solution.tasks[f"D{k}"].end <= a - 2
    # the 5-period dossier (D2) misses the cut-off of session 6 (6 - 2 = 4 < 5)
    assert r.solution.tasks["A2"].start != 6


def test_capacity_two_lets_two_sit_together() -> None:
    r = solve(council(3, capacity=2), time_limit=10, workers=1, seed=0)
    assert r.check.ok
    starts = sorted(r.solution.tasks[f"A{k}"].start for k in range(3))
    assert starts == [6, 10, 10] or starts == [6, 6, 10]


def test_the_checker_finds_each_broken_rule() -> None:
    p = council(2)
    sol = Solution({"D0": TaskSchedule("D0", 0, 3), "A0": TaskSchedule("A0", 7, 8),
                    "D1": TaskSchedule("D1", 2, 6), "A1": TaskSchedule("A1", 6, 7)})
    msgs = [v.message for v in check(p, sol).violations if v.kind == "session"]
    assert any("no 'appraisal' session" in m for m in msgs)
    assert any("after the cut-off 4" in m for m in msgs)
    over = Solution({"D0": TaskSchedule("D0", 0, 3), "A0": TaskSchedule("A0", 10, 11),
                     "D1": TaskSchedule("D1", 0, 4), "A1": TaskSchedule("A1", 10, 11)})
    assert [v.message for v in check(p, over).violations] == ["session 's10' at 10 takes 2 tasks, capacity 1"]


def test_the_warm_start_takes_the_first_session_with_room() -> None:
    sol = money_sgs(council(3))
    assert sol is not None and check(council(3), sol).ok
    assert sorted(sol.tasks[f"A{k}"].start for k in range(3)) == [6, 10, 20]


def test_a_fixed_appraisal_is_outside_the_rule() -> None:
    p = council(1)
    fixed = Problem((p.tasks[0], Task("A0", (Mode(1),), kind="appraisal", fixed_start=8)), p.precedences,
                    horizon=40, sessions=p.sessions)
    r = solve(fixed, time_limit=5, workers=1, seed=0)
    assert r.check.ok and r.solution.tasks["A0"].start == 8


def test_a_task_waiting_behind_a_full_session_is_named() -> None:
    p = council(2)  # D0 and D1 both meet the cut-off of session 6; one waits for 10
    r = solve(p, time_limit=10, workers=1, seed=0)
    waits = session_waits(p, r.solution)
    assert len(waits) == 1
    w = waits[0]
    assert (w.session.name, w.full.name) == ("s10", "s6")
    assert r.solution.tasks[w.task].start == 10


def test_a_pinned_appraisal_takes_its_session_seat() -> None:
    # A2 pinned at the session of period 10 (capacity 1): the generator counts it there, so A1 (which would take
    # that seat first by its priority) goes to the session at 20; without the count the session would take two
    p = council(3)
    sol = money_sgs(p, pinned={"D2": (0, 0), "A2": (10, 0)})
    assert sol is not None and check(p, sol).ok
    assert [sol.tasks[f"A{k}"].start for k in range(3)] == [6, 20, 10]
