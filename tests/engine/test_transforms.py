"""Derived problems for the studies: unlimited sources, hard dues, given tranches (scaled money:
tests/domain/test_build.py, one rule with the plan edit)."""

from __future__ import annotations

from ntm_sched.engine import Mode, Objective, Problem, Source, Task, Tranche
from ntm_sched.engine.transforms import hard_dues, unlimited_sources, with_objective, with_tranches


def _problem() -> Problem:
    tasks = (Task("A", (Mode(2, {}, 10),), due=3), Task("B", (Mode(1, {}, 0),)))
    return Problem(tasks=tasks, precedences=(), resources=(), sources=(Source("S", (Tranche(0, 7), Tranche(5, 3))),),
                   horizon=20)


def test_unlimited_sources():
    p = _problem()
    u = unlimited_sources(p, 2).sources[0]
    assert u.unlimited and u.unit_price == 2
    assert not p.sources[0].unlimited and p.sources[0].tranches[0].amount == 7  # problems are frozen


def test_hard_dues_and_tranches_and_objective():
    p = _problem()
    h = hard_dues(p, {"A": 9})
    assert (h.tasks[0].due, h.tasks[0].due_hard) == (9, True) and h.tasks[1].due is None
    assert hard_dues(p, {"A": 1}).tasks[0].due == 3  # never earlier than the task's own due
    t = with_tranches(p, {"S": [Tranche(2, 1)]})
    assert [(x.time, x.amount) for x in t.sources[0].tranches] == [(2, 1)]
    assert with_objective(p, Objective(0, 0, 0, 0, 1)).objective.makespan == 1
