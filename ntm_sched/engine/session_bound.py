"""Lower bounds without CP-SAT: the lateness tier counting the council's seats, and the extra funding.

CP-SAT proves no useful bound of the lateness tier on a province within a minute (thousands of tasks);
this bound is computed in a second and holds for every schedule:

1. the earliest times of :func:`~ntm_sched.engine.bounds.earliest_times` (releases, precedences,
   calendars, fastest modes), where every task under the session rule
   (:mod:`ntm_sched.engine.families.sessions`) may not start before the first session of its kind
   at or after its earliest start whose cut-off its dossier's earliest end meets (a relaxation of
   the rule: the seats are not counted);
2. each task's lateness at its earliest end, for the tasks that are not downstream of exactly one
   task under the rule;
3. for the tasks that are (a task under the rule and, e.g., the decision that follows it), the
   lateness of the cheapest assignment of the tasks under the rule to sessions that respects each
   session's capacity: a min-cost flow whose cost of "task ``a`` at session ``s``" is the lateness of
   ``a``'s own downstream tasks at their earliest ends when ``a`` starts at ``s``.

Each part bounds a disjoint set of tasks from below, so their sum bounds the lateness tier (the
tardiness and late-count terms of soft due dates, weighted as in
:func:`~ntm_sched.engine.heuristic.lateness_value`). Resources and money are ignored.

:func:`extra_funding_bound` bounds the extra-funding tier by what the limited sources cannot pay at
all (times ignored).
"""

from __future__ import annotations

import dataclasses
import graphlib
from collections import defaultdict

from ntm_sched.engine.bounds import earliest_times
from ntm_sched.engine.problem import Problem, Task, elapsed_end
from ntm_sched.engine.sgs import step_out_of_breaks


def _late(problem: Problem, t: Task, end: int) -> int:
    o = problem.objective
    if t.due is None or t.due_hard or end <= t.due:
        return 0
    return o.tardiness * t.tardiness_weight * (end - t.due) + o.late_count * t.late_weight


