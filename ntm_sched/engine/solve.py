"""Solve a problem with CP-SAT, check the schedule independently, explain failures.

Size (~600 lines): one solve sequence (lexicographic tiers, money warm start and completion, canonical
pass) whose steps share one deadline (on the solve's clock, :mod:`.clock`) and the built model; the model
itself is built by the families.
"""

from __future__ import annotations

import dataclasses
import time
import warnings

from ortools.sat.python import cp_model

from ntm_sched.engine import solve_cache
from ntm_sched.engine.builder import TIERS, BuiltModel, build_model, money_never_binds
from ntm_sched.engine.canonical import WHOLE_OBJECTIVE, canonicalize, held_values, tiers_all_proven
from ntm_sched.engine.checker import check as run_check
from ntm_sched.engine.clock import WALL_CUT_NOTE, counting_work, now, set_limit
from ntm_sched.engine.clock import deterministic as clock_counts_work
from ntm_sched.engine.cpsat import STATUS, make_solver, run_solver
from ntm_sched.engine.explain import explain_infeasibility, infeasible_without_search
from ntm_sched.engine.options import SolveOptions, resolve_options
from ntm_sched.engine.patterns import deadline_targets, followers, late_roots, pattern_search
from ntm_sched.engine.problem import Problem
from ntm_sched.engine.result import Canonical, Result, Solution, Status, TierResult


def is_plain_rcpsp(problem: Problem) -> bool:
    """True for single-mode problems without calendars, money, deadlines or profiles."""
    return (
        all(len(t.modes) == 1 and t.calendar is None and t.due is None for t in problem.tasks)
        and not problem.sources
        and not problem.budgets
        and all(not r.profile for r in problem.resources)
        and not problem.sessions
    )


def _tune_rcpsp(solver: cp_model.CpSolver) -> None:
    """Parameters measured on PSPLIB j30 (see benchmarks/README.md).

    Strong propagation in the disjunctive constraints (the redundant
    incompatibility cliques of the builder) proves the hard j30 instances faster.
    """
    solver.parameters.use_strong_propagation_in_disjunctive = True


