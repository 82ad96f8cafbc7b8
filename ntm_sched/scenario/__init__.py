"""Scenarios: base configuration + override files (:mod:`.load`), their schema (:mod:`.config`)
and their application to a plan (:mod:`.apply`)."""

from ntm_sched.scenario.apply import apply, edit_for, load_scenario_and_plan, load_scenario_plan, set_settings
from ntm_sched.scenario.config import ScenarioConfig, json_schema
from ntm_sched.scenario.load import (
    BASE_NAME,
    Scenario,
    ScenarioError,
    default_scenario_dir,
    list_scenarios,
    load_scenario,
)

__all__ = [
    "BASE_NAME",
    "Scenario",
    "ScenarioConfig",
    "ScenarioError",
    "apply",
    "edit_for",
    "default_scenario_dir",
    "json_schema",
    "list_scenarios",
    "load_scenario",
    "load_scenario_and_plan",
    "load_scenario_plan",
    "set_settings",
]
