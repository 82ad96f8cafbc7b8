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


MONEY_LATE = ("07303", "07360")
"""Lan Giới and Ngọc Thiện with none of the plan's money and extra money only from 01/11/2019: Lan
Giới's works wait for money (late, but its dates were reachable), Ngọc Thiện's inspection of
31/08/2019 is out of reach whatever the money (earliest 05/09/2019 under the assumed durations)."""


def money_late_plan(plan: Any) -> Any:
    """The plan of :data:`MONEY_LATE`: late for lack of money beside late out of reach."""
    from ntm_sched.plan.edits import restrict_plan, scale_funding, set_settings

    return set_settings(scale_funding(restrict_plan(plan, MONEY_LATE), 0.0), {"extra_funding_from": "2019-11-01"})