def solve(
    problem: Problem,
    options: SolveOptions | None = None,
    *,
    hint: Solution | None = None,
    time_limit: float | None = None,
    workers: int | None = None,
    seed: int | None = None,
    log: bool | None = None,
    check: bool | None = None,
    explain: bool | None = None,
    money_formulation: str | None = None,
) -> Result:
    """Solve ``problem``.

    Parameters
    ----------
    problem
        The problem.
    options
        Solver options (:class:`~ntm_sched.engine.options.SolveOptions`, the one home of
        the defaults). The keyword arguments ``time_limit``, ``workers``, ``seed``, ``log``,
        ``check`` and ``explain`` override single fields of it when not ``None``:
        ``check`` runs the independent checker on the schedule (if it rejects the schedule
        the status becomes ``MODEL_INVALID``, never a success, and a warning is emitted);
        ``explain`` computes an :class:`~ntm_sched.engine.result.Explanation` when infeasible.
    hint
        A previous :class:`Solution` to warm-start from.
    money_formulation
        Overrides :attr:`SolveOptions.money_formulation <ntm_sched.engine.options.SolveOptions>`
        (``"auto"``: bucketed cash flow and money-aware warm start when money binds;
        ``"tranche"``: the formulation before issue 10, for benchmarks).

    Lexicographic objective
    -----------------------
    With ``problem.objective.lexicographic`` the tiers of
    :data:`~ntm_sched.engine.builder.TIERS` that have terms (lateness, extra funding,
    rest) are minimised one after the other on the same model. After each tier its
    expression is constrained ``<=`` the value found (the proven optimum, or the best
    found when its time ran out) and the tier's schedule is hinted to the next tier.
    ``time_limit`` covers all tiers: a non-final tier may use 70 % (two tiers after
    it) or 85 % (one after it) of the time left, the last tier all of it, so time an
    early tier does not use passes on. :attr:`Result.tiers` lists every tier.

    When the money can never restrict the schedule (every costly task may use an
    unlimited source available from period 0, :func:`~ntm_sched.engine.builder.money_never_binds`)
    the lateness tier is solved on a model without payments (same optimum, smaller
    model); its schedule is then completed with payments by a short solve with times
    and modes fixed, minimising the next tier, and that is hinted to the next tier.

    * ``status`` is OPTIMAL only if every tier is proven optimal, FEASIBLE if a
      schedule exists otherwise;
    * ``objective`` is the full weighted objective (the sum of the tiers' weighted
      expressions, as in the non-lexicographic model) of the final schedule;
    * ``best_bound`` is a lower bound on the full weighted objective of a
      lexicographically optimal schedule: the sum over tiers of the tier's CP-SAT
      bound when all tiers but the one just before it were proven optimal (then a
      lexicographic optimum lies in the tier's feasible set), else 0 for that tier
      (valid because all weights and unit prices are >= 0; ``None`` if some is
      negative). When every tier is optimal, ``best_bound == objective``.

    With ``options.canonical`` (the default), the last of two or more tiers is not searched on
    its own: once the tiers before it are proven, the canonical search
    (:func:`~ntm_sched.engine.canonical.canonicalize` with ``fold``) minimises "that tier, then
    the sum of starts" in one fixed search, which proves the tier and picks the schedule shown
    at once (on the base plan it replaced a two-worker tier search and saved about a fifth of
    the canonical search's work). When that search does not prove the tier, the tier is solved
    as the others are and the canonical search runs after it, as before (a note says so).

    Returns
    -------
    Result
    """
    opts = resolve_options(options, time_limit=time_limit, workers=workers, seed=seed, log=log, check=check,
                           explain=explain, money_formulation=money_formulation)
    if opts.lexicographic is not None and opts.lexicographic != problem.objective.lexicographic:
        problem = dataclasses.replace(
            problem, objective=dataclasses.replace(problem.objective, lexicographic=opts.lexicographic))
    t0 = time.perf_counter()
    # one search per problem at a time: another run searching it now is waited for (solve_cache.turn)
    with solve_cache.turn(problem, opts, hint) as kept:
        if kept is not None:  # proven and canonical, or searched on deterministic time: the same answer, checked again
            kept.runtime_s = time.perf_counter() - t0
            return kept
        with counting_work(opts.deterministic, opts.deterministic_safety.of(opts.time_limit)) as clock:
            res = _solve(problem, opts, hint)
        if clock is not None and clock.wall_cut:
            res.notes.append(WALL_CUT_NOTE)
        solve_cache.store(problem, opts, res, hint)  # only an answer any new search would repeat (its notes say how)
    return res


