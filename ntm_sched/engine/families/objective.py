"""The objective's terms that belong to no constraint family: stability, cost, end weights, makespan.

Not a constraint family (nothing to check or relax): the lateness tier is made by the deadlines
family and the extra-funding tier by the money family; this module adds the rest.

* :func:`add_task`, in the task loop right after the task's variables: with a reference schedule
  and a lexicographic objective, the distance ``|start - reference|`` (the ``stability`` tier);
* :func:`add_to_model`, after every family: the cost of the chosen modes, the end weights (dates
  preferred early) and the makespan with its lower bound (critical path and, with redundant
  constraints, the energy of each resource not relaxed and without a profile), all in the
  ``rest`` tier.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from ntm_sched.engine.problem import Task

if TYPE_CHECKING:  # pragma: no cover
    from ntm_sched.engine.families.context import ModelContext


def add_task(ctx: ModelContext, t: Task) -> None:
    """The stability term of ``t`` (module docstring)."""
    m, H, s = ctx.model, ctx.horizon, ctx.bm.start[t.id]
    ref = ctx.problem.reference_starts.get(t.id)
    if ref is not None and ctx.problem.objective.lexicographic:
        dev = m.new_int_var(0, max(H, ref) + 1, f"dev_{t.id}")
        m.add(dev >= s - ref)
        m.add(dev >= ref - s)
        ctx.tiers["stability"].append(dev)


def add_to_model(ctx: ModelContext) -> None:
    """Cost, end weights and makespan (module docstring)."""
    problem, m, bm, H, tiers, es = ctx.problem, ctx.model, ctx.bm, ctx.horizon, ctx.tiers, ctx.es
    obj = problem.objective
    if obj.cost:
        tiers["rest"].append(obj.cost * sum(ctx.cost_expr.values()))
    # dates preferred early (weights per period of a task's end)
    for t in problem.tasks:
        if t.end_weight > 0:
            tiers["rest"].append(t.end_weight * bm.end[t.id])
    if obj.makespan:
        has_fs_succ = {p.pred for p in problem.precedences if p.kind == "FS" and p.lag >= 0}
        lb = max((es[t.id] + min(md.duration for md in t.modes) for t in problem.tasks), default=0)
        if ctx.redundant:
            for r in problem.resources:
                if ("resource", r.name) in ctx.relax:
                    continue  # a relaxed resource bounds nothing
                energy = sum(min(md.duration * md.demands.get(r.name, 0) for md in t.modes) for t in problem.tasks)
                if r.max_capacity > 0 and not r.profile:
                    lb = max(lb, math.ceil(energy / r.max_capacity))
        bm.makespan_lb = lb
        cmax = m.new_int_var(min(lb, H), H, "cmax")
        for t in problem.tasks:
            if t.id not in has_fs_succ:
                m.add(cmax >= bm.end[t.id])
        bm.cmax = cmax
        tiers["rest"].append(obj.makespan * cmax)
