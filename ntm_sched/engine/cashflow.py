"""Money as a time-bucketed cash flow: the formulation used when money binds.

The tranche-bucket model of :func:`ntm_sched.engine.families.money._money` first splits each
instalment among its sources (integer amounts) and then multiplies every amount by a
"paid in bucket j" literal (``y = amount * [time in bucket j]``). Its LP relaxation is
weak: with the literal at 1/2 the product may be anything between ``amount - ub/2`` and
``ub/2``, so the LP lets a work be "half paid" before a tranche and half late, and the
lateness tier's bound never sees that money released late forces works late
(benchmarks/README.md: the bound stays at the payment-free bound).

Here the order is reversed (a classical time-indexed / transportation formulation):

* every costly task gets, per mode ``m``, one literal per *bucket* of its start and one
  per bucket of its end (``zs[m][j]``, ``ze[m][j]``, exactly one of each true when the mode is
  chosen); bucket boundaries are the release dates of the sources the task may use, the
  dates from which its unlimited sources may pay, and *lateness thresholds* (below);
  ``zs[m][j] => lo_j <= start <= hi_j`` and the aggregate ``start >= sum lo_j * zs``,
  ``start <= sum hi_j * zs`` (same for the end);
* what the task pays in a money bucket ``b`` is linear in the literals:
  ``sum_m advance_m * zs[m][b] + remainder_m * ze[m][b]``, and it is split among the allowed
  sources by flow variables ``f[k][b] >= 0`` whose sum is that amount;
* a limited source's payments in the buckets before each of its release times ``T`` are at
  most its releases before ``T`` (exact: ``T`` is a bucket boundary of every task that may
  use the source, and nothing is released inside a bucket); an unlimited source has flow
  variables only in buckets at or after its ``available_from``.

This is an exact reformulation of the money rules of :mod:`ntm_sched.engine.problem`
(every schedule and payment plan of one model maps to the other), but its LP is the
transportation LP over fractional bucket choices.

Lateness links
--------------
For every soft deadline with a "late" literal ``late_d`` (task ``d``, due ``D``) and every
costly task ``a`` that precedes ``d`` through finish-to-start precedences, let ``L`` be the
longest path of *minimum* durations and lags from the end of ``a`` to the end of ``d``.
Then ``end(d) >= end(a) + L`` in every schedule, so ``end(a) >= D - L + 1`` forces ``d``
late. ``D - L + 1`` is added to ``a``'s end boundaries and the valid inequality
``late_d >= sum of a's end literals of the buckets at or after D - L + 1`` is posted. It
ties the lateness literals to the very literals that carry the money, which is what the
LP of the other formulation misses.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ortools.sat.python import cp_model

from ntm_sched.engine.problem import Problem
from ntm_sched.engine.result import Payment


@dataclass
class TaskBuckets:
    """Bucket literals and flows of one costly task."""

    start_bounds: list[tuple[int, int]]  # (lo, hi) of each start bucket
    end_bounds: list[tuple[int, int]]
    zs: list[list]  # [mode][bucket] literal (or 0 when the bucket is out of reach)
    ze: list[list]
    money_buckets: list[tuple[int, int]]  # (lo, hi) of the money buckets (coarser)
    flows: dict[tuple[str, int], cp_model.IntVar] = field(default_factory=dict)  # (source, money bucket) -> var
    advances: tuple[int, ...] = ()
    remainders: tuple[int, ...] = ()


@dataclass
class CashFlow:
    """Handles of the bucketed cash-flow formulation (see the module docstring)."""

    tasks: dict[str, TaskBuckets] = field(default_factory=dict)
    lateness_links: int = 0

    def payments(self, solver: cp_model.CpSolver, starts: dict[str, int], ends: dict[str, int],
                 modes: dict[str, int]) -> list[Payment]:
        """Read the payments of the current solution: each instalment split over the sources
        by the flows of its money bucket (advance first, then the remainder)."""
        out: list[Payment] = []
        for tid, tb in self.tasks.items():
            s, e, md = starts[tid], ends[tid], modes[tid]
            adv, rem = tb.advances[md], tb.remainders[md]
            bs = _bucket_of(tb.money_buckets, s)
            be = _bucket_of(tb.money_buckets, e)
            avail: dict[tuple[str, int], int] = {k: int(solver.value(v)) for k, v in tb.flows.items()}
            for amount, b, time in ((adv, bs, s), (rem, be, e)):
                need = amount
                for (src, bb), val in avail.items():
                    if bb != b or val <= 0 or need <= 0:
                        continue
                    take = min(val, need)
                    avail[(src, bb)] -= take
                    need -= take
                    out.append(Payment(tid, src, time, take))
                if need:  # cannot happen: the flows of a bucket sum to what is paid in it
                    raise RuntimeError(f"cash flow of task {tid!r}: {need} unpaid at {time}")
        # merge payments of the same (task, source, time)
        agg: dict[tuple[str, str, int], int] = defaultdict(int)
        for p in out:
            agg[(p.task_id, p.source, p.time)] += p.amount
        return [Payment(t, s, tm, a) for (t, s, tm), a in agg.items() if a]

    def add_hint(self, model: cp_model.CpModel, starts: dict[str, int], ends: dict[str, int],
                 modes: dict[str, int], payments: list[Payment]) -> None:
        """Hint the bucket literals and flows of a known schedule."""
        paid: dict[tuple[str, str, int], int] = defaultdict(int)
        for tid, tb in self.tasks.items():
            if tid not in starts:
                continue
            for m_, row in enumerate(tb.zs):
                for j, lit in enumerate(row):
                    if not isinstance(lit, int):
                        lo, hi = tb.start_bounds[j]
                        model.add_hint(lit, m_ == modes[tid] and lo <= starts[tid] <= hi)
            for m_, row in enumerate(tb.ze):
                for j, lit in enumerate(row):
                    if not isinstance(lit, int):
                        lo, hi = tb.end_bounds[j]
                        model.add_hint(lit, m_ == modes[tid] and lo <= ends[tid] <= hi)
        for p in payments:
            tbp = self.tasks.get(p.task_id)
            if tbp is not None:
                paid[(p.task_id, p.source, _bucket_of(tbp.money_buckets, p.time))] += p.amount
        for tid, tb in self.tasks.items():
            for (src, b), var in tb.flows.items():
                model.add_hint(var, paid.get((tid, src, b), 0))


def _bucket_of(bounds: list[tuple[int, int]], t: int) -> int:
    for j, (lo, hi) in enumerate(bounds):
        if lo <= t <= hi:
            return j
    raise ValueError(f"time {t} outside every bucket {bounds}")


def _cut(lo: int, hi: int, points) -> list[tuple[int, int]]:
    """``[lo, hi]`` cut before every point in ``(lo, hi]``: consecutive closed intervals."""
    pts = sorted({p for p in points if lo < p <= hi})
    out, cur = [], lo
    for p in pts:
        out.append((cur, p - 1))
        cur = p
    out.append((cur, hi))
    return out


def longest_tails(problem: Problem) -> dict[str, dict[str, int]]:
    """``tails[a][d]``: longest path of minimum durations and lags from the end of ``a`` to the end
    of ``d`` over finish-to-start precedences (``end(d) >= end(a) + tails[a][d]`` in every schedule),
    for every ``d`` reachable from ``a``."""
    dmin = {t.id: min(m.duration for m in t.modes) for t in problem.tasks}
    succ: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for p in problem.precedences:
        if p.kind == "FS":
            succ[p.pred].append((p.succ, p.lag + dmin[p.succ]))
    # topological order (the precedence graph of a feasible problem is acyclic; on a cycle give up)
    indeg: dict[str, int] = defaultdict(int)
    for lst in succ.values():
        for b, _ in lst:
            indeg[b] += 1
    order = [t.id for t in problem.tasks if indeg[t.id] == 0]
    k = 0
    while k < len(order):
        for b, _ in succ[order[k]]:
            indeg[b] -= 1
            if indeg[b] == 0:
                order.append(b)
        k += 1
    if len(order) < len(problem.tasks):
        return {}
    out: dict[str, dict[str, int]] = {}
    for a in reversed(order):
        best: dict[str, int] = {}
        for b, w in succ[a]:
            if best.get(b, -1) < w:
                best[b] = w
            for c, w2 in out.get(b, {}).items():
                if best.get(c, -1) < w + w2:
                    best[c] = w + w2
        out[a] = best
    return out


def add_cash_flow(problem: Problem, bm, cost_expr, es: dict[str, int], lf: dict[str, int],
                  relax: frozenset, obj_terms: list, late_lits: Mapping[str, Any],
                  lateness_links: bool = True, tard_vars: Mapping[str, Any] | None = None) -> CashFlow:
    """Post the bucketed cash-flow formulation on ``bm.model`` (see the module docstring).

    Parameters
    ----------
    problem, bm
        The problem and the :class:`~ntm_sched.engine.builder.BuiltModel` being built (times,
        mode literals).
    cost_expr
        Unused (kept for symmetry with the tranche-bucket formulation).
    es, lf
        Earliest starts and latest ends (the domains of the time variables).
    relax
        ``("source", name)`` pairs whose tranche limit is dropped.
    obj_terms
        The extra-funding tier's terms (priced draws on unlimited sources are appended).
    late_lits
        Task id -> "late" literal of its soft deadline (for the lateness links).
    lateness_links
        Post the lateness links of the module docstring.
    """
    m = bm.model
    cf = CashFlow()
    src_by_name = {s.name: s for s in problem.sources}
    tails = longest_tails(problem) if lateness_links and late_lits else {}
    dues = {t.id: t.due for t in problem.tasks if t.id in late_lits and t.due is not None}
    # per limited source: T -> list of flow vars paid before T
    before: dict[str, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    total: dict[str, list] = defaultdict(list)
    extra_terms = []
    links = 0
    for t in problem.tasks:
        costs = [md.cost for md in t.modes]
        if max(costs) == 0:
            continue
        srcs = problem.sources_for(t)
        if not srcs:
            raise ValueError(f"task {t.id!r} costs money but no source may pay it")
        s_var, e_var = bm.start[t.id], bm.end[t.id]
        s_dom = list(s_var.proto.domain)
        e_dom = list(e_var.proto.domain)
        s_lo, s_hi, e_lo, e_hi = s_dom[0], s_dom[-1], e_dom[0], e_dom[-1]
        money_pts: set[int] = set()
        for k in srcs:
            src = src_by_name[k]
            if src.unlimited:
                if src.available_from > 0 and ("source", k) not in relax:
                    money_pts.add(src.available_from)
            elif ("source", k) not in relax:
                money_pts.update(tr.time for tr in src.tranches if tr.time > 0)
        thresholds: dict[str, int] = {}
        for d, L in tails.get(t.id, {}).items():
            if d in dues:
                thresholds[d] = dues[d] - L + 1
        if t.id in dues:
            thresholds[t.id] = dues[t.id] + 1
        lo_all, hi_all = min(s_lo, e_lo), max(s_hi, e_hi)
        money_buckets = _cut(lo_all, hi_all, money_pts)
        start_b = _cut(s_lo, s_hi, money_pts)
        end_b = _cut(e_lo, e_hi, money_pts | set(thresholds.values()))
        lits = bm.mode_lits.get(t.id) or [1]
        advs = [problem.advance_of(t, c) for c in costs]
        rems = [c - a for c, a in zip(costs, advs)]

        def bucket_lits(bounds, var, which, lits=lits, tid=t.id):
            rows = []
            for mi, x in enumerate(lits):
                row = []
                for j, (lo, hi) in enumerate(bounds):
                    z = m.new_bool_var(f"{which}{j}_{tid}_{mi}")
                    m.add(var >= lo).only_enforce_if(z)
                    m.add(var <= hi).only_enforce_if(z)
                    row.append(z)
                if isinstance(x, int):
                    m.add_exactly_one(row)
                else:
                    m.add(sum(row) == x)
                rows.append(row)
            flat = [(z, lo, hi) for row in rows for z, (lo, hi) in zip(row, bounds)]
            m.add(var >= sum(lo * z for z, lo, _ in flat))
            m.add(var <= sum(hi * z for z, _, hi in flat))
            return rows

        zs = bucket_lits(start_b, s_var, "zs")
        ze = bucket_lits(end_b, e_var, "ze")
        tb = TaskBuckets(start_b, end_b, zs, ze, money_buckets, advances=tuple(advs), remainders=tuple(rems))
        # what is paid in each money bucket (linear in the literals)
        for b, (blo, bhi) in enumerate(money_buckets):
            terms = []
            for mi in range(len(lits)):
                for j, (lo, hi) in enumerate(start_b):
                    if blo <= lo and hi <= bhi and advs[mi]:
                        terms.append(advs[mi] * zs[mi][j])
                for j, (lo, hi) in enumerate(end_b):
                    if blo <= lo and hi <= bhi and rems[mi]:
                        terms.append(rems[mi] * ze[mi][j])
            if not terms:
                continue
            ub = max(advs) + max(rems)
            fl = []
            for k in srcs:
                src = src_by_name[k]
                if src.unlimited and src.available_from > blo and ("source", k) not in relax:
                    continue  # this source cannot pay in this bucket
                f = m.new_int_var(0, ub, f"f_{t.id}_{k}_{b}")
                tb.flows[(k, b)] = f
                fl.append(f)
                if src.unlimited:
                    if src.unit_price * problem.objective.extra_funding:
                        extra_terms.append(src.unit_price * f)
                elif ("source", k) not in relax:
                    total[k].append(f)
                    for T in {tr.time for tr in src.tranches if tr.time > 0}:
                        if bhi < T:
                            before[k][T].append(f)
            if not fl:
                m.add(sum(terms) == 0)  # nothing may pay in this bucket: no instalment falls in it
                continue
            m.add(sum(fl) == sum(terms))
        # lateness links
        for d, theta in thresholds.items():
            late = late_lits[d]
            beyond = [ze[mi][j] for mi in range(len(lits)) for j, (lo, _) in enumerate(end_b) if lo >= theta]
            if beyond:
                m.add(late >= sum(beyond))
                links += 1
            tard = (tard_vars or {}).get(d)
            if tard is not None:
                # end(d) >= end(a) + L >= lo_j + L when a ends in bucket j
                L = dues[d] + 1 - theta
                terms = [max(0, lo + L - dues[d]) * ze[mi][j] for mi in range(len(lits))
                         for j, (lo, _) in enumerate(end_b) if lo + L > dues[d]]
                if terms:
                    m.add(tard >= sum(terms))
        cf.tasks[t.id] = tb
    for k, lst in total.items():
        m.add(sum(lst) <= src_by_name[k].total)
    for k, per_T in before.items():
        for T, lst in per_T.items():
            m.add(sum(lst) <= src_by_name[k].released_by(T - 1))
    if extra_terms and problem.objective.extra_funding:
        obj_terms.append(problem.objective.extra_funding * sum(extra_terms))
    cf.lateness_links = links
    return cf
