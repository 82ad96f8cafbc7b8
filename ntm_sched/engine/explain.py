"""Explain why a problem is infeasible: which hard deadlines, resources, budgets or money conflict."""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from ntm_sched.engine.builder import build_model
from ntm_sched.engine.problem import Problem


@dataclass(frozen=True)
class ConflictItem:
    """One member of a conflict: ``kind`` is ``deadline``, ``resource``, ``budget``, ``source`` or ``structure``."""

    kind: str
    name: str
    detail: str = ""


@dataclass
class Explanation:
    """Why no schedule exists.

    Attributes
    ----------
    items
        The conflicting deadlines (a minimal set that cannot all hold) and the
        resources, budgets and sources whose limit alone makes them infeasible.
    extra_periods
        Smallest relaxation found: task id to the periods its hard deadline must move.
    sentence
        A readable summary.
    """

    items: tuple[ConflictItem, ...] = ()
    extra_periods: dict[str, int] = field(default_factory=dict)
    sentence: str = ""

    def names(self, kind: str) -> list[str]:
        """Names of the items of one kind."""
        return [i.name for i in self.items if i.kind == kind]

    def __str__(self) -> str:
        return self.sentence


def _feasible(problem: Problem, core: list[str], relax=frozenset(), time_limit=5.0, seed=0, workers=1):
    """Solve with only the deadlines of ``core`` enforced; return the CP-SAT status."""
    bm = build_model(problem, deadline_assumptions=True, relax=frozenset(relax))
    m = bm.model
    m.clear_objective()
    for tid, lit in bm.deadline_lits.items():
        if tid not in core:
            m.add(lit == 0)
    m.add_assumptions([bm.deadline_lits[t] for t in core])
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = seed
    st = solver.solve(m)
    core_out = None
    if st == cp_model.INFEASIBLE:
        idx = {lit.index: tid for tid, lit in bm.deadline_lits.items()}
        core_out = [idx[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in idx]
    return st, core_out


def explain_infeasibility(problem: Problem, time_limit: float = 10.0, workers: int = 1, seed: int = 0) -> Explanation:
    """Find a minimal set of conflicting hard deadlines and what makes them conflict.

    Parameters
    ----------
    problem
        An infeasible problem.
    time_limit
        Seconds per auxiliary solve.
    workers, seed
        Solver settings (assumption cores use one worker).

    Returns
    -------
    Explanation
    """
    tl = max(0.5, time_limit / 4)
    hard = [t.id for t in problem.tasks if t.due is not None and t.due_hard]
    items: list[ConflictItem] = []
    core: list[str] = []
    st, found = _feasible(problem, hard, time_limit=tl, seed=seed)
    if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Explanation((), {}, "the problem is feasible: nothing to explain")
    if st == cp_model.INFEASIBLE and found:
        core = [t for t in hard if t in found]
        # deletion-based minimisation
        for tid in list(core):
            trial = [t for t in core if t != tid]
            st2, found2 = _feasible(problem, trial, time_limit=tl, seed=seed)
            if st2 == cp_model.INFEASIBLE:
                core = [t for t in trial if not found2 or t in found2] if found2 else trial
        for tid in core:
            t = problem.task(tid)
            items.append(ConflictItem("deadline", tid, f"{t.label or tid} due at {t.due}"))
    elif st == cp_model.INFEASIBLE:
        items.append(ConflictItem("structure", "problem",
                                  "infeasible even without hard deadlines (horizon, releases, precedences, "
                                  "capacities, budgets or money)"))
    # which limits matter
    limits = [("resource", r.name) for r in problem.resources] + [("budget", b.name) for b in problem.budgets]
    limits += [("source", s.name) for s in problem.sources if not s.unlimited]
    for kind, name in limits:
        st3, _ = _feasible(problem, core, relax={(kind, name)}, time_limit=tl, seed=seed)
        if st3 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            detail = {"resource": "capacity", "budget": "amount", "source": "tranche schedule"}[kind]
            items.append(ConflictItem(kind, name, f"relaxing its {detail} alone removes the conflict"))
    # smallest relaxation of the deadlines
    extra: dict[str, int] = {}
    if core:
        bm = build_model(problem, soften_hard_deadlines=True)
        bm.model.minimize(sum(bm.tardiness.values()))
        solver = cp_model.CpSolver()
        solver.parameters.max_time_in_seconds = tl
        solver.parameters.num_workers = max(1, workers)
        solver.parameters.random_seed = seed
        st4 = solver.solve(bm.model)
        if st4 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            extra = {tid: int(solver.value(v)) for tid, v in bm.tardiness.items() if solver.value(v) > 0}
    parts = []
    dl = [i for i in items if i.kind == "deadline"]
    if dl:
        parts.append("the hard deadlines of " + ", ".join(f"{i.name} ({i.detail})" for i in dl)
                     + " cannot all be met together")
    st_items = [i for i in items if i.kind == "structure"]
    if st_items:
        parts.append(st_items[0].detail)
    lim = [i for i in items if i.kind in ("resource", "budget", "source")]
    if lim:
        parts.append("binding: " + ", ".join(f"{i.kind} {i.name}" for i in lim)
                     + " (relaxing any one of them alone makes it feasible)")
    elif dl:
        parts.append("no single resource, budget or source limit explains it alone (precedences, releases, "
                     "calendars or several limits together)")
    if extra:
        parts.append("smallest fix found: " + ", ".join(f"deadline of {k} needs +{v} periods"
                                                         for k, v in sorted(extra.items())))
    sentence = "Infeasible: " + "; ".join(parts) + "." if parts else "Infeasible (no cause found within the time limit)."
    return Explanation(tuple(items), extra, sentence)
