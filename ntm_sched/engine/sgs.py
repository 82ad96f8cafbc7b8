"""The one serial schedule generation scheme's placement step, shared by every serial generator.

Two generators place tasks one by one at their earliest feasible start: the money-aware warm
start (:func:`ntm_sched.engine.heuristic.money_sgs`: tasks by deadline-driven priority, money as a
max-flow over the sources) and the risk analysis' re-timing
(:func:`ntm_sched.studies.risk.retime.retime`: tasks in the reference order, money split as in the
reference, extra funding drawn when a source is short). They differ in the order, the modes and the
money; they share how one task is placed, which is :func:`first_fit`:

* a start inside a calendar break moves to the end of the break (:func:`step_out_of_breaks`; the
  calendar family's rule);
* the end is the start plus the duration plus the breaks it spans (:func:`~ntm_sched.engine.
  problem.pause_end`, the same pause rule as :func:`~ntm_sched.engine.problem.elapsed_end`);
* past the last end allowed (the horizon) the task is not placed;
* each *push* (the generator's resource and money tests, in order) either accepts ``[start, end)``
  or names a later start to try and why; the first start every push accepts is the answer.

Each push may only skip starts that cannot fit (a resource push past a period it overloads, since
a later start whose interval still covers that period overloads it too: ends only grow with the
start), so the answer is the earliest start that fits every test.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ntm_sched.engine.problem import pause_end

Push = Callable[[int, int], "tuple[int, tuple] | None"]
"""A test of ``[start, end)``: ``None`` when it fits, else ``(next start to try, why)``."""

CALENDAR: tuple = ("calendar",)
"""Why a start moved out of a calendar break."""


def step_out_of_breaks(start: int, breaks: tuple[tuple[int, int], ...] | None) -> int:
    """The first period at or after ``start`` outside the (sorted) ``breaks``."""
    for b, e in breaks or ():  # sorted: step over breaks containing start
        if b <= start < e:
            start = e
    return start


def first_fit(start: int, duration: int, breaks: tuple[tuple[int, int], ...] | None, *, last_start: int,
              last_end: int, pushes: Sequence[Push], fixed: int | None = None
              ) -> tuple[int | None, int | None, tuple | None]:
    """The earliest start at or after ``start`` that every push accepts (module docstring).

    Parameters
    ----------
    start
        The earliest start from releases and predecessors.
    duration, breaks
        The mode's duration and the calendar breaks (``None``: no calendar).
    last_start, last_end
        The latest start tried and the latest end allowed.
    pushes
        The generator's tests, in order.
    fixed
        A fixed start: any other start means the task cannot be placed.

    Returns
    -------
    (start, end, why)
        ``why`` is the reason of the last push (``None`` when the first start tried fits);
        ``start`` and ``end`` are ``None`` when the task cannot be placed.
    """
    s, why = start, None
    while s <= last_start:
        if fixed is not None and s != fixed:
            break
        s2 = step_out_of_breaks(s, breaks)
        if s2 != s:
            s, why = s2, CALENDAR
            continue
        e = pause_end(s, duration, breaks)
        if e > last_end:
            break
        for push in pushes:
            moved = push(s, e)
            if moved is not None:
                s, why = moved
                break
        else:
            return s, e, why
    return None, None, why
