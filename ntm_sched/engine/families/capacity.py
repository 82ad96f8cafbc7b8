"""Renewable resources: capacities, capacity profiles, and the redundant cliques.

Rule (:mod:`ntm_sched.engine.problem`): in every period the summed demand of the tasks running then
(over their whole elapsed interval, pauses included) is at most the resource's capacity in that
period (``capacity`` overridden by ``profile``).

Model
    One cumulative per resource over the tasks' intervals (made by the calendar family); a capacity
    profile as fixed dummy intervals eating the missing capacity (:func:`add_to_model`). Redundant:
    ``no_overlap`` over cliques of tasks that can never run together
    (:func:`incompatibility_cliques`, :func:`add_redundant`); the energy bound of the makespan is
    in :mod:`ntm_sched.engine.families.objective`.
Check
    :func:`check`, period by period (kind ``capacity``).
Explanation
    ``relax`` key ``("resource", name)``: the explainer drops one resource's cumulative (and its
    cliques and energy bound) to see whether that alone removes a conflict.
Serial generator
    A start is pushed past the first period where a demand would exceed the capacity left (with the
    profile) over the task's elapsed interval.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

import numpy as np

from ntm_sched.engine.families.base import Family, Relax, Valid
from ntm_sched.engine.problem import Problem
from ntm_sched.engine.result import Solution, Violation

if TYPE_CHECKING:  # pragma: no cover
    from ntm_sched.engine.families.context import ModelContext


def incompatibility_cliques(
    problem: Problem, relax: frozenset[tuple[str, str]] = frozenset(), min_size: int = 3, max_tasks: int = 400
) -> list[list[str]]:
    """Greedy cliques of tasks that can never overlap in time.

    Two tasks are incompatible when, for some renewable resource, their smallest
    demands over their modes add up to more than the resource's largest capacity.
    Every incompatible pair is covered by a greedily grown clique (longest tasks
    first); cliques of at least ``min_size`` tasks are returned. Tasks that may
    last 0 periods are left out.
    """
    res = [r for r in problem.resources if ("resource", r.name) not in relax]
    tasks = [t for t in problem.tasks if min(md.duration for md in t.modes) > 0]
    if not res or not tasks or len(tasks) > max_tasks:
        return []
    dur = {t.id: min(md.duration for md in t.modes) for t in tasks}
    ids = [t.id for t in tasks]
    # need[i, r] + need[j, r] > capacity[r] for some r: every pair at once (the pairs grow as the square of the tasks)
    need = np.array([[min(md.demands.get(r.name, 0) for md in t.modes) for r in res] for t in tasks], dtype=np.int64)
    caps = np.array([r.max_capacity for r in res], dtype=np.int64)
    clash: np.ndarray = np.asarray((need[:, None, :] + need[None, :, :] > caps).any(axis=2))
    np.fill_diagonal(clash, False)
    adj: dict[str, set[str]] = {a: {ids[j] for j in np.flatnonzero(clash[i])} for i, a in enumerate(ids)}
    order = {tid: k for k, tid in enumerate(ids)}
    edges = sorted(((a, b) for a in ids for b in adj[a] if order[a] < order[b]),
                   key=lambda e: (-(dur[e[0]] + dur[e[1]]), order[e[0]], order[e[1]]))
    uncovered = set(edges)
    out = []
    for a, b in edges:
        if (a, b) not in uncovered:
            continue
        clique = [a, b]
        cand = adj[a] & adj[b]
        while cand:
            c = max(cand, key=lambda x: (len(adj[x] & cand), dur[x], -order[x]))
            clique.append(c)
            cand &= adj[c]
        for x in clique:
            for y in clique:
                uncovered.discard((x, y))
        if len(clique) >= min_size:
            out.append(clique)
    return out


def add_redundant(ctx: ModelContext) -> None:
    """``no_overlap`` over each clique of :func:`incompatibility_cliques` (an interval of the elapsed
    time is made for the tasks that have none of their own)."""
    m, bm, H, task_interval = ctx.model, ctx.bm, ctx.horizon, ctx.task_interval
    for clique in incompatibility_cliques(ctx.problem, ctx.relax):
        ivs = []
        for tid in clique:
            if tid not in task_interval:
                size = m.new_int_var(0, H, f"sz_{tid}")
                m.add(size == bm.end[tid] - bm.start[tid])
                task_interval[tid] = m.new_interval_var(bm.start[tid], size, bm.end[tid], f"ivm_{tid}")
            ivs.append(task_interval[tid])
        m.add_no_overlap(ivs)


def add_to_model(ctx: ModelContext) -> None:
    """One cumulative per resource not relaxed, with its profile as fixed dummy intervals."""
    m, H = ctx.model, ctx.horizon
    for r in ctx.problem.resources:
        if ("resource", r.name) in ctx.relax:
            continue
        items = ctx.mode_demand_intervals.get(r.name, [])
        if not items:
            continue
        cap = r.max_capacity
        ivs = [iv for iv, _ in items]
        dem = [q for _, q in items]
        # capacity profile: fixed dummy intervals eat the missing capacity
        segs: list[tuple[int, int, int]] = []
        cur = 0
        for b, e_, c in r.profile:
            if b > cur:
                segs.append((cur, b, r.capacity))
            segs.append((b, e_, c))
            cur = e_
        if cur < H:
            segs.append((cur, H, r.capacity))
        for b, e_, c in segs:
            b, e_ = max(b, 0), min(e_, H)
            if e_ > b and c < cap:
                ivs.append(m.new_fixed_size_interval_var(b, e_ - b, f"cap_{r.name}_{b}"))
                dem.append(cap - c)
        m.add_cumulative(ivs, dem, cap)


def check(problem: Problem, solution: Solution, valid: Valid) -> list[Violation]:
    """Every resource's usage, period by period, is within its capacity then."""
    out: list[Violation] = []
    tasks = {t.id: t for t in problem.tasks}
    for r in problem.resources:
        use: dict[int, int] = defaultdict(int)
        for tid, (s, e, m) in valid.items():
            q = tasks[tid].modes[m].demands.get(r.name, 0)
            if q:
                for per in range(s, e):
                    use[per] += q
        bad = [per for per in sorted(use) if use[per] > r.capacity_at(per)]
        for per in bad:
            out.append(Violation("capacity", f"resource {r.name!r} period {per}: usage {use[per]} > capacity "
                                 f"{r.capacity_at(per)}", resource=r.name, period=per))
    return out


FAMILY = Family(
    name="capacity",
    add_redundant=add_redundant,
    add_to_model=add_to_model,
    check=check,
    relax=Relax("resource", lambda problem: [r.name for r in problem.resources], lambda problem, name: "capacity"),
    explain="relax ('resource', name): drop one resource's cumulative, cliques and energy bound",
    sgs="a start is pushed past the first period where the demand exceeds the capacity left (profile included)",
)
