"""Money: instalments paid from sources with tranches, extra funding from unlimited sources.

Rule (:mod:`ntm_sched.engine.problem`, "Money"): an advance of ``floor(advance_share * cost)`` at a
task's start and the rest at its end, each split among the task's allowed sources; a limited
source never pays more by a period than it has released by then; an unlimited source pays nothing
before its ``available_from`` and each unit drawn costs ``unit_price`` in the extra-funding tier.

Model
    :func:`add_task` keeps each task's cost and advance expressions (over its mode literals);
    :func:`add_to_model` posts one of two exact formulations: the bucketed cash flow
    (:func:`ntm_sched.engine.cashflow.add_cash_flow`, used when money can restrict the schedule)
    or the tranche buckets of :func:`_money` (advance ``A`` at the start and remainder ``S`` at
    the end, split over the allowed sources by integer variables; for each limited source and each
    tranche time ``T`` the payments made before ``T`` are at most the releases before ``T``; each
    amount is disaggregated over the source's tranche buckets, ``y_j = amount * [time in bucket
    j]``, one literal per bucket, ``sum_j y_j = amount``; an unlimited source's ``available_from``
    forbids payments while ``time < available_from``). ``build_model(money=False)`` leaves money
    out (:func:`money_never_binds`).
Check
    :func:`check` (kinds ``payment``, ``source``, ``type``), with the checker's own advance formula
    :func:`advance_due`.
Explanation
    ``relax`` key ``("source", name)``: the explainer drops one limited source's tranche schedule
    (or an unlimited one's availability date); :func:`ntm_sched.engine.explain.money_shortfall`
    proves money short whatever the schedule without CP-SAT.
Serial generator
    Each instalment must fit a max-flow from the sources' releases (:class:`ntm_sched.engine.
    heuristic._Money`); while it does not, the start moves to the next release date.
"""

from __future__ import annotations

import dataclasses
from collections import defaultdict
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from ntm_sched.engine.families.base import Family, Relax, Valid, whole
from ntm_sched.engine.problem import Problem, Task
from ntm_sched.engine.result import Solution, Violation

if TYPE_CHECKING:  # pragma: no cover
    from ntm_sched.engine.families.context import ModelContext
    from ntm_sched.engine.model import BuiltModel


def add_task(ctx: ModelContext, t: Task) -> None:
    """The cost and advance of ``t``'s chosen mode, as expressions over its mode literals."""
    problem, lits = ctx.problem, ctx.tv[t.id].lits
    costs = [md.cost for md in t.modes]
    advs = [problem.advance_of(t, c) for c in costs]
    ctx.cost_expr[t.id] = sum(c * x for c, x in zip(costs, lits)) if lits else costs[0]
    ctx.adv_expr[t.id] = sum(a * x for a, x in zip(advs, lits)) if lits else advs[0]


def add_to_model(ctx: ModelContext) -> None:
    """The payments and sources, in the cash-flow or the tranche-bucket formulation."""
    problem, bm, tiers, cash_flow = ctx.problem, ctx.bm, ctx.tiers, ctx.cash_flow
    if problem.sources and ctx.money:
        if cash_flow is None:
            cash_flow = not money_never_binds(problem)
        if cash_flow:
            from ntm_sched.engine.cashflow import add_cash_flow

            bm.cash = add_cash_flow(problem, bm, ctx.cost_expr, ctx.es, ctx.lf, ctx.relax, tiers["extra_funding"],
                                    bm.late_lits, tard_vars=bm.tard_vars)
        else:
            _money(problem, bm, ctx.cost_expr, ctx.adv_expr, ctx.es, ctx.lf, ctx.relax, tiers["extra_funding"])


def money_never_binds(problem: Problem) -> bool:
    """True when every task that costs money may be paid from an unlimited source available from period 0.

    Then any schedule can be paid (entirely from that source), so the money
    constraints never restrict times or modes: they only decide the split and the
    extra-funding draw.
    """
    free = {s.name for s in problem.sources if s.unlimited and s.available_from == 0}
    return all(max(md.cost for md in t.modes) == 0 or any(k in free for k in problem.sources_for(t))
               for t in problem.tasks)


def advance_due(cost: int, share: float) -> int:
    """The advance a task of ``cost`` owes at its start: ``floor(share * cost)``, exactly.

    The checker's own formula (the builder has its own): the share is read as the decimal it
    prints as (``0.29`` is 29/100, not the binary float just below it) and the product is taken
    in integers, so that ``advance_due(100, 0.29) == 29``.
    """
    f = Fraction(str(float(share)))
    return (int(cost) * f.numerator) // f.denominator


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


def check(problem: Problem, solution: Solution, valid: Valid) -> list[Violation]:
    """The payments: whole amounts at a task's start or end from allowed sources, the advance and the
    remainder of the chosen mode's cost, no source overdrawn, no extra money before its date."""
    out: list[Violation] = []
    add = out.append
    tasks = {t.id: t for t in problem.tasks}
    if not problem.sources:
        if solution.payments:
            add(Violation("payment", "payments given but the problem has no money source"))
        return out
    by_task: dict[str, list] = defaultdict(list)
    payments = []
    for pay in solution.payments:
        if not (whole(pay.time) and whole(pay.amount)):
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
    return out


def _relax_detail(problem: Problem, name: str) -> str:
    return "availability date" if problem.source(name).unlimited else "tranche schedule"


def _without_source(problem: Problem, name: str) -> Problem:
    """``problem`` with source ``name`` unlimited from period 0 (its limit dropped, as the model's relaxation)."""
    return dataclasses.replace(problem, sources=tuple(
        dataclasses.replace(s, unlimited=True, available_from=0) if s.name == name else s for s in problem.sources))


FAMILY = Family(
    name="money",
    add_task=add_task,
    add_to_model=add_to_model,
    check=check,
    relax=Relax("source", lambda problem: [s.name for s in problem.sources if not s.unlimited or s.available_from],
                _relax_detail, money=_without_source),
    explain="relax ('source', name): drop a limited source's tranches or an unlimited one's date; "
            "money_shortfall proves money short without CP-SAT",
    sgs="instalments must fit a max-flow from the releases; the start moves to the next release date until they do",
)
