"""Marginal value of money: days each commune's recognition comes forward with more earmarked money.

Each commune's plan is one record-level edit (one added tranche) of the lab's plan, checked
once. The question (:data:`MARGINAL_QUESTION`) is lexicographic (least lateness of all
milestones, then the commune's earliest recognition at that lateness) so that the answer does
not depend on which optimal schedule the solver returns. Both schedules of every row are
checked against the plan they answer for by the plan-level verifier
(:mod:`ntm_sched.studies.budget.verdict`): a row it rejects says ``INVALID`` and is not ranked.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from ntm_sched.domain import NtmModel, PlanResult, build
from ntm_sched.engine import Solution, SolveOptions, check, solve
from ntm_sched.engine.heuristic import lateness_value
from ntm_sched.plan import Plan, Tranche
from ntm_sched.studies.budget.common import commune_names, not_recognised, options_of, own_money_edit
from ntm_sched.studies.budget.verdict import INVALID, verdict_of, verified_solution

DEFAULT_AMOUNT = 500.0
"""Million VND added per commune when not said otherwise."""


MARGINAL_QUESTION = ("for each commune: the least weighted lateness of all milestones with the plan's own money "
                     "(money it lacks only from budget_lab_extra_funding_from), then, at that lateness, the earliest "
                     "recognition date of the commune; asked without and with the added earmarked money")
"""What :func:`marginal_value` asks (written in every row)."""


def _least_lateness(model: NtmModel, opts: SolveOptions, hint: Solution | None) -> dict[str, Any]:
    """The lexicographic solve of ``model``: its least lateness (tier value and status) and schedule."""
    res = solve(model.problem, opts, hint=hint)
    out: dict[str, Any] = {"lateness": None, "lateness_status": res.status.value, "solution": res.solution}
    if res.solution is not None and res.tiers:
        out.update(lateness=lateness_value(model.problem, res.solution), lateness_status=res.tiers[0].status.value)
    return out


def _earliest_end(model: NtmModel, task_id: str, least: dict[str, Any], opts: SolveOptions) -> dict[str, Any]:
    """The earliest end of ``task_id`` among schedules whose lateness is at most ``least``'s."""
    from ntm_sched.engine.builder import build_model
    from ntm_sched.engine.solve import make_solver, run_solver

    sol = least["solution"]
    out: dict[str, Any] = {"end": None, "end_status": None, "solution": sol}
    if sol is None or least["lateness"] is None:
        return out
    out.update(end=sol.tasks[task_id].end, end_status="FEASIBLE")
    bm = build_model(model.problem, hint=sol)
    bm.model.add(bm.tier_expr("lateness") <= int(least["lateness"]))
    bm.model.minimize(bm.end[task_id])
    st, found = run_solver(bm, make_solver(opts.time_limit, opts.workers, opts.seed, False))
    if found is not None and check(model.problem, found).ok and found.tasks[task_id].end <= out["end"]:
        out.update(end=found.tasks[task_id].end, end_status=st.value, solution=found)
    return out


