"""Problems derived from problems: what the studies ask of the engine ("with unlimited money",
"with these deadlines hard", "with these tranches").

Each function returns a new :class:`~ntm_sched.engine.problem.Problem` (problems are frozen);
none knows what a commune is. Scaling the money is not here: the engine holds amounts already
rounded down to whole million VND, so a scale must start from the plan's amounts
(:func:`ntm_sched.domain.build.scaled_funding`, one rule with the plan-level edit).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from ntm_sched.engine.problem import Objective, Problem, Source, Tranche


def unlimited_sources(problem: Problem, price: int) -> Problem:
    """Every source unlimited, each unit drawn priced ``price`` in the objective."""
    srcs = tuple(Source(s.name, unlimited=True, unit_price=price) for s in problem.sources)
    return dataclasses.replace(problem, sources=srcs)


def hard_dues(problem: Problem, dues: Mapping[str, int] | None = None) -> Problem:
    """Every deadline hard; a task listed in ``dues`` is held to ``max(its due, dues[task])``."""
    tasks = []
    for t in problem.tasks:
        if t.due is None:
            tasks.append(t)
        else:
            d = max(t.due, (dues or {}).get(t.id, t.due))
            tasks.append(dataclasses.replace(t, due=d, due_hard=True))
    return dataclasses.replace(problem, tasks=tuple(tasks))


def with_tranches(problem: Problem, tranches: Mapping[str, Sequence[Tranche]]) -> Problem:
    """``problem`` with each source limited to the given tranches (none: an empty source)."""
    srcs = tuple(Source(s.name, tuple(tranches.get(s.name, ()))) for s in problem.sources)
    return dataclasses.replace(problem, sources=srcs)


def with_objective(problem: Problem, objective: Objective) -> Problem:
    """``problem`` with another objective."""
    return dataclasses.replace(problem, objective=objective)
