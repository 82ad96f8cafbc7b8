"""Earliest times from releases, precedences, durations and calendars alone (no CP-SAT).

The question answered here is "how early could this task possibly start and end if money,
agencies and budgets were unlimited?": a longest-path forward pass over the precedence network
of a :class:`~ntm_sched.engine.problem.Problem`. It ignores renewable resources, non-renewable
budgets, money sources and deadlines (hard or soft) and the horizon; it follows the problem's
semantics for everything else (:mod:`ntm_sched.engine.problem`):

* a task starts no earlier than its ``release`` (its ``fixed_start`` when it has one);
* ``FS`` precedences: ``start(succ) >= end(pred) + lag``; ``SS``: ``start(succ) >= start(pred) + lag``;
* a task on a calendar never starts inside a break, and its elapsed duration is lengthened by
  every break lying inside it (:func:`~ntm_sched.engine.problem.elapsed_end`);
* of its modes the one ending first is taken: ``elapsed_end`` does not decrease when the start or
  the duration grows, so the shortest mode is the earliest end from the earliest start, and every
  task at its earliest start in its shortest mode is one schedule meeting every bound at once.

The times are therefore exact lower bounds of every schedule of the problem, and reached by a
schedule of the problem without its resources, budgets and money. Used by the infeasibility
explanation (a hard deadline before its earliest end is impossible on its own), the back-test
and the NTM layer's "late: out of reach, or for lack of money and staff?".

A ``fixed_start`` is taken as the task's release: when a predecessor cannot end before it, the
problem has no schedule at all (the builder makes it infeasible) and the pass moves the task
later, a bound for the relaxation without the fixed start. :func:`fixed_start_conflicts` names
those tasks.
"""

from __future__ import annotations

from collections.abc import Mapping

from ntm_sched.engine.problem import Calendar, Precedence, Problem, elapsed_end

__all__ = ["driving_chain", "earliest_times", "fixed_start_conflicts"]


def earliest_times(problem: Problem, without_breaks: tuple[str, frozenset[tuple[int, int]]] | None = None
                   ) -> tuple[dict[str, int], dict[str, int], bool]:
    """Earliest start and end of every task from releases (or fixed starts), precedences and
    calendars alone.

    A forward pass over the precedence network (resources, budgets, money, deadlines and the
    horizon ignored; see the module docstring). A task on a calendar starts at the first working
    period at or after its earliest start and ends at
    :func:`~ntm_sched.engine.problem.elapsed_end` of that start in its shortest mode.

    Parameters
    ----------
    problem
        The engine problem.
    without_breaks
        ``(calendar name, breaks)``: compute the same with those breaks of that calendar removed
        (to tell whether they cause a conflict).

    Returns
    -------
    tuple
        ``(es, ee, cyclic)``: earliest start and earliest end by task id, and whether the pass
        did not settle (a precedence cycle with positive lags; the times are then meaningless).
    """
    dmode = {t.id: [md.duration for md in t.modes] for t in problem.tasks}
    cal: dict[str, Calendar | None] = {t.id: problem.calendar(t.calendar) for t in problem.tasks}
    if without_breaks is not None:
        name, drop = without_breaks
        c = problem.calendar(name)
        if c is not None:
            lighter = Calendar(c.name, tuple(b for b in c.breaks if b not in drop))
            cal = {tid: (lighter if c2 is not None and c2.name == name else c2) for tid, c2 in cal.items()}
    es = {t.id: t.release if t.fixed_start is None else t.fixed_start for t in problem.tasks}
    ee: dict[str, int] = {}

    def settle(tid: str) -> None:
        c = cal[tid]
        s = es[tid]
        if c is not None:
            for b, e in c.breaks:  # sorted: step over the breaks containing s (adjacent ones too)
                if b <= s < e:
                    s = e
            es[tid] = s
        ee[tid] = min(elapsed_end(s, d, c) for d in dmode[tid])

    for tid in es:
        settle(tid)
    cyclic = True
    for _ in range(len(problem.tasks) + 1):
        changed = False
        for p in problem.precedences:
            v = (ee[p.pred] if p.kind == "FS" else es[p.pred]) + p.lag
            if v > es[p.succ]:
                es[p.succ] = v
                settle(p.succ)
                changed = True
        if not changed:
            cyclic = False
            break
    return es, ee, cyclic


def fixed_start_conflicts(problem: Problem, es: Mapping[str, int]) -> list[str]:
    """Tasks whose ``fixed_start`` the pass had to move (a predecessor ends too late, or it lies
    in a break): the problem has no schedule, and their times are those of the relaxation."""
    return [t.id for t in problem.tasks if t.fixed_start is not None and es[t.id] != t.fixed_start]


def driving_chain(problem: Problem, es: Mapping[str, int], ee: Mapping[str, int], task_id: str) -> list[str]:
    """The chain of tasks that sets ``task_id``'s earliest times, from the task back to its origin.

    Walks back from ``task_id`` through the precedence whose bound equals the task's earliest
    start before any calendar break moved it (the first such precedence in the problem's order);
    it stops at a task whose earliest start comes from its own release (or fixed start). The
    durations of the tasks on this chain (with the breaks they span) are what makes the earliest
    date what it is.

    Parameters
    ----------
    problem
        The engine problem.
    es, ee
        The earliest starts and ends of :func:`earliest_times` for ``problem``.
    task_id
        The last task of the chain.

    Returns
    -------
    list of str
        Task ids, ``task_id`` first.
    """
    by_succ: dict[str, list[Precedence]] = {}
    for p in problem.precedences:
        by_succ.setdefault(p.succ, []).append(p)
    chain = [task_id]
    seen = {task_id}
    cur = task_id
    while True:
        t = problem.task(cur)
        own = t.release if t.fixed_start is None else t.fixed_start
        best: Precedence | None = None
        best_v = own
        for p in by_succ.get(cur, []):
            v = (ee[p.pred] if p.kind == "FS" else es[p.pred]) + p.lag
            if v > best_v:
                best, best_v = p, v
        if best is None or best.pred in seen:
            return chain
        cur = best.pred
        seen.add(cur)
        chain.append(cur)
