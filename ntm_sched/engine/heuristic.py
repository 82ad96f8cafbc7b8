"""A money-aware serial schedule generation scheme: a quick start solution when money binds.

When money released late restricts the schedule, CP-SAT's own first solutions are poor
(every deadline far late) and it needs many seconds to find one at all
(benchmarks/README.md). This module builds one directly:

* tasks are taken in order of their *deadline-driven latest end*: the smallest
  ``due(d) - tail(t, d)`` over the deadlines ``d`` they precede (tail: longest path of
  minimum durations, :func:`ntm_sched.engine.cashflow.longest_tails`), ties by the order
  given, always after their predecessors;
* each task is placed at the earliest start that respects its release, its precedences,
  its calendar (no start inside a break, pauses across breaks), every renewable resource
  over its elapsed interval, its council session if it has one (the first session with room whose
  cut-off its dossier meets, :func:`ntm_sched.engine.families.sessions.session_push`), the horizon
  (the placement step shared with the risk analysis' re-timing, :func:`ntm_sched.engine.sgs.first_fit`),
  and the money: with the instalments of the tasks already placed, a max-flow from every
  source's releases to the instalments (an instalment at time ``t`` may take money of an allowed
  source released at or before ``t``; an unlimited source from its ``available_from`` on)
  must pay everything. Moving a task later never makes the money harder (more is released by then), so the start is
  pushed to the next release date while the money does not fit.

The payment split is read from the final max-flow, so the schedule comes with payments
that the checker accepts. Modes: the first mode (the NTM layer's normal mode) unless only
another fits. Returns ``None`` when some task cannot be placed before the horizon.
"""

from __future__ import annotations

import bisect
import random
from collections import defaultdict
from collections.abc import Mapping

from ortools.graph.python import max_flow

from ntm_sched.engine.families.sessions import session_of, session_push
from ntm_sched.engine.problem import Problem, Task
from ntm_sched.engine.result import Payment, Solution, TaskSchedule
from ntm_sched.engine.sgs import first_fit

_BIG = 10**12


