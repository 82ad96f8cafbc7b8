"""Translate a :class:`~ntm_sched.engine.problem.Problem` into a CP-SAT model.

Size (~600 lines): one model, whose constraint families share the task variables and the
earliest/latest bounds; ARCHITECTURE.md's split into ``cpsat/{variables,constraints,money,
objective}`` is left for when the builder next changes, so that the branches that change it
now (direct builder tests, reliability fixes) need not move code at the same time.

The model follows the semantics in the docstring of :mod:`ntm_sched.engine.problem`:

* one interval per task (per mode, optional, when the task has several modes,
  with an exactly-one constraint over the mode literals);
* calendars: the start domain excludes the breaks; for every break a task can
  reach, ``w = [start < begin]`` and ``y = [task spans the break]`` with
  ``y => w``, ``y => end > break_end``, ``w and not y => end <= begin`` and
  ``end = start + duration + sum(len * y)``;
* one cumulative per resource, capacity profiles via fixed dummy intervals;
* budgets as linear constraints over the mode literals;
* money: advance ``A`` at the start and remainder ``S`` at the end, split over
  the allowed sources by integer variables; for each limited source and each
  tranche time ``T`` the payments made before ``T`` are at most the releases
  before ``T`` (exact: the cumulative payments only grow at payment times and
  the releases only at tranche times). Each amount is disaggregated over the
  source's tranche buckets (``y_j = amount * [time in bucket j]``, one literal
  per bucket, ``sum_j y_j = amount``), so "paid before ``T``" is a plain sum of
  bucket amounts. An unlimited source's ``available_from`` forbids payments
  (amount 0) while ``time < available_from``.

A plain RCPSP (single mode, no calendar, no money) gets exactly the textbook
model plus domain bounds from the precedence network.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ortools.sat.python import cp_model

from ntm_sched.engine.problem import Problem
from ntm_sched.engine.result import Payment, Solution, TaskSchedule

if TYPE_CHECKING:  # pragma: no cover
    from ntm_sched.engine.cashflow import CashFlow

TIERS = ("lateness", "extra_funding", "rest", "stability")
"""Objective tiers in lexicographic order: tardiness and late counts; priced draws on
unlimited sources; everything else (cost, makespan); distance to the reference schedule
(only with ``Problem.reference_starts`` and a lexicographic objective)."""


@dataclass
class BuiltModel:
    """A CP-SAT model and the handles needed to read or hint a solution."""

    problem: Problem
    model: cp_model.CpModel
    start: dict[str, cp_model.IntVar] = field(default_factory=dict)
    end: dict[str, cp_model.IntVar] = field(default_factory=dict)
    mode_lits: dict[str, list] = field(default_factory=dict)  # only for tasks with > 1 mode
    pay_start: dict[tuple[str, str], Any] = field(default_factory=dict)  # (task, source) -> var or int
    pay_end: dict[tuple[str, str], Any] = field(default_factory=dict)
    cmax: cp_model.IntVar | None = None
    deadline_lits: dict[str, cp_model.IntVar] = field(default_factory=dict)
    tardiness: dict[str, cp_model.IntVar] = field(default_factory=dict)
    earliest_start: dict[str, int] = field(default_factory=dict)
    latest_end: dict[str, int] = field(default_factory=dict)
    makespan_lb: int = 0
    tier_terms: dict[str, list] = field(default_factory=lambda: {name: [] for name in TIERS})
    late_lits: dict[str, cp_model.IntVar] = field(default_factory=dict)  # task -> "late" literal (soft due)
    tard_vars: dict[str, cp_model.IntVar] = field(default_factory=dict)  # task -> days late (soft due)
    cash: CashFlow | None = None  # handles when money uses the bucketed cash-flow formulation

    def tier_expr(self, name: str):
        """The weighted objective terms of one tier (see :data:`TIERS`), 0 if it has none."""
        return sum(self.tier_terms[name])

    def objective_expr(self):
        """The full weighted objective: the sum of every tier but ``stability`` (a tie-break only)."""
        return sum(sum(v) for k, v in self.tier_terms.items() if k != "stability")

    def mode_value(self, solver: cp_model.CpSolver, tid: str) -> int:
        lits = self.mode_lits.get(tid)
        if not lits:
            return 0
        for k, lit in enumerate(lits):
            if solver.boolean_value(lit):
                return k
        raise RuntimeError(f"no mode selected for task {tid!r}")

    def solution_from(self, solver: cp_model.CpSolver) -> Solution:
        """Read the current solution of ``solver``."""
        tasks = {}
        for t in self.problem.tasks:
            tasks[t.id] = TaskSchedule(t.id, int(solver.value(self.start[t.id])), int(solver.value(self.end[t.id])),
                                       self.mode_value(solver, t.id))
        if self.cash is not None:
            return Solution(tasks, tuple(self.cash.payments(
                solver, {k: v.start for k, v in tasks.items()}, {k: v.end for k, v in tasks.items()},
                {k: v.mode for k, v in tasks.items()})))
        pays = []
        for (tid, src), expr in self.pay_start.items():
            a = int(solver.value(expr))
            if a:
                pays.append(Payment(tid, src, tasks[tid].start, a))
        for (tid, src), expr in self.pay_end.items():
            a = int(solver.value(expr))
            if a:
                pays.append(Payment(tid, src, tasks[tid].end, a))
        return Solution(tasks, tuple(pays))

    def add_hint(self, sol: Solution) -> None:
        """Hint a previous solution (warm start); unknown tasks are ignored."""
        m = self.model
        for t in self.problem.tasks:
            ts = sol.tasks.get(t.id)
            if ts is None:
                continue
            m.add_hint(self.start[t.id], ts.start)
            m.add_hint(self.end[t.id], ts.end)
            for k, lit in enumerate(self.mode_lits.get(t.id, [])):
                m.add_hint(lit, k == ts.mode)
        if self.cash is not None:
            known = [t.id for t in self.problem.tasks if t.id in sol.tasks]
            self.cash.add_hint(m, {k: sol.tasks[k].start for k in known}, {k: sol.tasks[k].end for k in known},
                               {k: sol.tasks[k].mode for k in known}, list(sol.payments))
            return
        amounts: dict[tuple[str, str, int], int] = defaultdict(int)
        for p in sol.payments:
            amounts[(p.task_id, p.source, p.time)] += p.amount
        for (tid, src), var in self.pay_start.items():
            if isinstance(var, cp_model.IntVar) and tid in sol.tasks:
                m.add_hint(var, amounts.get((tid, src, sol.tasks[tid].start), 0))
        for (tid, src), var in self.pay_end.items():
            if isinstance(var, cp_model.IntVar) and tid in sol.tasks:
                ts = sol.tasks[tid]
                m.add_hint(var, amounts.get((tid, src, ts.end), 0) if ts.end != ts.start else 0)


def _bounds(problem: Problem, use_due: bool) -> tuple[dict[str, int], dict[str, int]]:
    """Earliest starts and latest ends from releases, horizon, hard dues and the precedence network."""
    dmin = {t.id: min(m.duration for m in t.modes) for t in problem.tasks}
    es = {t.id: t.release if t.fixed_start is None else t.fixed_start for t in problem.tasks}
    lf = {t.id: min(problem.horizon, t.due) if (use_due and t.due_hard and t.due is not None) else problem.horizon
          for t in problem.tasks}
    n = len(problem.tasks)
    for _ in range(n + 1):
        changed = False
        for p in problem.precedences:
            v = es[p.pred] + (dmin[p.pred] if p.kind == "FS" else 0) + p.lag
            if v > es[p.succ]:
                es[p.succ] = v
                changed = True
        if not changed:
            break
    for _ in range(n + 1):
        changed = False
        for p in problem.precedences:
            if p.kind != "FS":
                continue
            v = lf[p.succ] - dmin[p.succ] - p.lag
            if v < lf[p.pred]:
                lf[p.pred] = v
                changed = True
        if not changed:
            break
    return es, lf


def money_never_binds(problem: Problem) -> bool:
    """True when every task that costs money may be paid from an unlimited source available from period 0.

    Then any schedule can be paid (entirely from that source), so the money
    constraints never restrict times or modes: they only decide the split and the
    extra-funding draw.
    """
    free = {s.name for s in problem.sources if s.unlimited and s.available_from == 0}
    return all(max(md.cost for md in t.modes) == 0 or any(k in free for k in problem.sources_for(t))
               for t in problem.tasks)


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
    if not res or len(tasks) > max_tasks:
        return []
    need = {t.id: [min(md.demands.get(r.name, 0) for md in t.modes) for r in res] for t in tasks}
    dur = {t.id: min(md.duration for md in t.modes) for t in tasks}
    caps = [r.max_capacity for r in res]
    ids = [t.id for t in tasks]
    adj: dict[str, set[str]] = {i: set() for i in ids}
    for i, a in enumerate(ids):
        na = need[a]
        for b in ids[i + 1:]:
            nb = need[b]
            if any(x + y > c for x, y, c in zip(na, nb, caps)):
                adj[a].add(b)
                adj[b].add(a)
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


def build_model(
    problem: Problem,
    *,
    hint: Solution | None = None,
    deadline_assumptions: bool = False,
    soften_hard_deadlines: bool = False,
    relax: frozenset[tuple[str, str]] = frozenset(),
    redundant: bool = True,
    money: bool = True,
    cash_flow: bool | None = None,
) -> BuiltModel:
    """Build the CP-SAT model of ``problem``.

    Parameters
    ----------
    problem
        The problem.
    hint
        A previous solution to warm-start from.
    deadline_assumptions
        Guard every hard deadline by a literal in :attr:`BuiltModel.deadline_lits`
        (used as solver assumptions by the explainer) instead of hard-coding it.
    soften_hard_deadlines
        Replace hard deadlines by tardiness variables in :attr:`BuiltModel.tardiness`
        (no objective is set for them: the caller decides).
    relax
        ``(kind, name)`` pairs whose constraint is dropped: ``("resource", r)``,
        ``("budget", b)``, ``("source", s)`` (tranche limit ignored).
    redundant
        Add redundant constraints that help the search: a makespan lower bound
        (critical path, energy) and ``no_overlap`` over cliques of tasks that can
        never run together (:func:`incompatibility_cliques`).
    money
        Model the payments and sources (``False`` leaves them out: no payment
        variables, no extra-funding terms; used for the lateness tier when the
        money can never restrict the schedule, see :func:`money_never_binds`).

    Returns
    -------
    BuiltModel
    """
    m = cp_model.CpModel()
    bm = BuiltModel(problem, m)
    hard_in_domain = not (deadline_assumptions or soften_hard_deadlines)
    es, lf = _bounds(problem, use_due=hard_in_domain)
    bm.earliest_start, bm.latest_end = es, lf
    H = problem.horizon
    obj = problem.objective
    tiers = bm.tier_terms
    mode_demand_intervals: dict[str, list[tuple[object, int]]] = defaultdict(list)
    cost_expr: dict[str, Any] = {}
    task_interval: dict[str, Any] = {}
    adv_expr: dict[str, Any] = {}

    for t in problem.tasks:
        durs = [md.duration for md in t.modes]
        dmin, dmax = min(durs), max(durs)
        lo_s, hi_e = es[t.id], lf[t.id]
        hi_s = hi_e - dmin
        cal = problem.calendar(t.calendar)
        if lo_s > hi_s or lo_s < 0:
            # The bounds (release, precedences, horizon, hard due) already prove the
            # problem infeasible. Keep every domain non-empty so the model stays valid
            # (CP-SAT then reports INFEASIBLE and the explainer can run): the task gets
            # loose bounds and one false clause makes the model infeasible.
            m.add_bool_or([])
            lo_s = 0
            hi_e = max(H, 0) + dmax + sum(eb - b for b, eb in (cal.breaks if cal else ()))
            hi_s = hi_e - dmin
        breaks = [(b, e) for (b, e) in (cal.breaks if cal else ()) if e > lo_s and b < hi_e]
        if breaks:
            allowed, cur = [], lo_s
            for b, eb in breaks:
                if b > cur:
                    allowed.append([cur, min(b - 1, hi_s)])
                cur = max(cur, eb)
                if cur > hi_s:
                    break
            if cur <= hi_s:
                allowed.append([cur, hi_s])
            allowed = [iv for iv in allowed if iv[0] <= iv[1]]
            if allowed:
                s = m.new_int_var_from_domain(cp_model.Domain.from_intervals(allowed), f"s_{t.id}")
            else:
                s = m.new_int_var(lo_s, hi_s, f"s_{t.id}")
                m.add_bool_or([])  # every possible start lies in a break
        else:
            s = m.new_int_var(lo_s, hi_s, f"s_{t.id}")
        e = m.new_int_var(lo_s + dmin, hi_e, f"e_{t.id}")
        bm.start[t.id], bm.end[t.id] = s, e
        if t.fixed_start is not None:
            m.add(s == t.fixed_start)
        ref = problem.reference_starts.get(t.id)
        if ref is not None and obj.lexicographic:
            dev = m.new_int_var(0, max(H, ref) + 1, f"dev_{t.id}")
            m.add(dev >= s - ref)
            m.add(dev >= ref - s)
            tiers["stability"].append(dev)

        # modes
        if len(t.modes) > 1:
            lits = [m.new_bool_var(f"x_{t.id}_{k}") for k in range(len(t.modes))]
            m.add_exactly_one(lits)
            bm.mode_lits[t.id] = lits
            dur_expr: Any = sum(d * x for d, x in zip(durs, lits))
        else:
            lits = []
            dur_expr = durs[0]

        # calendar breaks
        ext_terms = []
        if dmax > 0:
            for b, eb in breaks:
                if b <= lo_s:
                    continue  # start can never precede this break
                w = None  # None: the start surely precedes the break
                if hi_s >= b:
                    w = m.new_bool_var(f"w_{t.id}_{b}")
                    m.add(s <= b - 1).only_enforce_if(w)
                    m.add(s >= eb).only_enforce_if(~w)
                if hi_e > eb:
                    y = m.new_bool_var(f"y_{t.id}_{b}")
                    if w is not None:
                        m.add_implication(y, w)
                    m.add(e >= eb + 1).only_enforce_if(y)
                    if w is None:
                        m.add(e <= b).only_enforce_if(~y)
                    else:
                        m.add(e <= b).only_enforce_if([w, ~y])
                    ext_terms.append((eb - b) * y)
                else:
                    if w is None:
                        m.add(e <= b)
                    else:
                        m.add(e <= b).only_enforce_if(w)

        if ext_terms:
            size = m.new_int_var(dmin, hi_e - lo_s, f"el_{t.id}")
            m.add(size == dur_expr + sum(ext_terms))
            master = m.new_interval_var(s, size, e, f"iv_{t.id}")
            task_interval[t.id] = master
            if lits:
                for k, x in enumerate(lits):
                    iv = m.new_optional_interval_var(s, size, e, x, f"iv_{t.id}_{k}")
                    for rname, q in t.modes[k].demands.items():
                        if q:
                            mode_demand_intervals[rname].append((iv, q))
            else:
                for rname, q in t.modes[0].demands.items():
                    if q:
                        mode_demand_intervals[rname].append((master, q))
        elif lits:
            m.add(e == s + dur_expr)
            for k, x in enumerate(lits):
                iv = m.new_optional_interval_var(s, durs[k], e, x, f"iv_{t.id}_{k}")
                for rname, q in t.modes[k].demands.items():
                    if q:
                        mode_demand_intervals[rname].append((iv, q))
        else:
            iv = m.new_interval_var(s, durs[0], e, f"iv_{t.id}")
            task_interval[t.id] = iv
            for rname, q in t.modes[0].demands.items():
                if q:
                    mode_demand_intervals[rname].append((iv, q))

        costs = [md.cost for md in t.modes]
        advs = [problem.advance_of(t, c) for c in costs]
        cost_expr[t.id] = sum(c * x for c, x in zip(costs, lits)) if lits else costs[0]
        adv_expr[t.id] = sum(a * x for a, x in zip(advs, lits)) if lits else advs[0]

        # deadlines
        if t.due is not None:
            if t.due_hard and deadline_assumptions:
                lit = m.new_bool_var(f"due_{t.id}")
                m.add(e <= t.due).only_enforce_if(lit)
                bm.deadline_lits[t.id] = lit
            elif t.due_hard and soften_hard_deadlines:
                tard = m.new_int_var(0, max(0, H - t.due), f"tard_{t.id}")
                m.add(tard >= e - t.due)
                bm.tardiness[t.id] = tard
            elif not t.due_hard:
                if obj.tardiness * t.tardiness_weight > 0:
                    tard = m.new_int_var(0, max(0, H - t.due), f"tard_{t.id}")
                    m.add(tard >= e - t.due)
                    bm.tard_vars[t.id] = tard
                    tiers["lateness"].append(obj.tardiness * t.tardiness_weight * tard)
                if obj.late_count * t.late_weight > 0:
                    late = m.new_bool_var(f"late_{t.id}")
                    m.add(e <= t.due).only_enforce_if(~late)
                    bm.late_lits[t.id] = late
                    tiers["lateness"].append(obj.late_count * t.late_weight * late)

    # redundant disjunctives: cliques of tasks that can never run together
    if redundant:
        for clique in incompatibility_cliques(problem, relax):
            ivs = []
            for tid in clique:
                if tid not in task_interval:
                    size = m.new_int_var(0, H, f"sz_{tid}")
                    m.add(size == bm.end[tid] - bm.start[tid])
                    task_interval[tid] = m.new_interval_var(bm.start[tid], size, bm.end[tid], f"ivm_{tid}")
                ivs.append(task_interval[tid])
            m.add_no_overlap(ivs)

    # precedences
    for p in problem.precedences:
        if p.kind == "FS":
            m.add(bm.start[p.succ] >= bm.end[p.pred] + p.lag)
        else:
            m.add(bm.start[p.succ] >= bm.start[p.pred] + p.lag)

    # renewable resources
    for r in problem.resources:
        if ("resource", r.name) in relax:
            continue
        items = mode_demand_intervals.get(r.name, [])
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

    # budgets
    for bu in problem.budgets:
        if ("budget", bu.name) in relax:
            continue
        terms = []
        const = 0
        for t in problem.tasks:
            qs = [md.nonrenewable.get(bu.name, 0) for md in t.modes]
            if t.id in bm.mode_lits:
                terms += [q * x for q, x in zip(qs, bm.mode_lits[t.id]) if q]
            else:
                const += qs[0]
        m.add(sum(terms) + const <= bu.amount)

    # money
    if obj.cost:
        tiers["rest"].append(obj.cost * sum(cost_expr.values()))
    # dates preferred early (weights per period of a task's end)
    for t in problem.tasks:
        if t.end_weight > 0:
            tiers["rest"].append(t.end_weight * bm.end[t.id])
    if problem.sources and money:
        if cash_flow is None:
            cash_flow = not money_never_binds(problem)
        if cash_flow:
            from ntm_sched.engine.cashflow import add_cash_flow

            bm.cash = add_cash_flow(problem, bm, cost_expr, es, lf, relax, tiers["extra_funding"], bm.late_lits,
                                    tard_vars=bm.tard_vars)
        else:
            _money(problem, bm, cost_expr, adv_expr, es, lf, relax, tiers["extra_funding"])

    # makespan
    if obj.makespan:
        has_fs_succ = {p.pred for p in problem.precedences if p.kind == "FS" and p.lag >= 0}
        lb = max((es[t.id] + min(md.duration for md in t.modes) for t in problem.tasks), default=0)
        if redundant:
            for r in problem.resources:
                if ("resource", r.name) in relax:
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

    if any(tiers.values()):
        m.minimize(bm.objective_expr())
    if hint is not None:
        bm.add_hint(hint)
    return bm


def _money(problem, bm: BuiltModel, cost_expr, adv_expr, es, lf, relax, obj_terms) -> None:
    m = bm.model
    limited = {s.name for s in problem.sources if not s.unlimited and ("source", s.name) not in relax}
    # per-source list of (amount var/int, time var, kind, task)
    flows: dict[str, list[tuple[Any, str, str, int]]] = defaultdict(list)
    before: dict[tuple[str, str, int], Any] = {}

    def is_before(tid: str, which: str, T: int):
        """1, 0 or a literal for [time < T]."""
        key = (tid, which, T)
        if key in before:
            return before[key]
        var = bm.start[tid] if which == "s" else bm.end[tid]
        dom = list(var.proto.domain)
        lo, hi = dom[0], dom[-1]
        val: Any
        if hi < T:
            val = 1
        elif lo >= T:
            val = 0
        else:
            val = m.new_bool_var(f"b{which}_{tid}_{T}")
            m.add(var <= T - 1).only_enforce_if(val)
            m.add(var >= T).only_enforce_if(~val)
        before[key] = val
        return val

    def no_pay_before(amt, tid: str, which: str, T: int) -> None:
        """``amt`` (var, expression or int) is 0 when the payment time is < T."""
        b = is_before(tid, which, T)
        if (isinstance(b, int) and b == 0) or (isinstance(amt, int) and amt == 0):
            return
        if isinstance(amt, int):  # a fixed positive payment: its time must be >= T
            m.add_bool_or([] if isinstance(b, int) else [~b])
        elif isinstance(b, int):
            m.add(amt == 0)
        else:
            m.add(amt == 0).only_enforce_if(b)

    extra_terms = []
    for t in problem.tasks:
        cmax_ = max(md.cost for md in t.modes)
        if cmax_ == 0:
            continue
        amax = max(problem.advance_of(t, md.cost) for md in t.modes)
        smax = max(md.cost - problem.advance_of(t, md.cost) for md in t.modes)
        srcs = problem.sources_for(t)
        if not srcs:
            raise ValueError(f"task {t.id!r} costs money but no source may pay it")
        rem_expr = cost_expr[t.id] - adv_expr[t.id]
        if len(srcs) == 1:
            a_vars = {srcs[0]: adv_expr[t.id]}
            r_vars = {srcs[0]: rem_expr}
            if not isinstance(adv_expr[t.id], int):
                a = m.new_int_var(0, amax, f"pa_{t.id}")
                m.add(a == adv_expr[t.id])
                r = m.new_int_var(0, smax, f"pr_{t.id}")
                m.add(r == rem_expr)
                a_vars, r_vars = {srcs[0]: a}, {srcs[0]: r}
        else:
            a_vars = {k: m.new_int_var(0, amax, f"pa_{t.id}_{k}") for k in srcs}
            r_vars = {k: m.new_int_var(0, smax, f"pr_{t.id}_{k}") for k in srcs}
            m.add(sum(a_vars.values()) == adv_expr[t.id])
            m.add(sum(r_vars.values()) == rem_expr)
        for k in srcs:
            bm.pay_start[(t.id, k)] = a_vars[k]
            bm.pay_end[(t.id, k)] = r_vars[k]
            src = problem.source(k)
            if src.unlimited:
                if src.available_from > 0 and ("source", k) not in relax:
                    no_pay_before(a_vars[k], t.id, "s", src.available_from)
                    no_pay_before(r_vars[k], t.id, "e", src.available_from)
                if src.unit_price * problem.objective.extra_funding:
                    extra_terms.append(src.unit_price * (a_vars[k] + r_vars[k]))
            elif k in limited:
                flows[k].append((a_vars[k], "s", t.id, amax))
                flows[k].append((r_vars[k], "e", t.id, smax))
    if extra_terms and problem.objective.extra_funding:
        obj_terms.append(problem.objective.extra_funding * sum(extra_terms))

    # Disaggregated by tranche buckets: bucket j of a source holds the payment times in
    # [T_j, T_{j+1}) (T_0 = -inf, T_{n+1} = +inf over the source's positive tranche times).
    # Every instalment amount is split into y_j = amount * [time in bucket j] and the
    # payments before T_j are the y of the buckets before it. Measured on the shipped base
    # plan: the extra-funding tier is proven optimal in < 1 s instead of 2-47 s with one
    # half-reified product amount * [time < T] per tranche time (benchmarks/README.md).
    for k, items in flows.items():
        src = problem.source(k)
        m.add(sum(a for a, *_ in items) <= src.total)
        times = [T for T in sorted({tr.time for tr in src.tranches}) if T > 0]
        before_T: dict[int, list] = defaultdict(list)  # T -> amounts paid before T
        for amt, which, tid, ub in items:
            if isinstance(amt, int) and amt == 0:
                continue
            bs = [is_before(tid, which, T) for T in times]  # [time < T], non-decreasing in T
            ys: list[Any] = []
            for j in range(len(times) + 1):
                upper = bs[j] if j < len(times) else 1  # [time < T_{j+1}]
                lower = bs[j - 1] if j > 0 else 0  # [time < T_j]
                if (isinstance(upper, int) and upper == 0) or (isinstance(lower, int) and lower == 1):
                    ys.append(0)  # bucket out of reach
                    continue
                if isinstance(upper, int) and isinstance(lower, int):
                    ys.append(amt)  # surely in this bucket
                    continue
                z = m.new_bool_var(f"z_{tid}_{which}_{k}_{j}")  # z <=> upper and not lower
                clause = [z]
                if not isinstance(upper, int):
                    m.add_implication(z, upper)
                    clause.append(~upper)
                if not isinstance(lower, int):
                    m.add_implication(z, ~lower)
                    clause.append(lower)
                m.add_bool_or(clause)
                y = m.new_int_var(0, ub, f"y_{tid}_{which}_{k}_{j}")
                m.add(y == 0).only_enforce_if(~z)
                m.add(y == amt).only_enforce_if(z)
                ys.append(y)
            if any(not isinstance(y, int) for y in ys):
                m.add(sum(ys) == amt)
            for jT, T in enumerate(times):
                before_T[T] += [y for y in ys[: jT + 1] if not (isinstance(y, int) and y == 0)]
        for T in times:
            if before_T[T]:
                m.add(sum(before_T[T]) <= src.released_by(T - 1))
