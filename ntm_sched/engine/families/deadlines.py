"""Deadlines and the horizon: the latest end of every task.

Rule (:mod:`ntm_sched.engine.problem`, "Deadlines"): a hard due date must hold; a soft one is
penalised by ``tardiness_weight`` per period late and ``late_weight`` once if late at all. Every
task ends by the horizon.

Model
    Horizon and hard due dates bound the end variables
    (:func:`ntm_sched.engine.families.tasks.bounds`) unless the build guards each hard deadline
    by a literal (``deadline_assumptions``) or softens it into a tardiness variable
    (``soften_hard_deadlines``); a soft due date gets a tardiness variable and a "late" literal in
    the lateness tier (:func:`add_task`).
Check
    :func:`check_task` (kinds ``horizon``: an end after the horizon; ``deadline``: a hard due date).
Explanation
    Hard deadlines are the assumptions of :mod:`ntm_sched.engine.explain`: the literals of
    :attr:`~ntm_sched.engine.model.BuiltModel.deadline_lits` are minimised into an infeasible core,
    deadlines earlier than the earliest possible end are impossible on their own, and a build with
    ``soften_hard_deadlines`` gives the smallest fix.
Serial generator
    Tasks are taken by their deadline-driven latest end
    (:func:`ntm_sched.engine.heuristic.deadline_priority`); a task is never placed past the horizon
    (no schedule then), but a due date may be missed (the warm start's lateness is what it
    minimises).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ntm_sched.engine.families.base import Family
from ntm_sched.engine.problem import Problem, Task
from ntm_sched.engine.result import TaskSchedule, Violation

if TYPE_CHECKING:  # pragma: no cover
    from ntm_sched.engine.families.context import ModelContext


def add_task(ctx: ModelContext, t: Task) -> None:
    """The deadline of ``t``: an assumption literal, a tardiness variable, or soft-deadline terms."""
    m, bm, H, obj, tiers = ctx.model, ctx.bm, ctx.horizon, ctx.problem.objective, ctx.tiers
    e = bm.end[t.id]
    if t.due is not None:
        if t.due_hard and ctx.deadline_assumptions:
            lit = m.new_bool_var(f"due_{t.id}")
            m.add(e <= t.due).only_enforce_if(lit)
            bm.deadline_lits[t.id] = lit
        elif t.due_hard and ctx.soften_hard_deadlines:
            tard = m.new_int_var(0, max(0, H - t.due), f"tard_{t.id}")
            m.add(tard >= e - t.due)
            bm.tardiness[t.id] = tard
        elif not t.due_hard:
            if obj.tardiness * t.tardiness_weight > 0:
                tard = m.new_int_var(0, max(0, H - t.due), f"tard_{t.id}")
                m.add(tard >= e - t.due)
                bm.tard_vars[t.id] = tard
                tiers["lateness"].append(obj.tardiness * t.tardiness_weight * tard)
            if obj.late_count * t.late_weight > 0:
                late = m.new_bool_var(f"late_{t.id}")
                m.add(e <= t.due).only_enforce_if(~late)
                bm.late_lits[t.id] = late
                tiers["lateness"].append(obj.late_count * t.late_weight * late)


def check_task(problem: Problem, t: Task, ts: TaskSchedule) -> list[Violation]:
    """``ts`` ends by the horizon and by ``t``'s hard due date."""
    out: list[Violation] = []
    if ts.end > problem.horizon:
        out.append(Violation("horizon", f"task {t.id!r} ends at {ts.end} after the horizon {problem.horizon}",
                             task=t.id, period=ts.end))
    if t.due is not None and t.due_hard and ts.end > t.due:
        out.append(Violation("deadline", f"task {t.id!r} ends at {ts.end} after its hard due date {t.due}",
                             task=t.id, period=ts.end))
    return out


FAMILY = Family(
    name="deadlines",
    add_task=add_task,
    check_task=check_task,
    explain="hard deadlines are assumption literals minimised into a core; bounds from earliest_times; "
            "soften_hard_deadlines gives the smallest fix",
    sgs="tasks taken by deadline-driven latest end (deadline_priority); never past the horizon, dues may be missed",
)