def _solve(problem: Problem, opts: SolveOptions, hint: Solution | None) -> Result:
    """:func:`solve` on the clock the options ask for (the caller's ``counting_work`` block)."""
    t0 = time.perf_counter()
    w0 = now()
    proof = infeasible_without_search(problem)
    if proof is not None:  # proven without search: the same answer on any machine, at any load
        res = Result(status=Status.INFEASIBLE, notes=[f"infeasible without search: {proof}"])
        if opts.explain:
            res.explanation = explain_infeasibility(problem, opts)
        res.runtime_s = time.perf_counter() - t0
        return res
    bm = build_model(problem, hint=hint, cash_flow=False if opts.money_formulation == "tranche" else None)
    present = [name for name in TIERS if not isinstance(bm.tier_expr(name), (int, float))]
    if problem.objective.lexicographic and present:
        res = _solve_lexicographic(problem, bm, present, w0, opts, hint)
        st, sol = res.status, res.solution
    else:
        warm = None
        notes: list[str] = []
        if bm.cash is not None and present:
            _, free = _payment_free(problem, opts.payment_free.of(opts.time_limit - (now() - w0)), opts)
            warm = _money_warm_start(problem, bm, hint, opts.time_limit - (now() - w0), opts,
                                     bm.objective_expr(), free=free, notes=notes)
        solver = make_solver(max(0.01, opts.time_limit - (now() - w0)), opts.workers, opts.seed,
                             opts.log)
        if is_plain_rcpsp(problem):
            _tune_rcpsp(solver)
        st, sol = run_solver(bm, solver)
        res = Result(status=st, runtime_s=0.0, solution=sol, notes=notes)
        if sol is not None:
            res.objective = float(solver.objective_value)
            res.best_bound = float(solver.best_objective_bound)
        elif st == Status.UNKNOWN and warm is not None:  # keep the checked warm start; the bound stays valid
            st = res.status = Status.FEASIBLE
            sol = res.solution = bm.solution_from(warm[1])
            res.objective = float(warm[1].value(bm.objective_expr()))
            res.best_bound = float(solver.best_objective_bound)
    if st == Status.MODEL_INVALID:
        res.notes.append(f"CP-SAT model invalid: {bm.model.validate()}")
    if sol is not None and opts.canonical and res.canonical is None and st in (Status.OPTIMAL, Status.FEASIBLE):
        sol = _canonical(problem, res, present, opts)
    if sol is not None:
        if res.best_bound is not None and res.objective is not None:
            res.gap = abs(res.objective - res.best_bound) / max(1.0, abs(res.objective))
        if opts.check:
            res.check = run_check(problem, sol)
            if not res.check.ok:
                res.notes.append(f"CHECKER REJECTED the {st.value} schedule: engine bug, do not use it")
                res.status = Status.MODEL_INVALID
                warnings.warn(f"engine schedule rejected by the checker:\n{res.check}", RuntimeWarning, stacklevel=2)
    elif st == Status.INFEASIBLE:
        res.best_bound = None
    res.runtime_s = time.perf_counter() - t0
    if st == Status.INFEASIBLE and opts.explain:
        res.explanation = explain_infeasibility(problem, opts)
    return res


def _canonical(problem: Problem, res: Result, present: list[str], opts: SolveOptions) -> Solution | None:
    """Replace ``res``'s schedule by the canonical one for its tiers' values (:mod:`~ntm_sched.engine.canonical`).

    Only when every tier was proven optimal (else the schedule found is kept, marked as not
    repeatable: ``tier_not_proven``). The tiers' values and the objective are those of the
    canonical schedule. Returns the schedule now in ``res``.
    """
    if problem.objective.lexicographic and present and res.tiers:
        held = held_values(res.tiers, present)
        proven = tiers_all_proven(res.tiers)
    elif res.objective is not None:
        held = {WHOLE_OBJECTIVE: round(res.objective)}
        proven = res.status == Status.OPTIMAL
    else:
        return res.solution
    if not proven:
        # the values held are not unique, so no search can make the answer repeatable: the schedule
        # found is kept and the outputs say its details may change (the search would only cost its
        # whole work limit, as it rarely proves anything under a tier not proven)
        res.canonical = Canonical(applied=False, repeatable=False, reasons=("tier_not_proven",))
        res.notes.append(res.canonical.note())
        return res.solution
    sol, can, values = canonicalize(problem, held, tiers_proven=proven, work=opts.canonical_work,
                                    wall=opts.canonical_wall, money_formulation=opts.money_formulation)
    res.canonical = can
    res.notes.append(can.note())
    if sol is None:
        return res.solution
    res.solution = sol
    if WHOLE_OBJECTIVE in values:
        res.objective = values[WHOLE_OBJECTIVE]
    elif values:
        old = {tr.name: tr.value for tr in res.tiers}
        res.tiers = [TierResult(tr.name, tr.status, values.get(tr.name, tr.value), tr.bound, tr.runtime_s)
                     for tr in res.tiers]
        if res.objective is not None:
            res.objective += sum(values[n] - (old[n] or 0.0) for n in values if n != "stability")
    return sol

