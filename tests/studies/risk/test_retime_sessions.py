"""Council sessions in the risk analysis' re-timing (issue 24, item 2): a dossier that misses a
session's cut-off moves to the next session with a seat, a full session forces a later one, the
seats are shared in a fixed order, no session is ever over its capacity, and with no session left
the commune is not recognised within the horizon (and says why).

A hand-made engine problem: three communes, each a dossier ``D`` then its appraisal ``A`` (kind
``appraisal``) at a council session, then its recognition ``R``; sessions at 10, 20 and 30, the
dossier due 3 periods before.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from ntm_sched.engine.checker import check
from ntm_sched.engine.problem import Mode, Precedence, Problem, Session, Task
from ntm_sched.engine.result import Solution, TaskSchedule
from ntm_sched.studies.risk.retime import Perturbation, RetimeModel, prepare, retime
from ntm_sched.studies.risk.retime_check import perturbed_problem, to_solution

IDS = ["D1", "D2", "D3", "A1", "A2", "A3", "R1", "R2", "R3"]


def _problem(caps: tuple[int, int, int] = (2, 2, 1)) -> Problem:
    tasks = [Task(f"D{c}", (Mode(5),)) for c in (1, 2, 3)]
    tasks += [Task(f"A{c}", (Mode(2),), kind="appraisal") for c in (1, 2, 3)]
    tasks += [Task(f"R{c}", (Mode(1),), due=40) for c in (1, 2, 3)]
    prec = [Precedence(f"D{c}", f"A{c}") for c in (1, 2, 3)] + [Precedence(f"A{c}", f"R{c}") for c in (1, 2, 3)]
    sessions = tuple(Session(f"S{k + 1}", 10 * (k + 1), cap, 3) for k, cap in enumerate(caps))
    return Problem(tuple(tasks), tuple(prec), horizon=40, sessions=sessions)


def _reference() -> Solution:
    """Communes 1 and 2 at the first session (10), commune 3 at the second (20)."""
    at = {"D1": 0, "D2": 0, "D3": 0, "A1": 10, "A2": 10, "A3": 20, "R1": 12, "R2": 12, "R3": 22}
    dur = {"D": 5, "A": 2, "R": 1}
    return Solution({t: TaskSchedule(t, s, s + dur[t[0]]) for t, s in at.items()})


@pytest.fixture()
def rt() -> RetimeModel:
    p = _problem()
    assert check(p, _reference()).ok
    return prepare(p, _reference())


def _run(rt: RetimeModel, **dossier: int) -> tuple:
    """Re-time with the dossiers' durations changed (``D1=9``: D1 takes 9 periods)."""
    dur = np.array(rt.base_duration)
    for tid, d in dossier.items():
        dur[rt.ids.index(tid)] = d
    pert = Perturbation(dur, np.array(rt.base_cost))
    r = retime(rt, pert)
    if r.complete:
        rep = check(perturbed_problem(rt, pert), to_solution(rt, r))
        assert rep.ok, str(rep)
    start = {tid: int(r.start[k]) for k, tid in enumerate(rt.ids)}
    return r, start


def _driver(rt: RetimeModel, r, tid: str) -> tuple:
    d = r.driver[rt.ids.index(tid)]
    return d[:4] + ((rt.ids[d[4]] if d[4] >= 0 else None),) if d[0] == "session" else d


def test_no_change_gives_the_plan_back(rt) -> None:
    r, start = _run(rt)
    assert r.complete and start == {t: s.start for t, s in _reference().tasks.items()}


def test_a_late_dossier_moves_the_appraisal_to_the_next_session(rt) -> None:
    r, start = _run(rt, D1=9)  # ends at 9, after the first session's cut-off (7)
    assert start["A1"] == 20 and start["R1"] == 22 and start["A2"] == 10 and start["A3"] == 20
    assert _driver(rt, r, "A1") == ("session", "S2", "S1", "cutoff", "D1")


def test_a_full_session_forces_a_later_one(rt) -> None:
    r, start = _run(rt, D1=9, D2=9)  # both miss the first session and take the second's two seats
    assert start["A1"] == start["A2"] == 20
    assert start["A3"] == 30  # its own (baseline) session is full now
    assert _driver(rt, r, "A3") == ("session", "S3", "S2", "full", "D3")


def test_the_earliest_dossier_takes_the_seat_first() -> None:
    p = _problem(caps=(2, 1, 2))
    ref = _reference()
    ref = Solution({**ref.tasks, "A3": TaskSchedule("A3", 30, 32), "R3": TaskSchedule("R3", 32, 33)})
    assert check(p, ref).ok
    rt = prepare(p, ref)
    r, start = _run(rt, D1=9, D2=8)  # D2 is ready first: it takes the one seat of S2
    assert (start["A2"], start["A1"]) == (20, 30)
    assert _driver(rt, r, "A1") == ("session", "S3", "S2", "full", "D1")
    r, start = _run(rt, D1=9, D2=9)  # a tie: the smaller task id first
    assert (start["A1"], start["A2"]) == (20, 30)


def test_no_session_left_leaves_the_commune_unrecognised_and_says_why(rt) -> None:
    r, start = _run(rt, D3=25)  # ends at 25: S2 and S3 (cut-off 27) ... S3 takes it
    assert start["A3"] == 30 and r.complete
    r, start = _run(rt, D3=28)  # ends at 28: after the last session's cut-off (27)
    assert start["A3"] == start["R3"] == -1 and r.unplaced == 2
    assert _driver(rt, r, "A3") == ("session", "", "S3", "cutoff", "D3")
    assert start["A1"] == start["A2"] == 10  # the others are unaffected


def test_no_session_is_ever_over_its_capacity(rt) -> None:
    rng = np.random.default_rng(5)
    for _ in range(60):
        dur = np.array(rt.base_duration)
        dur[:3] = rng.integers(3, 22, 3)
        r, start = _run(rt, **{f"D{c}": int(dur[c - 1]) for c in (1, 2, 3)})
        taken: dict[int, int] = {}
        for c in (1, 2, 3):
            if start[f"A{c}"] >= 0:
                assert start[f"A{c}"] in (10, 20, 30)
                taken[start[f"A{c}"]] = taken.get(start[f"A{c}"], 0) + 1
        assert taken.get(10, 0) <= 2 and taken.get(20, 0) <= 2 and taken.get(30, 0) <= 1


def test_a_problem_without_sessions_is_re_timed_as_before(rt) -> None:
    p = dataclasses.replace(_problem(), sessions=())
    plain = prepare(p, _reference())
    assert not any(plain.ruled) and plain.groups == []
    r = retime(plain, Perturbation(np.array(plain.base_duration), np.array(plain.base_cost)))
    assert r.complete and all(d[0] != "session" for d in r.driver)
