"""Small plans solved once per test process, re-tabulated every time.

CP-SAT runs on the first request only (the full ``solve_plan`` path, verifier included); later
requests rebuild the engine problem from the plan, re-run the engine checker on the kept schedule,
tabulate and verify again. So the domain build, tables, summary and verifier are exercised on every
request while the solver runs once: the mutation benchmark (benchmarks/mutation.py) relies on it.
"""

from __future__ import annotations

from typing import Any

_SOLVED: dict[tuple[str, ...], Any] = {}
KW = {"time_limit": 10, "workers": 1, "seed": 0}


def solved(plan: Any, key: tuple[str, ...]) -> Any:
    """The :class:`~ntm_sched.ntm.PlanResult` of ``plan`` (``key`` names it in the cache)."""
    from ntm_sched import domain as ntm
    from ntm_sched.domain.verify import verify_result
    from ntm_sched.engine import Result, Status, check

    if key not in _SOLVED:
        res = ntm.solve_plan(plan, **KW)
        assert res.has_schedule, res.summary
        _SOLVED[key] = res.result
        return res
    first = _SOLVED[key]
    model = ntm.build(plan)
    result = Result(status=first.status, objective=first.objective, best_bound=first.best_bound, gap=first.gap,
                    runtime_s=first.runtime_s, solution=first.solution, tiers=list(first.tiers))
    result.check = check(model.problem, first.solution)
    if not result.check.ok:
        result.status = Status.MODEL_INVALID
    return verify_result(plan, ntm.tabulate(model, result))
