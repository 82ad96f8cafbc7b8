from __future__ import annotations

import pytest
from engine_helpers import small_problem, valid_solution

from ntm_sched.engine import Problem, Solution


@pytest.fixture
def problem() -> Problem:
    return small_problem()


@pytest.fixture
def solution() -> Solution:
    return valid_solution()
