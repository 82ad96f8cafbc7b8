"""Independent checker of a schedule against the semantics of :mod:`ntm_sched.engine.problem`.

Plain Python on purpose (no CP-SAT): it re-derives every rule from the problem
data so that a modelling error in the builder cannot hide.
"""

from __future__ import annotations

import numbers
from collections import defaultdict
from fractions import Fraction

from ntm_sched.engine.problem import Problem, elapsed_end
from ntm_sched.engine.result import CheckError, CheckReport, Solution, Violation


def _whole(x: object) -> bool:
    """An integer period or amount (Python or NumPy integer; not a bool, not a float)."""
    return isinstance(x, numbers.Integral) and not isinstance(x, bool)


def advance_due(cost: int, share: float) -> int:
    """The advance a task of ``cost`` owes at its start: ``floor(share * cost)``, exactly.

    The checker's own formula (the builder has its own): the share is read as the decimal it
    prints as (``0.29`` is 29/100, not the binary float just below it) and the product is taken
    in integers, so that ``advance_due(100, 0.29) == 29``.
    """
    f = Fraction(str(float(share)))
    return (int(cost) * f.numerator) // f.denominator


# the report types live in result.py (no import loop); importable from here too
__all__ = ["CheckError", "CheckReport", "Violation", "check"]


def check(problem: Problem, solution: Solution) -> CheckReport:
    """Check ``solution`` against every rule of ``problem``.

    Parameters
    ----------
    problem
        The problem.
    solution
        The schedule and payments to verify.

    Returns
    -------
    CheckReport
        The violations (``report.ok`` is true when there are none).
    """
    v: list[Violation] = []
    add = v.append
    tasks = {t.id: t for t in problem.tasks}
    sched = solution.tasks
    valid: dict[str, tuple[int, int, int]] = {}  # task -> (start, end, mode) for well-formed entries

    for tid in sched:
        if tid not in tasks:
            add(Violation("schedule", f"unknown task {tid!r} in the schedule", task=tid))
    for t in problem.tasks:
        ts = sched.get(t.id)
        if ts is None:
            add(Violation("schedule", f"task {t.id!r} is not scheduled", task=t.id))
            continue
        if ts.task_id != t.id:
            add(Violation("schedule", f"entry for {t.id!r} names task {ts.task_id!r}", task=t.id))
        if not (_whole(ts.start) and _whole(ts.end)):
            add(Violation("type", f"task {t.id!r}: start {ts.start!r} and end {ts.end!r} must be whole periods",
                          task=t.id))
            continue
        if not (_whole(ts.mode) and 0 <= ts.mode < len(t.modes)):
            add(Violation("mode", f"task {t.id!r}: invalid mode {ts.mode!r} ({len(t.modes)} modes)", task=t.id))
            continue
        valid[t.id] = (ts.start, ts.end, ts.mode)
        if ts.start < t.release:
            add(Violation("release", f"task {t.id!r} starts at {ts.start} before its release {t.release}",
                          task=t.id, period=ts.start))
        if t.fixed_start is not None and ts.start != t.fixed_start:
            add(Violation("release", f"task {t.id!r} starts at {ts.start}, its start is fixed at {t.fixed_start}",
                          task=t.id, period=ts.start))
        if ts.start < 0:
            add(Violation("horizon", f"task {t.id!r} starts at negative period {ts.start}", task=t.id, period=ts.start))
        cal = problem.calendar(t.calendar)
        dur = t.modes[ts.mode].duration
        try:
            want = elapsed_end(ts.start, dur, cal)
        except ValueError as exc:
            add(Violation("calendar", f"task {t.id!r}: {exc}", task=t.id, period=ts.start))
            want = None
        if want is not None and ts.end != want:
            add(Violation("duration", f"task {t.id!r} [{ts.start}, {ts.end}) should end at {want} "
                          f"(duration {dur}{', calendar ' + cal.name if cal else ''})", task=t.id, period=ts.end))
        if ts.end > problem.horizon:
            add(Violation("horizon", f"task {t.id!r} ends at {ts.end} after the horizon {problem.horizon}",
                          task=t.id, period=ts.end))
        if t.due is not None and t.due_hard and ts.end > t.due:
            add(Violation("deadline", f"task {t.id!r} ends at {ts.end} after its hard due date {t.due}",
                          task=t.id, period=ts.end))

    for p in problem.precedences:
        if p.pred not in valid or p.succ not in valid:
            continue
        ps, pe, _ = valid[p.pred]
        ss = valid[p.succ][0]
        ref = pe if p.kind == "FS" else ps
        if ss < ref + p.lag:
            add(Violation("precedence", f"{p.kind} {p.pred}->{p.succ} lag {p.lag}: {p.succ!r} starts at {ss}, "
                          f"needs >= {ref + p.lag}", task=p.succ, period=ss))

    # renewable resources, per period
    for r in problem.resources:
        use: dict[int, int] = defaultdict(int)
        for tid, (s, e, m) in valid.items():
            q = tasks[tid].modes[m].demands.get(r.name, 0)
            if q:
                for per in range(s, e):
                    use[per] += q
        bad = [per for per in sorted(use) if use[per] > r.capacity_at(per)]
        for per in bad:
            add(Violation("capacity", f"resource {r.name!r} period {per}: usage {use[per]} > capacity "
                          f"{r.capacity_at(per)}", resource=r.name, period=per))

    for b in problem.budgets:
        tot = sum(tasks[tid].modes[m].nonrenewable.get(b.name, 0) for tid, (_, _, m) in valid.items())
        if tot > b.amount:
            add(Violation("budget", f"budget {b.name!r}: consumption {tot} > {b.amount}", resource=b.name))

    _check_money(problem, solution, valid, tasks, add)
    return CheckReport(v)


