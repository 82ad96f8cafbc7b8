"""A re-timed sample as the engine sees it, for the independent checker.

:func:`perturbed_problem` is the engine problem of one sample (the reference modes with the
sample's durations and costs, its capacities and tranches, deadlines soft, the council sessions,
the extended horizon); :func:`to_solution` is the re-timed schedule as an engine solution. The
checker (:func:`ntm_sched.engine.checker.check`) must accept the one for the other. Split from
``retime.py`` (one job per module, issue 20).
"""

from __future__ import annotations

import numpy as np

from ntm_sched.engine.problem import Mode, Precedence, Problem, Resource, Source, Task, Tranche
from ntm_sched.engine.result import Payment, Solution, TaskSchedule
from ntm_sched.studies.risk.retime import Perturbation, Retimed, RetimeError, RetimeModel


def _profile(cap: np.ndarray, default: int) -> tuple[tuple[int, int, int], ...]:
    diff = np.flatnonzero(cap != default)
    if diff.size == 0:
        return ()
    out = []
    b = int(diff[0])
    prev = b
    val = int(cap[b])
    for p in diff[1:]:
        p = int(p)
        if p != prev + 1 or int(cap[p]) != val:
            out.append((b, prev + 1, val))
            b, val = p, int(cap[p])
        prev = p
    out.append((b, prev + 1, val))
    return tuple(out)


def perturbed_problem(model: RetimeModel, pert: Perturbation) -> Problem:
    """The engine problem of one sample: reference modes with the sample's duration and cost,
    capacities and tranches of the sample, every deadline soft (lateness is what is measured),
    the extended horizon. The re-timed schedule must satisfy it."""
    p = model.problem
    if p is None:
        raise RetimeError("the re-timing model has no problem attached")
    assert p is not None
    tasks = []
    for k, t in enumerate(p.tasks):
        modes = list(t.modes)
        m = modes[model.mode[k]]
        modes[model.mode[k]] = Mode(int(pert.duration[k]), dict(m.demands), int(pert.cost[k]),
                                    dict(m.nonrenewable), m.name)
        tasks.append(Task(t.id, tuple(modes), release=t.release, due=t.due, due_hard=False,
                          tardiness_weight=t.tardiness_weight, late_weight=t.late_weight, calendar=t.calendar,
                          sources=t.sources, label=t.label, kind=t.kind if p.sessions_for(t) else ""))
    caps = pert.capacity if pert.capacity is not None else model.base_capacity
    resources = [Resource(r.name, r.capacity, _profile(caps[k], r.capacity)) for k, r in enumerate(p.resources)]
    trs = pert.tranches if pert.tranches is not None else model.tranches
    sources = [s if s.unlimited else Source(s.name, tuple(Tranche(t, a) for t, a in trs[k]), False, s.unit_price)
               for k, s in enumerate(p.sources)]
    return Problem(tuple(tasks), tuple(Precedence(x.pred, x.succ, x.kind, x.lag) for x in p.precedences),
                   tuple(resources), p.budgets, p.calendars, tuple(sources), model.horizon, p.advance_share,
                   p.objective, sessions=p.sessions)


def to_solution(model: RetimeModel, r: Retimed) -> Solution:
    """The re-timed schedule as an engine :class:`~ntm_sched.engine.result.Solution`
    (placed tasks only; payments summed per task, source and period)."""
    tasks = {model.ids[k]: TaskSchedule(model.ids[k], int(r.start[k]), int(r.end[k]), model.mode[k])
             for k in range(model.n) if r.start[k] >= 0}
    agg: dict[tuple[int, int, int], int] = {}
    for i, k, t, a in r.payments:
        agg[(i, k, t)] = agg.get((i, k, t), 0) + a
    pays = tuple(Payment(model.ids[i], model.sources[k], t, a) for (i, k, t), a in sorted(agg.items()) if a > 0)
    return Solution(tasks, pays)
