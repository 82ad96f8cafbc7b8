"""Re-planning from a status date: what has happened is fixed, the rest is solved again.

Generic engine terms only (tasks, modes, sources); the domain layer maps its
progress files onto :class:`TaskProgress` and :class:`Spending`.

:func:`restrict_to_status` turns a :class:`~ntm_sched.engine.problem.Problem` and
the progress known at period ``status`` into a new problem on the same time axis
(periods still count from the original origin, so dates stay comparable):

Finished tasks (``actual_end`` given)
    Fixed at ``[actual_start, actual_end)``: one mode lasting exactly that long,
    no calendar, no resource demand (the past is not re-checked against today's
    capacities), no cost. What the task was worth (the cost of its mode in the
    reference plan, else of its first mode) minus
    what was paid for it, when positive, is still owed: a zero-length
    *settlement* task ``<id>~settlement`` fixed at ``status`` pays it, from the
    sources the task may use.
Started tasks (``actual_start`` given, no end)
    Resume at ``status`` (or at the end of a calendar break it lies in); with
    ``resume_fixed=False`` they are only released then, their reference start
    (stability tier) being that period, so they go on right away unless an
    agency's capacity or the money forces a longer pause. They go on in the mode
    of the reference plan when one is given (else with a choice of every mode),
    with the remaining share of the mode:
    ``ceil(duration * (1 - fraction_done))`` working periods at the same
    per-period demand (so the remaining effort is the remaining share), and the
    remaining money ``fraction_done * cost_0 + (1 - fraction_done) * cost_k``
    minus what was paid for the task (never below 0), all of it paid at the end
    (its advance was due at its real start).
Zero-length tasks without progress
    A zero-length task (a milestone) whose every predecessor has finished is
    finished when the last of them finished (or at its release when it has no
    predecessor; or at its reference start when that is later), provided that
    lies before ``status`` (it has no work of its own).
Other tasks
    Released no earlier than ``status``.
Precedences
    Precedences into a finished or started task are dropped (it did start);
    the others are kept.
Money
    Every payment already made (:class:`Spending`) is deducted from its source:
    from the earliest tranches first, which is exact for every period from the
    first payment on (future payments may use ``released(t) - spent``).
    Unlimited sources are not deducted.
Reference
    ``reference`` (start per task of the current plan) becomes
    :attr:`Problem.reference_starts` for the tasks still free, so the solver's
    stability tier keeps what need not move where it was.

Nothing here re-validates the user's files: the domain layer reports their
problems by file, row and column; this module raises :class:`StatusError` on
data that would make the new problem meaningless.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from ntm_sched.engine.families.precedence import earliest_successor_start
from ntm_sched.engine.problem import Mode, Precedence, Problem, ProblemError, Source, Task, Tranche
from ntm_sched.engine.sgs import step_out_of_breaks

SETTLEMENT_SUFFIX = "~settlement"
"""Suffix of the zero-length task that pays what a finished task still owes."""


class StatusError(ProblemError):
    """Progress data inconsistent with the problem or the status period."""


@dataclass(frozen=True)
class TaskProgress:
    """What happened to one task by the status period.

    Parameters
    ----------
    task_id
        The task.
    actual_start
        Period it started (``None``: not started).
    actual_end
        Period it ended, exclusive (``None``: not finished).
    fraction_done
        Share of its work done, in ``[0, 1]`` (1 when finished).
    """

    task_id: str
    actual_start: int | None = None
    actual_end: int | None = None
    fraction_done: float = 0.0

    @property
    def finished(self) -> bool:
        return self.actual_end is not None

    @property
    def started(self) -> bool:
        return self.actual_start is not None and self.actual_end is None


@dataclass(frozen=True)
class Spending:
    """``amount`` money units paid from ``source`` at period ``time`` (for ``task_id`` if known)."""

    source: str
    time: int
    amount: int
    task_id: str | None = None


def remaining_duration(duration: int, fraction_done: float) -> int:
    """Working periods left of a task of ``duration`` with ``fraction_done`` of it done."""
    return max(0, math.ceil(round(duration * (1.0 - fraction_done), 6)))


def paid_by_task(spending: Iterable[Spending]) -> dict[str, int]:
    """Money paid so far per task (payments without a task are left out)."""
    out: dict[str, int] = defaultdict(int)
    for s in spending:
        if s.task_id is not None:
            out[s.task_id] += s.amount
    return dict(out)


def deduct(source: Source, spent: int) -> Source:
    """``source`` with ``spent`` taken from its earliest tranches (unlimited sources unchanged)."""
    if source.unlimited or spent <= 0:
        return source
    if spent > source.total:
        raise StatusError(f"source {source.name!r}: {spent} paid, more than its {source.total} in all")
    left = spent
    trs = []
    for tr in source.tranches:
        take = min(left, tr.amount)
        left -= take
        trs.append(Tranche(tr.time, tr.amount - take))
    return replace(source, tranches=tuple(trs))


def restrict_to_status(
    problem: Problem,
    status: int,
    progress: Mapping[str, TaskProgress] | Iterable[TaskProgress] = (),
    spending: Iterable[Spending] = (),
    reference: Mapping[str, int] | None = None,
    reference_modes: Mapping[str, int] | None = None,
    resume_fixed: bool = True,
) -> Problem:
    """The problem of the rest of the plan from period ``status`` (see the module docstring).

    Parameters
    ----------
    problem
        The full problem (as planned).
    status
        The status period: nothing not yet started starts before it.
    progress
        What happened to each task (tasks not listed have not started).
    spending
        Money paid so far (every ``time`` must be ``<= status``).
    reference
        Start period per task in the current plan (stability tie-break).
    reference_modes
        Mode index per task in the current plan: a started task goes on in that
        mode only (it cannot change how it is being done half-way).
    resume_fixed
        Started tasks resume exactly at ``status`` (the first working period from
        it); with ``False`` they may pause longer when capacity or money force it
        (use it when the fixed version is infeasible).

    Returns
    -------
    Problem
        On the same time axis; settlement tasks added where money is still owed.

    Raises
    ------
    StatusError
        Unknown tasks or sources, actual dates after ``status``, a finish before its
        start, a fraction outside ``[0, 1]``, more paid than a source holds.
    """
    if status < 0:
        raise StatusError(f"negative status period {status}")
    prog = dict(progress) if isinstance(progress, Mapping) else {p.task_id: p for p in progress}
    spending = tuple(spending)
    tasks = {t.id: t for t in problem.tasks}
    for tid, p in prog.items():
        if tid not in tasks or p.task_id != tid:
            raise StatusError(f"progress for unknown task {tid!r}")
        if not 0.0 <= p.fraction_done <= 1.0:
            raise StatusError(f"task {tid!r}: fraction done {p.fraction_done} outside [0, 1]")
        start, end = p.actual_start, p.actual_end
        if start is None:
            if end is not None:
                raise StatusError(f"task {tid!r}: finished without a start")
            continue
        if start > status:
            raise StatusError(f"task {tid!r}: started at {start}, after the status period {status}")
        if end is not None and (end < start or end > status + 1):
            raise StatusError(f"task {tid!r}: end {end} before its start or after the status period")
    names = {s.name for s in problem.sources}
    for s in spending:
        if s.source not in names:
            raise StatusError(f"payment from unknown source {s.source!r}")
        if s.time > status:
            raise StatusError(f"payment from {s.source!r} at {s.time}, after the status period {status}")
        if s.task_id is not None and s.task_id not in tasks:
            raise StatusError(f"payment for unknown task {s.task_id!r}")

    # milestones whose predecessors have all finished are finished too (fixpoint over chains)
    preds: dict[str, list[Precedence]] = defaultdict(list)
    for p in problem.precedences:
        preds[p.succ].append(p)
    changed = True
    while changed:
        changed = False
        for t in problem.tasks:
            if t.id in prog or max(m.duration for m in t.modes) != 0:
                continue
            ends = []
            for link in preds[t.id]:
                q = prog.get(link.pred)
                if q is None or q.actual_end is None or link.kind != "FS":
                    break
                started = q.actual_start if q.actual_start is not None else q.actual_end  # finished: it started
                ends.append(earliest_successor_start(link, started, q.actual_end))  # the precedence family's rule
            else:
                # when the predecessors finished (no earlier than its release), or later if the
                # reference plan had it later (a milestone may wait there for the next step)
                at = max([*ends, t.release, (reference or {}).get(t.id, 0)])
                if at < status:  # it happened before the status period
                    prog[t.id] = TaskProgress(t.id, at, at, 1.0)
                    changed = True

    paid = paid_by_task(spending)
    new_tasks: list[Task] = []
    resume: dict[str, int] = {}
    settlements: list[Task] = []
    for t in problem.tasks:
        p = prog.get(t.id)
        cal = problem.calendar(t.calendar)
        k = (reference_modes or {}).get(t.id)
        k = k if k is not None and 0 <= k < len(t.modes) else None
        if p is not None and p.actual_start is not None and p.actual_end is not None:  # finished
            done_in = t.modes[k or 0]
            owed = max(0, done_in.cost - paid.get(t.id, 0))
            new_tasks.append(replace(
                t, modes=(Mode(p.actual_end - p.actual_start, name=done_in.name),), release=p.actual_start,
                calendar=None, fixed_start=p.actual_start, advance_share=None))
            if owed > 0:
                settlements.append(Task(
                    t.id + SETTLEMENT_SUFFIX, (Mode(0, cost=owed, name="settlement"),), release=status,
                    sources=t.sources, label=t.label, fixed_start=status))
        elif p is not None and p.started:
            f = p.fraction_done
            kept = t.modes if k is None else (t.modes[k],)
            c0 = kept[0].cost if len(kept) == 1 else t.modes[0].cost
            modes = tuple(
                Mode(remaining_duration(m.duration, f), m.demands,
                     max(0, round(f * c0 + (1.0 - f) * m.cost) - paid.get(t.id, 0)), m.nonrenewable, m.name)
                for m in kept)
            # the calendar family's rule: a start inside a break moves to the break's end
            resume[t.id] = step_out_of_breaks(status, cal.breaks if cal is not None else None)
            new_tasks.append(replace(t, modes=modes, release=status,
                                     fixed_start=resume[t.id] if resume_fixed else None, advance_share=0.0,
                                     calendar=t.calendar if any(m.duration for m in modes) else None))
        else:
            new_tasks.append(replace(t, release=max(t.release, status)))

    pinned = {tid for tid, p in prog.items() if p.actual_start is not None}
    precs = tuple(p for p in problem.precedences if p.succ not in pinned)
    spent: dict[str, int] = defaultdict(int)
    for s in spending:
        spent[s.source] += s.amount
    sources = tuple(deduct(s, spent.get(s.name, 0)) for s in problem.sources)
    ref = {tid: int(v) for tid, v in (reference or {}).items() if tid in tasks and tid not in pinned}
    ref.update(resume)  # a started task should go on right away (unless capacity or money forbid it)
    return replace(problem, tasks=tuple(new_tasks + settlements), precedences=precs, sources=sources,
                   reference_starts=ref)
