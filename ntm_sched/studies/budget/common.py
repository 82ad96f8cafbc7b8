"""Pieces the budget studies share: the lab's reading of the plan's own money, quarters,
recognition dates of a solved plan, and the studies' output writer."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from ntm_sched.domain import DISTRICT, NtmModel, PlanResult, build, earliest_dates, late_cause, solve_model
from ntm_sched.domain.verify import verify_result
from ntm_sched.engine import SolveOptions, Status
from ntm_sched.engine.options import resolve_options
from ntm_sched.io import write_tables
from ntm_sched.plan import Plan
from ntm_sched.plan.edits import PlanEdit

OK_STATUSES = (Status.OPTIMAL, Status.FEASIBLE)
OWN_MONEY_SETTING = "budget_lab_extra_funding_from"
"""Setting (data/…/settings.csv) with the date from which money missing from the plan's own
sources can arrive in the lab's questions (reference solve, cuts, marginal value)."""
WORKBOOK = "budget.xlsx"


def options_of(options: SolveOptions | None, time_limit: float | None, workers: int | None,
               seed: int | None) -> SolveOptions:
    """The studies' solver options: ``options`` (default :class:`SolveOptions`) with the
    given fields, when not ``None``, taking precedence."""
    return resolve_options(options, time_limit=time_limit, workers=workers, seed=seed)


RECOGNITION_WEIGHT_SETTING = "budget_lab_weight_recognition_day"
"""Setting the lab copies into ``weight_recognition_day``: each commune's recognition date asked
as early as the other goals allow, so that a date no deadline pins is part of the answer."""


def own_money_edit(plan: Plan) -> PlanEdit:
    """Pending edit of :func:`own_money` (to add further edits before the one check)."""
    values: dict[str, Any] = {"allow_extra_funding": True,
                              "extra_funding_from": plan.setting(OWN_MONEY_SETTING, "") or ""}
    weight = plan.setting(RECOGNITION_WEIGHT_SETTING, "") or ""
    if weight != "":
        values["weight_recognition_day"] = weight
    return PlanEdit(plan).set_settings(values, "budget lab")


def own_money(plan: Plan) -> Plan:
    """The plan as the lab reads it: extra funding allowed (so every question has an answer)
    but only from the ``budget_lab_extra_funding_from`` setting on (e.g. the next budget
    year), so that money the plan's own sources lack delays works instead of being drawn
    early. The objective is lexicographic (lateness first, then extra funding, then cost, the
    district's date and, with the ``budget_lab_weight_recognition_day`` setting, each commune's
    recognition date)."""
    return own_money_edit(plan).done()


def set_settings(plan: Plan, values: Mapping[str, Any], note: str = "budget lab") -> Plan:
    """The plan with settings ``values`` (key -> value) set or added."""
    return PlanEdit(plan).set_settings(values, note).done()


def base_solve(plan: Plan, options: SolveOptions | None = None, *, time_limit: float | None = None,
               workers: int | None = None, seed: int | None = None) -> PlanResult:
    """The plan solved as the lab's reference: its own money (extra funding only from the
    ``budget_lab_extra_funding_from`` date, see :func:`own_money`), soft deadlines. Pass it as
    ``base`` to :func:`evaluate_allocation` and :func:`marginal_value` to solve it once. Its
    schedule is verified against that plan (:func:`~ntm_sched.domain.verify.verify_result`)."""
    own = own_money(plan)
    return verify_result(own, solve_model(build(own), options_of(options, time_limit, workers, seed)))


def quarter_start(q: str) -> dt.date:
    """First day of a quarter written ``2019Q4`` (also ``2019-Q4``, ``2019 q4``)."""
    m = re.fullmatch(r"\s*(\d{4})\s*-?\s*[Qq]([1-4])\s*", str(q))
    if not m:
        raise ValueError(f"bad quarter {q!r} (expected like 2019Q4)")
    return dt.date(int(m.group(1)), 3 * (int(m.group(2)) - 1) + 1, 1)


def quarter_of(d: dt.date) -> str:
    """``2019Q4`` for a date."""
    return f"{d.year}Q{(d.month - 1) // 3 + 1}"


def not_recognised(plan: Plan) -> list[str]:
    """Codes of the communes not yet recognised, in the plan's order."""
    return [c.code for c in plan.not_recognised()]


def commune_names(plan: Plan) -> dict[str, str]:
    """Commune code -> name, and the district."""
    return {c.code: c.name for c in plan.communes} | {DISTRICT: "Huyện"}


def recognition_dates(pr: PlanResult) -> dict[str, dt.date]:
    """Scheduled recognition date of every commune (and the district) in a solved plan."""
    if not pr.has_schedule:
        return {}
    ms = pr.milestones
    rec = ms[ms["milestone"] == "recognition"]
    out = {str(c): d for c, d in zip(rec["commune_code"], rec["scheduled_date"])}
    sch = pr.schedule
    for code in set(sch["commune_code"]):
        if code not in out:
            steps = sch[(sch["commune_code"] == code) & (sch["kind"] == "step")]
            if len(steps):
                out[str(code)] = max(steps["end_date"])
    return out


def earliest_recognition_dates(model: NtmModel) -> dict[str, dt.date]:
    """The earliest recognition date the plan's durations, precedences and calendars allow each commune
    (and the district: the end of its chain) with unlimited money and staff
    (:func:`ntm_sched.domain.earliest_dates`); a recognition later than its target because of this
    date is out of reach, not for lack of money (issue 22)."""
    earliest = earliest_dates(model)
    out: dict[str, dt.date] = {}
    steps: dict[str, list[dt.date]] = {}
    for tid, inf in model.info.items():
        if inf.kind != "step":
            continue
        if inf.milestone == "recognition" and inf.target_date is not None:
            out[inf.commune_code] = earliest[tid]
        steps.setdefault(inf.commune_code, []).append(earliest[tid])
    for code, days in steps.items():
        out.setdefault(code, max(days))
    return out


def recognition_late_cause(date: dt.date | None, target: dt.date | None, earliest: dt.date | None) -> str | None:
    """Why a recognition ``date`` is after its ``target`` (:func:`ntm_sched.domain.late_cause`):
    ``out_of_reach`` or ``resources_or_money``; ``None`` when on time or when a date is unknown."""
    if date is None or target is None or earliest is None:
        return None
    return late_cause((target - date).days, target, earliest)


def write_budget_tables(out: str | Path, tables: Mapping[str, pd.DataFrame],
                        summary: Mapping[str, Any] | None = None) -> Path:
    """Each table as CSV and all of them in one ``budget.xlsx``, atomically (:func:`ntm_sched.io.write_tables`)."""
    return write_tables(out, tables, summary, workbook=WORKBOOK, kind="budget")
