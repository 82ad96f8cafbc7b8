"""Non-renewable budgets: the summed use of the chosen modes is at most the budget.

Model
    One linear constraint per budget over the mode literals (a constant for single-mode tasks)
    (:func:`add_to_model`).
Check
    :func:`check` (kind ``budget``).
Explanation
    ``relax`` key ``("budget", name)``: the explainer drops one budget's constraint to see whether
    that alone removes a conflict.
Serial generator
    Not enforced: the first mode of every task is taken unless only another fits its resources
    and money, and budgets are left to CP-SAT (the warm start is only a hint).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ntm_sched.engine.families.base import Family, Relax, Valid
from ntm_sched.engine.problem import Problem
from ntm_sched.engine.result import Solution, Violation

if TYPE_CHECKING:  # pragma: no cover
    from ntm_sched.engine.families.context import ModelContext


def add_to_model(ctx: ModelContext) -> None:
    """One constraint per budget not relaxed."""
    m, bm = ctx.model, ctx.bm
    for bu in ctx.problem.budgets:
        if ("budget", bu.name) in ctx.relax:
            continue
        terms = []
        const = 0
        for t in ctx.problem.tasks:
            qs = [md.nonrenewable.get(bu.name, 0) for md in t.modes]
            if t.id in bm.mode_lits:
                terms += [q * x for q, x in zip(qs, bm.mode_lits[t.id]) if q]
            else:
                const += qs[0]
        m.add(sum(terms) + const <= bu.amount)


def check(problem: Problem, solution: Solution, valid: Valid) -> list[Violation]:
    """Every budget covers the use of the chosen modes."""
    out: list[Violation] = []
    tasks = {t.id: t for t in problem.tasks}
    for b in problem.budgets:
        tot = sum(tasks[tid].modes[m].nonrenewable.get(b.name, 0) for tid, (_, _, m) in valid.items())
        if tot > b.amount:
            out.append(Violation("budget", f"budget {b.name!r}: consumption {tot} > {b.amount}", resource=b.name))
    return out


FAMILY = Family(
    name="budget",
    add_to_model=add_to_model,
    check=check,
    relax=Relax("budget", lambda problem: [b.name for b in problem.budgets], lambda problem, name: "amount"),
    explain="relax ('budget', name): drop one budget's constraint",
    sgs="not enforced (the warm start is a hint; CP-SAT enforces budgets)",
)