TIER_PARAMETERS: dict[str, dict[str, int]] = {
    "stability": {"linearization_level": 2},
}
"""CP-SAT parameters of single tiers (:func:`_tune_tier`), measured in ``benchmarks/tier_parameters.py``: the full LP
relaxation proves the re-plan's stability tier (a sum of days moved) in less than half the time and work (the worked
example's week-1 re-plan: 10.2 -> 4.5 s, 2.6 -> 1.0 units). A proven tier's value is the same with any parameters,
and the answer shown is a function of the tiers' values (:mod:`~ntm_sched.engine.canonical`): they change how fast
it is found, not which. Not set on the lateness tier (slower) nor on the extra-funding tier: proven there in half
the time too, but where it is not proven within a deterministic budget (the cut table's 90 % level, 10 units) the
tiers after it were left less work and the answer was worse (benchmarks/README.md)."""


def _tune_tier(solver: cp_model.CpSolver, name: str) -> None:
    """Per-tier parameters, measured on the shipped base plan (benchmarks/README.md).

    One presolve round instead of the default: the tiers re-solve the same model
    with a hint, repeated presolve rounds cost more than they save there
    (median wall 2.7 s -> 2.1 s over 6 seeds, every tier a little faster). Then the tier's own
    :data:`TIER_PARAMETERS`.
    """
    solver.parameters.max_presolve_iterations = 1
    for key, value in TIER_PARAMETERS.get(name, {}).items():
        setattr(solver.parameters, key, value)


def _hint_all(m: cp_model.CpModel, values) -> None:
    """Replace the hints of ``m`` by a complete assignment (``values[k]`` for variable ``k``)."""
    m.clear_hints()
    for k, val in enumerate(values):
        m.add_hint(m.get_int_var_from_proto_index(k), val)


def _complete_money(
    bm: BuiltModel, sol: Solution, expr, time_limit: float, opts: SolveOptions
) -> tuple[list[int], cp_model.CpSolver] | None:
    """Values of every variable of ``bm`` for the times and modes of ``sol``, payments minimising ``expr``."""
    m2 = bm.model.clone()
    for tid, ts in sol.tasks.items():
        m2.add(m2.get_int_var_from_proto_index(bm.start[tid].index) == ts.start)
        m2.add(m2.get_int_var_from_proto_index(bm.end[tid].index) == ts.end)
        for k, lit in enumerate(bm.mode_lits.get(tid, [])):
            m2.add(m2.get_int_var_from_proto_index(lit.index) == int(k == ts.mode))
    m2.minimize(expr)  # same variable indices in the clone
    m2.clear_hints()
    solver = make_solver(time_limit, opts.workers, opts.seed, False)
    if solver.solve(m2) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return [int(solver.value(m2.get_int_var_from_proto_index(k))) for k in range(len(m2.proto.variables))], solver


def _complete_values(bm: BuiltModel, values: list[int], expr, opts: SolveOptions):
    """A solver holding ``values`` (a complete assignment of ``bm.model``): solve with every variable fixed."""
    m2 = bm.model.clone()
    for k, v in enumerate(values):
        pv = m2.proto.variables[k]
        pv.domain.clear()
        pv.domain.extend([v, v])
    m2.minimize(expr)
    m2.clear_hints()
    solver = make_solver(opts.complete_values_time, opts.workers, opts.seed, False)
    if solver.solve(m2) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    return list(values), solver


