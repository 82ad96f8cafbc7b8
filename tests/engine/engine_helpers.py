"""Shared helpers of the engine tests."""

from __future__ import annotations

from pathlib import Path

from ntm_sched.engine import (
    Budget,
    Calendar,
    Mode,
    Payment,
    Precedence,
    Problem,
    Resource,
    Solution,
    Source,
    Task,
    TaskSchedule,
    Tranche,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "psplib"


def small_problem(**over) -> Problem:
    """Three tasks, a calendar break [4, 6), a capacity profile, a budget and two money sources."""
    kw = dict(
        tasks=(
            Task("A", (Mode(3, {"R": 2}, cost=10, nonrenewable={"N": 3}),), calendar="C", sources=frozenset({"S"})),
            Task("B", (Mode(2, {"R": 1}, cost=4, nonrenewable={"N": 2}),), due=20, due_hard=True),
            Task("C", (Mode(1, {"R": 1}),)),
        ),
        precedences=(Precedence("A", "B", "FS", 1),),
        resources=(Resource("R", 2, profile=((10, 12, 0),)),),
        budgets=(Budget("N", 5),),
        calendars=(Calendar("C", ((4, 6),)),),
        sources=(Source("S", (Tranche(0, 3), Tranche(3, 20))), Source("X", unlimited=True, unit_price=2)),
        horizon=30,
        advance_share=0.3,
    )
    kw.update(over)
    return Problem(**kw)


def valid_solution() -> Solution:
    """A hand-made valid schedule of :func:`small_problem`."""
    return Solution(
        {"A": TaskSchedule("A", 2, 7), "B": TaskSchedule("B", 8, 10), "C": TaskSchedule("C", 0, 1)},
        (Payment("A", "S", 2, 3), Payment("A", "S", 7, 7), Payment("B", "S", 8, 1), Payment("B", "X", 10, 3)),
    )


