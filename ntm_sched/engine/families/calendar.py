"""Calendars and breaks: elapsed time, no start inside a break, pauses across breaks.

Rule (:mod:`ntm_sched.engine.problem`, "Calendars and pauses"): a task on a calendar may not start
inside a break; its elapsed duration is its mode's duration plus the length of every break lying
strictly inside it; it never ends inside a break.

Model
    The start domain excludes the breaks (:func:`new_start_var`). For every break a task can
    reach, ``w = [start < begin]`` and ``y = [task spans the break]`` with ``y => w``,
    ``y => end > break_end``, ``w and not y => end <= begin`` and
    ``end = start + duration + sum(len * y)`` (:func:`add_task`). The same part makes the task's
    interval(s), one per mode (optional) when it has several, and hands them with their demands
    to the capacity family (:attr:`ModelContext.mode_demand_intervals`).
Check
    :func:`check_task`: the end is :func:`~ntm_sched.engine.problem.elapsed_end` of the start and
    the mode's duration (kinds ``calendar``: a start inside a break; ``duration``).
Explanation
    Not relaxed by CP-SAT: :func:`ntm_sched.engine.explain.calendar_causes` removes each break in
    turn from :func:`~ntm_sched.engine.explain.earliest_times` and names those whose removal lets
    tasks end by the horizon; the bounds of hard deadlines count the breaks.
Serial generator
    :func:`ntm_sched.engine.sgs.first_fit`: a start inside a break moves to the break's end; the
    end is :func:`~ntm_sched.engine.problem.pause_end` (pauses across breaks), and resources are
    held over the whole elapsed interval.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ntm_sched.engine.families.base import Family
from ntm_sched.engine.problem import Problem, Task, elapsed_end
from ntm_sched.engine.result import TaskSchedule, Violation

if TYPE_CHECKING:  # pragma: no cover
    from ortools.sat.python import cp_model

    from ntm_sched.engine.families.context import ModelContext


def start_intervals(lo_s: int, hi_s: int, breaks: list[tuple[int, int]]) -> list[list[int]]:
    """The periods of ``[lo_s, hi_s]`` outside ``breaks`` (sorted ``[begin, end)`` pairs), as closed intervals."""
    allowed, cur = [], lo_s
    for b, eb in breaks:
        if b > cur:
            allowed.append([cur, min(b - 1, hi_s)])
        cur = max(cur, eb)
        if cur > hi_s:
            break
    if cur <= hi_s:
        allowed.append([cur, hi_s])
    return [iv for iv in allowed if iv[0] <= iv[1]]


def new_start_var(m: cp_model.CpModel, tid: str, lo_s: int, hi_s: int,
                  breaks: list[tuple[int, int]]) -> cp_model.IntVar:
    """The start variable of task ``tid`` over ``[lo_s, hi_s]`` without the periods inside ``breaks``."""
    from ortools.sat.python import cp_model

    if breaks:
        allowed = start_intervals(lo_s, hi_s, breaks)
        if allowed:
            s = m.new_int_var_from_domain(cp_model.Domain.from_intervals(allowed), f"s_{tid}")
        else:
            s = m.new_int_var(lo_s, hi_s, f"s_{tid}")
            m.add_bool_or([])  # every possible start lies in a break
    else:
        s = m.new_int_var(lo_s, hi_s, f"s_{tid}")
    return s


def add_pauses(m: cp_model.CpModel, tid: str, s: Any, e: Any, lo_s: int, hi_s: int, hi_e: int,
               breaks: list[tuple[int, int]]) -> list[Any]:
    """The rule of the breaks a task can reach (module docstring): per break ``[b, eb)``, ``w = [s < b]`` and ``y =
    [the task spans it]``, ``y => w``, ``y => e >= eb + 1``, ``w and not y => e <= b``. Returns the terms ``(eb - b)
    * y`` that lengthen the task (its elapsed size is its duration plus their sum). The one home of the rule: the
    model's calendar family and the joint lateness bound's relaxation (:mod:`ntm_sched.engine.joint_bound`)."""
    terms: list[Any] = []
    for b, eb in breaks:
        if b <= lo_s:
            continue  # start can never precede this break
        w = None  # None: the start surely precedes the break
        if hi_s >= b:
            w = m.new_bool_var(f"w_{tid}_{b}")
            m.add(s <= b - 1).only_enforce_if(w)
            m.add(s >= eb).only_enforce_if(~w)
        if hi_e > eb:
            y = m.new_bool_var(f"y_{tid}_{b}")
            if w is not None:
                m.add_implication(y, w)
            m.add(e >= eb + 1).only_enforce_if(y)
            if w is None:
                m.add(e <= b).only_enforce_if(~y)
            else:
                m.add(e <= b).only_enforce_if([w, ~y])
            terms.append((eb - b) * y)
        else:
            if w is None:
                m.add(e <= b)
            else:
                m.add(e <= b).only_enforce_if(w)
    return terms


def add_task(ctx: ModelContext, t: Task) -> None:
    """The break literals of ``t``, its elapsed size and its interval(s) (module docstring)."""
    m, bm, tv = ctx.model, ctx.bm, ctx.tv[t.id]
    s, e = bm.start[t.id], bm.end[t.id]
    lo_s, hi_s, hi_e, lits, durs = tv.lo_s, tv.hi_s, tv.hi_e, tv.lits, tv.durs
    mode_demand_intervals, task_interval = ctx.mode_demand_intervals, ctx.task_interval
    ext_terms = tv.ext_terms
    if tv.dmax > 0:
        ext_terms.extend(add_pauses(m, t.id, s, e, lo_s, hi_s, hi_e, tv.breaks))

    if ext_terms:
        size = m.new_int_var(tv.dmin, hi_e - lo_s, f"el_{t.id}")
        m.add(size == tv.dur_expr + sum(ext_terms))
        master = m.new_interval_var(s, size, e, f"iv_{t.id}")
        task_interval[t.id] = master
        if lits:
            for k, x in enumerate(lits):
                iv = m.new_optional_interval_var(s, size, e, x, f"iv_{t.id}_{k}")
                for rname, q in t.modes[k].demands.items():
                    if q:
                        mode_demand_intervals[rname].append((iv, q))
        else:
            for rname, q in t.modes[0].demands.items():
                if q:
                    mode_demand_intervals[rname].append((master, q))
    elif lits:
        m.add(e == s + tv.dur_expr)
        for k, x in enumerate(lits):
            iv = m.new_optional_interval_var(s, durs[k], e, x, f"iv_{t.id}_{k}")
            for rname, q in t.modes[k].demands.items():
                if q:
                    mode_demand_intervals[rname].append((iv, q))
    else:
        iv = m.new_interval_var(s, durs[0], e, f"iv_{t.id}")
        task_interval[t.id] = iv
        for rname, q in t.modes[0].demands.items():
            if q:
                mode_demand_intervals[rname].append((iv, q))


def check_task(problem: Problem, t: Task, ts: TaskSchedule) -> list[Violation]:
    """The end of ``ts`` is the elapsed end of its start and mode's duration on ``t``'s calendar."""
    out: list[Violation] = []
    cal = problem.calendar(t.calendar)
    dur = t.modes[ts.mode].duration
    try:
        want = elapsed_end(ts.start, dur, cal)
    except ValueError as exc:
        out.append(Violation("calendar", f"task {t.id!r}: {exc}", task=t.id, period=ts.start))
        want = None
    if want is not None and ts.end != want:
        out.append(Violation("duration", f"task {t.id!r} [{ts.start}, {ts.end}) should end at {want} "
                             f"(duration {dur}{', calendar ' + cal.name if cal else ''})", task=t.id, period=ts.end))
    return out


FAMILY = Family(
    name="calendar",
    add_task=add_task,
    check_task=check_task,
    explain="calendar_causes: a break whose removal (earliest_times without it) lets tasks end by the horizon",
    sgs="sgs.first_fit: a start inside a break moves to its end; end = pause_end (pauses); resources held while paused",
)
