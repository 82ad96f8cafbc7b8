"""The warm start's helpers (:mod:`ntm_sched.engine.heuristic`): the cheapest payments of a fixed schedule."""

from __future__ import annotations

from ntm_sched.engine import Mode, Problem, Source, Task, TaskSchedule, Tranche, check
from ntm_sched.engine.heuristic import cheapest_payments, money_sgs


def priced() -> Problem:
    """Two tasks of cost 10 (advance 3); 12 units released at 0 and extra funding at price 5."""
    return Problem((Task("A", (Mode(2, cost=10),)), Task("B", (Mode(0, cost=10),))), horizon=10,
                   sources=(Source("X", unlimited=True, unit_price=5), Source("S", (Tranche(0, 12),))))


def test_the_cheapest_payments_use_the_released_money_first() -> None:
    p = priced()
    sched = {"A": TaskSchedule("A", 0, 2), "B": TaskSchedule("B", 0, 0)}
    sol = cheapest_payments(p, sched)
    assert sol is not None and check(p, sol).ok
    extra = sum(x.amount for x in sol.payments if x.source == "X")
    assert extra == 20 - 12  # only what the released money cannot pay
    greedy = money_sgs(p)
    assert greedy is not None and check(p, greedy).ok


def test_no_payments_when_the_sources_cannot_pay() -> None:
    p = Problem((Task("A", (Mode(1, cost=10),)),), horizon=5, sources=(Source("S", (Tranche(0, 4),)),))
    assert cheapest_payments(p, {"A": TaskSchedule("A", 0, 1)}) is None
    assert cheapest_payments(Problem((Task("A", (Mode(1),)),), horizon=5), {"A": TaskSchedule("A", 0, 1)}) is not None