def session_lateness_bound(problem: Problem) -> int:
    """A lower bound of the lateness tier of every schedule of ``problem`` (module docstring); 0 when the
    precedences form a cycle or a task under the session rule has no session it could take."""
    from ortools.graph.python import min_cost_flow

    es, ee, cyclic = earliest_times(problem)
    if cyclic:
        return 0
    tasks = {t.id: t for t in problem.tasks}
    ruled = {t.id: problem.sessions_for(t) for t in problem.tasks if problem.sessions_for(t)}
    fs_preds: dict[str, list[str]] = defaultdict(list)
    succs: dict[str, list] = defaultdict(list)
    preds: dict[str, list] = defaultdict(list)
    for p in problem.precedences:
        succs[p.pred].append(p)
        preds[p.succ].append(p)
        if p.kind == "FS":
            fs_preds[p.succ].append(p.pred)

    def breaks_of(t: Task) -> tuple[tuple[int, int], ...]:
        cal = problem.calendar(t.calendar)
        return cal.breaks if cal is not None else ()

    def eligible(tid: str) -> list:
        ready = max((ee[p] for p in fs_preds[tid]), default=0)
        brk = breaks_of(tasks[tid])
        return [s for s in ruled[tid] if s.time >= es[tid] and s.deadline >= ready
                and not any(b <= s.time < e for b, e in brk)]

    if ruled:
        first = {}
        for tid in ruled:
            ok = eligible(tid)
            if not ok:
                return 0
            first[tid] = ok[0].time
        relaxed = dataclasses.replace(problem, tasks=tuple(
            dataclasses.replace(t, release=max(t.release, first[t.id])) if t.id in first else t
            for t in problem.tasks))
        es, ee, _ = earliest_times(relaxed)
    order = list(graphlib.TopologicalSorter({t.id: {p.pred for p in preds[t.id]} for t in problem.tasks})
                 .static_order())
    anc: dict[str, frozenset[str]] = {}
    for tid in order:
        a: set[str] = set()
        for p in preds[tid]:
            a |= anc[p.pred]
        if tid in ruled:
            a.add(tid)
        anc[tid] = frozenset(a)
    own: dict[str, list[str]] = defaultdict(list)  # ruled task -> its own downstream tasks, in order
    for tid in order:
        if len(anc[tid]) == 1:
            own[next(iter(anc[tid]))].append(tid)
    in_own = {d for ds in own.values() for d in ds}
    bound = sum(_late(problem, t, ee[t.id]) for t in problem.tasks if t.id not in in_own)
    if not ruled:
        return bound

    def cost(a: str, start: int) -> int:
        st: dict[str, int] = {}
        en: dict[str, int] = {}
        total = 0
        for d in own[a]:
            t = tasks[d]
            brk = breaks_of(t)
            if d == a:
                s = start
            else:
                s = es[d]
                for p in preds[d]:
                    if p.pred in en:
                        s = max(s, (en[p.pred] if p.kind == "FS" else st[p.pred]) + p.lag)
                s = step_out_of_breaks(s, brk)
            cal = problem.calendar(t.calendar)
            st[d], en[d] = s, min(elapsed_end(s, m.duration, cal) for m in t.modes)
            total += _late(problem, t, en[d])
        return total

    f = min_cost_flow.SimpleMinCostFlow()
    names = sorted({s.name for ss in ruled.values() for s in ss})
    snode = {n: 2 + k for k, n in enumerate(names)}
    nxt = 2 + len(names)
    cap = {s.name: s.capacity for s in problem.sessions}
    for n in names:
        f.add_arc_with_capacity_and_unit_cost(snode[n], 1, cap[n], 0)
    cheapest = 0
    for rid in sorted(ruled):
        node = nxt
        nxt += 1
        f.add_arc_with_capacity_and_unit_cost(0, node, 1, 0)
        costs = [(s, cost(rid, s.time)) for s in eligible(rid)]
        cheapest += min(c for _, c in costs)
        for s, c in costs:
            f.add_arc_with_capacity_and_unit_cost(node, snode[s.name], 1, c)
    f.set_node_supply(0, len(ruled))
    f.set_node_supply(1, -len(ruled))
    if f.solve_max_flow_with_min_cost() != f.OPTIMAL or f.maximum_flow() != len(ruled):
        return bound + cheapest  # the seats cannot take every task: no schedule; still a bound
    return bound + int(f.optimal_cost())


def extra_funding_bound(problem: Problem) -> int:
    """A lower bound of the extra-funding tier (priced draws on unlimited sources) of every schedule.

    Times ignored: a max-flow from every limited source's total to the tasks it may pay, each task
    asking the cost of its cheapest mode; what no limited source can pay must come from an unlimited
    one, at the lowest unit price among them (0 when there is none or the limited money covers all).
    """
    from ortools.graph.python import max_flow

    priced = [s for s in problem.sources if s.unlimited]
    if not priced:
        return 0
    price = min(s.unit_price for s in priced) * problem.objective.extra_funding
    f = max_flow.SimpleMaxFlow()
    limited = [s for s in problem.sources if not s.unlimited]
    node = {s.name: 2 + k for k, s in enumerate(limited)}
    for s in limited:
        f.add_arc_with_capacity(0, node[s.name], s.total)
    nxt = 2 + len(limited)
    need = 0
    for t in problem.tasks:
        c = min(m.cost for m in t.modes)
        if not c:
            continue
        need += c
        f.add_arc_with_capacity(nxt, 1, c)
        for name in problem.sources_for(t):
            if name in node:
                f.add_arc_with_capacity(node[name], nxt, c)
        nxt += 1
    if not need or f.solve(0, 1) != f.OPTIMAL:
        return 0
    return price * max(0, need - f.optimal_flow())
