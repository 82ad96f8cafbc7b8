"""Scenarios: base configuration + override files (:mod:`.load`), their schema (:mod:`.config`)
and their application to a plan (:mod:`.apply`)."""

from ntm_sched.scenario.apply import apply, edit_for, load_scenario_and_plan, load_scenario_plan, set_settings
from ntm_sched.scenario.config import ScenarioConfig, json_schema
from ntm_sched.scenario.load import (
    BASE_NAME,
    SCENARIOS_FOLDER,
    Scenario,
    ScenarioError,
    ShippedPlan,
    default_plan,
    default_scenario_dir,
    list_scenarios,
    load_scenario,
    plan_of_scenario_dir,
    scenario_groups,
    scenario_name,
    shipped_plans,
)

__all__ = [
    "BASE_NAME",
    "SCENARIOS_FOLDER",
    "Scenario",
    "ScenarioConfig",
    "ScenarioError",
    "ShippedPlan",
    "apply",
    "edit_for",
    "default_plan",
    "default_scenario_dir",
    "json_schema",
    "list_scenarios",
    "load_scenario",
    "load_scenario_and_plan",
    "load_scenario_plan",
    "plan_of_scenario_dir",
    "scenario_groups",
    "scenario_name",
    "set_settings",
    "shipped_plans",
]
