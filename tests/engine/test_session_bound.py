"""The lateness bound that counts the council's seats (:mod:`ntm_sched.engine.session_bound`)."""

from __future__ import annotations

import dataclasses

from ntm_sched.engine import solve
from ntm_sched.engine.heuristic import lateness_value, money_sgs
from ntm_sched.engine.session_bound import session_lateness_bound
from tests.engine.test_families_sessions import council


def test_the_bound_counts_the_seats_and_is_reached() -> None:
    p = council(3)  # one seat per session: one appraisal must wait for the session at 20 (9 periods late)
    assert session_lateness_bound(p) == 9
    r = solve(p, time_limit=10, workers=1, seed=0)
    assert lateness_value(p, r.solution) == 9


def test_with_room_for_everyone_only_the_cut_off_binds() -> None:
    roomy = council(3, capacity=3)  # D2's dossier (5) misses the cut-off of 6 but 10 is in time
    assert session_lateness_bound(roomy) == 0


def test_the_bound_never_exceeds_a_schedule_and_works_without_sessions() -> None:
    for p in (council(4, capacity=2, due=8), council(4, capacity=2, cutoff=4)):
        sol = money_sgs(p)
        assert sol is not None and session_lateness_bound(p) <= lateness_value(p, sol)
    plain = dataclasses.replace(council(2, due=3), sessions=())
    assert session_lateness_bound(plain) == lateness_value(plain, money_sgs(plain)) > 0


def test_extra_funding_bound_is_what_the_limited_money_cannot_pay() -> None:
    from ntm_sched.engine import Mode, Problem, Source, Task, Tranche
    from ntm_sched.engine.session_bound import extra_funding_bound

    p = Problem((Task("A", (Mode(2, cost=10), Mode(1, cost=14))), Task("B", (Mode(1, cost=6),),
                                                                    sources=frozenset({"S", "X"}))),
                horizon=10, sources=(Source("S", (Tranche(0, 4), Tranche(5, 4))), Source("X", unlimited=True,
                                                                                       unit_price=3)))
    assert extra_funding_bound(p) == 3 * (10 + 6 - 8)
    assert extra_funding_bound(dataclasses.replace(p, sources=(p.sources[0],), tasks=(p.tasks[0],))) == 0
