"""The chain LNS (:mod:`ntm_sched.engine.chain_lns`) on small random problems with money: it never returns a
worse or an unchecked schedule, its moves' chains are the groups' own, and it gives the same schedule twice."""

from __future__ import annotations

import dataclasses
import random
import threading
from collections.abc import Iterator

from ntm_sched.engine import Problem, check
from ntm_sched.engine.chain_lns import Floor, chain_lns, own_chains
from ntm_sched.engine.heuristic import lateness_value, money_sgs
from ntm_sched.engine.problem import Mode, Objective, Precedence, Task
from ntm_sched.engine.result import Solution

from .test_relaxation import random_problem


def _dated(seed: int) -> Problem:
    """:func:`random_problem` with soft due dates (tight, so that money makes some late) on four tasks."""
    p = random_problem(seed)
    rng = random.Random(seed)
    dated = set(rng.sample([t.id for t in p.tasks], 4))
    tasks = tuple(dataclasses.replace(t, due=rng.randint(3, 12), tardiness_weight=rng.randint(1, 3),
                                      late_weight=rng.randint(0, 5)) if t.id in dated else t for t in p.tasks)
    return dataclasses.replace(p, tasks=tasks, objective=Objective(tardiness=1, late_count=1, cost=0,
                                                                   extra_funding=0, makespan=0))


def _groups(p: Problem) -> dict[str, list[str]]:
    return {t.id: [t.id] for t in p.tasks if t.due is not None}


def _started(seeds: range) -> Iterator[tuple[int, Problem, Solution]]:
    """``(seed, problem, start)`` for the problems of ``seeds`` whose generator schedule the checker accepts."""
    for seed in seeds:
        p = _dated(seed)
        start = money_sgs(p, seed=0)
        if start is not None and check(p, start).ok:
            yield seed, p, start


def test_never_worse_and_always_checked():
    improved = 0
    tried = 0
    for seed, p, start in _started(range(16)):
        tried += 1
        best, log = chain_lns(p, start, _groups(p), work=2.0, move_work=0.2, seed=0)
        assert check(p, best).ok, seed
        assert lateness_value(p, best) <= lateness_value(p, start), seed
        assert log.before == lateness_value(p, start) and log.after == lateness_value(p, best)
        assert log.kept <= log.tried
        improved += log.after < log.before
    assert tried >= 10
    assert improved >= 1  # the money-aware generator's schedules leave something to gain


def test_the_same_schedule_twice_also_with_parallel_moves():
    for seed in (1, 4, 7):
        p = _dated(seed)
        start = money_sgs(p, seed=0)
        if start is None:
            continue
        for parallel in (1, 2):
            a, la = chain_lns(p, start, _groups(p), work=2.0, move_work=0.2, seed=0, parallel=parallel)
            b, lb = chain_lns(p, start, _groups(p), work=2.0, move_work=0.2, seed=0, parallel=parallel)
            assert a.tasks == b.tasks and (la.tried, la.kept, la.after) == (lb.tried, lb.kept, lb.after)
            assert check(p, a).ok and la.after <= la.before


def test_own_chains_leave_out_the_chains_inside():
    tasks = tuple(Task(x, (Mode(1),)) for x in "abcde")
    precs = (Precedence("a", "b"), Precedence("b", "e"), Precedence("c", "d"), Precedence("d", "e"))
    p = Problem(tasks, precs, horizon=10)
    own = own_chains(p, {"B": ["b"], "D": ["d"], "E": ["e"]})
    assert own == {"B": {"a", "b"}, "D": {"c", "d"}, "E": {"e"}}


def test_best_move_keeps_the_lowest_of_a_batch_the_first_among_equals():
    from ntm_sched.engine.chain_lns import best_move

    assert best_move([6_614_000, 6_075_000], 6_775_000) == 1  # the batch's second move went further: kept
    assert best_move([5, 5, 7], 9) == 0
    assert best_move([None, 4, 4], 9) == 1
    assert best_move([9, None, 12], 9) is None
    assert best_move([], 9) is None


def test_a_floor_ends_the_search_where_it_would_have_ended_without_it():
    """Given the lateness it reaches as its floor, the search stops when it gets there, with the same schedule and
    fewer moves; a start already at its floor is returned untouched."""
    stopped_sooner = 0
    for seed, p, start in _started(range(8)):
        a, la = chain_lns(p, start, _groups(p), work=2.0, move_work=0.2, seed=0)
        b, lb = chain_lns(p, start, _groups(p), work=2.0, move_work=0.2, seed=0, floor=la.after)
        assert b.tasks == a.tasks and lb.after == la.after and lb.at_floor and lb.local_optimum, seed
        assert lb.tried <= la.tried
        stopped_sooner += la.after < la.before and lb.tried < la.tried  # improved, then stopped at the floor
        c, lc = chain_lns(p, start, _groups(p), work=2.0, move_work=0.2, seed=0, floor=la.before)
        assert c is start and lc.tried == 0 and lc.at_floor
    assert stopped_sooner >= 1


class _RaisedAfter(Floor):
    """A floor that another thread raises to ``to`` just before the search's ``reads``-th look at it."""

    def __init__(self, to: int, reads: int) -> None:
        super().__init__(0)
        self.to, self.reads = to, reads

    @property
    def value(self) -> int:
        self.reads -= 1
        if self.reads < 0:
            self.raise_to(self.to)
        return super().value


def test_a_floor_raised_by_another_thread_changes_the_time_not_the_schedule():
    """A :class:`Floor` raised while the search runs (as the joint bound's thread does in the lateness search) ends
    it where it would have ended anyway, whenever the bound arrives: before the first move, after some, never; and
    raised by a real thread at any moment."""
    stopped_mid_search = 0
    for seed, p, start in _started(range(6)):
        a, la = chain_lns(p, start, _groups(p), work=2.0, move_work=0.2, seed=0)
        for reads in (0, 2, 4, 10**9):
            b, lb = chain_lns(p, start, _groups(p), work=2.0, move_work=0.2, seed=0,
                              floor=_RaisedAfter(la.after, reads))
            assert b.tasks == a.tasks and lb.after == la.after and lb.tried <= la.tried, (seed, reads)
            assert lb.at_floor == (reads < 10**9 or la.at_floor), (seed, reads)
            stopped_mid_search += 0 < reads < 10**9 and lb.tried < la.tried
        floor = Floor(0)
        timer = threading.Timer(0.05, floor.raise_to, (la.after,))
        timer.start()
        b, lb = chain_lns(p, start, _groups(p), work=2.0, move_work=0.2, seed=0, floor=floor)
        timer.join()
        assert b.tasks == a.tasks and lb.after == la.after, seed
    assert stopped_mid_search >= 1
    floor = Floor(5)
    floor.raise_to(4)  # a bound only goes up
    assert floor.value == 5
