"""A :class:`~ntm_sched.plan.Plan` (typed records, typed settings) becomes an engine problem.

What is built (one engine period = one calendar day from the ``plan_start`` setting;
money in million VND; effort scaled by :data:`ntm_sched.units.EFFORT_SCALE`):

* every row of ``tasks.csv`` is a task; its duration is
  ``duration_fixed_days + duration_per_batch_days * ceil(quantity / parallel_per_commune)``,
  its cost ``quantity * unit_cost_mvnd``; a task whose work is already under way gives the
  ``share_remaining`` still to do (empty = 1): its cost is multiplied by the share and its
  duration is ``ceil(share * duration)`` (the fixed part too: the contractor is on site); its
  demand is the work type's weekly effort on its lead agency; accelerable work types get a
  second, *accelerated* mode (settings ``accel_*``) when ``allow_accelerated`` is true;
* every commune not yet recognised gets its recognition chain from
  ``recognition_steps.csv`` (steps of equal ``order`` run side by side, each order
  after the previous one; the first order waits for all the commune's works on its
  criteria, not for work on the whole set, criterion ``all``, such as its 2020 plan);
  a step the plan says is under way for that commune (``step_progress.csv``) takes
  ``ceil(share_remaining * duration_days)`` days (0 = done: a step that takes no time);
* the district chain starts when every not-yet-recognised commune is recognised,
  every district task is done and every recognised commune's review is done;
* milestone steps are held to the communes' target dates (``communes.csv``: a step whose
  ``milestone`` is ``m`` ends by ``target_m``; ``submission`` is the zero-length step after the
  district inspection, the day the dossier goes to the province) and the
  district's to the ``district_target_<milestone>`` settings; tasks with a ``due_date``
  to that date. Soft by default (``hard_deadlines`` setting);
* each (source, earmark) pair of ``funding.csv`` is an engine money source; a task
  may use the sources whose ``pays_for`` lists its work type and whose earmark, if
  any, is its commune; with ``allow_extra_funding`` an unlimited ``EXTRA`` source,
  priced by ``extra_funding_price``, turns a plan the money cannot carry into an
  answer (how much more, by when); ``extra_funding_from`` makes that money come only from
  a date (e.g. the next budget round), so that a shortfall delays works instead;
* the objective is lexicographic by default (setting ``lexicographic_objective``): first the
  lateness of milestones (late count, then days), then extra funding, then cost and the
  district's date; with ``false`` the same weights are summed into one objective;
* province plans: a tranche earmarked for a district (``funding.district_code``) pays the tasks of
  its communes (``communes.district_code``); with ``council_sessions.csv`` every commune's step whose
  milestone is ``appraisal`` is an engine task of kind ``appraisal`` and each session an engine
  :class:`~ntm_sched.engine.problem.Session` (its date, capacity and cut-off), so that the appraisal
  starts on a session's date (:mod:`ntm_sched.engine.families.sessions`);
* holidays of the construction and office calendars pause the works (see
  :mod:`ntm_sched.engine.problem`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections import defaultdict
from collections.abc import Sequence
from fractions import Fraction

from ntm_sched.domain.model import DISTRICT, EXTRA_SOURCE, NtmModel, TaskInfo, unit_summary
from ntm_sched.engine.problem import (
    Calendar,
    Mode,
    Objective,
    Precedence,
    Problem,
    Resource,
    Session,
    Source,
    Task,
    Tranche,
)
from ntm_sched.i18n import unit_in_sentence
from ntm_sched.plan import Plan
from ntm_sched.plan.records import PlanTask, RecognitionStep
from ntm_sched.plan.settings import PlanSettings, read_settings
from ntm_sched.units import (
    date_to_period,
    scaled_release,
    to_model_effort,
    to_model_money,
    to_model_money_released,
)

CALENDARS = ("construction", "office")
ALL_CRITERIA = "all"
"""``tasks.criterion`` of work on a commune's whole criteria set (reviews, plans)."""


def remaining_days(duration: int, share: float) -> int:
    """Whole days left of a ``duration``-day work or step of which ``share`` is still to do:
    ``ceil(share * duration)``, computed on the share as written (``0.3`` of 10 days is 3 days, not
    the 4 that the binary float ``0.3 * 10`` would round up to)."""
    if share >= 1:
        return duration
    return math.ceil(Fraction(repr(float(share))) * duration)


