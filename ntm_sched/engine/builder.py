"""Translate a :class:`~ntm_sched.engine.problem.Problem` into a CP-SAT model, family by family.

The model follows the semantics in the docstring of :mod:`ntm_sched.engine.problem`. Each rule's
part of the model lives in its module of :mod:`ntm_sched.engine.families` (precedences, modes,
calendar breaks, renewable capacity, budgets, money, deadlines); :func:`build_model` makes every
task's variables (:mod:`ntm_sched.engine.families.tasks`), then loops over
:data:`~ntm_sched.engine.families.FAMILIES`:

1. for every task: its variables, its stability term, then each family's ``add_task``;
2. with ``redundant``: each family's ``add_redundant``;
3. each family's ``add_to_model``, then the objective's own terms
   (:mod:`ntm_sched.engine.families.objective`), the objective and the hint.

A plain RCPSP (single mode, no calendar, no money) gets exactly the textbook
model plus domain bounds from the precedence network.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from ntm_sched.engine.families import FAMILIES, objective
from ntm_sched.engine.families.capacity import incompatibility_cliques
from ntm_sched.engine.families.context import ModelContext
from ntm_sched.engine.families.money import money_never_binds
from ntm_sched.engine.families.tasks import add_task_variables, bounds
from ntm_sched.engine.model import TIERS, BuiltModel
from ntm_sched.engine.problem import Problem
from ntm_sched.engine.result import Solution

__all__ = ["TIERS", "BuiltModel", "build_model", "incompatibility_cliques", "money_never_binds"]


def build_model(
    problem: Problem,
    *,
    hint: Solution | None = None,
    deadline_assumptions: bool = False,
    soften_hard_deadlines: bool = False,
    relax: frozenset[tuple[str, str]] = frozenset(),
    redundant: bool = True,
    money: bool = True,
    cash_flow: bool | None = None,
) -> BuiltModel:
    """Build the CP-SAT model of ``problem``.

    Parameters
    ----------
    problem
        The problem.
    hint
        A previous solution to warm-start from.
    deadline_assumptions
        Guard every hard deadline by a literal in :attr:`BuiltModel.deadline_lits`
        (used as solver assumptions by the explainer) instead of hard-coding it.
    soften_hard_deadlines
        Replace hard deadlines by tardiness variables in :attr:`BuiltModel.tardiness`
        (no objective is set for them: the caller decides).
    relax
        ``(kind, name)`` pairs whose constraint is dropped: ``("resource", r)``,
        ``("budget", b)``, ``("source", s)`` (tranche limit ignored).
    redundant
        Add redundant constraints that help the search: a makespan lower bound
        (critical path, energy) and ``no_overlap`` over cliques of tasks that can
        never run together (:func:`incompatibility_cliques`).
    money
        Model the payments and sources (``False`` leaves them out: no payment
        variables, no extra-funding terms; used for the lateness tier when the
        money can never restrict the schedule, see :func:`money_never_binds`).

    Returns
    -------
    BuiltModel
    """
    m = cp_model.CpModel()
    bm = BuiltModel(problem, m)
    hard_in_domain = not (deadline_assumptions or soften_hard_deadlines)
    es, lf = bounds(problem, use_due=hard_in_domain)
    bm.earliest_start, bm.latest_end = es, lf
    ctx = ModelContext(problem, bm, relax, deadline_assumptions, soften_hard_deadlines, redundant, money, cash_flow,
                       es, lf)
    task_parts = [f.add_task for f in FAMILIES if f.add_task is not None]
    for t in problem.tasks:
        add_task_variables(ctx, t)
        objective.add_task(ctx, t)
        for add_task in task_parts:
            add_task(ctx, t)
    if redundant:
        for f in FAMILIES:
            if f.add_redundant is not None:
                f.add_redundant(ctx)
    for f in FAMILIES:
        if f.add_to_model is not None:
            f.add_to_model(ctx)
    objective.add_to_model(ctx)

    if any(bm.tier_terms.values()):
        m.minimize(bm.objective_expr())
    if hint is not None:
        bm.add_hint(hint)
    return bm
