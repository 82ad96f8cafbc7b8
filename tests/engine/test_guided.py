"""Schedules from the relaxation's times (:mod:`ntm_sched.engine.guided`): checked, the pinned tasks where the known
schedule has them, the same on every call, and often far below the deadline-driven generator's."""

from __future__ import annotations

from ntm_sched.engine import check
from ntm_sched.engine.guided import schedule_from_times
from ntm_sched.engine.heuristic import lateness_value
from ntm_sched.engine.joint_bound import joint_lateness_bound
from ntm_sched.engine.relaxation import Relaxation

from .test_chain_lns import _started


def _with_times():  # type: ignore[no-untyped-def]
    """``(seed, problem, start, times)`` for the test problems whose bound's rounds end on times the money allows."""
    for seed, p, start in _started(range(12)):
        times: dict[str, tuple[int, int]] = {}
        joint_lateness_bound(Relaxation(p), {}, 2.0, 0, times=times, deterministic=True)
        if times:
            yield seed, p, start, times


def test_checked_never_below_the_bound_and_the_same_twice():
    lower = 0
    for seed, p, start, times in _with_times():
        sol = schedule_from_times(p, times)
        assert sol is not None and check(p, sol).ok, seed
        assert sol.tasks == schedule_from_times(p, times).tasks  # type: ignore[union-attr]
        bound = joint_lateness_bound(Relaxation(p), {}, 2.0, 0, deterministic=True)
        assert bound <= lateness_value(p, sol), seed
        lower += lateness_value(p, sol) < lateness_value(p, start)
    # in the relaxation's order the money goes to the deadlines first (seeds 0, 6, 7 and 11: 89 -> 68, 83 -> 79,
    # 32 -> 30, 84 -> 54 against the deadline-driven order)
    assert lower >= 3


def test_the_pinned_tasks_stay_where_the_known_schedule_has_them():
    kept = 0
    for seed, p, start, times in _with_times():
        last = max(p.tasks, key=lambda t: start.tasks[t.id].end).id
        chain = p.ancestors([last])
        pinned = {t: start.tasks[t] for t in chain}
        sol = schedule_from_times(p, times, pinned)
        assert sol is not None and check(p, sol).ok, seed  # the known schedule's places fit: they are a schedule
        assert {t: (sol.tasks[t].start, sol.tasks[t].mode) for t in chain} == {
            t: (start.tasks[t].start, start.tasks[t].mode) for t in chain}, seed
        kept += len(chain) > 1
    assert kept >= 3