class _Builder:
    """One build: the plan's records in, engine tasks, precedences and maps out."""

    def __init__(self, plan: Plan, st: PlanSettings) -> None:
        self.plan = plan
        self.st = st
        self.origin = st.plan_start
        self.tasks: list[Task] = []
        self.precs: list[Precedence] = []
        self.info: dict[str, TaskInfo] = {}
        self.works_of: dict[str, list[str]] = defaultdict(list)
        self.source_map: dict[str, tuple[str, str | None]] = {}
        self.district_of = {c.code: c.district_code for c in plan.communes if c.district_code}

    def period(self, d: dt.date) -> int:
        return max(0, date_to_period(self.origin, d))

    def due_of(self, d: dt.date) -> int:
        # a target "by day D" means the task's last working day is D: end <= D + 1
        return date_to_period(self.origin, d) + 1

    # calendars, resources, money ------------------------------------------------
    def calendars(self) -> list[Calendar]:
        out = []
        for name in CALENDARS:
            brk: list[tuple[int, int]] = []
            for b_rec in self.plan.calendar:
                if b_rec.calendar != name:
                    continue
                # periods before the plan's date are not clamped first: a break that ended before it
                # has no effect (clamped, it became a one-day break on day 0)
                b, f = date_to_period(self.origin, b_rec.start_date), date_to_period(self.origin, b_rec.end_date) + 1
                if f > 0 and f > b:
                    brk.append((max(b, 0), f))
            brk.sort()
            merged: list[tuple[int, int]] = []
            for b, f in brk:
                if merged and b <= merged[-1][1]:
                    merged[-1] = (merged[-1][0], max(f, merged[-1][1]))
                else:
                    merged.append((b, f))
            out.append(Calendar(name, tuple(merged)))
        return out

    def resources(self) -> list[Resource]:
        out = []
        for a in self.plan.agencies:
            profile: list[tuple[int, int, int]] = []
            for ch in self.plan.capacity_changes:
                if ch.agency_id != a.agency_id:
                    continue
                # as for breaks: a change that ended before the plan's date has no effect (clamped to
                # day 0 it changed day 0, and a zero capacity there made the problem invalid)
                b, e = date_to_period(self.origin, ch.start_date), date_to_period(self.origin, ch.end_date) + 1
                if e > 0 and e > b:
                    profile.append((max(b, 0), e, to_model_effort(float(ch.weekly_capacity))))
            out.append(Resource(a.agency_id, to_model_effort(float(a.weekly_capacity)), tuple(profile)))
        return out

    def tranches(self, scale: float | None = None) -> dict[str, list[Tranche]]:
        """The engine tranches of each (source, earmark) pair, by engine source name, in the
        sources' order; with ``scale`` every amount x ``scale`` by the one funding-scale rule
        (:func:`ntm_sched.units.scaled_release`), as the plan edit scales them."""
        groups: dict[tuple[str, str | None], list[Tranche]] = defaultdict(list)
        for tr in self.plan.funding:
            mvnd = float(tr.amount_mvnd) if scale is None else scaled_release(float(tr.amount_mvnd), scale)
            groups[(tr.source_id, tr.earmark)].append(
                Tranche(self.period(tr.date_available), to_model_money_released(mvnd)))
        out: dict[str, list[Tranche]] = {}
        for (sid, earmark), trs in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
            name = sid if earmark is None else f"{sid}@{earmark}"
            self.source_map[name] = (sid, earmark)
            out[name] = trs
        return out

    def sources(self) -> list[Source]:
        out = [Source(name, tuple(trs)) for name, trs in self.tranches().items()]
        if self.st.allow_extra_funding:
            self.source_map[EXTRA_SOURCE] = (EXTRA_SOURCE, None)
            efrom = self.st.extra_funding_from
            out.append(Source(EXTRA_SOURCE, unlimited=True, unit_price=self.st.extra_funding_price,
                              available_from=self.period(efrom) if efrom else 0))
        return out

    def allowed_sources(self, work_type: str, commune: str) -> frozenset[str]:
        out = set()
        for name, (sid, earmark) in self.source_map.items():
            if sid == EXTRA_SOURCE or (self.plan.source(sid).may_pay(work_type)
                                       and (earmark is None or earmark == commune
                                            or earmark == self.district_of.get(commune))):
                out.add(name)
        return frozenset(out)

    # tasks ---------------------------------------------------------------------
    def work(self, t: PlanTask, has_sources: bool) -> None:
        st = self.st
        wt = self.plan.work_type(t.work_type)
        q = float(t.quantity)
        batches = math.ceil(q / int(wt.parallel_per_commune)) if q > 0 else 0
        dur = int(wt.duration_fixed_days) + int(wt.duration_per_batch_days) * batches
        share = t.share
        dur = remaining_days(dur, share)
        cost = to_model_money(q * float(wt.unit_cost_mvnd) * share)
        agency = t.lead_agency or wt.lead_agency
        effort = float(wt.effort_per_week)
        modes = [Mode(dur, {agency: to_model_effort(effort)} if effort > 0 else {}, cost, name="normal")]
        mode_names = ["normal"]
        if st.allow_accelerated and wt.accelerable and dur > 1:
            adur = max(1, math.ceil(dur * st.accel_duration_factor))
            if adur < dur:
                aeff = effort * st.accel_effort_factor
                modes.append(Mode(adur, {agency: to_model_effort(aeff)} if aeff > 0 else {},
                                  to_model_money(q * float(wt.unit_cost_mvnd) * share * st.accel_cost_factor),
                                  name="accelerated"))
                mode_names.append("accelerated")
        due = t.due_date
        self.tasks.append(Task(
            t.task_id,
            tuple(modes),
            release=self.period(t.release_date) if t.release_date else 0,
            due=self.due_of(due) if due else None,
            due_hard=st.hard_deadlines and due is not None,
            tardiness_weight=st.weight_tardiness_day if due else 0,
            late_weight=st.weight_late_milestone if due else 0,
            calendar=wt.calendar if dur > 0 else None,
            sources=self.allowed_sources(t.work_type, t.commune_code) if has_sources else None,
            label=t.description_vi,
        ))
        self.info[t.task_id] = TaskInfo(
            t.task_id, t.commune_code, t.criterion, "work", t.work_type, agency, t.description_vi,
            t.description_en or wt.name_en, target_date=due, modes=tuple(mode_names),
        )
        self.works_of[t.commune_code].append(t.task_id)
        self.precs.extend(Precedence(p, t.task_id) for p in t.predecessors)

    def chain(self, chain: str, owner: str, label: str, targets: dict[str, dt.date | None],
              first_preds: Sequence[str], has_sources: bool) -> list[str]:
        """Add one recognition chain; return its last steps."""
        st = self.st
        steps = sorted((s for s in self.plan.recognition_steps if s.chain == chain), key=lambda s: (s.order, s.step))
        by_order: dict[int, list[RecognitionStep]] = defaultdict(list)
        for s in steps:
            by_order[s.order].append(s)
        prev: list[str] = list(first_preds)
        last: list[str] = []
        for order in sorted(by_order):
            cur: list[str] = []
            for s in by_order[order]:
                sid = f"{owner}:{s.step}"
                dur = remaining_days(int(s.duration_days), self.plan.step_share(owner, s.step))
                milestone = s.milestone or None
                target = targets.get(milestone) if milestone else None
                eff = float(s.effort_per_week)
                self.tasks.append(Task(
                    sid,
                    (Mode(dur, {s.agency_id: to_model_effort(eff)} if eff > 0 else {}, 0, name="normal"),),
                    due=self.due_of(target) if target else None,
                    due_hard=st.hard_deadlines and target is not None,
                    tardiness_weight=st.weight_tardiness_day if target else 0,
                    late_weight=st.weight_late_milestone if target else 0,
                    end_weight=st.weight_recognition_day if milestone == "recognition" and owner != DISTRICT else 0,
                    calendar=s.calendar if dur > 0 else None,
                    sources=frozenset() if has_sources else None,
                    label=f"{label}: {s.name_vi}",
                    kind="appraisal" if chain == "commune" and milestone == "appraisal" else "",
                ))
                self.info[sid] = TaskInfo(sid, owner, "", "step", s.step, s.agency_id, s.name_vi, s.name_en,
                                          milestone, target)
                self.precs.extend(Precedence(p, sid) for p in prev)
                cur.append(sid)
            prev, last = cur, cur
        return last


