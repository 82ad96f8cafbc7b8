"""One Monte Carlo sample of a solved plan: draw, re-time (or re-plan), measure.

:func:`~ntm_sched.studies.risk.setup.make_setup` turns a solved plan
(:class:`~ntm_sched.domain.PlanResult`) and its
:class:`~ntm_sched.studies.risk.uncertainty.Uncertainty` into a :class:`RiskSetup`: plain,
picklable data that Dask ships to every worker once. :func:`simulate` computes one sample
from ``(setup, index)`` alone: the sample's random numbers come from its own seed
``(seed, index)``, so a sample's result never depends on which worker computed it or in what
order (identical results for the same seed whatever the number of workers).

Every uncertain input takes exactly one uniform draw at a fixed position of the sample's
draw vector and is turned into a value by its inverse CDF. Changing one input's distribution
changes no other input's value (common random numbers), and widening a distribution moves
each sample's value away from the mode.

On time (the project's one definition): an owner (commune or the district) is on time when
every milestone of its chain that carries a target date finishes on or before that target;
otherwise it is late and the first missed milestone is the reason.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from ntm_sched.studies.risk.retime import Perturbation, Retimed, RetimeModel, retime
from ntm_sched.studies.risk.setup import DISTRICT, Outcome, RiskSetup, make_setup

# the setup's names, imported from here by the callers of the samples
__all__ = ["DISTRICT", "Draw", "Outcome", "RiskSetup", "draw", "make_setup", "measure", "perturbation",
           "replan_problem", "simulate", "simulate_chunk", "simulate_fixed", "simulate_replan"]

# ---------------------------------------------------------------------------
# one sample
# ---------------------------------------------------------------------------
@dataclass
class Draw:
    """A sample's values: per task factors and added days, capacities, tranches, inputs."""

    dur_factor: np.ndarray
    dur_add: np.ndarray
    cost_factor: np.ndarray
    capacity: list[np.ndarray] | None
    tranches: list[list[tuple[int, int]]]
    inputs: np.ndarray
    event_tasks: list[tuple[int, int]]  # (task, event index) of events that happened


def draw(setup: RiskSetup, index: int) -> Draw:
    """The values of sample ``index`` (a pure function of the setup, its seed and ``index``)."""
    rt = setup.rt
    n = rt.n
    u = np.random.default_rng([setup.seed, int(index)]).random(setup.n_uniforms)
    f = np.ones(n)
    cf = np.ones(n)
    for tp, ks in setup.dur_groups:
        if not tp.degenerate or tp.low != 1.0:
            f[ks] = tp.ppf(u[ks])
    for tp, ks in setup.cost_groups:
        if not tp.degenerate or tp.low != 1.0:
            cf[ks] = tp.ppf(u[n + ks])
    add = np.zeros(n)
    vals: list[float] = []
    vals += list(f[setup.input_slots["duration"]])
    # tranches: delays and shortfalls
    trs = [list(t) for t in rt.tranches]
    unit_delay = []
    unit_short = []
    for unit in setup.units:
        o = unit.offset
        delay = int(math.floor(unit.delay.ppf(float(u[o])) + 0.5))
        short = 0.0
        if u[o + 1] < unit.shortfall_probability:
            short = float(unit.shortfall.ppf(float(u[o + 2])))
        unit_delay.append(delay)
        unit_short.append(short)
        for k in unit.engine_sources:
            trs[k] = _shortfall([(t + delay, a) for t, a in trs[k]], short)
    cap = None
    event_tasks: list[tuple[int, int]] = []
    ev_vals = []
    for ep in setup.events:
        ev, o = ep.event, ep.offset
        imp = ev.impact
        happened = 0
        if ev.hits_tasks:
            if ev.scope == "all":
                hit = ep.tasks if (len(ep.tasks) and u[o] < ev.probability) else ep.tasks[:0]
                vals_imp = np.full(len(hit), imp.ppf(float(u[o + 1])))
            else:
                occ = u[o:o + 2 * len(ep.tasks):2] < ev.probability
                hit = ep.tasks[occ]
                vals_imp = np.asarray(imp.ppf(u[o + 1:o + 1 + 2 * len(ep.tasks):2]))[occ] if len(ep.tasks) \
                    else np.zeros(0)
            for k, v in zip(hit, vals_imp):
                if ev.effect == "duration_factor":
                    f[k] *= v
                elif ev.effect == "delay_days":
                    add[k] += v
                else:
                    cf[k] *= v
                event_tasks.append((int(k), ep.index))
            happened = len(hit)
        elif ev.effect == "capacity_outage":
            if ep.resource is not None and ep.window is not None and u[o] < ev.probability:
                length = max(1, int(math.floor(imp.ppf(float(u[o + 1])) + 0.5)))
                w0, w1 = ep.window
                span = max(1, w1 - w0 - length + 1)
                t0 = w0 + min(span - 1, int(u[o + 2] * span))
                if cap is None:
                    cap = list(rt.base_capacity)
                c = cap[ep.resource].copy()
                lo, hi = max(0, t0), max(0, min(len(c), t0 + length))
                c[lo:hi] = np.floor(c[lo:hi] * ev.capacity_factor).astype(c.dtype)
                cap[ep.resource] = c
                happened = 1
        else:
            if ep.tranches and u[o] < ev.probability:
                days = int(math.floor(imp.ppf(float(u[o + 1])) + 0.5))
                for k, ti in ep.tranches:
                    # the tranche keeps its (delayed, possibly cut) amount; only its date moves further
                    trs[k] = _move_tranche(trs[k], ti, days)
                happened = 1
        ev_vals.append(float(happened))
    vals += list(cf[setup.input_slots["cost"]])
    vals += [float(unit_delay[j]) for j in setup.input_slots["delay"]]
    vals += [unit_short[j] for j in setup.input_slots["shortfall"]]
    vals += ev_vals
    return Draw(f, add, cf, cap, trs, np.asarray(vals, dtype=np.float64), event_tasks)


