"""Budget answers checked against the plan's own records (the plan-level verifier's verdict).

Every budget question solves an engine problem derived from a plan edited for the question (the
lab's own money, funding scaled or replaced, a tranche added, every source unlimited). The
engine's checker proves each schedule valid for that *problem*; the plan-level verifier
(:mod:`ntm_sched.domain.verify`) checks it against the *plan* the question stands for, from the
plan's own records, so that a mistake in the domain build or in the tables cannot change a budget
answer silently. Questions asked with unlimited money are checked against the plan funded by the
money their schedule drew (the money rules then hold by construction; every other rule is
checked), the minimum budget against the plan funded by the budget it reports.

The verdict goes into every output: a ``verified`` column or field (``True``, ``False``, or
empty when there was no schedule to check), ``verifier_findings`` (the first disagreements) and
the status :data:`INVALID` where the verifier disagrees.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from ntm_sched.domain import NtmModel, PlanResult, tabulate
from ntm_sched.domain.verify import INVALID_STATUS, verify_result
from ntm_sched.engine import Result, Solution, Status, check
from ntm_sched.plan import Plan, Tranche
from ntm_sched.plan.edits import PlanEdit
from ntm_sched.studies.budget.common import quarter_start

INVALID = INVALID_STATUS
"""Status of an answer whose schedule the plan-level verifier rejects."""

VERDICT_COLUMNS = ["verified", "verifier_findings"]
"""The columns a budget table adds: the verifier's verdict and its first findings."""

FINDINGS_SHOWN = 3
"""Findings written per checked schedule (the full list is in the result's ``verification``)."""


def verified_result(plan: Plan, model: NtmModel, result: Result) -> PlanResult:
    """An engine result of ``model`` tabulated and verified against ``plan``
    (:func:`~ntm_sched.domain.verify.verify_result`: status ``INVALID`` on a disagreement)."""
    return verify_result(plan, tabulate(model, result))


def verified_solution(plan: Plan, model: NtmModel, solution: Solution, status: str | Status = Status.FEASIBLE,
                      runtime_s: float = 0.0) -> PlanResult:
    """A schedule of ``model`` (checked by the engine's checker against ``model.problem``),
    tabulated and verified against ``plan``."""
    res = Result(status=Status(status), runtime_s=runtime_s, solution=solution)
    res.check = check(model.problem, solution)
    if not res.check.ok:
        res.status = Status.MODEL_INVALID
    return verified_result(plan, model, res)


def funded_by_budget(plan: Plan, by_source_quarter: pd.DataFrame) -> Plan:
    """``plan`` with its funding replaced by a budget table (``source_id, earmark, quarter,
    amount_mvnd``), each row released at the start of its quarter."""
    tranches = [Tranche(tranche_id=f"BUDGET-{i + 1:04d}", source_id=str(r.source_id),
                        date_available=quarter_start(str(r.quarter)), amount_mvnd=float(r.amount_mvnd),
                        commune_code=str(r.earmark) if r.earmark else None,
                        source=f"budget lab: {r.source_id} {r.quarter}")
                for i, r in enumerate(by_source_quarter.itertuples(index=False))]
    return PlanEdit(plan).replace_funding(tranches).done()


def funded_by_payments(plan: Plan, model: NtmModel, solution: Solution) -> Plan:
    """``plan`` with its funding replaced by what ``solution`` paid (one tranche per source,
    earmark and day): the plan a schedule drawn from unlimited money stands for."""
    paid: dict[tuple[str, str | None, int], int] = defaultdict(int)
    for p in solution.payments:
        sid, earmark = model.source_map[p.source]
        paid[(sid, earmark, p.time)] += p.amount
    tranches = [Tranche(tranche_id=f"PAID-{i + 1:05d}", source_id=sid, date_available=model.date(t),
                        amount_mvnd=float(amount), commune_code=earmark, source="budget lab: paid by the schedule")
                for i, ((sid, earmark, t), amount) in enumerate(sorted(paid.items(), key=lambda kv: (
                    kv[0][0], kv[0][1] or "", kv[0][2])))]
    return PlanEdit(plan).replace_funding(tranches).done()


def verdict_of(results: Mapping[str, PlanResult | None]) -> tuple[bool | None, str]:
    """One verdict for the schedules an answer comes from (``name -> result``).

    Returns
    -------
    tuple
        ``False`` when the verifier rejects any of them, ``True`` when it accepts every one that
        has a schedule, ``None`` when none has; and the findings as text (``name: finding; ...``).
    """
    verdicts = [(name, pr) for name, pr in results.items()
                if pr is not None and pr.summary.get("verified") is not None]
    if not verdicts:
        return None, ""
    bad = [(name, pr) for name, pr in verdicts if pr.summary.get("verified") is False]
    text = "; ".join(f"{name}: {f}" for name, pr in bad
                     for f in (pr.summary.get("verifier_findings") or [])[:FINDINGS_SHOWN])
    return not bad, text


def verdict_value(v: Any) -> bool | None:
    """A ``verified`` cell as ``True``/``False``/``None`` (also as read back from a CSV file)."""
    if isinstance(v, str):
        return {"true": True, "false": False}.get(v.strip().lower())
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    return bool(v)


def invalid_rows(df: pd.DataFrame, key: str) -> list[str]:
    """The ``key`` values of the rows of a budget table whose verdict is ``False``."""
    if "verified" not in df.columns or not len(df):
        return []
    return [str(k) for k, v in zip(df[key], df["verified"]) if verdict_value(v) is False]


def loud_lines(rows: Iterable[tuple[str, str]]) -> list[str]:
    """Lines for a command's output: ``INVALID <what>: <findings>`` per rejected answer."""
    return [f"{INVALID} {what}: the answer disagrees with the plan, do not use it ({findings})"
            for what, findings in rows]
