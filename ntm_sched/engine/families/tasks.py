"""The task variables every constraint family shares: earliest starts, latest ends, start and end.

:func:`bounds` derives each task's earliest start and latest end from releases (or fixed starts),
the precedence network, the horizon and hard due dates; :func:`add_task_variables` makes a task's
start and end variables over those bounds (the start domain leaves out the periods inside the
task's calendar breaks, :func:`ntm_sched.engine.families.calendar.new_start_var`) and pins a
fixed start. The rules of these windows (release, fixed start, start >= 0) are checked by
:func:`ntm_sched.engine.checker.check` itself, the horizon with the deadlines.
"""

from __future__ import annotations

from ntm_sched.engine.families.calendar import new_start_var
from ntm_sched.engine.families.context import ModelContext, TaskVars
from ntm_sched.engine.problem import Problem, Task


def bounds(problem: Problem, use_due: bool) -> tuple[dict[str, int], dict[str, int]]:
    """Earliest starts and latest ends from releases, horizon, hard dues and the precedence network."""
    dmin = {t.id: min(m.duration for m in t.modes) for t in problem.tasks}
    es = {t.id: t.release if t.fixed_start is None else t.fixed_start for t in problem.tasks}
    lf = {t.id: min(problem.horizon, t.due) if (use_due and t.due_hard and t.due is not None) else problem.horizon
          for t in problem.tasks}
    n = len(problem.tasks)
    for _ in range(n + 1):
        changed = False
        for p in problem.precedences:
            v = es[p.pred] + (dmin[p.pred] if p.kind == "FS" else 0) + p.lag
            if v > es[p.succ]:
                es[p.succ] = v
                changed = True
        if not changed:
            break
    for _ in range(n + 1):
        changed = False
        for p in problem.precedences:
            if p.kind != "FS":
                continue
            v = lf[p.succ] - dmin[p.succ] - p.lag
            if v < lf[p.pred]:
                lf[p.pred] = v
                changed = True
        if not changed:
            break
    return es, lf


def add_task_variables(ctx: ModelContext, t: Task) -> TaskVars:
    """The start and end variables of ``t`` (module docstring) and its fixed start."""
    m, bm, H = ctx.model, ctx.bm, ctx.horizon
    durs = [md.duration for md in t.modes]
    dmin, dmax = min(durs), max(durs)
    lo_s, hi_e = ctx.es[t.id], ctx.lf[t.id]
    hi_s = hi_e - dmin
    cal = ctx.problem.calendar(t.calendar)
    if lo_s > hi_s or lo_s < 0:
        # The bounds (release, precedences, horizon, hard due) already prove the
        # problem infeasible. Keep every domain non-empty so the model stays valid
        # (CP-SAT then reports INFEASIBLE and the explainer can run): the task gets
        # loose bounds and one false clause makes the model infeasible.
        m.add_bool_or([])
        lo_s = 0
        hi_e = max(H, 0) + dmax + sum(eb - b for b, eb in (cal.breaks if cal else ()))
        hi_s = hi_e - dmin
    breaks = [(b, e) for (b, e) in (cal.breaks if cal else ()) if e > lo_s and b < hi_e]
    s = new_start_var(m, t.id, lo_s, hi_s, breaks)
    e = m.new_int_var(lo_s + dmin, hi_e, f"e_{t.id}")
    bm.start[t.id], bm.end[t.id] = s, e
    if t.fixed_start is not None:
        m.add(s == t.fixed_start)
    tv = TaskVars(durs, dmin, dmax, lo_s, hi_s, hi_e, breaks)
    ctx.tv[t.id] = tv
    return tv