def _shortfall(trs: list[tuple[int, int]], share: float) -> list[tuple[int, int]]:
    """Tranches with ``share`` of their total removed from the last ones."""
    if share <= 0:
        return trs
    cut = int(math.floor(share * sum(a for _, a in trs) + 0.5))
    out = list(trs)
    for j in sorted(range(len(out)), key=lambda j: -out[j][0]):
        if cut <= 0:
            break
        t, a = out[j]
        take = min(a, cut)
        out[j] = (t, a - take)
        cut -= take
    return out


def _move_tranche(cur: list[tuple[int, int]], ti: int, days: int) -> list[tuple[int, int]]:
    out = list(cur)
    t, a = out[ti]
    out[ti] = (t + days, a)
    return out


def _durations(base: list[int], f: np.ndarray, add: np.ndarray) -> np.ndarray:
    b = np.asarray(base, dtype=np.float64)
    d = np.floor(b * f + add + 0.5)
    d = np.where(b > 0, np.maximum(d, 1), np.maximum(np.floor(add + 0.5), 0))
    return d.astype(np.int64)


def perturbation(setup: RiskSetup, dr: Draw) -> Perturbation:
    """The re-timing input of a draw (the plan's modes)."""
    rt = setup.rt
    cost = np.floor(np.asarray(rt.base_cost, dtype=np.float64) * dr.cost_factor + 0.5).astype(np.int64)
    return Perturbation(_durations(rt.base_duration, dr.dur_factor, dr.dur_add), cost, dr.capacity, dr.tranches)


# ---------------------------------------------------------------------------
# measuring a schedule
# ---------------------------------------------------------------------------
def _trace(setup: RiskSetup, driver: list[tuple], task: int, tasks: np.ndarray, agencies: np.ndarray,
           causes: np.ndarray, sessions: set[tuple[int, str, str, str]] | None = None) -> None:
    """Mark the driving path ending at ``task`` (predecessor links) and what stopped it; a council
    session is recorded in ``sessions`` and, when the dossier missed its cut-off, the path goes on
    through the dossier."""
    seen = set()
    k: int | None = task
    while k is not None and k not in seen:
        seen.add(k)
        tasks[k] = True
        d = driver[k]
        if d[0] == "pred":
            k = int(d[1])
            continue
        if d[0] == "session":
            if sessions is not None:
                sessions.add((k, d[1], d[2], d[3]))
            if d[3] == "cutoff" and d[4] >= 0:
                k = int(d[4])
                continue
        elif d[0] == "resource":
            agencies[int(d[1])] = True
        elif d[0] == "money":
            causes[setup.cause_of_source[int(d[1])]] = True
        k = None


