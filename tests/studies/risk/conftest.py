"""Fixtures of the risk tests: the base plan solved once (one worker, fixed seed) and a small plan
(two communes of Tân Yên, tight money, extra funding only from 01/03/2020, so late money delays works)."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import DATA, SMALL_COMMUNES, make_small_plan, write_scenario  # noqa: F401


@pytest.fixture(scope="session")
def small_plan_dir(tmp_path_factory) -> Path:
    return make_small_plan(tmp_path_factory.mktemp("small_plan"))


@pytest.fixture(scope="session")
def small_solved(small_plan_dir):
    from ntm_sched.domain import solve_plan
    from ntm_sched.plan import load_plan

    plan = load_plan(small_plan_dir)
    res = solve_plan(plan, time_limit=20, workers=1, seed=0)
    assert res.has_schedule, res.summary
    return plan, res


@pytest.fixture(scope="session")
def base_plan():
    from ntm_sched.scenario import load_scenario_and_plan

    return load_scenario_and_plan("base")


@pytest.fixture(scope="session")
def base_solved_1w():
    """The base plan solved with one worker and seed 0 (the exact plan the zero-spread test compares to)."""
    from ntm_sched.domain import solve_plan
    from ntm_sched.scenario import load_scenario_and_plan

    sc, plan = load_scenario_and_plan("base")
    res = solve_plan(plan, time_limit=30, workers=1, seed=0)
    assert res.has_schedule, res.summary
    return sc, plan, res


@pytest.fixture(scope="session")
def base_uncertainty(base_solved_1w):
    from ntm_sched.studies.risk.overrides import scenario_uncertainty

    sc, plan, _ = base_solved_1w
    return scenario_uncertainty(sc, plan)


@pytest.fixture()
def thread_client():
    """A tiny in-process Dask cluster (threads): fast to start, same code path as processes."""
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cl, \
            Client(cl) as client:
        yield client
