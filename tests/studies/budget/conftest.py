"""Fixtures of the budget-lab tests: the base plan restricted to three communes, and the whole plan."""

from __future__ import annotations

import pytest

from ntm_sched.plan import Plan
from ntm_sched.scenario import load_scenario, load_scenario_plan
from ntm_sched.studies import budget as B
from tests.studies.budget.helpers import COMMUNES


@pytest.fixture(scope="session")
def full_plan() -> Plan:
    return load_scenario_plan(load_scenario("base"))


@pytest.fixture(scope="session")
def plan(full_plan: Plan) -> Plan:
    return B.restrict_plan(full_plan, COMMUNES)