def measure(setup: RiskSetup, index: int, start: np.ndarray, end: np.ndarray, driver: list[tuple],
            extra: list[tuple[int, int, int]], dr: Draw, unplaced: int) -> Outcome:
    """The outcome of one sample's schedule."""
    rt = setup.rt
    n = rt.n
    ends = np.array([int(end[t.task]) for t in setup.tracked], dtype=np.int64)
    ex = np.zeros((len(setup.month_starts), len(setup.causes)), dtype=np.int64)
    last = len(setup.month_of) - 1
    for t, cause, amt in extra:
        ex[setup.month_of[min(t, last)], setup.cause_of_source[cause]] += amt
    dist_path = np.zeros(n, dtype=bool)
    late_tasks = np.zeros(n, dtype=bool)
    dist_late = np.zeros(n, dtype=bool)
    late_ag = np.zeros(len(setup.agencies), dtype=bool)
    late_ca = np.zeros(len(setup.causes), dtype=bool)
    late_ev = np.zeros(len(setup.events), dtype=bool)
    late_se: set[tuple[int, str, str, str]] = set()
    if setup.district_task is not None and end[setup.district_task] >= 0:
        _trace(setup, driver, setup.district_task, dist_path, np.zeros_like(late_ag), np.zeros_like(late_ca))
    for owner in setup.owners:
        first = None
        for row in setup.owner_rows[owner]:
            tr = setup.tracked[row]
            if tr.target_day is None:
                continue
            if ends[row] < 0 or max(ends[row] - 1, 0) > tr.target_day:
                first = tr
                break
        if first is None:
            continue
        # a milestone never reached: trace from the task no session was left for, else from the
        # last placed task of its chain
        k: int | None = first.task
        if end[first.task] < 0:
            chain = [setup.tracked[r].task for r in setup.owner_rows[owner]]
            stuck = [t for t in chain if end[t] < 0 and driver[t][0] == "session"]
            placed = [t for t in chain if end[t] >= 0]
            k = stuck[0] if stuck else (placed[-1] if placed else None)
        if k is None:
            continue
        path = np.zeros(n, dtype=bool)
        _trace(setup, driver, k, path, late_ag, late_ca, late_se)
        late_tasks |= path
        if owner == DISTRICT:
            dist_late |= path
    if dr.event_tasks and late_tasks.any():
        for k, e_i in dr.event_tasks:
            if late_tasks[k]:
                late_ev[e_i] = True
    return Outcome(index, ends, ex, dist_path, late_tasks, late_ag, late_ca, late_ev, dist_late, dr.inputs,
                   unplaced=unplaced, late_sessions=sorted(late_se))


def simulate_fixed(setup: RiskSetup, index: int) -> Outcome:
    """One ``fixed``-policy sample: draw, re-time the plan, check (every k-th), measure."""
    dr = draw(setup, index)
    pert = perturbation(setup, dr)
    r = retime(setup.rt, pert, hold_plan=setup.hold_plan)
    out = measure(setup, index, r.start, r.end, r.driver, r.extra, dr, r.unplaced)
    if setup.check_every and index % setup.check_every == 0:
        _check(setup, pert, r, out)
    return out


def _check(setup: RiskSetup, pert: Perturbation, r: Retimed, out: Outcome) -> None:
    from ntm_sched.engine.checker import check
    from ntm_sched.studies.risk.retime_check import perturbed_problem, to_solution

    out.checked = True
    if not r.complete:
        out.check_ok = None
        out.check_message = f"{r.unplaced} task(s) not reached within the extended horizon: not checked"
        return
    rep = check(perturbed_problem(setup.rt, pert), to_solution(setup.rt, r))
    out.check_ok = rep.ok
    out.check_message = "" if rep.ok else str(rep)[:2000]