class _Money:
    """Incremental feasibility of instalments against the sources (max-flow)."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.sources = [s for s in problem.sources]
        self.items: list[tuple[str, int, int, tuple[str, ...]]] = []  # (task, time, amount, sources)
        # unlimited sources by name -> the first period they pay (an instalment one of them may pay
        # always fits: the max-flow routes it there, whatever the other items take)
        self.open_from = {s.name: s.available_from for s in problem.sources if s.unlimited}
        # the release nodes of the limited sources, numbered once: (amount released, the node before it in its
        # source's chain or -1); per source its release times and node numbers, for the item's last release
        self._releases: list[tuple[int, int]] = []
        self._chain: dict[str, tuple[list[int], list[int]]] = {}
        for s in self.sources:
            if s.unlimited:
                continue
            times = sorted({tr.time for tr in s.tranches})
            nodes = []
            for T in times:
                nodes.append(len(self._releases))
                self._releases.append((sum(tr.amount for tr in s.tranches if tr.time == T),
                                       nodes[-2] if len(nodes) > 1 else -1))
            self._chain[s.name] = (times, nodes)
        self._demand: dict[tuple[int, ...], int] = {}  # the items added, by :meth:`_reach`
        self._reach_of: dict[tuple[int, tuple[str, ...]], tuple[int, ...] | None] = {}
        # the graph of :meth:`_feasible`, built once: the release nodes and their chains, then a node per set of
        # release nodes reached, added on first use; each check only sets the capacities of the demands' arcs to
        # the sink (the graph was built again for every check, most of the generator's time)
        self._flow = max_flow.SimpleMaxFlow()
        for i, (amount, before) in enumerate(self._releases):
            self._flow.add_arc_with_capacity(0, 2 + i, amount)  # 0 = source, 1 = sink, then the release nodes
            if before >= 0:
                self._flow.add_arc_with_capacity(2 + before, 2 + i, _BIG)
        self._next_node = 2 + len(self._releases)
        self._to_sink: dict[tuple[int, ...], list[int]] = {}  # set of release nodes -> [arc to the sink, capacity]

    def _solve(self, items):
        f = max_flow.SimpleMaxFlow()
        # node ids: 0 = source, 1 = sink, then per source its release nodes, then items
        nid = 2
        rel_nodes: dict[str, list[tuple[int, int]]] = {}
        for s in self.sources:
            if s.unlimited:
                node = nid
                nid += 1
                f.add_arc_with_capacity(0, node, _BIG)
                rel_nodes[s.name] = [(s.available_from, node)]
                continue
            lst: list[tuple[int, int]] = []
            times = sorted({tr.time for tr in s.tranches})
            for T in times:
                amt = sum(tr.amount for tr in s.tranches if tr.time == T)
                node = nid
                nid += 1
                f.add_arc_with_capacity(0, node, amt)
                if lst:
                    f.add_arc_with_capacity(lst[-1][1], node, _BIG)  # money carried forward
                lst.append((T, node))
            rel_nodes[s.name] = lst
        arcs = []
        total = 0
        for k, (_tid, t, amt, srcs) in enumerate(items):
            node = nid
            nid += 1
            f.add_arc_with_capacity(node, 1, amt)
            total += amt
            for sname in srcs:
                lst = rel_nodes.get(sname, [])
                last = None
                for T, n in lst:
                    if t >= T:
                        last = n
                if last is not None:
                    arcs.append((k, sname, f.add_arc_with_capacity(last, node, amt)))
        st = f.solve(0, 1)
        ok = st == f.OPTIMAL and f.optimal_flow() == total
        return ok, f, arcs

    def _reach(self, t: int, srcs: tuple[str, ...]) -> tuple[int, ...] | None:
        """The release nodes an instalment at ``t`` that ``srcs`` may pay draws from (per limited source, its last
        release at or before ``t``: the chain carries the earlier ones to it); ``None`` when an unlimited source
        may pay it (it always fits, and takes nothing from the others)."""
        key = (t, srcs)
        if key not in self._reach_of:
            nodes: set[int] = set()
            unlimited = False
            for name in srcs:
                if self.open_from.get(name, t + 1) <= t:
                    unlimited = True
                    break
                times, ids = self._chain.get(name, ([], []))
                k = bisect.bisect_right(times, t)
                if k:
                    nodes.add(ids[k - 1])
            self._reach_of[key] = None if unlimited else tuple(sorted(nodes))
        return self._reach_of[key]

    def _feasible(self, demand: Mapping[tuple[int, ...], int]) -> bool:
        """Whether the limited sources pay every demand (release nodes reached -> amount): the max-flow of
        :meth:`_solve` with the instalments that reach the same release nodes taken together (they have the same
        arcs, so the flow's value is the same) and those an unlimited source may pay left out (they take only
        it)."""
        if demand.get((), 0) > 0:
            return False  # an instalment before any money it may take
        f = self._flow
        for reach in demand:
            if reach not in self._to_sink:  # a demand node drawing from its release nodes (the arc to the sink caps it)
                node = self._next_node
                self._next_node += 1
                for r in reach:
                    f.add_arc_with_capacity(2 + r, node, _BIG)
                self._to_sink[reach] = [f.add_arc_with_capacity(node, 1, 0), 0]
        total = 0
        for reach, arc in self._to_sink.items():  # every demand node: those not asked now take nothing
            amount = max(0, demand.get(reach, 0))
            if arc[1] != amount:
                f.set_arc_capacity(arc[0], amount)
                arc[1] = amount
            total += amount
        return f.solve(0, 1) == f.OPTIMAL and f.optimal_flow() == total

    def _merge(self, extra) -> dict[tuple[int, ...], int]:
        demand = dict(self._demand)
        for _, t, a, srcs in extra:
            reach = self._reach(t, tuple(srcs)) if a > 0 else None
            if reach is not None:
                demand[reach] = demand.get(reach, 0) + a
        return demand

    def fits(self, extra) -> bool:
        if not any(a for _, _, a, _ in extra):
            return True
        if all(a == 0 or any(self.open_from.get(n, t + 1) <= t for n in srcs) for _, t, a, srcs in extra):
            return True  # every instalment may take unlimited money (the max-flow would find it)
        return self._feasible(self._merge(extra))

    def add(self, extra) -> None:
        self.items += [x for x in extra if x[2] > 0]
        self._demand = self._merge(extra)

    def payments(self) -> list[Payment]:
        ok, f, arcs = self._solve(self.items)
        if not ok:
            raise RuntimeError("money plan no longer fits")
        agg: dict[tuple[str, str, int], int] = defaultdict(int)
        for k, sname, arc in arcs:
            v = f.flow(arc)
            if v:
                tid, t, _, _ = self.items[k]
                agg[(tid, sname, t)] += v
        return [Payment(tid, s, t, a) for (tid, s, t), a in sorted(agg.items()) if a]


def deadline_priority(problem: Problem) -> dict[str, int]:
    """Latest end of every task implied by the soft and hard deadlines it precedes (horizon if none)."""
    from ntm_sched.engine.cashflow import longest_tails

    tails = longest_tails(problem)
    due = {t.id: t.due for t in problem.tasks if t.due is not None}
    out = {}
    for t in problem.tasks:
        v = min([problem.horizon] + ([due[t.id]] if t.id in due else [])
                + [due[d] - L for d, L in tails.get(t.id, {}).items() if d in due])
        out[t.id] = v
    return out


def money_sgs(problem: Problem, seed: int | None = None, noise: int = 0,
              accelerate: float = 0.0, priority: Mapping[str, int] | None = None,
              fast: frozenset[str] = frozenset(),
              pinned: Mapping[str, tuple[int, int]] | None = None) -> Solution | None:
    """A schedule built by the money-aware serial generation scheme (module docstring).

    Parameters
    ----------
    problem
        The problem.
    seed, noise
        With ``noise > 0`` each task's priority is perturbed by a random number of periods in
        ``[0, noise]`` (seeded), for a few different starts.
    accelerate
        Probability of also trying the other modes of a task whose first mode ends after its
        deadline-driven latest end (the mode ending first is kept). Faster modes cost more
        money, so accelerating everything that is late can exhaust the sources.
    priority, fast
        Task id -> priority (smaller first; default :func:`deadline_priority`); tasks whose faster modes are all tried.
    pinned
        Task id -> (start, mode index): placed first (by start, once its predecessors are), exactly there in that mode,
        counted in its session (no session push); ``None`` when one does not fit there. Ties in the problem's order.
    """
    rnd = random.Random(seed)
    pin = dict(pinned or {})
    prio = dict(priority) if priority is not None else deadline_priority(problem)
    if noise:
        prio = {k: v + rnd.randint(0, noise) for k, v in prio.items()}
    H = problem.horizon
    preds: dict[str, list] = defaultdict(list)
    succs: dict[str, list] = defaultdict(list)
    for p in problem.precedences:
        preds[p.succ].append(p)
        succs[p.pred].append(p)
    order_idx = {t.id: i for i, t in enumerate(problem.tasks)}
    use = {r.name: [0] * (H + 1) for r in problem.resources}
    cap = {r.name: [r.capacity_at(t) for t in range(H + 1)] for r in problem.resources}
    money = _Money(problem)
    placed: dict[str, TaskSchedule] = {}
    waiting = {t.id: len(preds[t.id]) for t in problem.tasks}
    ready = [t for t in problem.tasks if waiting[t.id] == 0]
    tranche_times = sorted({tr.time for s in problem.sources for tr in s.tranches}
                           | {s.available_from for s in problem.sources if s.unlimited})
    taken: dict[str, int] = defaultdict(int)  # tasks each session has taken

    def order(t: Task) -> tuple[int, int, int]:
        return (0, pin[t.id][0], order_idx[t.id]) if t.id in pin else (1, prio[t.id], order_idx[t.id])

    while ready:
        ready.sort(key=order)
        t = ready.pop(0)
        fixed = pin[t.id][0] if t.id in pin else t.fixed_start
        est = t.release if fixed is None else fixed
        dossier_end = 0
        for p in preds[t.id]:
            ps = placed[p.pred]
            est = max(est, (ps.end if p.kind == "FS" else ps.start) + p.lag)
            if p.kind == "FS":
                dossier_end = max(dossier_end, ps.end)
        session_fits = None if t.id in pin else session_push(problem, t, dossier_end, taken)
        cal = problem.calendar(t.calendar)
        breaks = cal.breaks if cal else None
        srcs = problem.sources_for(t)
        best = None
        for mi, md in ([(pin[t.id][1], t.modes[pin[t.id][1]])] if t.id in pin else enumerate(t.modes)):
            adv = problem.advance_of(t, md.cost)
            box: list = [[]]  # the instalments of the last start tried

            def resources_fit(s: int, e: int, md=md) -> tuple[int, tuple] | None:
                clash = None
                for r, q in md.demands.items():
                    if not q:
                        continue
                    u, c = use[r], cap[r]
                    for x in range(s, e):
                        if u[x] + q > c[x]:
                            clash = x
                            break
                    if clash is not None:
                        return (clash + 1 if md.duration > 0 else s + 1), ("resource", r)
                return None

            def money_fits(s: int, e: int, t=t, md=md, adv=adv, srcs=srcs, box=box) -> tuple[int, tuple] | None:
                items = [(t.id, s, adv, srcs), (t.id, e, md.cost - adv, srcs)] if md.cost else []
                box[0] = items
                if items and s != e and not money.fits(items):
                    nxt = [T for T in tranche_times if s < T] + [T - (e - s) for T in tranche_times if T - (e - s) > s]
                    return (min(nxt) if nxt else H + 1), ("money",)
                if items and s == e:
                    items = [(t.id, s, md.cost, srcs)]
                    box[0] = items
                    if not money.fits(items):
                        nxt = [T for T in tranche_times if s < T]
                        return (min(nxt) if nxt else H + 1), ("money",)
                return None

            pushes = (resources_fit, money_fits) if session_fits is None else (session_fits, resources_fit, money_fits)
            s, e, _ = first_fit(max(est, 0), md.duration, breaks, last_start=H, last_end=H,
                                pushes=pushes, fixed=fixed)
            if s is not None and e is not None and (best is None or e < best[2]):
                best = (mi, s, e, box[0])
            if best is not None and t.id not in fast and (best[2] <= prio[t.id] or rnd.random() >= accelerate):
                break  # the first mode that fits, unless it ends late and a faster one is tried
        if best is None:
            return None
        mi, s, e, items = best
        md = t.modes[mi]
        for r, q in md.demands.items():
            if q:
                u = use[r]
                for x in range(s, e):
                    u[x] += q
        money.add(items)
        if session_fits is not None or t.id in pin:
            sess = session_of(problem, t, s)
            if sess is not None:
                taken[sess.name] += 1
        placed[t.id] = TaskSchedule(t.id, s, e, mi)
        for p in succs[t.id]:
            waiting[p.succ] -= 1
            if waiting[p.succ] == 0:
                ready.append(problem.task(p.succ))
    if len(placed) < len(problem.tasks):
        return None  # a precedence cycle
    return Solution(placed, tuple(money.payments()))


def cheapest_payments(problem: Problem, tasks: Mapping[str, TaskSchedule]) -> Solution | None:
    """The schedule ``tasks`` with the payments that draw the least priced extra funding.

    The instalments are those of :mod:`ntm_sched.engine.problem` ("Money": the advance at the start,
    the rest at the end, all at once for a task that takes no time); they are paid by a min-cost
    flow from every source's releases (money released earlier carries forward; an unlimited source
    costs ``unit_price`` per unit from its ``available_from`` on) to the instalments. The serial
    generator's max-flow pays the same instalments with no regard to price; this gives the same
    schedule its cheapest money. ``None`` when the sources cannot pay it.
    """
    from ortools.graph.python import min_cost_flow

    items: list[tuple[str, int, int, tuple[str, ...]]] = []
    for t in problem.tasks:
        ts = tasks[t.id]
        cost = t.modes[ts.mode].cost
        if not cost:
            continue
        srcs = problem.sources_for(t)
        if ts.start == ts.end:
            items.append((t.id, ts.start, cost, srcs))
        else:
            adv = problem.advance_of(t, cost)
            items += [x for x in ((t.id, ts.start, adv, srcs), (t.id, ts.end, cost - adv, srcs)) if x[2] > 0]
    total = sum(a for _, _, a, _ in items)
    f = min_cost_flow.SimpleMinCostFlow()
    nid = 2  # 0: every source, 1: every instalment
    rel: dict[str, list[tuple[int, int]]] = {}
    for src in problem.sources:
        if src.unlimited:
            rel[src.name] = [(src.available_from, nid)]
            f.add_arc_with_capacity_and_unit_cost(0, nid, total, src.unit_price * problem.objective.extra_funding)
            nid += 1
            continue
        lst: list[tuple[int, int]] = []
        for T in sorted({tr.time for tr in src.tranches}):
            f.add_arc_with_capacity_and_unit_cost(0, nid, sum(tr.amount for tr in src.tranches if tr.time == T), 0)
            if lst:
                f.add_arc_with_capacity_and_unit_cost(lst[-1][1], nid, _BIG, 0)
            lst.append((T, nid))
            nid += 1
        rel[src.name] = lst
    arcs = []
    for k, (_tid, when, amt, srcs) in enumerate(items):
        node = nid
        nid += 1
        f.add_arc_with_capacity_and_unit_cost(node, 1, amt, 0)
        for name in srcs:
            last = None
            for T, n in rel.get(name, []):
                if when >= T:
                    last = n
            if last is not None:
                arcs.append((k, name, f.add_arc_with_capacity_and_unit_cost(last, node, amt, 0)))
    f.set_node_supply(0, total)
    f.set_node_supply(1, -total)
    if total and (f.solve_max_flow_with_min_cost() != f.OPTIMAL or f.maximum_flow() != total):
        return None
    agg: dict[tuple[str, str, int], int] = defaultdict(int)
    for k, name, arc in arcs:
        v = f.flow(arc)
        if v:
            tid, when, _, _ = items[k]
            agg[(tid, name, when)] += v
    return Solution(dict(tasks), tuple(Payment(tid, name, t, a) for (tid, name, t), a in sorted(agg.items()) if a))


def lateness_value(problem: Problem, solution: Solution) -> int:
    """The lateness tier's value (soft deadlines: tardiness and late counts, weighted) of a schedule."""
    o = problem.objective
    v = 0
    for t in problem.tasks:
        if t.due is None or t.due_hard:
            continue
        e = solution.tasks[t.id].end
        if e > t.due:
            v += o.tardiness * t.tardiness_weight * (e - t.due) + o.late_count * t.late_weight
    return v


