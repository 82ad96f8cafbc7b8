"""Marginal value of money: days each commune's recognition comes forward with more earmarked money.

Each commune's plan is one record-level edit (one added tranche) of the lab's plan, checked
once. The question (:data:`MARGINAL_QUESTION`) fixes one level of lateness for every row (the
least weighted lateness of all milestones with the plan's own money, found once) and asks the
commune's earliest recognition among schedules no worse on it, without and with the added
money: more money only adds schedules, so a gain is never negative, and the answer does not
depend on which optimal schedule the solver returns. Each earliest date is searched between a
proven lower bound and the best date found (:func:`ntm_sched.engine.earliest.earliest_end`),
so a row says whether its dates are proven and, when not, how many days it may still gain.
Both schedules of every row are checked against the plan they answer for by the plan-level
verifier (:mod:`ntm_sched.studies.budget.verdict`): a row it rejects says ``INVALID`` and is
not ranked.

Not the set search of the cut table (:class:`ntm_sched.engine.groups.GroupSearch`, issue 23): the
question here is a date under a lateness cap, not which communes can meet their dates; its exact
method is the probe search of :mod:`ntm_sched.engine.earliest` (each probe a hard cap, as each set
there is a hard set of deadlines).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from ntm_sched.domain import NtmModel, PlanResult, build
from ntm_sched.engine import Solution, SolveOptions, check, solve
from ntm_sched.engine.earliest import earliest_end
from ntm_sched.engine.heuristic import lateness_value
from ntm_sched.plan import Plan, Tranche
from ntm_sched.studies.budget.common import commune_names, not_recognised, options_of, own_money_edit
from ntm_sched.studies.budget.verdict import INVALID, verdict_of, verified_solution

DEFAULT_AMOUNT = 500.0
"""Million VND added per commune when not said otherwise."""


MARGINAL_QUESTION = ("the least weighted lateness of all milestones with the plan's own money (money it lacks only "
                     "from budget_lab_extra_funding_from) is found once; then, for each commune, its earliest "
                     "recognition date among schedules no worse than that lateness, without and with the added "
                     "earmarked money (days gained: the difference; at most: against the proven bound)")
"""What :func:`marginal_value` asks (written in every row)."""


def _least_lateness(model: NtmModel, opts: SolveOptions, hint: Solution | None) -> dict[str, Any]:
    """The lexicographic solve of ``model``: its least lateness (tier value and status) and schedule."""
    res = solve(model.problem, opts, hint=hint)
    out: dict[str, Any] = {"lateness": None, "lateness_status": res.status.value, "solution": res.solution}
    if res.solution is not None and res.tiers:
        out.update(lateness=lateness_value(model.problem, res.solution), lateness_status=res.tiers[0].status.value)
    return out


def _earliest_end(model: NtmModel, task_id: str, cap: int | None, hint: Solution | None, opts: SolveOptions,
                  lower: int | None = None) -> dict[str, Any]:
    """The earliest end of ``task_id`` among schedules whose lateness is at most ``cap`` (searched, with its bound)."""
    out: dict[str, Any] = {"end": None, "end_status": None, "bound": None, "free_bound": lower, "solution": None,
                           "lateness": None}
    if cap is None:
        return out
    ans = earliest_end(model.problem, task_id, lateness_cap=int(cap), hint=hint, lower=lower, options=opts)
    out.update(end=ans.end, end_status=ans.status.value, bound=ans.bound, free_bound=ans.free_bound,
               solution=ans.solution)
    if ans.solution is not None:
        out["lateness"] = lateness_value(model.problem, ans.solution)
    return out


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
    optimal schedule the solver returns: first, once, the least weighted lateness ``L`` of all
    milestones with the plan's own money (money it lacks only from the
    ``budget_lab_extra_funding_from`` date, as in :func:`budget_cuts`); then, for commune ``c``,
    the earliest recognition date of ``c`` among schedules whose lateness is at most ``L``,
    asked without and with one tranche of ``amount_mvnd`` from ``source_id`` (default: the
    first source that pays for every work type), earmarked to ``c`` and released at the plan's
    start. ``days_gained`` is the difference of the two dates found; more money only adds
    schedules, so it is never negative. Each date is searched between a proven lower bound
    and the best date found (:func:`ntm_sched.engine.earliest.earliest_end`): a status is
    ``OPTIMAL`` when the two meet; otherwise ``*_earliest_possible`` is the bound and
    ``days_gained_at_most`` the most the money could gain. A date that is the commune's
    earliest without any money constraint is proven at once, and the same with more money.
    ``lateness_status_*`` is the status of ``L``'s solve (``FEASIBLE``: ``L`` is the best
    lateness found, not proven least). ``base`` is ignored (kept for compatibility).

    Both schedules of a row are verified against the plan they answer for (the lab's plan,
    and that plan with the added tranche): ``verified`` is ``True`` when the plan-level
    verifier accepts both, ``False`` when it rejects either (its status column then says
    ``INVALID``, ``verifier_findings`` says why and ``days_gained`` is empty: the row is not
    ranked), ``None`` when there was no schedule to check.

    Returns
    -------
    pandas.DataFrame
        ``commune_code, name, base_date, date_with_more, days_gained, days_gained_at_most,
        base_date_earliest_possible, date_with_more_earliest_possible, lateness_base,
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
    cap = least_base["lateness"]
    for code in (communes or not_recognised(plan)):
        rec_task = next((t for t, inf in base_model.info.items()
                         if inf.commune_code == code and inf.milestone == "recognition"), None)
        if rec_task is None:
            continue
        b = _earliest_end(base_model, rec_task, cap, least_base["solution"], opts)
        more = Tranche(tranche_id=f"MARGINAL-{code}", source_id=source_id, date_available=start,
                       amount_mvnd=float(amount_mvnd), commune_code=code,
                       source=f"budget lab: +{amount_mvnd} for {code}")
        more_plan = own_money_edit(plan).add_tranches([more]).done()
        model = build(more_plan)
        if b["end_status"] == "OPTIMAL" and b["end"] is not None and b["end"] == b["free_bound"]:
            # the date is the one it has without any money constraint: more money cannot bring it forward
            w = {**b, "end_status": "OPTIMAL", "bound": b["free_bound"]}
            if check(model.problem, b["solution"]).ok:
                w["lateness"] = lateness_value(model.problem, b["solution"])
            else:  # cannot happen (more money only adds schedules); ask rather than assume
                w = _earliest_end(model, rec_task, cap, None, opts, lower=b["free_bound"])
        else:
            # the base schedule is valid with more money: it is the with-more search's first incumbent, so
            # the date with more money is never later than the base date
            w = _earliest_end(model, rec_task, cap, b["solution"], opts, lower=b["free_bound"])
        if b["bound"] is not None and w["bound"] is not None and w["bound"] > b["bound"]:
            # every base schedule is a schedule with more money: the with-more bound bounds the base too
            b = {**b, "bound": w["bound"]}
            if b["end"] is not None and b["bound"] >= b["end"]:
                b["end_status"] = "OPTIMAL"
        bd = base_model.completion_date(b["end"], 0) if b["end"] is not None else None
        wd = model.completion_date(w["end"], 0) if w["end"] is not None else None
        wlow = model.completion_date(w["bound"], 0) if w["bound"] is not None else None
        # both schedules checked against the plan they answer for, not only against the engine problem
        bv, wv = _verified(base_plan, base_model, b), _verified(more_plan, model, w)
        ok, findings = verdict_of({"base": bv, "with more": wv})
        ranked = bd is not None and wd is not None and ok is not False
        rows.append({"commune_code": code, "name": names.get(code, code), "base_date": bd, "date_with_more": wd,
                     "days_gained": (bd - wd).days if bd and wd and ranked else None,
                     "days_gained_at_most": (bd - wlow).days if bd and wlow and ranked else None,
                     "base_date_earliest_possible": (base_model.completion_date(b["bound"], 0)
                                                     if b["bound"] is not None else None),
                     "date_with_more_earliest_possible": wlow,
                     "lateness_base": cap, "lateness_with_more": w["lateness"],
                     "status_base": INVALID if bv is not None and bv.status == INVALID else b["end_status"],
                     "status_with_more": INVALID if wv is not None and wv.status == INVALID else w["end_status"],
                     "lateness_status_base": least_base["lateness_status"],
                     "lateness_status_with_more": least_base["lateness_status"],
                     "verified": ok, "verifier_findings": findings,
                     "question": MARGINAL_QUESTION})
    df = pd.DataFrame(rows)
    if len(df):
        df = df.sort_values(["days_gained", "commune_code"], ascending=[False, True], na_position="last")
    return df.reset_index(drop=True)