def _payment_free(problem: Problem, time_limit: float, opts: SolveOptions
                  ) -> tuple[float | None, Solution | None]:
    """The lateness tier of the problem without money: a lower bound and a schedule.

    Without payments the lateness tier is the light model's, which CP-SAT proves in a
    second or two on the base plan (benchmarks/README.md); its bound (the optimum when
    proven) is a true lower bound of the tier with money, since dropping the money
    constraints only adds schedules. Its schedule gives the targets of the
    deadline-pattern search (:mod:`ntm_sched.engine.patterns`). ``(None, None)`` when
    nothing was found in ``time_limit``.
    """
    if time_limit < 0.2:
        return None, None
    light = build_model(problem, money=False)
    light.model.minimize(light.tier_expr("lateness"))
    solver = make_solver(time_limit, opts.workers, opts.seed, False)
    _tune_tier(solver, "lateness")
    st = solver.solve(light.model)
    if st not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, None
    return float(solver.best_objective_bound), light.solution_from(solver)


def _money_warm_start(problem: Problem, bm: BuiltModel, hint: Solution | None, left: float, opts: SolveOptions,
                      expr=None, free: Solution | None = None,
                      notes: list[str] | None = None) -> tuple[list[int], cp_model.CpSolver] | None:
    """Hint a complete solution built by the money-aware schedule generation scheme, improved.

    When money binds, CP-SAT's own first schedules are poor and slow to come
    (benchmarks/README.md); :func:`ntm_sched.engine.heuristic.best_start` builds a
    checked schedule with payments in a fraction of a second. It is completed (every
    auxiliary variable) by a solve with times and modes fixed, then improved by the
    deadline-pattern search (:func:`ntm_sched.engine.patterns.pattern_search`, when the
    payment-free schedule ``free`` is given) and the deadline LNS, and hinted in full, so
    that CP-SAT starts from it. Returns the completed values and the solver holding them (so
    the caller can fall back on this schedule if the tier's solve finds none in its time),
    or ``None``. What the searches did is appended to ``notes``.
    """
    from ntm_sched.engine.heuristic import best_start

    t0 = now()
    start = best_start(problem, time_budget=opts.warm_start_sgs.of(left), seed=opts.seed, extra=hint)
    if start is None:
        return None
    expr = bm.tier_expr("lateness") if expr is None else expr
    done = _complete_money(bm, start, expr, opts.complete_money.of(left), opts)
    if done is None:
        return None
    values = done[0]
    improved = False
    still_late = True
    if free is not None:
        targets = deadline_targets(problem, free)
        pattern_time = opts.pattern_search.of(left - (now() - t0))
        if targets and pattern_time > 1.0:
            values, _, plog = pattern_search(bm, values, expr, targets, pattern_time, opts)
            improved = improved or plog.improved > 0
            if notes is not None:
                notes.append(plog.note())
            ends = {d: values[bm.end[d].index] for d in targets}
            still_late = bool(late_roots(ends, targets, followers(problem)))
    lns_time = opts.deadline_lns.of(left - (now() - t0))
    if still_late and not improved and lns_time > 1.0:
        from ntm_sched.engine.lns import deadline_lns

        values, moves = deadline_lns(bm, values, expr, lns_time, opts)
        improved = improved or moves > 0
    if improved:
        done = _complete_values(bm, values, expr, opts) or done
    _hint_all(bm.model, done[0])
    return done


