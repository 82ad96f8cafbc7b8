"""Modes: every task runs in exactly one of its modes (duration, demands, cost, budget use).

Model
    A task with several modes gets one literal per mode and an exactly-one constraint; its
    duration is ``sum(duration_k * x_k)`` (:func:`add_task`, which leaves the literals in
    :attr:`~ntm_sched.engine.model.BuiltModel.mode_lits` and the duration expression for the
    calendar family). The demands, costs and budget uses of the modes are read by the capacity,
    money and budget families.
Check
    :func:`check_task`: the mode index is a whole number naming one of the task's modes (kind
    ``mode``); an entry without a valid mode is left out of every other check.
Explanation
    Never relaxed: a mode is a choice, not a limit. The bounds of hard deadlines use each task's
    fastest mode (:func:`~ntm_sched.engine.explain.earliest_times`).
Serial generator
    The first mode (the NTM layer's normal mode) unless only another fits; with ``accelerate`` the
    other modes of a task that ends late are tried and the one ending first is kept.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ntm_sched.engine.families.base import Family, whole
from ntm_sched.engine.problem import Problem, Task
from ntm_sched.engine.result import TaskSchedule, Violation

if TYPE_CHECKING:  # pragma: no cover
    from ntm_sched.engine.families.context import ModelContext


def add_task(ctx: ModelContext, t: Task) -> None:
    """The mode literals of ``t`` (with several modes) and its duration expression."""
    m, tv = ctx.model, ctx.tv[t.id]
    durs = tv.durs
    if len(t.modes) > 1:
        lits = [m.new_bool_var(f"x_{t.id}_{k}") for k in range(len(t.modes))]
        m.add_exactly_one(lits)
        ctx.bm.mode_lits[t.id] = lits
        dur_expr: Any = sum(d * x for d, x in zip(durs, lits))
    else:
        lits = []
        dur_expr = durs[0]
    tv.lits, tv.dur_expr = lits, dur_expr


def check_task(problem: Problem, t: Task, ts: TaskSchedule) -> list[Violation]:
    """The mode of ``ts`` is one of ``t``'s modes."""
    if not (whole(ts.mode) and 0 <= ts.mode < len(t.modes)):
        return [Violation("mode", f"task {t.id!r}: invalid mode {ts.mode!r} ({len(t.modes)} modes)", task=t.id)]
    return []


FAMILY = Family(
    name="modes",
    add_task=add_task,
    check_task=check_task,
    well_formed=True,
    explain="never relaxed (a choice, not a limit); deadline bounds use each task's fastest mode",
    sgs="the first mode unless only another fits; 'accelerate' tries the others for a task that ends late",
)
