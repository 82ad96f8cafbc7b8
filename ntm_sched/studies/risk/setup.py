"""The setup of a risk analysis: a solved plan and its uncertainty as plain, picklable data.

:func:`make_setup` turns a solved plan (:class:`~ntm_sched.domain.PlanResult`) and its
:class:`~ntm_sched.studies.risk.uncertainty.Uncertainty` into a :class:`RiskSetup` that Dask
ships to every worker once; :mod:`ntm_sched.studies.risk.sampling` computes each sample from it.
Split from ``sampling.py`` (one job per module, issue 20).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ntm_sched.studies.risk.retime import RetimeModel, prepare
from ntm_sched.studies.risk.uncertainty import ONE, ZERO, RiskEvent, ThreePoint, Uncertainty

DISTRICT = "DISTRICT"
EXTRA_CAUSE = "EXTRA"


@dataclass(frozen=True)
class Tracked:
    """A milestone followed by the analysis: its owner, name, task index and target day."""

    owner: str
    milestone: str
    task: int
    target_day: int | None  # on time when the completion day (end - 1) <= target_day
    target_date: dt.date | None


@dataclass(frozen=True)
class InputDef:
    """One uncertain input (a tornado candidate)."""

    kind: str  # duration, cost, delay, shortfall, event
    key: str
    name_vi: str
    name_en: str
    commune_code: str = ""


@dataclass
class SourceUnit:
    """A group of engine sources that share one delay and shortfall draw."""

    source_id: str
    earmark: str | None
    delay: ThreePoint
    shortfall_probability: float
    shortfall: ThreePoint
    engine_sources: list[int]
    offset: int  # first of its 3 uniforms


@dataclass
class EventPlan:
    """Where a risk event acts in this model, and its uniforms."""

    index: int
    event: RiskEvent
    tasks: np.ndarray  # hit tasks (task effects)
    resource: int | None  # capacity outage
    tranches: list[tuple[int, int]]  # (engine source, tranche index) for release delays
    window: tuple[int, int] | None  # periods [begin, end)
    offset: int


@dataclass
class RiskSetup:
    """Everything a worker needs to compute any sample (picklable)."""

    origin: dt.date
    rt: RetimeModel
    task_owner: list[str]
    task_kind: list[str]
    task_type: list[str]
    task_agency: list[str | None]
    task_name_vi: list[str]
    task_name_en: list[str]
    tracked: list[Tracked]
    owners: list[str]
    owner_rows: dict[str, list[int]]  # owner -> tracked rows in chain order
    district_task: int | None
    dur_groups: list[tuple[ThreePoint, np.ndarray]]
    cost_groups: list[tuple[ThreePoint, np.ndarray]]
    units: list[SourceUnit]
    events: list[EventPlan]
    n_uniforms: int
    inputs: list[InputDef]
    input_slots: dict[str, Any]
    month_starts: list[dt.date]
    month_of: np.ndarray  # period -> month index
    causes: list[str]  # money causes: plan source ids, then EXTRA
    cause_of_source: list[int]  # engine source -> cause index
    agencies: list[str]
    seed: int
    policy: str = "fixed"
    spread_scale: float = 1.0
    hold_plan: bool = True
    check_every: int = 0  # check every k-th sample with the independent checker (0: none)
    replan_time: float = 1.0  # CP-SAT deterministic time per replan sample
    replan_wall: float = 900.0  # wall-clock safety limit per replan sample (hit: "(wall limit)", not repeatable)
    reference: Any = None  # engine Solution (replan hint)
    notes: list[str] = field(default_factory=list)

    @property
    def n_tasks(self) -> int:
        return self.rt.n


@dataclass
class Outcome:
    """What one sample measured (compact arrays; aggregated by :mod:`.analysis`)."""

    index: int
    ends: np.ndarray  # per tracked milestone: end period, -1 when never reached
    extra: np.ndarray  # (months, causes) money drawn beyond the tranches
    dist_path: np.ndarray  # tasks on the district's driving path
    late_tasks: np.ndarray  # tasks driving a late commune or district
    late_agencies: np.ndarray
    late_causes: np.ndarray
    late_events: np.ndarray
    dist_late_tasks: np.ndarray  # tasks driving a late district
    inputs: np.ndarray
    unplaced: int = 0
    late_sessions: list[tuple[int, str, str, str]] = field(default_factory=list)
    """Council-session causes on the driving path of a late owner: ``(task, session taken ("" when
    none was left), session skipped, "full" or "cutoff")``, sorted."""
    checked: bool = False
    check_ok: bool | None = None
    check_message: str = ""
    status: str = "RETIMED"
    fallback: bool = False
    runtime_s: float = 0.0


# ---------------------------------------------------------------------------
# setup
# ---------------------------------------------------------------------------
def _month_index(origin: dt.date, horizon: int) -> tuple[list[dt.date], np.ndarray]:
    last = origin + dt.timedelta(days=horizon + 1)
    months = []
    y, m = origin.year, origin.month
    while (y, m) <= (last.year, last.month):
        months.append(dt.date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    idx = np.empty(horizon + 2, dtype=np.int64)
    for p in range(horizon + 2):
        d = origin + dt.timedelta(days=p)
        idx[p] = (d.year - origin.year) * 12 + d.month - origin.month
    return months, idx


def make_setup(plan_result: Any, unc: Uncertainty, seed: int, policy: str = "fixed",
               spread_scale: float = 1.0, check_every: int = 0, replan_time: float = 1.0,
               replan_wall: float = 900.0, hold_plan: bool = True) -> RiskSetup:
    """Prepare a solved plan for sampling.

    Parameters
    ----------
    plan_result
        A :class:`~ntm_sched.domain.PlanResult` with a schedule.
    unc
        The uncertainty (not yet scaled: ``spread_scale`` is applied here).
    seed
        The run's seed; sample ``i`` draws from ``numpy.random.default_rng([seed, i])``.
    policy
        ``fixed`` (re-time the plan) or ``replan`` (re-solve each sample with CP-SAT).
    check_every
        Run the independent checker on every k-th ``fixed`` sample (1: all, 0: none).
    replan_time, replan_wall
        CP-SAT deterministic time and wall-clock safety limit of each replan solve.
    """
    if policy not in ("fixed", "replan"):
        raise ValueError(f"policy must be 'fixed' or 'replan', got {policy!r}")
    model = plan_result.model
    sol = plan_result.result.solution
    if sol is None:
        raise ValueError("the plan has no schedule to analyse")
    unc = unc.scaled(float(spread_scale))
    problem = model.problem
    rt = prepare(problem, sol)
    n = rt.n
    infos = [model.info[t] for t in rt.ids]
    origin = model.origin

    def period(d: dt.date) -> int:
        return (d - origin).days

    # tracked milestones (every chain step with a milestone), owners in plan order
    tracked: list[Tracked] = []
    owner_rows: dict[str, list[int]] = {}
    owners: list[str] = []
    district_task = None
    order_of = {m: k for k, m in enumerate(("works_done", "inspection", "appraisal", "recognition"))}
    chain_tasks = [(k, inf) for k, inf in enumerate(infos) if inf.kind == "step" and inf.milestone]
    chain_tasks.sort(key=lambda x: (x[1].commune_code == DISTRICT, x[1].commune_code,
                                    order_of.get(x[1].milestone, 9), rt.planned_end[x[0]]))
    for k, inf in chain_tasks:
        if inf.commune_code not in owner_rows:
            owners.append(inf.commune_code)
            owner_rows[inf.commune_code] = []
        tgt = inf.target_date
        owner_rows[inf.commune_code].append(len(tracked))
        tracked.append(Tracked(inf.commune_code, str(inf.milestone), k, period(tgt) if tgt else None, tgt))
        if inf.commune_code == DISTRICT and inf.milestone == "recognition":
            district_task = k
    if district_task is None:
        dist = [k for k, inf in enumerate(infos) if inf.commune_code == DISTRICT and inf.kind == "step"]
        district_task = max(dist, key=lambda k: rt.planned_end[k]) if dist else None

    # durations and costs
    inputs: list[InputDef] = []
    slots: dict[str, Any] = {}
    dur_tp: list[ThreePoint] = []
    cost_tp: list[ThreePoint] = []
    notes: list[str] = []
    for inf in infos:
        if inf.kind == "work":
            w = unc.work_type(inf.work_type)
            dur_tp.append(w.duration if w else ONE)
            cost_tp.append(w.cost if w else ONE)
        else:
            chain = "district" if inf.commune_code == DISTRICT else "commune"
            s = unc.step(chain, inf.work_type)
            dur_tp.append(s.duration if s else ONE)
            cost_tp.append(ONE)
    dur_groups = _groups(dur_tp)
    cost_groups = _groups(cost_tp)
    dur_inputs = [k for k in range(n) if not dur_tp[k].degenerate and rt.base_duration[k] > 0]
    cost_inputs = [k for k in range(n) if not cost_tp[k].degenerate and rt.base_cost[k] > 0]
    for k in dur_inputs:
        inputs.append(InputDef("duration", rt.ids[k], f"thời gian: {infos[k].name_vi}",
                               f"duration: {infos[k].name_en}", infos[k].commune_code))
    for k in cost_inputs:
        inputs.append(InputDef("cost", rt.ids[k], f"chi phí: {infos[k].name_vi}",
                               f"cost: {infos[k].name_en}", infos[k].commune_code))
    slots["duration"] = np.array(dur_inputs, dtype=np.int64)
    slots["cost"] = np.array(cost_inputs, dtype=np.int64)
    off = 2 * n

    # money sources
    units: dict[tuple[str, str | None], SourceUnit] = {}
    for k, name in enumerate(rt.sources):
        sid, earmark = model.source_map[name]
        if rt.unlimited[k]:
            continue
        sr = unc.sources.get(sid)
        key = (sid, earmark if (sr is not None and sr.per_earmark) else None)
        if key not in units:
            units[key] = SourceUnit(sid, key[1], sr.delay if sr else ZERO,
                                    sr.shortfall_probability if sr else 0.0, sr.shortfall if sr else ZERO, [], off)
            off += 3
        units[key].engine_sources.append(k)
    unit_list = list(units.values())
    slots["delay"], slots["shortfall"] = [], []
    for j, u in enumerate(unit_list):
        label = u.source_id + (f" ({u.earmark})" if u.earmark else "")
        if not u.delay.degenerate:
            slots["delay"].append(j)
            inputs.append(InputDef("delay", label, f"chậm cấp vốn: {label}", f"late money: {label}", u.earmark or ""))
        if u.shortfall_probability > 0 and u.shortfall.high > 0:
            slots["shortfall"].append(j)
            inputs.append(InputDef("shortfall", label, f"thiếu vốn: {label}", f"shortfall: {label}", u.earmark or ""))

    # events
    evs: list[EventPlan] = []
    res_idx = {r: k for k, r in enumerate(rt.resources)}
    for e_i, ev in enumerate(unc.events):
        window = (period(ev.window[0]), period(ev.window[1]) + 1) if ev.window else None
        hits = np.array([], dtype=np.int64)
        resource = None
        trs: list[tuple[int, int]] = []
        if ev.hits_tasks:
            sel = []
            for k, inf in enumerate(infos):
                if not _event_hits(ev, inf, rt.planned_start[k], rt.planned_end[k], window):
                    continue
                sel.append(k)
            hits = np.array(sel, dtype=np.int64)
            if not sel:
                notes.append(f"event {ev.event_id} hits no task of this plan")
        elif ev.effect == "capacity_outage":
            resource = res_idx.get(str(ev.agency))
            if resource is None:
                notes.append(f"event {ev.event_id}: agency {ev.agency} has no capacity-limited work in this plan")
        else:
            for k, name in enumerate(rt.sources):
                if rt.unlimited[k] or model.source_map[name][0] != ev.source_id:
                    continue
                for ti, (t, _) in enumerate(rt.tranches[k]):
                    if window is None or window[0] <= t < window[1]:
                        trs.append((k, ti))
            if not trs:
                notes.append(f"event {ev.event_id} hits no tranche of this plan")
        evs.append(EventPlan(e_i, ev, hits, resource, trs, window, off))
        off += 3 if ev.scope == "all" else 2 * max(1, len(hits))
        inputs.append(InputDef("event", ev.event_id, ev.name_vi or ev.event_id, ev.name_en or ev.event_id))

    months, month_of = _month_index(origin, rt.horizon)
    causes = sorted({model.source_map[n][0] for n, u in zip(rt.sources, rt.unlimited) if not u})
    causes.append(EXTRA_CAUSE)
    cause_of_source = [causes.index(model.source_map[nm][0]) if not u else len(causes) - 1
                       for nm, u in zip(rt.sources, rt.unlimited)]
    return RiskSetup(
        origin=origin, rt=rt, task_owner=[i.commune_code for i in infos], task_kind=[i.kind for i in infos],
        task_type=[i.work_type for i in infos], task_agency=[i.agency for i in infos],
        task_name_vi=[i.name_vi for i in infos], task_name_en=[i.name_en for i in infos],
        tracked=tracked, owners=owners, owner_rows=owner_rows, district_task=district_task,
        dur_groups=dur_groups, cost_groups=cost_groups, units=unit_list, events=evs, n_uniforms=off,
        inputs=inputs, input_slots=slots, month_starts=months, month_of=month_of, causes=causes,
        cause_of_source=cause_of_source, agencies=list(rt.resources), seed=int(seed), policy=policy,
        spread_scale=float(spread_scale), hold_plan=hold_plan, check_every=int(check_every),
        replan_time=float(replan_time), replan_wall=float(replan_wall), reference=sol, notes=notes)


def _groups(tps: list[ThreePoint]) -> list[tuple[ThreePoint, np.ndarray]]:
    by: dict[ThreePoint, list[int]] = {}
    for k, tp in enumerate(tps):
        by.setdefault(tp, []).append(k)
    return [(tp, np.array(ks, dtype=np.int64)) for tp, ks in by.items()]


def _event_hits(ev: RiskEvent, inf: Any, start: int, end: int, window: tuple[int, int] | None) -> bool:
    if inf.kind == "work":
        ok = "*" in ev.work_types or inf.work_type in ev.work_types
    else:
        chain = "district" if inf.commune_code == DISTRICT else "commune"
        ok = f"{chain}:{inf.work_type}" in ev.steps
    if not ok:
        return False
    if ev.communes and inf.commune_code not in ev.communes:
        return False
    if ev.agency and inf.agency != ev.agency:
        return False
    if window is not None:
        if end > start:
            return start < window[1] and end > window[0]
        return window[0] <= start < window[1]
    return True