def _warm_start_fallback(problem: Problem, bm: BuiltModel, hint: Solution | None, present: list[str],
                         deadline: float, opts: SolveOptions) -> tuple[list[int], cp_model.CpSolver] | None:
    """A checked schedule of the serial generator (:func:`~ntm_sched.engine.heuristic.best_start`, ``hint``
    among its candidates) completed on the full model (times and modes fixed), or ``None``.

    Used when the payment-free lateness tier found no schedule in its time: on thousands of tasks
    (a province) CP-SAT may find none within minutes while the generator needs seconds
    (``benchmarks/README.md``). Never reached when CP-SAT finds a schedule, so it changes no answer
    it used to give.
    """
    from ntm_sched.engine.heuristic import best_start

    start = best_start(problem, time_budget=opts.warm_start_sgs.of(max(0.0, deadline - now())),
                       seed=opts.seed, extra=hint)
    if start is None:
        return None
    # the lateness tier's own expression first: with times fixed it is the schedule's lateness (its
    # "late" literals and tardiness variables at their least); then, that lateness held (the caller
    # holds it too), the payments that minimise the next tier (the least extra funding)
    expr = bm.tier_expr(present[0])
    done = _complete_money(bm, start, expr, max(1.0, opts.complete_light.of(deadline - now())), opts)
    if done is None or len(present) < 2:
        return done
    bm.model.add(expr <= round(done[1].value(expr)))
    cheaper = _complete_money(bm, start, bm.tier_expr(present[1]),
                              max(1.0, opts.complete_light.of(deadline - now())), opts)
    return cheaper or done


def _held_tier_start(bm: BuiltModel, current: cp_model.CpSolver, expr, time_limit: float,
                     opts: SolveOptions) -> list[int] | None:
    """Values of every variable of ``bm.model`` minimising ``expr`` with every soft deadline's end held.

    ``current`` holds the schedule of the tiers so far; every task with a soft due date must end
    no later than there (a restriction: the tiers already fixed keep their values or improve).
    Returns the values when they improve on ``current``'s value of ``expr``, else ``None``.
    """
    if time_limit < 0.3:
        return None
    m2 = bm.model.clone()
    for t in bm.problem.tasks:
        if t.due is not None and not t.due_hard and t.id in bm.end:
            m2.add(m2.get_int_var_from_proto_index(bm.end[t.id].index) <= int(current.value(bm.end[t.id])))
    m2.minimize(expr)
    n = len(m2.proto.variables)
    _hint_all(m2, [int(current.value(bm.model.get_int_var_from_proto_index(k))) for k in range(n)])
    solver = make_solver(time_limit, opts.workers, opts.seed, False)
    if solver.solve(m2) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    if solver.objective_value >= current.value(expr):
        return None
    return [int(solver.value(m2.get_int_var_from_proto_index(k))) for k in range(n)]