def _check_money(problem, solution, valid, tasks, add) -> None:
    if not problem.sources:
        if solution.payments:
            add(Violation("payment", "payments given but the problem has no money source"))
        return
    by_task: dict[str, list] = defaultdict(list)
    payments = []
    for pay in solution.payments:
        if not (_whole(pay.time) and _whole(pay.amount)):
            add(Violation("type", f"task {pay.task_id!r}: payment {pay.amount!r} from {pay.source!r} at "
                          f"{pay.time!r}: time and amount must be whole numbers", task=pay.task_id, source=pay.source))
            continue
        payments.append(pay)
    for pay in payments:
        if pay.task_id not in tasks:
            add(Violation("payment", f"payment for unknown task {pay.task_id!r}", task=pay.task_id))
            continue
        by_task[pay.task_id].append(pay)
        if pay.amount < 0:
            add(Violation("payment", f"task {pay.task_id!r}: negative payment {pay.amount} from {pay.source!r}",
                          task=pay.task_id, source=pay.source, period=pay.time))
        allowed = problem.sources_for(tasks[pay.task_id])
        if pay.source not in allowed:
            add(Violation("payment", f"task {pay.task_id!r} paid from {pay.source!r}, allowed {list(allowed)}",
                          task=pay.task_id, source=pay.source, period=pay.time))
    for tid, (s, e, m) in valid.items():
        cost = tasks[tid].modes[m].cost
        task = tasks[tid]
        # the task's own share (a re-planned continuation), else the problem's; the checker's formula
        adv = advance_due(cost, problem.advance_share if task.advance_share is None else task.advance_share)
        pays = by_task.get(tid, [])
        at_s = sum(p.amount for p in pays if p.time == s)
        at_e = sum(p.amount for p in pays if p.time == e)
        other = [p for p in pays if p.time not in (s, e)]
        for p in other:
            add(Violation("payment", f"task {tid!r}: payment at {p.time}, neither its start {s} nor end {e}",
                          task=tid, source=p.source, period=p.time))
        if s == e:
            if at_s != cost:
                add(Violation("payment", f"task {tid!r}: paid {at_s} at {s}, cost {cost}", task=tid, period=s))
        else:
            if at_s != adv:
                add(Violation("payment", f"task {tid!r}: advance paid {at_s} at start {s}, should be {adv}",
                              task=tid, period=s))
            if at_e != cost - adv:
                add(Violation("payment", f"task {tid!r}: remainder paid {at_e} at end {e}, should be {cost - adv}",
                              task=tid, period=e))
    for src in problem.sources:
        if src.unlimited:
            for pay in payments:
                if pay.source == src.name and pay.amount > 0 and pay.time < src.available_from:
                    add(Violation("source", f"task {pay.task_id!r} paid {pay.amount} from {src.name!r} at period "
                                  f"{pay.time}, before it is available (from {src.available_from})",
                                  task=pay.task_id, source=src.name, period=pay.time))
            continue
        flows: dict[int, int] = defaultdict(int)
        for pay in payments:
            if pay.source == src.name:
                flows[pay.time] += pay.amount
        cum = 0
        for t in sorted(flows):
            cum += flows[t]
            rel = src.released_by(t)
            if cum > rel:
                add(Violation("source", f"source {src.name!r} overdrawn at period {t}: paid {cum} so far, "
                              f"released {rel}", source=src.name, period=t))
