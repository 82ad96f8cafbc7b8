"""The cut table's columns and its monotonicity check (:func:`~ntm_sched.studies.budget.cuts.budget_cuts`'s table,
read by the CLI, the app and the report as well as made by the study)."""

from __future__ import annotations

from typing import Any

import pandas as pd

__all__ = ["CUTS_COLUMNS", "cuts_are_monotone", "others_proven"]

CUTS_COLUMNS = [
    "level", "budget_mvnd", "set_status", "set_size", "on_time_set", "on_time_names", "other_largest",
    "unsettled_sets", "status", "lateness", "bound", "gap", "communes_on_time", "communes_late", "late_communes",
    "late_detail", "late_detail_codes", "late_recognition", "late_causes", "district_on_time",
    "district_recognition_date", "extra_needed_mvnd", "missing_from", "missing_by_month", "horizon_end",
    "questions", "search_s", "solve_s", "method", "source", "verified", "verifier_findings", "question",
]
"""Columns of the :func:`~ntm_sched.studies.budget.cuts.budget_cuts` table.

``set_status`` ``proven`` | ``unsettled``; ``on_time_set`` the codes of the set shown (``;``, the
district as ``DISTRICT``), ``on_time_names`` their names; ``other_largest`` the other sets of that size
(names, ``|`` between sets); ``unsettled_sets`` the sets left open; ``status``/``lateness``/``bound``/``gap``
the lateness of the others with the set held (step 2; ``bound`` the larger of the solve's and
:func:`~ntm_sched.engine.joint_bound.joint_lateness_bound`'s, ``status`` ``OPTIMAL`` only when the solve
proved every tier); ``late_detail`` each late commune with its days
late and first missed milestone (``late_detail_codes``: ``code:days:milestone;...``);
``missing_by_month`` money the plan lacks by month (``2021-01: 1234; ...``); ``late_causes``
``code:cause;...`` per late commune, ``out_of_reach`` when no money could make it on time under the
assumed durations, else ``resources_or_money`` (issue 22); ``method`` ``standard`` or ``thorough`` (step 2's
search, :data:`~ntm_sched.studies.budget.cuts_work.THOROUGH_BOUND_TIME`)."""


def cuts_are_monotone(df: pd.DataFrame) -> bool:
    """True when less money never gives more communes on time in a :func:`budget_cuts` table."""
    d = df.sort_values("level")
    v = [x for x in d["communes_on_time"] if x is not None and not pd.isna(x)]
    return all(a <= b for a, b in zip(v, v[1:]))


def others_proven(status: Any, gap: Any) -> bool:
    """Whether a row's others' lateness (step 2) is proven: the solve proved every tier (``OPTIMAL``), or its schedule
    reaches the lateness bound (``FEASIBLE`` with a gap of 0: the later tiers, cost and dates, are then the ones not
    proven). The one rule the table's page, the CLI's plot and the report read."""
    if str(status) == "OPTIMAL":
        return True
    return str(status) == "FEASIBLE" and gap is not None and not pd.isna(gap) and float(gap) == 0.0
