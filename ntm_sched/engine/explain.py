"""Explain why a problem is infeasible: which hard deadlines, resources, budgets or money conflict.

How each constraint family is relaxed or blamed is declared beside it
(:attr:`~ntm_sched.engine.families.base.Family.explain`); the limits tried one by one are the
``relax`` keys of the families that have one (:attr:`~ntm_sched.engine.families.base.Family.relax`:
resources, budgets, sources), in the order of :data:`~ntm_sched.engine.families.FAMILIES`.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from ntm_sched.engine.bounds import earliest_times
from ntm_sched.engine.builder import build_model
from ntm_sched.engine.clock import now
from ntm_sched.engine.cpsat import make_solver
from ntm_sched.engine.families import FAMILIES
from ntm_sched.engine.options import SolveOptions
from ntm_sched.engine.problem import Problem
from ntm_sched.engine.result import ConflictItem, Explanation

# the explanation types live in result.py (no import loop), earliest_times in bounds.py (no CP-SAT);
# both importable from here too
__all__ = ["ConflictItem", "Explanation", "earliest_times", "explain_infeasibility", "infeasible_without_search",
           "money_shortfall"]


def _feasible(problem: Problem, core: list[str], time_limit: float, opts: SolveOptions, relax=frozenset()):
    """Solve with only the deadlines of ``core`` enforced (one worker, ``time_limit`` of the solve's clock);
    return the CP-SAT status."""
    bm = build_model(problem, deadline_assumptions=True, relax=frozenset(relax))
    m = bm.model
    m.clear_objective()
    for tid, lit in bm.deadline_lits.items():
        if tid not in core:
            m.add(lit == 0)
    m.add_assumptions([bm.deadline_lits[t] for t in core])
    # on the solve's clock (wall seconds, or deterministic time in a deterministic solve: then the explanation is
    # the same at any load), attached to the stop flag
    solver = make_solver(max(0.05, time_limit), 1, opts.seed, False)
    st = solver.solve(m)
    core_out = None
    if st == cp_model.INFEASIBLE:
        idx = {lit.index: tid for tid, lit in bm.deadline_lits.items()}
        core_out = [idx[i] for i in solver.sufficient_assumptions_for_infeasibility() if i in idx]
    return st, core_out


def explain_infeasibility(
    problem: Problem, options: SolveOptions | None = None, total_time: float | None = None
) -> Explanation:
    """Find the hard deadlines that cannot be met and what makes them conflict.

    Steps:

    1. *Bounds* (no CP-SAT): every hard deadline earlier than the task's earliest
       possible end (:func:`earliest_times`) is impossible on its own; it is reported
       with the periods it needs at least (``earliest end - due``).
    2. The other hard deadlines are probed together with CP-SAT; if they still
       conflict, an assumption core is minimised by deletion and every resource,
       budget and limited source is relaxed in turn to see which one alone removes
       the conflict.
    3. A relaxation: hard deadlines become soft and the total tardiness is minimised;
       :attr:`Explanation.extra_periods` is the fix found (never below the bound of step 1).

    Parameters
    ----------
    problem
        An infeasible problem.
    options
        Solver settings (default :class:`~ntm_sched.engine.options.SolveOptions`; assumption cores
        use one worker). From ``tl = max(options.explain_min_time, options.time_limit)``: each
        auxiliary CP-SAT solve gets ``options.explain_probe`` of it (``max(0.5, min(5, tl / 4))``
        seconds). Times are the solve's clock (:mod:`ntm_sched.engine.clock`): wall seconds, or in a
        deterministic solve units of CP-SAT's deterministic time, and then the explanation is the same at
        any load.
    total_time
        Budget of the whole explanation (default ``options.explain_total`` of ``tl``,
        ``max(10, 3 * tl)`` seconds); steps left when it runs out are skipped and said so.

    Returns
    -------
    Explanation
    """
    opts = options if options is not None else SolveOptions()
    time_limit = max(opts.explain_min_time, opts.time_limit)
    t_end = now() + (opts.explain_total.of(time_limit) if total_time is None else total_time)
    tl_probe = opts.explain_probe.of(time_limit)

    def tl() -> float:
        return max(0.0, min(tl_probe, t_end - now()))

    hard = [t.id for t in problem.tasks if t.due is not None and t.due_hard]
    items: list[ConflictItem] = []
    notes: list[str] = []
    es, ee, cyclic = earliest_times(problem)
    lower: dict[str, int] = {}
    for t in problem.tasks:
        if t.due is not None and t.due_hard and ee[t.id] > t.due:
            lower[t.id] = ee[t.id] - t.due
            items.append(ConflictItem("deadline", t.id, f"{t.label or t.id} due at {t.due}, earliest possible end "
                                      f"{ee[t.id]} from releases, precedences and calendars"))
    over_h = [t.id for t in problem.tasks if ee[t.id] > problem.horizon]
    if cyclic or over_h:
        why = "the precedences form a cycle with positive lags" if cyclic else (
            f"{len(over_h)} task(s) cannot end by the horizon {problem.horizon} (e.g. {over_h[0]}, earliest end "
            f"{ee[over_h[0]]})")
        items.append(ConflictItem("structure", "problem", why))
    if over_h and not cyclic:
        items += calendar_causes(problem, over_h)
    shortfall = money_shortfall(problem)
    if shortfall:
        items.append(ConflictItem("money", "total", f"the works cost at least {shortfall['cost']} but the limited "
                                  f"sources they may use release {shortfall['released']} in all"))
    rest = [tid for tid in hard if tid not in lower]
    core: list[str] = []
    if not (cyclic or over_h or shortfall):
        st, found = _feasible(problem, rest, tl(), opts)
        if st == cp_model.INFEASIBLE and found:
            core = [tid for tid in rest if tid in found]
            for tid in list(core):  # deletion-based minimisation
                if tl() <= 0:
                    notes.append("core not minimised (time budget spent)")
                    break
                trial = [x for x in core if x != tid]
                st2, found2 = _feasible(problem, trial, tl(), opts)
                if st2 == cp_model.INFEASIBLE:
                    core = [x for x in trial if x in found2] if found2 else trial
            for tid in core:
                t = problem.task(tid)
                items.append(ConflictItem("deadline", tid, f"{t.label or tid} due at {t.due}"))
        elif st == cp_model.INFEASIBLE:
            items.append(ConflictItem("structure", "problem",
                                      "infeasible even without hard deadlines (horizon, releases, precedences, "
                                      "capacities, budgets or money)"))
        elif st == cp_model.UNKNOWN:
            notes.append(f"whether the other {len(rest)} hard deadlines can be met together was not decided "
                         "within the time limit")
    # which limits matter for the CP-SAT core (bound-impossible deadlines never depend on a limit)
    limit_items: list[ConflictItem] = []
    if core or any(i.kind in ("structure", "money") for i in items) and not (cyclic or over_h):
        limits = [(f.relax, name) for f in FAMILIES if f.relax is not None for name in f.relax.names(problem)]
        if shortfall and not core:
            # money short whatever the schedule: a limit whose dropping leaves the money short (the proof
            # without search still holds) does not remove the conflict alone; only the others are searched
            limits = [(rx, name) for rx, name in limits
                      if rx.money is not None and not money_shortfall(rx.money(problem, name))]
        for rx, name in limits:
            if tl() <= 0:
                notes.append("not every resource, budget and source was tried (time budget spent)")
                break
            st3, _ = _feasible(problem, core, tl(), opts, relax={(rx.kind, name)})
            if st3 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                detail = rx.detail(problem, name)
                limit_items.append(ConflictItem(rx.kind, name, f"relaxing its {detail} alone removes the conflict"))
    items += limit_items
    # a relaxation of the deadlines
    extra: dict[str, int] = dict(lower)
    dl = [i for i in items if i.kind == "deadline"]
    fix_note = ""
    if dl and not (cyclic or over_h) and tl() > 0:
        bm = build_model(problem, soften_hard_deadlines=True)
        bm.model.minimize(sum(bm.tardiness.values()))
        solver = make_solver(tl(), max(1, opts.workers), opts.seed, False)
        st4 = solver.solve(bm.model)
        if st4 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            for tid, v in bm.tardiness.items():
                val = int(solver.value(v))
                if val > 0:
                    extra[tid] = max(val, extra.get(tid, 0))
            fix_note = "smallest fix" if st4 == cp_model.OPTIMAL else "a fix"
    parts = []
    bound_dl = [i for i in dl if i.name in lower]
    core_dl = [i for i in dl if i.name not in lower]
    if bound_dl:
        parts.append(f"{len(bound_dl)} hard deadline(s) are impossible on their own (earliest possible end from "
                     "releases, precedences and calendars is later): "
                     + ", ".join(f"{i.name} needs at least +{lower[i.name]} periods" for i in bound_dl))
    if core_dl:
        parts.append("the hard deadlines of " + ", ".join(f"{i.name} ({i.detail})" for i in core_dl)
                     + " cannot all be met together")
    st_items = [i for i in items if i.kind in ("structure", "money")]
    if st_items:
        parts.append(st_items[0].detail)
    for i in items:
        if i.kind == "calendar":
            parts.append(f"calendar {i.name}: {i.detail}")
    if limit_items:
        parts.append("binding: " + ", ".join(f"{i.kind} {i.name}" for i in limit_items)
                     + " (relaxing any one of them alone makes it feasible)")
    elif core_dl:
        parts.append("no single resource, budget or source limit explains it alone (precedences, releases, "
                     "calendars or several limits together)")
    if fix_note:
        parts.append(f"{fix_note} found (hard deadlines softened, total tardiness minimised): "
                     + ", ".join(f"deadline of {k} needs +{v} periods" for k, v in sorted(extra.items())))
    parts += notes
    sentence = ("Infeasible: " + "; ".join(parts) + "." if parts
                else "Infeasible (no cause found within the time limit).")
    return Explanation(tuple(items), extra, sentence, shortfall)


def infeasible_without_search(problem: Problem) -> str | None:
    """A proof of infeasibility that needs no search, or ``None``.

    Three bounds, each exact as a proof: a hard deadline earlier than the task's earliest
    possible end from releases, precedences and calendars; a task that cannot end by the
    horizon (or a precedence cycle with positive lags); money short whatever the schedule
    (:func:`money_shortfall`). :func:`ntm_sched.engine.solve` answers INFEASIBLE from these
    at once, so the answer does not depend on the time limit or on the machine's load.
    """
    es, ee, cyclic = earliest_times(problem)
    if cyclic:
        return "the precedences form a cycle with positive lags"
    late = [t for t in problem.tasks if t.due is not None and t.due_hard and ee[t.id] > t.due]
    if late:
        t = late[0]
        return (f"{len(late)} hard deadline(s) earlier than the earliest possible end (e.g. {t.label or t.id} "
                f"due at {t.due}, earliest end {ee[t.id]})")
    over = [t for t in problem.tasks if ee[t.id] > problem.horizon]
    if over:
        t = over[0]
        return (f"{len(over)} task(s) cannot end by the horizon {problem.horizon} (e.g. {t.label or t.id}, "
                f"earliest end {ee[t.id]})")
    short = money_shortfall(problem)
    if short:
        return (f"the works cost at least {short['cost']} but the limited sources they may use release "
                f"{short['released']} in all")
    return None


def calendar_causes(problem: Problem, over_h: list[str]) -> list[ConflictItem]:
    """The calendar breaks that alone keep tasks from ending by the horizon (no CP-SAT).

    For each calendar of a task in ``over_h``, each break reaching into the horizon is removed in
    turn and :func:`earliest_times` recomputed: a break whose removal lets more tasks end by the
    horizon is a cause. When no single break is, but removing all of a calendar's breaks in the
    horizon is, those breaks together are named.
    """
    out: list[ConflictItem] = []
    n_over = len(over_h)
    cals = {c for c in (problem.task(t).calendar for t in over_h) if c is not None}
    for name in sorted(cals):
        c = problem.calendar(name)
        if c is None:
            continue
        inside = [b for b in c.breaks if b[0] < problem.horizon]
        found = []
        for b in inside:
            _, ee2, _ = earliest_times(problem, (name, frozenset({b})))
            if sum(1 for v in ee2.values() if v > problem.horizon) < n_over:
                found.append(b)
        if not found and len(inside) > 1:
            _, ee2, _ = earliest_times(problem, (name, frozenset(inside)))
            if sum(1 for v in ee2.values() if v > problem.horizon) < n_over:
                found = inside
        for b in found:
            covers = b[0] <= 0 and b[1] >= problem.horizon
            out.append(ConflictItem(
                "calendar", name,
                f"break [{b[0]}, {b[1]}) " + ("covers the whole horizon" if covers else "leaves too few working "
                                                "periods before the horizon")
                + f" {problem.horizon}: no task on this calendar may start inside it; removing it lets tasks end "
                  f"by the horizon",
                periods=b))
    return out


def money_shortfall(problem: Problem) -> dict[str, int]:
    """Money too short whatever the schedule (no CP-SAT): the cheapest modes of the tasks that
    only limited sources may pay cost more than those sources release in all.

    Returns ``{"cost": C, "released": R}`` when ``C > R``, else an empty dict.
    """
    if not problem.sources:
        return {}
    unlimited = {s.name for s in problem.sources if s.unlimited}
    cost = 0
    usable: set[str] = set()
    for t in problem.tasks:
        c = min(m.cost for m in t.modes)
        if c <= 0:
            continue
        allowed = set(problem.sources_for(t))
        if allowed & unlimited:
            continue
        cost += c
        usable |= allowed
    released = sum(problem.source(n).total for n in usable)
    return {"cost": cost, "released": released} if cost > released else {}