def best_start(problem: Problem, time_budget: float, seed: int, tries: int = 8,
               extra: Solution | None = None) -> Solution | None:
    """The best (smallest lateness) of a few :func:`money_sgs` schedules and ``extra`` (a hint), or ``None``.

    The first try is the plain priority order; the others perturb the priorities and sometimes
    try faster modes for tasks that end late, within ``time_budget`` seconds (the solve's
    :attr:`~ntm_sched.engine.options.SolveOptions.warm_start_sgs` slice), seeded by ``seed`` (the
    solve's seed). On a deterministic clock (:mod:`ntm_sched.engine.clock`) every try is made, whatever the time.
    """
    import time

    from ntm_sched.engine.checker import check
    from ntm_sched.engine.clock import deterministic
    from ntm_sched.engine.stop import check_abandoned

    on_wall = not deterministic()
    t0 = time.perf_counter()
    best, best_v = None, None
    if extra is not None and check(problem, extra).ok:
        best, best_v = extra, lateness_value(problem, extra)
    variants = [(0, 0.0)] + [(20 + 20 * (k % 3), 0.2 * (k % 2)) for k in range(1, tries)]
    for k, (noise, acc) in enumerate(variants):
        if k and on_wall and time.perf_counter() - t0 > time_budget:
            break
        check_abandoned()  # a run overtaken ahead of its turn ends here (its answer is no longer wanted)
        sol = money_sgs(problem, seed=seed * 1000 + k, noise=noise, accelerate=acc)
        if sol is None:
            continue
        v = lateness_value(problem, sol)
        if best_v is None or v < best_v:
            best, best_v = sol, v
    return best