def _carry_base(model: NtmModel, task_id: str, w: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """``w`` or, when better, the base answer's schedule: it stays valid with more money.

    When the base schedule is accepted by the checker in ``model`` (the plan with the added
    tranche) and is no later on lateness than ``w``'s, it answers the same question there; if
    its recognition is earlier than ``w``'s (an unproven solve), it is kept instead, so that
    more money never shows a later date.
    """
    sol = b.get("solution")
    if sol is None or b.get("end") is None or w.get("lateness") is None:
        return w
    if (w["end"] is not None and b["end"] >= w["end"]) or not check(model.problem, sol).ok:
        return w
    if lateness_value(model.problem, sol) > w["lateness"]:
        return w
    return {**w, "end": b["end"], "end_status": "FEASIBLE", "solution": sol}


def _verified(plan: Plan, model: NtmModel, answer: dict[str, Any]) -> PlanResult | None:
    """The schedule an answer's date comes from, verified against ``plan`` (``None`` without one)."""
    if answer["solution"] is None or answer["end"] is None:
        return None
    return verified_solution(plan, model, answer["solution"], answer["end_status"] or "FEASIBLE")


def marginal_value(plan: Plan, amount_mvnd: float = DEFAULT_AMOUNT, options: SolveOptions | None = None, *,
                   source_id: str | None = None, communes: Sequence[str] | None = None,
                   base: PlanResult | None = None, time_limit: float | None = None, workers: int | None = None,
                   seed: int | None = None) -> pd.DataFrame:
    """Days each commune's recognition comes forward with ``amount_mvnd`` more earmarked money.

    Question (:data:`MARGINAL_QUESTION`), asked so that the answer does not depend on which
    optimal schedule the solver returns: for commune ``c``, first the least weighted lateness
    of all milestones with the plan's own money (money it lacks only from the
    ``budget_lab_extra_funding_from`` date, as in :func:`budget_cuts`), then, at that lateness,
    the earliest recognition date of ``c``. It is asked without and with one tranche of
    ``amount_mvnd`` from ``source_id`` (default: the first source that pays for every work
    type), earmarked to ``c`` and released at the plan's start; ``days_gained`` is the
    difference of the two dates. Both dates are numbers of the problem when every status of
    the row is ``OPTIMAL``; otherwise the status columns say how far the solver got. The base
    schedule is valid with more money: when it is as good on lateness and recognises the
    commune earlier than the second solve found, it is kept, so a gain is never negative
    because of an unproven solve. ``base`` is ignored
    (kept for compatibility).

    Both schedules of a row are verified against the plan they answer for (the lab's plan,
    and that plan with the added tranche): ``verified`` is ``True`` when the plan-level
    verifier accepts both, ``False`` when it rejects either (its status column then says
    ``INVALID``, ``verifier_findings`` says why and ``days_gained`` is empty: the row is not
    ranked), ``None`` when there was no schedule to check.

    Returns
    -------
    pandas.DataFrame
        ``commune_code, name, base_date, date_with_more, days_gained, lateness_base,
        lateness_with_more, status_base, status_with_more, lateness_status_base,
        lateness_status_with_more, verified, verifier_findings, question``, largest gain first.
    """
    opts = options_of(options, time_limit, workers, seed).with_(explain=False)
    if source_id is None:
        star = [s.source_id for s in plan.sources if "*" in s.pays_for]
        source_id = star[0] if star else plan.sources[0].source_id
    base_plan = own_money_edit(plan).done()
    base_model = build(base_plan)
    names = commune_names(plan)
    start = plan.setting_date("plan_start")
    rows = []
    least_base = _least_lateness(base_model, opts, None)  # the same for every commune: asked once
    for code in (communes or not_recognised(plan)):
        rec_task = next((t for t, inf in base_model.info.items()
                         if inf.commune_code == code and inf.milestone == "recognition"), None)
        if rec_task is None:
            continue
        b = {**least_base, **_earliest_end(base_model, rec_task, least_base, opts)}
        more = Tranche(tranche_id=f"MARGINAL-{code}", source_id=source_id, date_available=start,
                       amount_mvnd=float(amount_mvnd), commune_code=code,
                       source=f"budget lab: +{amount_mvnd} for {code}")
        more_plan = own_money_edit(plan).add_tranches([more]).done()
        model = build(more_plan)
        # the base schedule is valid with more money: it warm-starts the second question
        least_more = _least_lateness(model, opts, least_base["solution"])
        w = {**least_more, **_earliest_end(model, rec_task, least_more, opts)}
        w = _carry_base(model, rec_task, w, b)
        bd = base_model.completion_date(b["end"], 0) if b["end"] is not None else None
        wd = model.completion_date(w["end"], 0) if w["end"] is not None else None
        # both schedules checked against the plan they answer for, not only against the engine problem
        bv, wv = _verified(base_plan, base_model, b), _verified(more_plan, model, w)
        ok, findings = verdict_of({"base": bv, "with more": wv})
        rows.append({"commune_code": code, "name": names.get(code, code), "base_date": bd, "date_with_more": wd,
                     "days_gained": (bd - wd).days if bd and wd and ok is not False else None,
                     "lateness_base": b["lateness"], "lateness_with_more": w["lateness"],
                     "status_base": INVALID if bv is not None and bv.status == INVALID else b["end_status"],
                     "status_with_more": INVALID if wv is not None and wv.status == INVALID else w["end_status"],
                     "lateness_status_base": b["lateness_status"], "lateness_status_with_more": w["lateness_status"],
                     "verified": ok, "verifier_findings": findings,
                     "question": MARGINAL_QUESTION})
    df = pd.DataFrame(rows)
    if len(df):
        df = df.sort_values(["days_gained", "commune_code"], ascending=[False, True], na_position="last")
    return df.reset_index(drop=True)
