"""The base plan and its solve, shared by the domain tests (solved once per session)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ntm_sched import domain as ntm
from ntm_sched.plan import load_plan

DATA = Path(__file__).resolve().parents[2] / "data" / "tan_yen_2019"


@pytest.fixture(scope="session")
def plan():
    return load_plan(DATA)


@pytest.fixture(scope="session")
def base(plan) -> ntm.PlanResult:
    return ntm.solve_plan(plan, time_limit=60, workers=1, seed=0)