def _solve_lexicographic(
    problem: Problem, bm: BuiltModel, present: list[str], t0: float, opts: SolveOptions,
    hint: Solution | None = None,
) -> Result:
    """Tier-by-tier minimisation (see :func:`solve`) from ``t0`` on the solve's clock (:func:`.clock.now`); the
    checker is run by the caller."""
    m = bm.model
    deadline = t0 + float(opts.time_limit)
    tiers: list[TierResult] = []
    sol: Solution | None = None
    last: cp_model.CpSolver | None = None
    status = Status.UNKNOWN
    stop = False
    # lateness tier without payments when money can never restrict the schedule
    light = None
    if present[0] == "lateness" and len(present) > 1 and bm.pay_start and money_never_binds(problem):
        light = build_model(problem, hint=hint, money=False)
    warm = None
    relaxed_bound = None
    notes: list[str] = []
    folded: tuple[Solution, Canonical, dict[str, float]] | None = None
    unproven_fold: tuple[Solution, Canonical, dict[str, float]] | None = None
    if present[0] == "lateness" and bm.cash is not None:
        relaxed_bound, free = _payment_free(problem, opts.payment_free.of(deadline - now()), opts)
        warm = _money_warm_start(problem, bm, hint, deadline - now(), opts, free=free, notes=notes)
    for i, name in enumerate(present):
        expr = bm.tier_expr(name)
        if stop:
            tiers.append(TierResult(name, Status.UNKNOWN, None, None, 0.0))
            continue
        later = len(present) - i - 1
        fold = later == 0 and i > 0 and opts.canonical and sol is not None and tiers_all_proven(tiers)
        if fold and clock_counts_work() and deadline - now() < opts.canonical_work:
            # on the deterministic clock, a fold that could overrun the time left is not started: the tier is
            # solved as the others are, in the time left (which path ran is a function of the work done, so the
            # answer still is one of the problem). Its work limit is never cut to the time left instead: a fixed
            # search whose limit falls while CP-SAT repairs its hint aborts the process (OR-Tools 9.15, "Check
            # failed: heuristics.fixed_search != nullptr", seen on the base plan with 0.02 units and 0.5 s).
            # On the wall clock it always runs, as before: which path ran must not depend on the machine's load.
            fold = False
            notes.append(f"tier {name!r} solved without the canonical search: less work left than it may take")
        if fold:
            # the last tier and the canonical schedule in one fixed search (canonicalize's ``fold``):
            # kept when it proves the tier, else the tier is solved as the others are
            t = time.perf_counter()
            fsol, can, fvals = canonicalize(problem, held_values(tiers, present), tiers_proven=True,
                                            work=opts.canonical_work, wall=opts.canonical_wall,
                                            money_formulation=opts.money_formulation, fold=name)
            if fsol is not None and can.schedule_proven and can.repeatable:
                folded = (fsol, can, fvals)
                tiers.append(TierResult(name, Status.OPTIMAL, fvals[name], fvals[name], time.perf_counter() - t))
                break
            if fsol is not None and can.repeatable:
                unproven_fold = (fsol, can, fvals)
            if fsol is not None:  # its schedule is at least as good in this tier as the last one: the tier's start
                m.clear_hints()
                bm.add_hint(fsol)
            notes.append(f"tier {name!r} not proven by the canonical search: solved as the others")
        left = max(0.0, deadline - now())
        solver = make_solver(max(0.01, left * opts.tier_share(later)), opts.workers, opts.seed, opts.log)
        _tune_tier(solver, name)
        t = time.perf_counter()
        if i == 0 and light is not None:
            light.model.minimize(light.tier_expr(name))
            st = STATUS.get(solver.solve(light.model), Status.UNKNOWN)
            if st in (Status.OPTIMAL, Status.FEASIBLE):
                value = float(solver.objective_value)
                done = _complete_money(bm, light.solution_from(solver), bm.tier_expr(present[1]),
                                       opts.complete_light.of(deadline - now()), opts)
                dt = time.perf_counter() - t
                if done is None:  # cannot happen when money_never_binds; be safe
                    tiers.append(TierResult(name, Status.UNKNOWN, None, None, dt))
                    stop = True
                    continue
                values, last = done
                sol = bm.solution_from(last)
                tiers.append(TierResult(name, st, value, float(solver.best_objective_bound), dt))
                m.add(expr <= round(value))
                _hint_all(m, values)
                continue
            kept = _warm_start_fallback(problem, bm, hint, present, deadline, opts) if st == Status.UNKNOWN else None
            if kept is not None:  # CP-SAT found no schedule in the tier's time (a province): keep the warm start
                values, last = kept
                sol = bm.solution_from(last)
                value = float(last.value(expr))
                tiers.append(TierResult(name, Status.FEASIBLE, value, float(solver.best_objective_bound),
                                        time.perf_counter() - t))
                notes.append("lateness tier: CP-SAT found no schedule in its time; the serial generator's "
                             "schedule is kept")
                m.add(expr <= round(value))
                _hint_all(m, values)
                continue
        else:
            if i > 0 and bm.cash is not None and last is not None:
                # money binds: a short solve with every soft deadline held to its end in the schedule
                # so far finds a good schedule of this tier fast (the full solve rarely does); hinted
                held = _held_tier_start(bm, last, expr, opts.held_tier_start.of(left), opts)
                if held is not None:
                    _hint_all(m, held)
                set_limit(solver, max(0.01, max(0.0, deadline - now()) * opts.tier_share(later)))
            m.minimize(expr)
            st = STATUS.get(solver.solve(m), Status.UNKNOWN)
        dt = time.perf_counter() - t
        if i == 0 and relaxed_bound is not None and st in (Status.FEASIBLE, Status.UNKNOWN):
            # the payment-free optimum bounds the tier from below (dropping the money relaxes it)
            cp_bound = float(solver.best_objective_bound)
            solver_bound = max(cp_bound, relaxed_bound)
        else:
            solver_bound = None
        if i == 0 and warm is not None and st == Status.UNKNOWN:
            # no schedule found in the tier's time: keep the (checked, completed) warm start;
            # the solver's bound stays a valid lower bound
            values, last = warm
            sol = bm.solution_from(last)
            value = float(last.value(expr))
            bnd = solver_bound if solver_bound is not None else float(solver.best_objective_bound)
            tiers.append(TierResult(name, Status.OPTIMAL if bnd >= value else Status.FEASIBLE, value, bnd, dt))
            if later:
                m.add(expr <= round(value))
                _hint_all(m, values)
            continue
        if st in (Status.OPTIMAL, Status.FEASIBLE):
            value = float(solver.objective_value)
            bnd = solver_bound if solver_bound is not None else float(solver.best_objective_bound)
            if bnd >= value:
                st = Status.OPTIMAL  # the relaxation's bound proves it
            tiers.append(TierResult(name, st, value, bnd, dt))
            sol, last = bm.solution_from(solver), solver
            if later:
                m.add(expr <= round(value))
                _hint_all(m, [solver.value(m.get_int_var_from_proto_index(k)) for k in range(len(m.proto.variables))])
        else:
            tiers.append(TierResult(name, st, None, None, dt))
            if sol is None:
                status = st  # INFEASIBLE, UNKNOWN or MODEL_INVALID on the first tier
            stop = True
    if (folded is None and unproven_fold is not None and tiers[-1].status == Status.OPTIMAL
            and tiers[-1].value is not None and unproven_fold[2][tiers[-1].name] <= tiers[-1].value):
        # the fixed search reached the last tier's optimum (proven by the tiers' search) without proving
        # it: its schedule is still the canonical one for these values (a function of the problem and
        # the values held before the last tier, which are unique), so no second canonical search runs
        folded = unproven_fold
    res = Result(status=status, solution=sol, tiers=tiers, notes=notes)
    if sol is None:
        return res
    res.status = Status.OPTIMAL if all(tr.status == Status.OPTIMAL for tr in tiers) else Status.FEASIBLE
    # the final schedule's value of every tier, with the non-lexicographic weights
    if folded is not None:  # the canonical schedule, already chosen
        res.solution, res.canonical, vals = folded
        notes.append(res.canonical.note())
    else:
        assert last is not None  # a schedule was found, so some tier's solver holds it
        vals = {name: float(last.value(bm.tier_expr(name))) for name in present}
    # report every tier's value in the final schedule (a later tier may improve an earlier,
    # not proven, tier: its constraint is only "<= best found")
    res.tiers = [TierResult(tr.name, tr.status, vals[tr.name], tr.bound, tr.runtime_s) for tr in tiers]
    const = sum(float(bm.tier_expr(name)) for name in TIERS
                if name not in present and name != "stability")  # constant tiers
    # the stability tier (distance to a reference schedule) only breaks ties: not in the objective
    res.objective = sum(v for name, v in vals.items() if name != "stability") + const
    o = problem.objective
    nonneg = min(o.tardiness, o.late_count, o.cost, o.extra_funding, o.makespan,
                 *(s.unit_price for s in problem.sources)) >= 0
    bound: float | None = const
    for i, tr in enumerate(tiers):
        if tr.name == "stability":
            continue
        valid = tr.bound is not None and all(tiers[j].status == Status.OPTIMAL for j in range(i - 1))
        if valid and bound is not None and tr.bound is not None:
            bound += tr.bound
        elif not nonneg:
            bound = None
            break
    res.best_bound = bound
    return res
