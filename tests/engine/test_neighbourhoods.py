"""Districts as large neighbourhoods (:mod:`ntm_sched.engine.neighbourhoods`): one group re-solved with the
others held, never worse, always checked."""

from __future__ import annotations

from ntm_sched.engine import Mode, Precedence, Problem, Resource, Solution, Task, TaskSchedule, check
from ntm_sched.engine.neighbourhoods import group_lns, sub_problem
from ntm_sched.engine.problem import Session


def two_districts() -> Problem:
    """Per district k: dossier Dk (3 periods on the shared R) then appraisal Ak due 12; Z outside both."""
    tasks = [Task("Z", (Mode(2, {"R": 1}),))]
    precs = []
    for k in range(2):
        tasks += [Task(f"D{k}", (Mode(3, {"R": 1}),)),
                  Task(f"A{k}", (Mode(1),), kind="appraisal", due=12, tardiness_weight=1, late_weight=5)]
        precs.append(Precedence(f"D{k}", f"A{k}"))
    return Problem(tuple(tasks), tuple(precs), (Resource("R", 1),), horizon=40,
                   sessions=(Session("s6", 6, 1, 2), Session("s10", 10, 1, 2), Session("s20", 20, 1, 2)))


def bad_start() -> Solution:
    return Solution({"Z": TaskSchedule("Z", 6, 8), "D0": TaskSchedule("D0", 0, 3), "A0": TaskSchedule("A0", 20, 21),
                     "D1": TaskSchedule("D1", 3, 6), "A1": TaskSchedule("A1", 10, 11)})


def test_the_sub_problem_holds_what_lies_outside_the_group() -> None:
    p = two_districts()
    sub = sub_problem(p, dict(bad_start().tasks), ["D0", "A0"])
    assert {t.id for t in sub.tasks} == {"D0", "A0"}
    r = sub.resources[0]
    assert [r.capacity_at(x) for x in range(9)] == [1, 1, 1, 0, 0, 0, 0, 0, 1]  # D1 and Z hold R
    assert {s.name: s.capacity for s in sub.sessions} == {"s6": 1, "s10": 0, "s20": 1}  # A1 sits at 10


def test_a_late_group_moves_to_the_free_session_and_the_rest_stays() -> None:
    p = two_districts()
    start = bad_start()
    assert check(p, start).ok
    best, log = group_lns(p, start, [["D0", "A0"], ["D1", "A1"]], time_limit=10, workers=1, seed=0)
    assert check(p, best).ok
    assert best.tasks["A0"].start == 6 and log.kept >= 1 and log.after < log.before
    assert best.tasks["Z"] == start.tasks["Z"] and best.tasks["A1"] == start.tasks["A1"]


def test_nothing_to_improve_returns_the_start() -> None:
    p = two_districts()
    good = Solution({"Z": TaskSchedule("Z", 6, 8), "D0": TaskSchedule("D0", 0, 3), "A0": TaskSchedule("A0", 6, 7),
                     "D1": TaskSchedule("D1", 3, 6), "A1": TaskSchedule("A1", 10, 11)})
    best, log = group_lns(p, good, [["D0", "A0"], ["D1", "A1"]], time_limit=5, workers=1, seed=0)
    assert best is good and log.tried == 0
