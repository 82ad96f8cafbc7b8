"""Precedences: finish-to-start and start-to-start, with lags.

Rule (:mod:`ntm_sched.engine.problem`): ``FS``: ``start(succ) >= end(pred) + lag``;
``SS``: ``start(succ) >= start(pred) + lag``.

Model
    One linear constraint per precedence (:func:`add_to_model`); the network also bounds every
    task's domain (:func:`ntm_sched.engine.families.tasks.bounds`).
Check
    :func:`check` (kind ``precedence``).
Explanation
    Never relaxed: :func:`~ntm_sched.engine.explain.earliest_times` propagates releases through
    the network (with calendars) for the bounds of hard deadlines and the horizon, and reports a
    cycle with positive lags as a ``structure`` conflict.
Serial generator
    A task is eligible once all its predecessors are placed; its earliest start is the largest
    ``end + lag`` (FS) or ``start + lag`` (SS) over them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ntm_sched.engine.families.base import Family, Valid
from ntm_sched.engine.problem import Precedence, Problem
from ntm_sched.engine.result import Solution, Violation

if TYPE_CHECKING:  # pragma: no cover
    from ntm_sched.engine.families.context import ModelContext


def earliest_successor_start(p: Precedence, pred_start: int, pred_end: int) -> int:
    """The rule of one precedence: the earliest start it allows its successor.

    Parameters
    ----------
    p
        The precedence.
    pred_start, pred_end
        When its predecessor starts and ends (exclusive).

    Returns
    -------
    int
        ``pred_end + lag`` (``FS``) or ``pred_start + lag`` (``SS``).
    """
    return (pred_end if p.kind == "FS" else pred_start) + p.lag


def add_to_model(ctx: ModelContext) -> None:
    """One constraint per precedence."""
    m, bm = ctx.model, ctx.bm
    for p in ctx.problem.precedences:
        if p.kind == "FS":
            m.add(bm.start[p.succ] >= bm.end[p.pred] + p.lag)
        else:
            m.add(bm.start[p.succ] >= bm.start[p.pred] + p.lag)


def check(problem: Problem, solution: Solution, valid: Valid) -> list[Violation]:
    """Every precedence between two well-formed entries holds."""
    out: list[Violation] = []
    for p in problem.precedences:
        if p.pred not in valid or p.succ not in valid:
            continue
        ps, pe, _ = valid[p.pred]
        ss = valid[p.succ][0]
        need = earliest_successor_start(p, ps, pe)
        if ss < need:
            out.append(Violation("precedence", f"{p.kind} {p.pred}->{p.succ} lag {p.lag}: {p.succ!r} starts at {ss}, "
                                 f"needs >= {need}", task=p.succ, period=ss))
    return out


FAMILY = Family(
    name="precedence",
    add_to_model=add_to_model,
    check=check,
    explain="never relaxed; earliest_times bounds hard deadlines and the horizon, a positive cycle is 'structure'",
    sgs="eligible once every predecessor is placed; earliest start = max(end or start of pred + lag)",
)
