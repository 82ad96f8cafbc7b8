"""Build -> solve -> check -> tabulate, written once, and "keep a previous schedule if the
checker still accepts it". The report, the explorer and the studies call these."""

from __future__ import annotations

from collections.abc import Callable

from ntm_sched.domain.build import build
from ntm_sched.domain.model import NtmModel
from ntm_sched.domain.tables import PlanResult, tabulate
from ntm_sched.domain.verify import verify_result
from ntm_sched.engine import solve  # the package tolerates a missing OR-Tools until a solve is asked for
from ntm_sched.engine.checker import check
from ntm_sched.engine.options import SolveOptions, resolve_options
from ntm_sched.engine.result import Result, Solution, Status
from ntm_sched.plan import Plan


def solve_model(model: NtmModel, options: SolveOptions | None = None, *, hint: Solution | None = None) -> PlanResult:
    """Solve a built model (the engine checks the schedule) and tabulate the answer.

    Parameters
    ----------
    model
        The built model.
    options
        Solver options, passed whole (default :class:`~ntm_sched.engine.options.SolveOptions`;
        a caller changing one field passes ``options.with_(...)``).
    hint
        A previous :class:`ntm_sched.engine.Solution` to warm-start from.

    Returns
    -------
    PlanResult
        The tabulated answer.
    """
    return tabulate(model, solve(model.problem, resolve_options(options), hint=hint))


def solve_plan(plan: Plan, options: SolveOptions | None = None, *, hint: Solution | None = None,
               time_limit: float | None = None, workers: int | None = None, seed: int | None = None,
               log: bool | None = None) -> PlanResult:
    """Build, solve, check and tabulate a plan.

    Parameters
    ----------
    plan
        A validated plan (scenario edits applied).
    options
        Solver options (default :class:`~ntm_sched.engine.options.SolveOptions`); with
        ``workers=1`` and a fixed seed the answer is repeatable. ``time_limit``, ``workers``,
        ``seed`` and ``log`` override single fields when not ``None``.
    hint
        A previous :class:`ntm_sched.engine.Solution` to warm-start from.

    Returns
    -------
    PlanResult
        Always returned; an infeasible or timed-out solve says so in ``summary['status']``
        and carries the engine's explanation. Every schedule is also verified against the
        plan's own records (:func:`ntm_sched.domain.verify.verify_result`): ``summary['verified']``,
        and status ``INVALID`` when the verifier disagrees.
    """
    opts = resolve_options(options, time_limit=time_limit, workers=workers, seed=seed, log=log)
    res = solve_model(build(plan), opts, hint=hint)
    # checked against the plan's own records too: a disagreement makes the result INVALID
    return verify_result(plan, res)


def keep_if_valid(model: NtmModel, solution: Solution, runtime_s: float = 0.0) -> PlanResult | None:
    """A known schedule tabulated against ``model`` (status FEASIBLE) if the independent
    checker accepts it there, else ``None``."""
    rep = check(model.problem, solution)
    if not rep.ok:
        return None
    res = Result(status=Status.FEASIBLE, runtime_s=runtime_s, solution=solution)
    res.check = rep
    return tabulate(model, res)


def solve_keeping(model: NtmModel, previous: Solution | None, options: SolveOptions | None = None, *,
                  better: Callable[[PlanResult, PlanResult], bool] | None = None) -> tuple[PlanResult, bool]:
    """Solve ``model`` warm-started from ``previous`` and keep ``previous`` when it is still valid.

    The previous schedule is returned instead of the solve's answer when the checker accepts
    it under ``model`` and either the solve found no schedule (time limit) or
    ``better(kept, own)`` says it is better.

    Returns
    -------
    tuple
        The chosen :class:`PlanResult` and whether it is the previous schedule.
    """
    own = solve_model(model, options, hint=previous)
    if previous is None or (own.has_schedule and better is None):
        return own, False
    kept = keep_if_valid(model, previous, runtime_s=own.result.runtime_s)
    if kept is not None and (not own.has_schedule or (better is not None and better(kept, own))):
        return kept, True
    return own, False
