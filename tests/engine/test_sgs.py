"""The serial generators' shared placement step: breaks, the pause rule, the horizon and the pushes."""

from __future__ import annotations

import itertools

from ntm_sched.engine.problem import Calendar, elapsed_end, pause_end
from ntm_sched.engine.sgs import CALENDAR, first_fit, step_out_of_breaks

BREAKS = ((2, 4), (4, 6), (9, 10))


def test_step_out_of_breaks_crosses_adjacent_breaks() -> None:
    assert [step_out_of_breaks(s, BREAKS) for s in range(12)] == [0, 1, 6, 6, 6, 6, 6, 7, 8, 10, 10, 11]
    assert step_out_of_breaks(3, None) == 3


def test_pause_end_is_elapsed_end_outside_breaks() -> None:
    cal = Calendar("c", BREAKS)
    for s, d in itertools.product(range(12), range(5)):
        if step_out_of_breaks(s, BREAKS) == s:
            assert pause_end(s, d, BREAKS) == elapsed_end(s, d, cal)


def test_first_fit_steps_out_of_breaks_and_reports_why() -> None:
    assert first_fit(3, 2, BREAKS, last_start=20, last_end=20, pushes=()) == (6, 8, CALENDAR)
    assert first_fit(0, 2, BREAKS, last_start=20, last_end=20, pushes=()) == (0, 2, None)
    assert first_fit(1, 2, BREAKS, last_start=20, last_end=20, pushes=()) == (1, 7, None)  # pauses over both


def test_first_fit_follows_the_pushes_in_order() -> None:
    tried = []

    def busy_until_7(s, e):
        tried.append(("r", s))
        return (7, ("resource", "R")) if s < 7 else None

    def money_at_8(s, e):
        tried.append(("m", s))
        return (8, ("money", "S")) if s < 8 else None

    got = first_fit(0, 1, None, last_start=20, last_end=20, pushes=(busy_until_7, money_at_8))
    assert got == (8, 9, ("money", "S"))
    assert tried == [("r", 0), ("r", 7), ("m", 7), ("r", 8), ("m", 8)]


def test_first_fit_gives_up_past_the_horizon_or_off_a_fixed_start() -> None:
    assert first_fit(0, 3, None, last_start=20, last_end=2, pushes=())[:2] == (None, None)
    assert first_fit(9, 1, BREAKS, last_start=9, last_end=20, pushes=()) == (None, None, CALENDAR)
    assert first_fit(3, 1, None, last_start=20, last_end=20, pushes=(), fixed=3) == (3, 4, None)
    assert first_fit(3, 1, None, last_start=20, last_end=20, pushes=(lambda s, e: (s + 1, ("x",)),), fixed=3)[:2] \
        == (None, None)
