"""The smallest budget: "what is the smallest budget that meets every deadline it can?"

Each question is asked so that its answer is a number of the problem, not the dates of one
optimal schedule among many (issue 10: two answers, 1.43 and 1.28, to the same question):

:func:`minimum_budget` (:data:`MINIMUM_QUESTION`): the least weighted lateness reachable with
unlimited money from the start, then the least money among the schedules reaching it, as one
lexicographic solve (every source unlimited, priced 1 per million VND); reported by source x
quarter. :func:`minimum_uniform_scale` (:data:`SCALE_QUESTION`): the least lateness reachable
with the tranches x ``max_scale``, then the smallest uniform scale of the tranches that keeps
it, by bisection with a stated tolerance. :func:`achievable_deadlines` (deadlines missed by
one least-lateness schedule, and the dates reached) is kept for callers that want it.

Neither uses the set search of the cut table (:class:`ntm_sched.engine.groups.GroupSearch`, issue
23), and why: :func:`minimum_budget` has unlimited money, so its lateness tier is the payment-free
one (proven in seconds) and there is no chain of money levels to search; :func:`minimum_uniform_scale`
asks for a lateness value (days included), not for which communes meet their dates, and its probes
are already feasibility questions on a nested chain (scales), an unproven one reported as such
(``lower_proven``).
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ntm_sched.domain import NtmModel, build, earliest_dates, late_cause
from ntm_sched.domain.build import scaled_funding
from ntm_sched.engine import Objective, Problem, Result, Solution, SolveOptions, Status, Tranche, check, solve
from ntm_sched.engine.transforms import (
    hard_dues,
    unlimited_sources,
    with_objective,
    with_tranches,
)
from ntm_sched.plan import Plan
from ntm_sched.plan.edits import scale_funding
from ntm_sched.studies.budget.common import options_of, quarter_of, quarter_start, set_settings
from ntm_sched.studies.budget.verdict import (
    INVALID,
    funded_by_budget,
    funded_by_payments,
    verdict_of,
    verified_solution,
)

__all__ = ["Achievable", "MinimumBudget", "ScaleAnswer", "achievable_deadlines", "minimum_budget",
           "minimum_uniform_scale", "with_tranches"]


@dataclass
class Achievable:
    """Deadlines reachable whatever the money: ``dues`` are the engine due periods to hold
    (the target, or the earliest end found with unlimited money when the target cannot be met);
    ``relaxed`` lists the targets that cannot be met and the date used instead."""

    dues: dict[str, int]
    relaxed: pd.DataFrame
    status: str
    solution: Solution | None
    verified: bool | None = None  # the plan-level verifier's verdict on ``solution`` (None: no schedule)
    verifier_findings: str = ""


def achievable_deadlines(plan: Plan, options: SolveOptions | None = None, *, time_limit: float | None = None,
                         workers: int | None = None, seed: int | None = None,
                         funding_scale: float | None = None) -> Achievable:
    """Find the deadlines that money cannot buy, and the earliest dates reachable instead.

    Solves with soft deadlines minimising lateness and relaxes every deadline missed even then
    to the date reached; the relaxed set is met jointly by that schedule (kept as ``solution``).

    Parameters
    ----------
    funding_scale
        ``None``: unlimited free money at any time (what no amount of money can buy). A number:
        the plan's tranches x this factor at their own dates (what no amount of money released
        on the plan's dates can buy: money arriving too late counts too).
    """
    opts = options_of(options, time_limit, workers, seed).with_(explain=False)
    soft = set_settings(plan, {"allow_extra_funding": False, "hard_deadlines": False})
    model = build(soft)
    if funding_scale is None:
        prob = unlimited_sources(model.problem, 0)
    else:
        prob = scaled_funding(soft, model.problem, funding_scale)
    prob = with_objective(prob, Objective(tardiness=1, late_count=1, cost=0, extra_funding=0, makespan=0))
    res = solve(prob, opts)
    dues, relaxed = _reached_dues(model, prob, res.solution)
    ok, findings = None, ""
    if res.solution is not None:  # against the plan funded by what it paid, or by the scaled tranches
        funded = (funded_by_payments(soft, model, res.solution) if funding_scale is None
                  else scale_funding(soft, funding_scale))
        ok, findings = verdict_of({"schedule": verified_solution(funded, model, res.solution, res.status)})
    return Achievable(dues, relaxed, INVALID if ok is False else res.status.value, res.solution, ok, findings)


@dataclass
class MinimumBudget:
    """The smallest budget meeting every achievable deadline.

    Attributes
    ----------
    by_source_quarter
        ``source_id, earmark, quarter, amount_mvnd``: money drawn from each source in each quarter.
    by_source, by_quarter
        The same summed by source and by quarter.
    relaxed
        Deadlines no money can meet, with the earliest date used instead.
    total_mvnd, plan_total_mvnd
        The minimum found and the plan's own total funding.
    status
        Status of the minimisation (``OPTIMAL`` means proven minimal; ``INVALID`` when the
        plan-level verifier rejects the schedule found, checked against the plan funded by this
        budget: ``summary['verified']`` and ``summary['verifier_findings']``).
    problem
        The engine problem with hard (achievable) deadlines and unlimited sources; use
        :func:`with_tranches` to test a budget against it.
    """

    by_source_quarter: pd.DataFrame
    by_source: pd.DataFrame
    by_quarter: pd.DataFrame
    relaxed: pd.DataFrame
    total_mvnd: float | None
    plan_total_mvnd: float
    status: str
    problem: Problem
    model: NtmModel
    result: Result | None = None
    summary: dict[str, Any] = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"by_source_quarter": self.by_source_quarter, "by_source": self.by_source,
                "by_quarter": self.by_quarter, "unachievable_deadlines": self.relaxed}

    def tranches(self, scale: float = 1.0) -> dict[str, list[Tranche]]:
        """The budget as engine tranches (engine source -> tranches released at each quarter's start)."""
        out: dict[str, list[Tranche]] = defaultdict(list)
        for r in self.by_source_quarter.itertuples(index=False):
            name = r.source_id if not r.earmark else f"{r.source_id}@{r.earmark}"
            t = max(0, self.model.period(quarter_start(r.quarter)))
            out[name].append(Tranche(t, int(math.floor(r.amount_mvnd * scale))))
        return out


MINIMUM_QUESTION = ("least weighted lateness of the milestones that any schedule reaches with unlimited money "
                    "available from the plan's start; then, among the schedules reaching it, the least total money "
                    "drawn (every source unlimited, 1 per million VND)")
"""What :func:`minimum_budget` asks (written in its summary)."""


def minimum_budget(plan: Plan, options: SolveOptions | None = None, *, time_limit: float | None = None,
                   workers: int | None = None, seed: int | None = None,
                   achievable: Achievable | None = None) -> MinimumBudget:
    """The smallest budget, by source and quarter, that keeps the least lateness money can buy.

    Question (:data:`MINIMUM_QUESTION`), asked directly as a lexicographic objective so that
    the answer does not depend on which optimal schedule the solver returns: first the least
    weighted lateness of the milestones (late count, then days) that any schedule reaches with
    unlimited money from the plan's start; then, among the schedules reaching it, the least
    total money drawn (every source unlimited, priced 1 per million VND). Both are numbers of
    the problem, proven when ``status`` is ``OPTIMAL`` (otherwise ``summary['lower_bound_mvnd']``
    and ``summary['lateness_bound']`` show the gaps).

    ``relaxed`` lists the deadlines the schedule found misses (targets no money can meet at that
    least lateness), with the date reached. ``problem`` holds every deadline hard at its target
    or, for those, at the date reached: any schedule meeting it has at most the least lateness,
    so :func:`with_tranches` tests a budget against it. The split among sources that may pay the
    same work is one of several equally cheap ones; what the question fixes is the total
    (``by_source_quarter`` shows when the schedule found needs it). ``achievable`` is ignored
    (kept for compatibility).
    """
    opts = options_of(options, time_limit, workers, seed).with_(explain=False)
    soft_plan = set_settings(plan, {"allow_extra_funding": False, "hard_deadlines": False})
    model = build(soft_plan)
    plan_total = float(sum(s.total for s in model.problem.sources))
    soft = with_objective(unlimited_sources(model.problem, 1),
                          Objective(tardiness=1, late_count=1, cost=0, extra_funding=1, makespan=0, lexicographic=True))
    res = solve(soft, opts)
    dues, relaxed = _reached_dues(model, soft, res.solution)
    prob = hard_dues(unlimited_sources(model.problem, 1), dues)
    prob = with_objective(prob, Objective(tardiness=0, late_count=0, cost=0, extra_funding=1, makespan=0))
    m2 = model.with_problem(prob)
    cols = ["source_id", "earmark", "quarter", "amount_mvnd"]
    if res.solution is None:
        empty = pd.DataFrame(columns=cols)
        return MinimumBudget(empty, empty, empty, relaxed, None, plan_total, res.status.value, prob, m2, res,
                             {"status": res.status.value, "question": MINIMUM_QUESTION})
    agg: dict[tuple[str, str, str], int] = defaultdict(int)
    for p in res.solution.payments:
        sid, ear = model.source_map[p.source]
        agg[(sid, ear or "", quarter_of(model.date(p.time)))] += p.amount
    bsq = pd.DataFrame([{"source_id": k[0], "earmark": k[1], "quarter": k[2], "amount_mvnd": v}
                        for k, v in sorted(agg.items()) if v > 0], columns=cols)
    by_source = bsq.groupby("source_id", as_index=False)["amount_mvnd"].sum()
    by_quarter = bsq.groupby("quarter", as_index=False)["amount_mvnd"].sum()
    total = float(bsq["amount_mvnd"].sum())
    tiers = {tr.name: tr for tr in res.tiers}
    lat, money = tiers.get("lateness"), tiers.get("extra_funding")
    summary = {"status": res.status.value, "question": MINIMUM_QUESTION, "minimum_mvnd": total,
               "plan_total_mvnd": plan_total, "proven_minimal": res.status == Status.OPTIMAL,
               "lower_bound_mvnd": (money.bound if money is not None and lat is not None
                                    and lat.status == Status.OPTIMAL else None),
               "least_lateness": lat.value if lat is not None else None,
               "lateness_bound": lat.bound if lat is not None else None,
               "lateness_status": lat.status.value if lat is not None else None,
               "money_status": money.status.value if money is not None else None,
               "unachievable_deadlines": len(relaxed),
               "checker_ok": bool(res.check.ok) if res.check is not None else None}
    # the schedule found, verified against the plan funded by the budget reported (quarter starts)
    ok, findings = verdict_of({"schedule": verified_solution(funded_by_budget(soft_plan, bsq), model, res.solution,
                                                             res.status)})
    status = INVALID if ok is False else res.status.value
    summary.update(status=status, verified=ok, verifier_findings=findings)
    return MinimumBudget(bsq, by_source, by_quarter, relaxed, total, plan_total, status, prob, m2, res, summary)


@dataclass
class ScaleAnswer:
    """Result of :func:`minimum_uniform_scale`: the smallest scale shown feasible (``scale``),
    the largest shown or known infeasible (``lower``), and every probe (``trace``)."""

    scale: float | None
    lower: float
    tolerance: float
    trace: pd.DataFrame
    plan_total_mvnd: float
    relaxed: pd.DataFrame
    solution: Solution | None = None
    target_lateness: int | None = None
    target_status: str | None = None
    lower_proven: bool | None = None
    question: str = ""
    verified: bool | None = None  # the plan-level verifier's verdict on ``solution`` (None: no schedule)
    verifier_findings: str = ""

    @property
    def budget_mvnd(self) -> float | None:
        return None if self.scale is None else self.scale * self.plan_total_mvnd


SCALE_QUESTION = ("smallest s such that the plan's tranches x s (same dates, no other money) allow a schedule "
                  "whose weighted lateness of the milestones is at most the least reached with the tranches x "
                  "max_scale")
"""What :func:`minimum_uniform_scale` asks (written in its answer)."""


def _capped_solve(problem: Problem, cap: int, opts: SolveOptions,
                  hint: Solution | None) -> tuple[Status, Solution | None]:
    """Is there a schedule of ``problem`` whose lateness tier is at most ``cap``? (feasibility, checked)"""
    from ntm_sched.engine.builder import build_model
    from ntm_sched.engine.cpsat import make_solver, run_solver

    bm = build_model(problem, hint=hint)
    bm.model.add(bm.tier_expr("lateness") <= int(cap))
    bm.model.clear_objective()
    st, sol = run_solver(bm, make_solver(opts.time_limit, opts.workers, opts.seed, False))
    if sol is not None and not check(problem, sol).ok:  # never trust an unchecked schedule
        return Status.MODEL_INVALID, None
    return st, sol


def minimum_uniform_scale(plan: Plan, options: SolveOptions | None = None, *, tolerance: float = 0.01,
                          max_scale: float = 4.0, time_limit: float | None = None, workers: int | None = None,
                          seed: int | None = None, achievable: Achievable | None = None) -> ScaleAnswer:
    """Smallest ``s`` such that the current budget with every tranche x ``s`` (same dates, extra
    funding off) keeps the lateness the budget x ``max_scale`` reaches, by bisection.

    Question (:data:`SCALE_QUESTION`): first the least weighted lateness ``L`` of the milestones
    with the tranches x ``max_scale`` at their own dates (scaling cannot bring money forward, so
    deadlines that need money before the first tranche stay late); then the smallest ``s`` for
    which some schedule has lateness at most ``L``. ``L`` is a number of the problem, not the
    dates of one schedule, so the answer does not depend on which optimal schedule the solver
    returns; when ``L`` is not proven (``target_status``) the target is the best found, as the
    trace says.

    Each probe is a feasibility solve (lateness <= ``L``): feasible with a checked schedule,
    ``INFEASIBLE`` proven, or ``UNKNOWN`` (time limit: counted as not shown feasible). ``scale`` is
    always backed by a schedule; ``lower`` is the largest scale shown infeasible, or assumed so
    when a probe timed out (``lower_proven`` false). The lower end starts at ``c / F`` (``c`` the
    cheapest cost of all works, ``F`` the plan's funding: below it the money cannot pay the
    works). Bisection stops when the bracket is narrower than ``tolerance`` x the upper end.
    ``achievable`` is ignored (kept for compatibility). The answer's schedule is verified
    against the plan's tranches x ``scale`` by the plan-level verifier (``verified``,
    ``verifier_findings``).
    """
    import time as _time

    opts = options_of(options, time_limit, workers, seed).with_(explain=False)
    soft_plan = set_settings(plan, {"allow_extra_funding": False, "hard_deadlines": False})
    model = build(soft_plan)
    base = with_objective(model.problem, Objective(1, 1, 0, 0, 0))
    total = float(sum(s.total for s in base.sources))
    min_cost = float(sum(min(m.cost for m in t.modes) for t in base.tasks))
    trace: list[dict[str, Any]] = []
    top = solve(scaled_funding(soft_plan, base, max_scale), opts)
    if top.solution is None or top.objective is None:
        trace.append({"scale": max_scale, "budget_mvnd": round(max_scale * total, 1), "status": top.status.value,
                      "feasible": False, "runtime_s": round(top.runtime_s, 2), "target_lateness": None})
        return ScaleAnswer(None, 0.0, tolerance, pd.DataFrame(trace), total, pd.DataFrame(),
                           question=SCALE_QUESTION)
    cap = int(round(top.objective))
    trace.append({"scale": max_scale, "budget_mvnd": round(max_scale * total, 1),
                  "status": f"TARGET ({top.status.value}, bound {top.best_bound:g})", "feasible": True,
                  "runtime_s": round(top.runtime_s, 2), "target_lateness": cap})
    best: Solution | None = top.solution
    proven_lower = True

    def probe(s: float) -> bool:
        nonlocal best
        t0 = _time.perf_counter()
        st, sol = _capped_solve(scaled_funding(soft_plan, base, s), cap, opts, best)
        trace.append({"scale": round(s, 6), "budget_mvnd": round(s * total, 1), "status": st.value,
                      "feasible": sol is not None, "runtime_s": round(_time.perf_counter() - t0, 2),
                      "target_lateness": cap})
        if sol is not None:
            best = sol
        return sol is not None

    lo = min_cost / total if total else 0.0
    trace.append({"scale": round(lo, 6), "budget_mvnd": round(lo * total, 1), "status": "BOUND (money < cost)",
                  "feasible": False, "runtime_s": 0.0, "target_lateness": cap})
    hi = max_scale
    if lo < 1.0 < hi:  # the current budget first: the most useful single probe
        if probe(1.0):
            hi = 1.0
        else:
            lo = 1.0
            proven_lower = trace[-1]["status"] == "INFEASIBLE"
    while hi - lo > tolerance * hi:
        mid = (lo + hi) / 2
        if probe(mid):
            hi = mid
        else:
            lo = mid
            proven_lower = proven_lower and trace[-1]["status"] == "INFEASIBLE"
    if best is not None and opts.canonical:
        # issue 25: the schedule shown at ``hi`` is the canonical one for "lateness <= cap", not the
        # last probe's (which depends on the search); repeatable when the target and every probe are proven
        from ntm_sched.engine.canonical import canonicalize

        canon, _, _ = canonicalize(scaled_funding(soft_plan, base, hi), {"lateness": cap},
                                   tiers_proven=top.status == Status.OPTIMAL and proven_lower,
                                   work=opts.canonical_work, wall=opts.canonical_wall,
                                   money_formulation=opts.money_formulation)
        if canon is not None and check(scaled_funding(soft_plan, base, hi), canon).ok:
            best = canon
    # the answer's schedule (the last one shown feasible, at ``hi``) against the plan's tranches x hi
    ok, findings = verdict_of({"schedule": verified_solution(scale_funding(soft_plan, hi), model, best)
                               if best is not None else None})
    return ScaleAnswer(hi, lo, tolerance, pd.DataFrame(trace), total, pd.DataFrame(), best,
                       target_lateness=cap, target_status=top.status.value, lower_proven=proven_lower,
                       question=SCALE_QUESTION, verified=ok, verifier_findings=findings)


def _reached_dues(model: NtmModel, prob: Problem, solution: Solution | None) -> tuple[dict[str, int], pd.DataFrame]:
    """Each deadline as the schedule reaches it (``max(due, end)``) and the table of the deadlines
    it misses (commune, milestone, target, earliest date reached, days late, the earliest possible
    date with unlimited money and staff and ``late_cause``: ``out_of_reach`` when that date is after
    the target, else ``resources_or_money``); empty without a schedule."""
    rows, dues = [], {}
    if solution is not None:
        possible = earliest_dates(model.with_problem(prob))
        for t in prob.tasks:
            if t.due is None:
                continue
            end = solution.tasks[t.id].end
            dues[t.id] = max(t.due, end)
            if end > t.due:
                inf = model.info[t.id]
                rows.append({"task_id": t.id, "commune_code": inf.commune_code,
                             "milestone": inf.milestone or f"task:{t.id}", "target_date": inf.target_date,
                             "earliest_date": model.completion_date(end, 0), "days_late": end - t.due,
                             "earliest_possible_date": possible[t.id],
                             "late_cause": (late_cause((inf.target_date - model.completion_date(end, 0)).days,
                                                       inf.target_date, possible[t.id])
                                            if inf.target_date is not None else None)})
    relaxed = pd.DataFrame(rows, columns=["task_id", "commune_code", "milestone", "target_date",
                                          "earliest_date", "days_late", "earliest_possible_date", "late_cause"])
    return dues, relaxed
