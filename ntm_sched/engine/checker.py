"""Independent checker of a schedule against the semantics of :mod:`ntm_sched.engine.problem`.

Plain Python on purpose (no CP-SAT): it re-derives every rule from the problem
data so that a modelling error in the builder cannot hide. Each rule's check lives beside its
model part in :mod:`ntm_sched.engine.families` (``check_task`` per task, ``check`` over the
schedule); this module checks that every entry is well formed and within its window (release,
fixed start, start >= 0) and loops over the families.
"""

from __future__ import annotations

from ntm_sched.engine.families import FAMILIES
from ntm_sched.engine.families.base import Valid
from ntm_sched.engine.families.base import whole as _whole
from ntm_sched.engine.families.money import advance_due
from ntm_sched.engine.problem import Problem
from ntm_sched.engine.result import CheckError, CheckReport, Solution, Violation

# the report types live in result.py (no import loop); importable from here too
__all__ = ["CheckError", "CheckReport", "Violation", "advance_due", "check"]


def check(problem: Problem, solution: Solution) -> CheckReport:
    """Check ``solution`` against every rule of ``problem``: the well-formedness of each entry and
    its window here, then each family's ``check_task`` and ``check``, in the order of
    :data:`~ntm_sched.engine.families.FAMILIES`.

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
    valid: Valid = {}  # task -> (start, end, mode) for well-formed entries
    gates = [f.check_task for f in FAMILIES if f.check_task is not None and f.well_formed]
    task_checks = [f.check_task for f in FAMILIES if f.check_task is not None and not f.well_formed]

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
        bad = [x for gate in gates for x in gate(problem, t, ts)]
        if bad:
            v += bad
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
        for check_task in task_checks:
            v += check_task(problem, t, ts)

    for f in FAMILIES:
        if f.check is not None:
            v += f.check(problem, solution, valid)
    return CheckReport(v)
