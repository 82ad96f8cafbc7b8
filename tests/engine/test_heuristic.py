"""The warm start's helpers (:mod:`ntm_sched.engine.heuristic`): the cheapest payments of a fixed schedule, the money
check of the generation scheme."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ntm_sched.engine import Mode, Problem, Source, Task, TaskSchedule, Tranche, check
from ntm_sched.engine.heuristic import _Money, cheapest_payments, money_sgs


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


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.data())
def test_the_merged_money_check_answers_as_the_full_max_flow(data) -> None:
    """``_Money.fits`` takes instalments that reach the same releases together and leaves out those an unlimited source
    may pay: on random sources and instalments it answers exactly as the max-flow over every instalment
    (``_Money._solve``, the one the payments are read from), item by item as the generation scheme adds them."""
    names = ["A", "B", "C"]
    sources = []
    for name in names:
        if data.draw(st.booleans(), label=f"{name} unlimited"):
            sources.append(Source(name, unlimited=True, available_from=data.draw(st.integers(0, 12))))
        else:
            tranches = data.draw(st.lists(st.tuples(st.integers(0, 12), st.integers(0, 30)), max_size=4))
            sources.append(Source(name, tuple(Tranche(t, a) for t, a in tranches)))
    p = Problem((Task("T", (Mode(1),)),), horizon=20, sources=tuple(sources))
    money = _Money(p)
    item = st.tuples(st.just("T"), st.integers(0, 15), st.integers(0, 25),
                     st.lists(st.sampled_from(names), max_size=3).map(tuple))
    for _ in range(data.draw(st.integers(1, 6))):
        extra = data.draw(st.lists(item, min_size=1, max_size=2))
        expected = money._solve(money.items + [x for x in extra if x[2] > 0])[0]
        assert money.fits(extra) == expected
        if expected:
            money.add(extra)


def test_pinned_tasks_keep_their_start_and_mode() -> None:
    from tests.engine.engine_helpers import small_problem

    two = Task("C", (Mode(4), Mode(1, cost=0)))
    p = small_problem(tasks=(*small_problem().tasks[:2], two))
    sol = money_sgs(p, pinned={"A": (2, 0), "B": (8, 0), "C": (3, 1)})
    assert sol is not None and check(p, sol).ok
    assert [(sol.tasks[t].start, sol.tasks[t].mode) for t in "ABC"] == [(2, 0), (8, 0), (3, 1)]
    free = money_sgs(p)
    assert free is not None and free.tasks["C"].mode == 0  # unpinned: its first mode fits


def test_a_pinned_task_that_cannot_start_there_fails_the_generator() -> None:
    from tests.engine.engine_helpers import small_problem

    p = small_problem()
    # B follows A (FS, lag 1): A started at 0 ends at 3 at the earliest, so B cannot start at 2
    assert money_sgs(p, pinned={"A": (0, 0), "B": (2, 0)}) is None
    # and A cannot start inside its calendar's break [4, 6)
    assert money_sgs(p, pinned={"A": (4, 0)}) is None
