"""Shared fixtures: one short solve of the base scenario for the unit tests."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pytest  # noqa: E402


@pytest.fixture(scope="session")
def base_solved():
    from ntm_sched.domain import solve_plan
    from ntm_sched.scenario import load_scenario, load_scenario_plan

    sc = load_scenario("base")
    plan = load_scenario_plan(sc)
    # a generous limit: one worker proves the base plan optimal in ~8 s on an idle machine and
    # stops there, so the answer is the same under load (a short limit gave UNKNOWN on a busy machine)
    res = solve_plan(plan, time_limit=120, workers=1, seed=0)
    return sc, plan, res
