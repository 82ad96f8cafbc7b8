"""The NTM domain bridge: a :class:`~ntm_sched.plan.Plan` becomes an engine problem, and the
engine's answer becomes the plan's tables.

``model`` (:class:`NtmModel`, ids), ``build`` (typed records -> engine problem), ``tables``
(output tables, ``summary.json``, :class:`PlanResult`), ``explain`` (infeasibility in the
plan's terms), ``run`` (build -> solve -> check -> tabulate; keep a valid previous schedule).
The domain layer may import ``engine``, ``plan``, ``i18n``, ``units`` and ``io``.
"""

from ntm_sched.domain.build import build
from ntm_sched.domain.explain import EXPLANATION_COLUMNS, describe_explanation, explanation_table
from ntm_sched.domain.model import DISTRICT, EXTRA_SOURCE, MILESTONES, NtmModel, TaskInfo
from ntm_sched.domain.run import keep_if_valid, solve_keeping, solve_model, solve_plan
from ntm_sched.domain.tables import (
    AGENCY_LOAD_COLUMNS,
    ALLOCATION_COLUMNS,
    CHAIN_MILESTONES,
    LATE_CAUSES,
    MILESTONE_COLUMNS,
    ON_TIME_COLUMNS,
    OUT_OF_REACH,
    RESOURCES_OR_MONEY,
    SCHEDULE_COLUMNS,
    PlanResult,
    agency_load_table,
    allocation_table,
    earliest_dates,
    late_cause,
    late_milestones,
    milestones_table,
    on_time_table,
    schedule_table,
    summary_dict,
    tabulate,
)
from ntm_sched.plan.settings import PlanSettings, read_settings

__all__ = [
    "AGENCY_LOAD_COLUMNS", "ALLOCATION_COLUMNS", "CHAIN_MILESTONES", "DISTRICT", "EXPLANATION_COLUMNS",
    "EXTRA_SOURCE", "LATE_CAUSES", "MILESTONES", "MILESTONE_COLUMNS", "ON_TIME_COLUMNS", "OUT_OF_REACH",
    "RESOURCES_OR_MONEY", "SCHEDULE_COLUMNS", "NtmModel",
    "PlanResult", "PlanSettings", "TaskInfo", "agency_load_table", "allocation_table", "build",
    "describe_explanation", "earliest_dates", "explanation_table", "keep_if_valid", "late_cause", "late_milestones",
    "milestones_table", "on_time_table",
    "read_settings", "schedule_table", "solve_keeping", "solve_model", "solve_plan", "summary_dict", "tabulate",
]
