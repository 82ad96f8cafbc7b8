"""The handle of a built CP-SAT model: :class:`BuiltModel` and the objective tiers.

Built by :func:`ntm_sched.engine.builder.build_model` (family by family, see
:mod:`ntm_sched.engine.families`); read by the solve, the explainer and the studies.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ortools.sat.python import cp_model

from ntm_sched.engine.problem import Problem
from ntm_sched.engine.result import Payment, Solution, TaskSchedule

if TYPE_CHECKING:  # pragma: no cover
    from ntm_sched.engine.cashflow import CashFlow

TIERS = ("lateness", "extra_funding", "rest", "stability")
"""Objective tiers in lexicographic order: tardiness and late counts; priced draws on
unlimited sources; everything else (cost, makespan); distance to the reference schedule
(only with ``Problem.reference_starts`` and a lexicographic objective)."""


@dataclass
class BuiltModel:
    """A CP-SAT model and the handles needed to read or hint a solution."""

    problem: Problem
    model: cp_model.CpModel
    start: dict[str, cp_model.IntVar] = field(default_factory=dict)
    end: dict[str, cp_model.IntVar] = field(default_factory=dict)
    mode_lits: dict[str, list] = field(default_factory=dict)  # only for tasks with > 1 mode
    pay_start: dict[tuple[str, str], Any] = field(default_factory=dict)  # (task, source) -> var or int
    pay_end: dict[tuple[str, str], Any] = field(default_factory=dict)
    cmax: cp_model.IntVar | None = None
    deadline_lits: dict[str, cp_model.IntVar] = field(default_factory=dict)
    tardiness: dict[str, cp_model.IntVar] = field(default_factory=dict)
    earliest_start: dict[str, int] = field(default_factory=dict)
    latest_end: dict[str, int] = field(default_factory=dict)
    makespan_lb: int = 0
    tier_terms: dict[str, list] = field(default_factory=lambda: {name: [] for name in TIERS})
    late_lits: dict[str, cp_model.IntVar] = field(default_factory=dict)  # task -> "late" literal (soft due)
    tard_vars: dict[str, cp_model.IntVar] = field(default_factory=dict)  # task -> days late (soft due)
    cash: CashFlow | None = None  # handles when money uses the bucketed cash-flow formulation

    def tier_expr(self, name: str):
        """The weighted objective terms of one tier (see :data:`TIERS`), 0 if it has none."""
        return sum(self.tier_terms[name])

    def objective_expr(self):
        """The full weighted objective: the sum of every tier but ``stability`` (a tie-break only)."""
        return sum(sum(v) for k, v in self.tier_terms.items() if k != "stability")

    def mode_value(self, solver: cp_model.CpSolver, tid: str) -> int:
        lits = self.mode_lits.get(tid)
        if not lits:
            return 0
        for k, lit in enumerate(lits):
            if solver.boolean_value(lit):
                return k
        raise RuntimeError(f"no mode selected for task {tid!r}")

    def solution_from(self, solver: cp_model.CpSolver) -> Solution:
        """Read the current solution of ``solver``."""
        tasks = {}
        for t in self.problem.tasks:
            tasks[t.id] = TaskSchedule(t.id, int(solver.value(self.start[t.id])), int(solver.value(self.end[t.id])),
                                       self.mode_value(solver, t.id))
        if self.cash is not None:
            return Solution(tasks, tuple(self.cash.payments(
                solver, {k: v.start for k, v in tasks.items()}, {k: v.end for k, v in tasks.items()},
                {k: v.mode for k, v in tasks.items()})))
        pays = []
        for (tid, src), expr in self.pay_start.items():
            a = int(solver.value(expr))
            if a:
                pays.append(Payment(tid, src, tasks[tid].start, a))
        for (tid, src), expr in self.pay_end.items():
            a = int(solver.value(expr))
            if a:
                pays.append(Payment(tid, src, tasks[tid].end, a))
        return Solution(tasks, tuple(pays))

    def add_hint(self, sol: Solution) -> None:
        """Hint a previous solution (warm start); unknown tasks are ignored."""
        m = self.model
        for t in self.problem.tasks:
            ts = sol.tasks.get(t.id)
            if ts is None:
                continue
            m.add_hint(self.start[t.id], ts.start)
            m.add_hint(self.end[t.id], ts.end)
            for k, lit in enumerate(self.mode_lits.get(t.id, [])):
                m.add_hint(lit, k == ts.mode)
        if self.cash is not None:
            known = [t.id for t in self.problem.tasks if t.id in sol.tasks]
            self.cash.add_hint(m, {k: sol.tasks[k].start for k in known}, {k: sol.tasks[k].end for k in known},
                               {k: sol.tasks[k].mode for k in known}, list(sol.payments))
            return
        amounts: dict[tuple[str, str, int], int] = defaultdict(int)
        for p in sol.payments:
            amounts[(p.task_id, p.source, p.time)] += p.amount
        for (tid, src), var in self.pay_start.items():
            if isinstance(var, cp_model.IntVar) and tid in sol.tasks:
                m.add_hint(var, amounts.get((tid, src, sol.tasks[tid].start), 0))
        for (tid, src), var in self.pay_end.items():
            if isinstance(var, cp_model.IntVar) and tid in sol.tasks:
                ts = sol.tasks[tid]
                m.add_hint(var, amounts.get((tid, src, ts.end), 0) if ts.end != ts.start else 0)
