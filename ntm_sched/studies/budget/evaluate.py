"""Evaluate a fixed allocation: "we allocate these amounts (commune x source x quarter): who
slips, what stays unspent, where is money missing?"

The amounts are held fixed (the plan's funding is replaced by earmarked tranches released at
each quarter's start, extra funding off, soft deadlines); optionally a second solve with
extra funding on says how much more money is needed, where and when.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ntm_sched.domain import DISTRICT, EXTRA_SOURCE, PlanResult, build, read_settings, solve_model
from ntm_sched.domain.verify import verify_result
from ntm_sched.engine import SolveOptions, Status
from ntm_sched.plan import Plan
from ntm_sched.plan.edits import PlanEdit
from ntm_sched.studies.budget.allocation import allocation_tranches, read_allocation
from ntm_sched.studies.budget.common import (
    base_solve,
    commune_names,
    earliest_recognition_dates,
    not_recognised,
    options_of,
    quarter_of,
    recognition_dates,
    recognition_late_cause,
    set_settings,
)
from ntm_sched.studies.budget.verdict import verdict_of


@dataclass
class AllocationReport:
    """What a fixed allocation gives.

    Attributes
    ----------
    communes
        Per commune not yet recognised: target, scheduled recognition (fixed allocation),
        base date, slip vs the target and vs the base schedule, the earliest recognition the plan's
        durations and calendars allow with unlimited money and staff (``earliest_possible_date``)
        and, when late, ``late_cause`` (``out_of_reach``: that date is already after the target;
        ``resources_or_money``: this allocation makes it late), and ``verified``: whether the
        plan-level verifier accepts every schedule the dates come from.
    unspent
        Per commune x source: allocated, paid, unspent (allocated - paid).
    missing
        Extra money the plan needs on top of the allocation (commune x quarter), from the
        re-solve with extra funding on; empty when not asked or not needed.
    summary
        Headline figures and statuses (``late_cause``: per late commune, as in ``communes``);
        ``verified`` (and per solve ``verified_fixed``, ``verified_with_extra``, ``verified_base``)
        with ``verifier_findings``: each schedule is
        checked against the plan it answers for, and a rejected one makes its status ``INVALID``.
    fixed, with_extra, base
        The underlying solved plans (``with_extra``/``base`` may be ``None``).
    """

    communes: pd.DataFrame
    unspent: pd.DataFrame
    missing: pd.DataFrame
    summary: dict[str, Any]
    fixed: PlanResult
    with_extra: PlanResult | None = None
    base: PlanResult | None = None

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"communes": self.communes, "unspent": self.unspent, "missing": self.missing}


def evaluate_allocation(plan: Plan, allocation: str | Path | pd.DataFrame, *, base: PlanResult | None = None,
                        compare_base: bool = True, find_missing: bool = True, options: SolveOptions | None = None,
                        time_limit: float | None = None, workers: int | None = None,
                        seed: int | None = None) -> AllocationReport:
    """Hold an allocation fixed and say who slips, what stays unspent and what is missing.

    Parameters
    ----------
    plan
        The plan (scenario applied). Its funding is replaced by the allocation.
    allocation
        Path of a CSV/XLSX file or a DataFrame (see :func:`read_allocation`).
    base
        A solved base plan to compare with (:func:`base_solve`); solved here (same limits)
        when ``None`` and ``compare_base`` is true.
    compare_base
        Also report the slip against the base schedule.
    find_missing
        Re-solve with extra funding on (at the plan's ``extra_funding_price``, i.e. with the
        plan's own priorities) to say how much more money, where and when.
    options, time_limit, workers, seed
        Solver options of each solve (fields given override ``options``).

    Returns
    -------
    AllocationReport
    """
    opts = options_of(options, time_limit, workers, seed)
    alloc = read_allocation(allocation, plan)
    fixed_plan = (PlanEdit(plan).replace_funding(allocation_tranches(alloc, plan))
                  .set_settings({"allow_extra_funding": False, "hard_deadlines": False}, "budget lab").done())
    if base is None and compare_base:
        base = base_solve(plan, opts)
    # each schedule verified against the plan it answers for (status INVALID where the verifier disagrees)
    fixed = verify_result(fixed_plan, solve_model(
        build(fixed_plan), opts, hint=base.result.solution if base is not None and base.has_schedule else None))
    with_extra = None
    if find_missing:
        xplan = set_settings(fixed_plan, {"allow_extra_funding": True})
        hint = fixed.result.solution if fixed.has_schedule else None
        with_extra = verify_result(xplan, solve_model(build(xplan), opts, hint=hint))
    verified, findings = verdict_of({"fixed": fixed, "with extra": with_extra, "base": base})

    names = commune_names(plan)
    st = read_settings(plan)
    rec_fixed = recognition_dates(fixed)
    rec_base = recognition_dates(base) if base is not None else {}
    rec_extra = recognition_dates(with_extra) if with_extra is not None else {}
    earliest = earliest_recognition_dates(fixed.model)  # issue 22: out of reach, or for lack of money?
    rows = []
    for code in not_recognised(plan) + [DISTRICT]:
        if code == DISTRICT:
            tgt = st.district_targets.get("works_done")
        else:
            tgt = plan.commune(code).target_recognition or st.communes_target
        d = rec_fixed.get(code)
        b = rec_base.get(code)
        rows.append({
            "commune_code": code, "name": names.get(code, code), "target_date": tgt,
            "scheduled_date": d,
            "late_days": (d - tgt).days if d and tgt else None,
            "base_date": b,
            "slip_vs_base_days": (d - b).days if d and b else None,
            "date_with_extra_money": rec_extra.get(code),
            "earliest_possible_date": earliest.get(code),
            "late_cause": recognition_late_cause(d, tgt, earliest.get(code)),
            "verified": verified,
        })
    comm_df = pd.DataFrame(rows)

    # unspent: allocated - paid, per commune x source -----------------------------
    a = alloc.groupby(["commune_code", "source_id"], as_index=False)["amount_mvnd"].sum()
    a = a.rename(columns={"amount_mvnd": "allocated_mvnd"})
    # from the fixed solve; when the allocation cannot pay every work (no schedule), from the
    # re-solve with extra funding, whose allocated sources are held to the same amounts
    paid_from = fixed if fixed.has_schedule else with_extra
    if paid_from is not None and paid_from.has_schedule and len(paid_from.allocation):
        al = paid_from.allocation[paid_from.allocation["source"] != EXTRA_SOURCE].copy()
        al["commune_code"] = al["earmark"].fillna("")
        paid = al.groupby(["commune_code", "source"], as_index=False)["amount_mvnd"].sum()
        paid = paid.rename(columns={"source": "source_id", "amount_mvnd": "paid_mvnd"})
        un = a.merge(paid, on=["commune_code", "source_id"], how="left")
        un["paid_mvnd"] = un["paid_mvnd"].fillna(0)
    else:
        un = a.assign(paid_mvnd=float("nan"))
    un["unspent_mvnd"] = un["allocated_mvnd"] - un["paid_mvnd"]

    # missing money: EXTRA payments of the re-solve, by commune x quarter ----------
    missing = pd.DataFrame(columns=["commune_code", "quarter", "extra_mvnd"])
    if with_extra is not None and with_extra.has_schedule and len(with_extra.allocation):
        ex = with_extra.allocation[with_extra.allocation["source"] == EXTRA_SOURCE].copy()
        if len(ex):
            ex["quarter"] = [quarter_of(d) for d in ex["period_start"]]
            missing = (ex.groupby(["commune_code", "quarter"], as_index=False)["amount_mvnd"].sum()
                       .rename(columns={"amount_mvnd": "extra_mvnd"}))

    late = comm_df[(comm_df["commune_code"] != DISTRICT) & (comm_df["late_days"].fillna(0) > 0)]
    summary = {
        "status": fixed.status,
        "status_with_extra": with_extra.status if with_extra is not None else None,
        "allocated_mvnd": float(alloc["amount_mvnd"].sum()),
        "paid_mvnd": float(un["paid_mvnd"].sum()) if un["paid_mvnd"].notna().all() else None,
        "unspent_mvnd": float(un["unspent_mvnd"].sum()) if un["paid_mvnd"].notna().all() else None,
        "unspent_from": ("fixed allocation" if fixed.has_schedule else
                         "re-solve with extra funding" if un["paid_mvnd"].notna().all() else None),
        "communes_on_time": fixed.summary["communes_on_time"],
        "late_communes": list(late["commune_code"]),
        "late_cause": {str(c): k for c, k in zip(late["commune_code"], late["late_cause"])},
        "district_recognition_date": fixed.summary["district_recognition_date"],
        "missing_mvnd": float(missing["extra_mvnd"].sum()) if len(missing) else 0.0,
        "explanation": fixed.summary.get("explanation"),
        "checker_ok": fixed.summary.get("checker_ok"),
        "verified": verified,
        "verified_fixed": fixed.summary.get("verified"),
        "verified_with_extra": with_extra.summary.get("verified") if with_extra is not None else None,
        "verified_base": base.summary.get("verified") if base is not None else None,
        "verifier_findings": findings,
    }
    if not fixed.has_schedule:
        summary["note"] = ("no schedule within the allocation: " + ("the money cannot pay every work"
                           if fixed.result.status == Status.INFEASIBLE else "the solver found none in the time limit"))
    return AllocationReport(comm_df, un, missing, summary, fixed, with_extra, base)