def scaled_funding(plan: Plan, problem: Problem, scale: float) -> Problem:
    """``problem`` (built from ``plan``, perhaps derived since) with every tranche of the plan
    x ``scale``, the same dates: the money ``build(scale_funding(plan, scale))`` releases.

    Parameters
    ----------
    plan
        The plan ``problem`` was built from (its tranches before any scaling).
    problem
        The problem to fund; its unlimited sources (extra funding, a study's free money) are kept.
    scale
        The factor of every tranche (one rule: :func:`ntm_sched.units.scaled_release`, rounded down).

    Returns
    -------
    Problem
        A new problem; a limited source the plan does not fund keeps no tranche.
    """
    scaled = _Builder(plan, read_settings(plan)).tranches(scale)
    srcs = tuple(s if s.unlimited else dataclasses.replace(s, tranches=tuple(scaled.get(s.name, ())))
                 for s in problem.sources)
    return dataclasses.replace(problem, sources=srcs)


def build(plan: Plan, settings: PlanSettings | None = None) -> NtmModel:
    """Turn a plan into an engine problem.

    Parameters
    ----------
    plan
        A validated :class:`ntm_sched.plan.Plan` (scenario edits already applied).
    settings
        Its typed settings (:func:`ntm_sched.plan.settings.read_settings`; read here when ``None``).

    Returns
    -------
    NtmModel
        The engine problem and the maps back to communes, criteria and sources.
    """
    st = settings if settings is not None else read_settings(plan)
    b = _Builder(plan, st)
    horizon = date_to_period(st.plan_start, st.horizon_end) + 1
    calendars = b.calendars()
    resources = b.resources()
    sources = b.sources()
    for t in plan.tasks:
        b.work(t, bool(sources))

    commune_last: list[str] = []
    for c in plan.not_recognised():
        targets = {
            "works_done": c.target_works_done,
            "inspection": c.target_inspection,
            "submission": c.target_submission,
            "appraisal": c.target_appraisal,
            "recognition": c.target_recognition or st.communes_target,
        }
        # the chain waits for the works on the commune's criteria; work on the whole set
        # (criterion "all": its 2020 plan, a review) does not hold its recognition
        works = [tid for tid in b.works_of.get(c.code, []) if b.info[tid].criterion != ALL_CRITERIA]
        commune_last += b.chain("commune", c.code, c.name, targets, works, bool(sources))
    district_preds = list(commune_last) + b.works_of.get(DISTRICT, [])
    district_preds += [
        tid for c in plan.communes if c.status == "recognised" for tid in b.works_of.get(c.code, [])
        if b.info[tid].work_type == "criteria_review"
    ]
    b.chain("district", DISTRICT, "Huyện", dict(st.district_targets), district_preds, bool(sources))

    used = {r for t in b.tasks for m in t.modes for r in m.demands}
    sessions = tuple(Session(s.session_id, date_to_period(st.plan_start, s.date), s.capacity, s.cutoff_days,
                             kind="appraisal")
                     for s in plan.council_sessions if s.date >= st.plan_start)
    problem = Problem(
        tasks=tuple(b.tasks),
        precedences=tuple(b.precs),
        resources=tuple(r for r in resources if r.name in used),
        calendars=tuple(calendars),
        sources=tuple(sources),
        horizon=horizon,
        advance_share=st.advance_share,
        objective=Objective(
            tardiness=1,
            late_count=1,
            cost=st.weight_cost_mvnd,
            extra_funding=1,
            makespan=st.weight_district_day,
            lexicographic=st.lexicographic,
        ),
        sessions=sessions,
    )
    names = {c.code: c.name for c in plan.communes}
    # the district's own chain is named by the plan's unit (unit.csv), in the words of a sentence
    names.setdefault(DISTRICT, unit_in_sentence(plan.unit, "vi"))
    agency_res = {a.agency_id: a.agency_id for a in plan.agencies if a.agency_id in used}
    breaks: dict[str, list[tuple[dt.date, dt.date, str, str]]] = {}
    for rec in plan.calendar:
        breaks.setdefault(rec.calendar, []).append((rec.start_date, rec.end_date, rec.name_vi, rec.name_en))
    return NtmModel(problem, st.plan_start, b.info, b.source_map, agency_res, st, names, breaks,
                    unit_summary(plan))


def district_groups(plan: Plan, model: NtmModel) -> list[list[str]]:
    """The engine task ids of each district's communes (works and chains), districts by code: the large
    neighbourhoods of :func:`ntm_sched.engine.neighbourhoods.group_lns` on a province plan. Tasks of the
    plan's own (``DISTRICT``) chain and works belong to no group; a plan without districts has none."""
    district_of = {c.code: c.district_code for c in plan.communes if c.district_code}
    groups: dict[str, list[str]] = defaultdict(list)
    for t in model.problem.tasks:
        d = district_of.get(model.info[t.id].commune_code)
        if d is not None:
            groups[d].append(t.id)
    return [groups[d] for d in sorted(groups)]
