from __future__ import annotations

import pytest

from ntm_sched.engine import Problem, Solution
from tests.engine.engine_helpers import small_problem, valid_solution


@pytest.fixture
def problem() -> Problem:
    return small_problem()


@pytest.fixture
def solution() -> Solution:
    return valid_solution()
