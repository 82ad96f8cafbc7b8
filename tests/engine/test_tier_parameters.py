"""The CP-SAT parameters of single tiers (``TIER_PARAMETERS``) change how fast a tier is proven, never the answer."""

from __future__ import annotations

import dataclasses
import random
import sys

import pytest

from ntm_sched.engine import Status, solve
from ntm_sched.engine.cpsat import make_solver
from tests.engine.test_solve_random import random_problem

SOLVE = sys.modules["ntm_sched.engine.solve"]  # the module (``ntm_sched.engine.solve`` is also its function's name)


def test_each_tier_gets_its_own_parameters_on_top_of_the_common_ones() -> None:
    for name, expected in (("stability", 2), ("extra_funding", 1), ("lateness", 1), ("rest", 1)):
        solver = make_solver(1.0, 1, 0, False)
        SOLVE._tune_tier(solver, name)
        assert solver.parameters.max_presolve_iterations == 1
        assert solver.parameters.linearization_level == expected, name


def test_a_proven_answer_is_the_same_without_them(monkeypatch: pytest.MonkeyPatch) -> None:
    """Random problems, each with a reference schedule (the stability tier of a re-plan): every proven answer with the
    tiers' parameters is the one without them, schedule and payments alike."""
    assert SOLVE.TIER_PARAMETERS  # the committed ones
    compared: dict[str, int] = {"stability": 0}
    for seed in range(16):
        p = random_problem(seed)
        rnd = random.Random(seed)
        p = dataclasses.replace(p, objective=dataclasses.replace(p.objective, lexicographic=True),
                                reference_starts={t.id: rnd.randint(0, 20) for t in p.tasks if rnd.random() < 0.7})
        with monkeypatch.context() as mp:
            with_them = solve(p, time_limit=10, workers=1, seed=0, explain=False)
            mp.setattr(SOLVE, "TIER_PARAMETERS", {})
            without = solve(p, time_limit=10, workers=1, seed=0, explain=False)
        assert with_them.status == without.status, seed
        if with_them.status == Status.OPTIMAL:
            assert with_them.solution == without.solution, seed
            for tier in with_them.tiers:
                compared[tier.name] = compared.get(tier.name, 0) + 1
    assert compared["stability"] >= 5, compared  # the tier with parameters of its own was compared