def replan_problem(setup: RiskSetup, dr: Draw) -> Any:
    """The engine problem of one sample for a re-solve: every mode's duration and cost drawn like
    the plan's mode, the sample's capacities and tranches, deadlines soft, the plan's weights summed
    into one objective, the extended horizon."""
    from ntm_sched.engine.problem import Mode, Objective
    from ntm_sched.studies.risk.retime_check import perturbed_problem

    rt = setup.rt
    assert rt.problem is not None
    base = perturbed_problem(rt, perturbation(setup, dr))
    tasks = []
    for k, t in enumerate(base.tasks):
        orig = rt.problem.task(t.id)
        modes = []
        for m in orig.modes:
            d = int(_durations([m.duration], dr.dur_factor[k:k + 1], dr.dur_add[k:k + 1])[0])
            c = int(math.floor(m.cost * dr.cost_factor[k] + 0.5))
            modes.append(Mode(d, dict(m.demands), c, dict(m.nonrenewable), m.name))
        tasks.append(replace(t, modes=tuple(modes)))
    o = base.objective
    return replace(base, tasks=tuple(tasks), objective=Objective(o.tardiness, o.late_count, o.cost,
                                                                  o.extra_funding, o.makespan, False))


def simulate_replan(setup: RiskSetup, index: int) -> Outcome:
    """One ``replan`` sample: the engine re-solves the sample with a short deterministic time
    limit (hinted with the plan). Without a schedule in time, the sample falls back to ``fixed``."""
    import time

    from ntm_sched.engine.builder import build_model
    from ntm_sched.engine.checker import check
    from ntm_sched.engine.cpsat import make_solver, run_solver

    t0 = time.perf_counter()
    dr = draw(setup, index)
    prob = replan_problem(setup, dr)
    bm = build_model(prob, hint=setup.reference)
    solver = make_solver(setup.replan_time, 1, setup.seed, False, safety=setup.replan_wall)
    st, sol = run_solver(bm, solver)
    wall_hit = solver.wall_time >= 0.99 * setup.replan_wall
    rep = check(prob, sol) if sol is not None else None
    if sol is None or rep is None or not rep.ok:
        out = simulate_fixed(replace(setup, check_every=1), index)
        out.fallback, out.status = True, st.value
        if rep is not None and not rep.ok:
            out.check_ok, out.check_message = False, str(rep)[:2000]
        out.runtime_s = time.perf_counter() - t0
        return out
    rt = setup.rt
    start = np.array([sol.tasks[t].start for t in rt.ids], dtype=np.int64)
    end = np.array([sol.tasks[t].end for t in rt.ids], dtype=np.int64)
    driver = _drivers_from_schedule(rt, start, end)
    sidx = {nm: k for k, nm in enumerate(rt.sources)}
    extra = [(p.time, sidx[p.source], p.amount) for p in sol.payments if rt.unlimited[sidx[p.source]]]
    out = measure(setup, index, start, end, driver, extra, dr, 0)
    out.checked, out.check_ok, out.status = True, True, st.value + (" (wall limit)" if wall_hit else "")
    out.runtime_s = time.perf_counter() - t0
    return out


def _drivers_from_schedule(rt: RetimeModel, start: np.ndarray, end: np.ndarray) -> list[tuple]:
    """Predecessor links of a schedule made by another method (the tightest predecessor when it
    sets the start, else nothing known)."""
    out: list[tuple] = []
    for i in range(rt.n):
        best, pj = -1, -1
        for j, fs, lag in rt.preds[i]:
            b = (end[j] if fs else start[j]) + lag
            if b > best:
                best, pj = int(b), j
        if pj >= 0 and best == start[i]:
            out.append(("pred", pj))
        elif start[i] == rt.release[i]:
            out.append(("release",))
        else:
            out.append(("none",))
    return out


def simulate(setup: RiskSetup, index: int) -> Outcome:
    """Sample ``index`` under the setup's policy."""
    if setup.policy == "replan":
        return simulate_replan(setup, index)
    return simulate_fixed(setup, index)


def simulate_chunk(setup: RiskSetup, indices: list[int]) -> list[Outcome]:
    """Several samples (one Dask task)."""
    return [simulate(setup, i) for i in indices]
