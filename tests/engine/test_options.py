"""SolveOptions: the one home of solver defaults; overrides and checks."""

from __future__ import annotations

import pytest

from ntm_sched.engine import SolveOptions, solve
from ntm_sched.engine.options import resolve_options
from tests.engine.engine_helpers import small_problem


def test_defaults_and_overrides():
    o = SolveOptions()
    assert (o.time_limit, o.workers, o.seed, o.check, o.explain) == (10.0, 1, 0, True, True)
    assert o.with_(workers=None, seed=3) == SolveOptions(seed=3)
    assert resolve_options(None, time_limit=2) == SolveOptions(time_limit=2.0)
    assert resolve_options(SolveOptions(workers=2), seed=None).workers == 2


@pytest.mark.parametrize("bad", [{"time_limit": 0}, {"workers": 0}])
def test_bad_options_are_refused(bad):
    with pytest.raises(ValueError):
        SolveOptions(**bad)


def test_solve_takes_options_and_keyword_overrides():
    p = small_problem()
    a = solve(p, SolveOptions(time_limit=5, workers=1, seed=0))
    b = solve(p, time_limit=5, workers=1, seed=0)
    assert a.status == b.status and a.objective == b.objective
    assert solve(p, SolveOptions(check=False), time_limit=5).check is None
