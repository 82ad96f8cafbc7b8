"""The smallest budget: "what is the smallest budget that meets every deadline?"

:func:`minimum_budget`: every source becomes an unlimited source priced 1 per million VND,
deadlines are hard, the total drawn is minimised; the answer is reported by source x quarter.
Deadlines that no amount of money can meet (the recognition procedure takes longer) are found
first with free unlimited money (:func:`achievable_deadlines`) and held instead to the earliest
date reached then; the answer says which ones. :func:`minimum_uniform_scale`: by how much may
the current budget be scaled (every tranche x s) and still meet every achievable deadline?
Bisection on ``s`` with a stated tolerance.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ntm_sched.domain import NtmModel, build
from ntm_sched.engine import Objective, Problem, Result, Solution, SolveOptions, Status, Tranche, check, solve
from ntm_sched.engine.transforms import (
    hard_dues,
    scaled_tranches,
    unlimited_sources,
    with_objective,
    with_tranches,
)
from ntm_sched.plan import Plan
from ntm_sched.studies.budget.common import OK_STATUSES, options_of, quarter_of, quarter_start, set_settings

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
    model = build(set_settings(plan, {"allow_extra_funding": False, "hard_deadlines": False}))
    if funding_scale is None:
        prob = unlimited_sources(model.problem, 0)
    else:
        prob = scaled_tranches(model.problem, funding_scale)
    prob = with_objective(prob, Objective(tardiness=1, late_count=1, cost=0, extra_funding=0, makespan=0))
    res = solve(prob, opts)
    rows, dues = [], {}
    if res.solution is not None:
        for t in prob.tasks:
            if t.due is None:
                continue
            end = res.solution.tasks[t.id].end
            dues[t.id] = max(t.due, end)
            if end > t.due:
                inf = model.info[t.id]
                rows.append({"task_id": t.id, "commune_code": inf.commune_code,
                             "milestone": inf.milestone or f"task:{t.id}", "target_date": inf.target_date,
                             "earliest_date": model.completion_date(end, 0), "days_late": end - t.due})
    relaxed = pd.DataFrame(rows, columns=["task_id", "commune_code", "milestone", "target_date",
                                          "earliest_date", "days_late"])
    return Achievable(dues, relaxed, res.status.value, res.solution)


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
        Status of the minimisation (``OPTIMAL`` means proven minimal).
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


def minimum_budget(plan: Plan, options: SolveOptions | None = None, *, time_limit: float | None = None,
                   workers: int | None = None, seed: int | None = None,
                   achievable: Achievable | None = None) -> MinimumBudget:
    """The smallest budget, by source and quarter, that meets every achievable deadline.

    Method: (1) :func:`achievable_deadlines` finds, with free unlimited money, which targets
    cannot be met whatever the money and the earliest date reached for them; (2) every source
    becomes unlimited and priced 1 per million VND, deadlines are hard (the unmet ones at the
    date of step 1), and the total drawn is minimised, warm-started from step 1's schedule.
    The split among sources that may pay the same work is one of several equally cheap ones;
    what is fixed is the total, and per quarter when the money is needed by the schedule found.
    """
    opts = options_of(options, time_limit, workers, seed).with_(explain=False)
    ach = achievable or achievable_deadlines(plan, opts)
    model = build(set_settings(plan, {"allow_extra_funding": False, "hard_deadlines": False}))
    plan_total = float(sum(s.total for s in model.problem.sources))
    prob = hard_dues(unlimited_sources(model.problem, 1), ach.dues)
    prob = with_objective(prob, Objective(tardiness=0, late_count=0, cost=0, extra_funding=1, makespan=0))
    res = solve(prob, opts, hint=ach.solution)
    m2 = model.with_problem(prob)
    cols = ["source_id", "earmark", "quarter", "amount_mvnd"]
    if res.solution is None:
        empty = pd.DataFrame(columns=cols)
        return MinimumBudget(empty, empty, empty, ach.relaxed, None, plan_total, res.status.value, prob, m2, res,
                             {"status": res.status.value})
    agg: dict[tuple[str, str, str], int] = defaultdict(int)
    for p in res.solution.payments:
        sid, ear = model.source_map[p.source]
        agg[(sid, ear or "", quarter_of(model.date(p.time)))] += p.amount
    bsq = pd.DataFrame([{"source_id": k[0], "earmark": k[1], "quarter": k[2], "amount_mvnd": v}
                        for k, v in sorted(agg.items()) if v > 0], columns=cols)
    by_source = bsq.groupby("source_id", as_index=False)["amount_mvnd"].sum()
    by_quarter = bsq.groupby("quarter", as_index=False)["amount_mvnd"].sum()
    total = float(bsq["amount_mvnd"].sum())
    summary = {"status": res.status.value, "minimum_mvnd": total, "plan_total_mvnd": plan_total,
               "proven_minimal": res.status == Status.OPTIMAL,
               "lower_bound_mvnd": res.best_bound, "unachievable_deadlines": len(ach.relaxed),
               # OPTIMAL: the unmet deadlines are proven unmeetable (lateness minimised); FEASIBLE:
               # only the best found in the time limit, so some may be meetable with a longer solve
               "achievability_status": ach.status,
               "checker_ok": bool(res.check.ok) if res.check is not None else None}
    return MinimumBudget(bsq, by_source, by_quarter, ach.relaxed, total, plan_total, res.status.value, prob, m2,
                         res, summary)


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

    @property
    def budget_mvnd(self) -> float | None:
        return None if self.scale is None else self.scale * self.plan_total_mvnd


def minimum_uniform_scale(plan: Plan, options: SolveOptions | None = None, *, tolerance: float = 0.01,
                          max_scale: float = 4.0, time_limit: float | None = None, workers: int | None = None,
                          seed: int | None = None, achievable: Achievable | None = None) -> ScaleAnswer:
    """Smallest ``s`` such that the current budget with every tranche x ``s`` (same dates, extra
    funding off) meets every achievable deadline (hard), by bisection.

    Achievable here means reachable with the plan's tranches x ``max_scale`` at their own
    dates (:func:`achievable_deadlines` with ``funding_scale=max_scale``): scaling cannot
    bring money forward, so deadlines that need money before the first tranche are relaxed
    too, and listed in ``relaxed``. That schedule proves ``max_scale`` feasible. The lower
    end starts at ``c / F`` (``c`` the cheapest cost of all works, ``F`` the plan's total
    funding: below it the money cannot pay the works). Bisection stops when the bracket is
    narrower than ``tolerance`` x the upper end. A probe counts as feasible only with a checked
    schedule; a probe that ends without an answer (time limit) counts as not feasible and is
    marked ``UNKNOWN`` in ``trace``, so ``scale`` is always backed by a schedule but may
    overstate the minimum when probes time out.
    """
    opts = options_of(options, time_limit, workers, seed).with_(explain=False)
    ach = achievable or achievable_deadlines(plan, opts, funding_scale=max_scale)
    model = build(set_settings(plan, {"allow_extra_funding": False, "hard_deadlines": False}))
    base = with_objective(hard_dues(model.problem, ach.dues), Objective(0, 0, 0, 0, 0))
    total = float(sum(s.total for s in base.sources))
    min_cost = float(sum(min(m.cost for m in t.modes) for t in base.tasks))
    trace: list[dict[str, Any]] = []
    best: Solution | None = ach.solution

    def probe(s: float) -> bool:
        nonlocal best
        res = solve(scaled_tranches(base, s), opts, hint=best)
        ok = res.status in OK_STATUSES
        trace.append({"scale": round(s, 6), "budget_mvnd": round(s * total, 1), "status": res.status.value,
                      "feasible": ok, "runtime_s": round(res.runtime_s, 2)})
        if ok:
            best = res.solution
        return ok

    lo = min_cost / total if total else 0.0
    trace.append({"scale": round(lo, 6), "budget_mvnd": round(lo * total, 1), "status": "BOUND (money < cost)",
                  "feasible": False, "runtime_s": 0.0})
    hi = max_scale
    if ach.solution is None or check(scaled_tranches(base, hi), ach.solution).ok is False:
        if not probe(hi):
            return ScaleAnswer(None, lo, tolerance, pd.DataFrame(trace), total, ach.relaxed)
    else:
        trace.append({"scale": hi, "budget_mvnd": round(hi * total, 1), "status": "WITNESS",
                      "feasible": True, "runtime_s": 0.0})
    if lo < 1.0 < hi:  # the current budget first: the most useful single probe
        if probe(1.0):
            hi = 1.0
        else:
            lo = 1.0
    while hi - lo > tolerance * hi:
        mid = (lo + hi) / 2
        if probe(mid):
            hi = mid
        else:
            lo = mid
    return ScaleAnswer(hi, lo, tolerance, pd.DataFrame(trace), total, ach.relaxed, best)
