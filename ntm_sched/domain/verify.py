"""The plan-level verifier: an answer checked against the plan's own records.

The engine's checker (:mod:`ntm_sched.engine.checker`) proves a schedule valid for the engine
*problem*; it cannot see a mistake made while the plan was translated into that problem (a
break ending a day early, a setting ignored, a capacity change lost) nor one made while the
answer was turned back into the plan's tables and headline figures. This module re-derives
every rule from the plan's records (:class:`ntm_sched.plan.Plan`: ``tasks.csv``,
``work_types.csv``, ``calendar.csv``, ``agencies.csv``, ``capacity_changes.csv``,
``sources.csv``, ``funding.csv``, ``recognition_steps.csv``, ``step_progress.csv``, ``communes.csv``,
``settings.csv``)
and checks the answer as the user receives it: dates, modes, costs, payments by source and
date, the milestones table and the summary.

It imports neither the engine nor the domain build on purpose; only :mod:`ntm_sched.plan`
and :mod:`ntm_sched.units`. Its rules, in the plan's terms:

* every task of ``tasks.csv`` and every step of the recognition chain of each not-yet-recognised
  commune and of the district is scheduled exactly once, in a mode the settings allow;
* a work's duration is ``duration_fixed_days + duration_per_batch_days * ceil(quantity /
  parallel_per_commune)`` (an accelerated mode: ``max(1, ceil(duration * accel_duration_factor))``,
  only when ``allow_accelerated``, the work type is ``accelerable`` and it is shorter); a work
  already under way takes ``ceil(share_remaining * duration)`` and costs ``share_remaining`` of
  its cost; a task of
  positive duration runs in the calendar its work type (or step) names, never starts on a day of
  a break of that calendar (inclusive dates) and is lengthened by every break day it spans;
  no task starts before the plan's date or its ``release_date`` nor ends after ``horizon_end``;
* a chain step takes its ``duration_days``; for a commune whose step ``step_progress.csv`` says is
  under way, ``ceil(share_remaining * duration_days)`` (0 = done);
* ``predecessors`` finish before their successors start; the chain steps run in the order of
  ``recognition_steps.csv`` (equal ``order`` side by side), the first after all the commune's
  works; the district's chain after every commune's chain, every district task and every
  recognised commune's criteria review;
* on every day, the weekly effort of the tasks running (paused ones included) for an agency is
  within its ``weekly_capacity`` of ``agencies.csv``, or of ``capacity_changes.csv`` on the days
  a change covers;
* a work's cost is ``quantity * unit_cost_mvnd`` (times ``accel_cost_factor`` in the accelerated
  mode), to the nearest million; it is paid ``floor(advance_share * cost)`` on its first day and
  the rest on the day after its last working day (all at once when it takes no time); every
  payment comes from a source whose ``pays_for`` lists the work type (or ``*``) and whose
  earmark, if any, is the task's commune; extra funding only when ``allow_extra_funding`` and not
  before ``extra_funding_from``; the money paid from a source (and earmark) up to any day is at
  most what ``funding.csv`` has released by that day;
* with ``council_sessions.csv`` (province plans), every commune's appraisal step starts on the date of
  a council session, no session takes more than its ``capacity`` dossiers, and the steps before an
  appraisal end at least ``cutoff_days`` before its session; a tranche earmarked for a district
  (``funding.district_code``) pays only tasks of that district's communes;
* hard deadlines (``hard_deadlines``) hold;
* the milestones table and the summary are recomputed: a commune is **on time** when every
  milestone of its chain that carries a target date finishes on or before that target; otherwise
  it is late, and the first missed milestone is the reason. The district's date is the last day
  of its chain; the extra money is what the extra source paid; the unit the summary names is the
  plan's own (``unit.csv``: name, code, level, period, criteria set, procedure, invented);
* the earliest possible date of every milestone (``earliest_possible_date``) is recomputed by a
  pass of its own over these rules with unlimited money and agencies: each task starts on the
  plan's date, its ``release_date`` or the day after its last predecessor's last day, whichever
  is latest (and, taking time, not on a break day), in its fastest mode. A late milestone is
  ``out_of_reach`` when that date is after its target, else ``resources_or_money``; a late commune
  is ``out_of_reach`` when one of its missed milestones is (``summary.late_cause``,
  ``summary.late_milestones``).

Use :func:`verify` on an :class:`Answer`, or :func:`verify_result` on a solved
:class:`~ntm_sched.domain.tables.PlanResult` (it also marks the result invalid, loudly, on a disagreement).
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from ntm_sched.plan import Plan
from ntm_sched.units import to_date

EXTRA = "EXTRA"
"""The name the answer gives to money drawn beyond ``funding.csv`` (``allocation.csv``'s ``source``)."""

DISTRICT = "DISTRICT"
"""The ``commune_code`` of district tasks and of the district's chain."""

CHAIN_MILESTONES = ("works_done", "inspection", "submission", "appraisal", "recognition")
"""Milestones a chain step may carry (``recognition_steps.csv``), in the communes' column order."""

ALL_CRITERIA = "all"
"""``tasks.criterion`` of work on a commune's whole criteria set (its plan, a review): it does not
hold the commune's recognition chain."""

INVALID_STATUS = "INVALID"
"""Status given to a result the verifier rejects."""

_DAY = dt.timedelta(days=1)
_TOL = 1e-9


# ---------------------------------------------------------------------------
# what is verified
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class ScheduledTask:
    """One task of an answer: ``[start, end)`` in days (``end`` is the day after its last working
    day; ``end == start`` for a task that takes no time), its mode and its cost (million VND)."""

    task_id: str
    start: Any
    end: Any
    mode: str = "normal"
    cost_mvnd: Any = 0


@dataclass(frozen=True)
class PlanPayment:
    """``amount_mvnd`` paid on ``date`` for ``task_id`` from ``source_id`` (earmark or ``None``)."""

    task_id: str
    source_id: str
    earmark: str | None
    date: Any
    amount_mvnd: Any


@dataclass(frozen=True)
class Answer:
    """An answer in the plan's terms: the schedule, the payments and, optionally, the tables and
    summary shown to people (each checked when given)."""

    tasks: tuple[ScheduledTask, ...]
    payments: tuple[PlanPayment, ...] = ()
    schedule: Any = None  # schedule.csv as a DataFrame
    milestones: Any = None  # milestones.csv as a DataFrame
    agency_load: Any = None  # agency_load.csv as a DataFrame
    summary: Mapping[str, Any] | None = None
    allocation: Any = None  # allocation.csv as a DataFrame


@dataclass(frozen=True)
class Finding:
    """One disagreement between the answer and the plan.

    ``kind``: ``type``, ``tasks``, ``mode``, ``calendar``, ``duration``, ``release``, ``horizon``,
    ``precedence``, ``session``, ``capacity``, ``cost``, ``payment``, ``source``, ``funding``, ``deadline``,
    ``milestones``, ``schedule``, ``agency_load``, ``allocation``, ``summary``.
    """

    kind: str
    message: str
    task: str | None = None

    def __str__(self) -> str:
        return f"[{self.kind}] {self.message}"


@dataclass
class VerifyReport:
    """Every finding, and the figures the verifier recomputed from the plan (``expected``)."""

    findings: list[Finding] = field(default_factory=list)
    expected: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the answer agrees with the plan in every rule."""
        return not self.findings

    def kinds(self) -> set[str]:
        """The kinds of finding."""
        return {f.kind for f in self.findings}

    def lines(self, limit: int = 50) -> list[str]:
        """The findings as text (at most ``limit``, then how many more)."""
        out = [str(f) for f in self.findings[:limit]]
        if len(self.findings) > limit:
            out.append(f"... and {len(self.findings) - limit} more")
        return out

    def __str__(self) -> str:
        if self.ok:
            return "answer agrees with the plan"
        return "\n".join([f"{len(self.findings)} disagreement(s) with the plan:", *("  " + x for x in self.lines())])


# ---------------------------------------------------------------------------
# the plan's rules, re-derived from its records
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class _Mode:
    duration: int
    effort: Fraction
    cost: Fraction  # exact, before rounding to whole millions


@dataclass(frozen=True)
class _Task:
    task_id: str
    commune: str
    kind: str  # "work" or "step"
    work_type: str | None
    agency: str
    calendar: str
    modes: dict[str, _Mode]
    release: dt.date | None = None
    target: dt.date | None = None
    milestone: str | None = None  # chain milestone, for steps
    chain_order: int | None = None
    criterion: str = ""
    name_vi: str = ""
    name_en: str = ""


def _exact(x: Any) -> Fraction:
    """A number from a record or a setting, as the decimal it is written as."""
    if isinstance(x, Fraction):
        return x
    if isinstance(x, bool):
        raise TypeError(f"not a number: {x!r}")
    if isinstance(x, int):
        return Fraction(x)
    return Fraction(str(x).strip())


class _Rules:
    """Everything the verifier needs from the plan, derived once."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.start: dt.date = plan.setting_date("plan_start")
        self.horizon_end: dt.date = plan.setting_date("horizon_end")
        self.share = _exact(plan.setting("advance_share"))
        self.allow_accel = plan.setting_bool("allow_accelerated")
        self.accel_dur = _exact(plan.setting("accel_duration_factor"))
        self.accel_cost = _exact(plan.setting("accel_cost_factor"))
        self.accel_eff = _exact(plan.setting("accel_effort_factor"))
        self.allow_extra = plan.setting_bool("allow_extra_funding")
        self.extra_from = self._opt_date("extra_funding_from")
        self.hard = plan.setting_bool("hard_deadlines")
        self.communes_target = self._opt_date("communes_target")
        self.district_targets = {m: self._opt_date(f"district_target_{m}") for m in CHAIN_MILESTONES}
        # calendars: every day of every break (inclusive dates)
        self.off: dict[str, set[dt.date]] = defaultdict(set)
        for b in plan.calendar:
            d = b.start_date
            while d <= b.end_date:
                self.off[b.calendar].add(d)
                d += _DAY
        # recognition steps under way at the plan's date: (commune, step) -> share still to do
        self.step_left: dict[tuple[str, str], Fraction] = {
            (p.commune_code, p.step): _exact(p.share_remaining) for p in plan.step_progress}
        # province plans: each commune's district (a district earmark pays its communes' tasks)
        self.district_of: dict[str, str] = {c.code: c.district_code for c in plan.communes if c.district_code}
        self.tasks: dict[str, _Task] = {}
        self.preds: dict[str, set[str]] = defaultdict(set)  # successor -> predecessors (finish before start)
        self._works()
        self._chains()

    def _opt_date(self, key: str) -> dt.date | None:
        return self.plan.setting_date(key) if self.plan.setting(key, "") else None

    def _works(self) -> None:
        for t in self.plan.tasks:
            wt = self.plan.work_type(t.work_type)
            q = _exact(t.quantity)
            batches = math.ceil(q / wt.parallel_per_commune) if q > 0 else 0
            dur = wt.duration_fixed_days + wt.duration_per_batch_days * batches
            share = Fraction(1) if t.share_remaining is None else _exact(t.share_remaining)
            if share < 1:  # work under way: the share still to do, of the time and of the money
                dur = math.ceil(dur * share)
            cost = q * _exact(wt.unit_cost_mvnd) * share
            eff = _exact(wt.effort_per_week)
            modes = {"normal": _Mode(dur, eff, cost)}
            if self.allow_accel and wt.accelerable and dur > 1:
                adur = max(1, math.ceil(dur * self.accel_dur))
                if adur < dur:
                    modes["accelerated"] = _Mode(adur, eff * self.accel_eff, cost * self.accel_cost)
            self.tasks[t.task_id] = _Task(
                t.task_id, t.commune_code, "work", t.work_type, t.lead_agency or wt.lead_agency, wt.calendar,
                modes, release=t.release_date, target=t.due_date, criterion=t.criterion,
                name_vi=t.description_vi, name_en=t.description_en or wt.name_en)
            for p in t.predecessors:
                self.preds[t.task_id].add(p)

    def _chain(self, chain: str, owner: str, targets: Mapping[str, dt.date | None], first: Iterable[str]) -> list[str]:
        steps = sorted((s for s in self.plan.recognition_steps if s.chain == chain), key=lambda s: (s.order, s.step))
        orders = sorted({s.order for s in steps})
        prev = list(first)
        for o in orders:
            cur = []
            for s in (s for s in steps if s.order == o):
                sid = f"{owner}:{s.step}"
                target = targets.get(s.milestone) if s.milestone else None
                dur = s.duration_days
                left = self.step_left.get((owner, s.step), Fraction(1))
                if left < 1:  # under way at the plan's date: the share still to do, in whole days
                    dur = math.ceil(dur * left)
                self.tasks[sid] = _Task(sid, owner, "step", None, s.agency_id, s.calendar,
                                        {"normal": _Mode(dur, _exact(s.effort_per_week), Fraction(0))},
                                        target=target, milestone=s.milestone, chain_order=o,
                                        name_vi=s.name_vi, name_en=s.name_en)
                self.preds[sid].update(prev)
                cur.append(sid)
            prev = cur
        return prev

    def _chains(self) -> None:
        last: list[str] = []
        for c in self.plan.not_recognised():
            targets = {"works_done": c.target_works_done, "inspection": c.target_inspection,
                       "submission": c.target_submission, "appraisal": c.target_appraisal,
                       "recognition": c.target_recognition or self.communes_target}
            works = [t.task_id for t in self.plan.tasks_of(c.code) if t.criterion != ALL_CRITERIA]
            last += self._chain("commune", c.code, targets, works)
        first = list(last) + [t.task_id for t in self.plan.tasks_of(DISTRICT)]
        first += [t.task_id for c in self.plan.communes if c.recognised for t in self.plan.tasks_of(c.code)
                  if t.work_type == "criteria_review"]
        self._chain("district", DISTRICT, self.district_targets, first)

    # -- earliest possible dates ---------------------------------------------
    def earliest(self) -> dict[str, tuple[dt.date, dt.date]]:
        """Per task ``(start, end)`` of the earliest schedule with unlimited money and agencies.

        Each task starts on the plan's date, its release date or its predecessors' ``end`` (the day
        after their last working day), whichever is latest; a task that takes time moves past break
        days of its calendar; it ends after its fastest mode's working days.

        Raises
        ------
        ValueError
            When the predecessors form a cycle.
        """
        import graphlib

        order = graphlib.TopologicalSorter({tid: set(self.preds.get(tid, ())) for tid in self.tasks})
        try:
            ids = [t for t in order.static_order() if t in self.tasks]
        except graphlib.CycleError as exc:
            raise ValueError(f"the predecessors form a cycle: {exc.args[1]}") from exc
        out: dict[str, tuple[dt.date, dt.date]] = {}
        for tid in ids:
            t = self.tasks[tid]
            start = max([self.start, *([t.release] if t.release else []),
                         *(out[p][1] for p in self.preds.get(tid, ()) if p in out)])
            dmin = min(m.duration for m in t.modes.values())
            if dmin > 0:
                while start in self.off.get(t.calendar, ()):
                    start += _DAY
            out[tid] = (start, self.elapsed_end(start, dmin, t.calendar))
        return out

    # -- calendar and capacity ----------------------------------------------
    def elapsed_end(self, start: dt.date, duration: int, calendar: str) -> dt.date:
        """The day after the last of ``duration`` working days from ``start`` (break days pause the work)."""
        off = self.off.get(calendar, set())
        d, left = start, duration
        while left > 0:
            if d not in off:
                left -= 1
            d += _DAY
        return d

    def capacity(self, agency: str, day: dt.date) -> Fraction:
        """An agency's weekly capacity on ``day``: ``capacity_changes.csv`` where it says so, else ``agencies.csv``."""
        for ch in self.plan.capacity_changes:
            if ch.agency_id == agency and ch.start_date <= day <= ch.end_date:
                return _exact(ch.weekly_capacity)
        return _exact(self.plan.agency(agency).weekly_capacity)

    def sources_allowed(self, task: _Task, source_id: str, earmark: str | None) -> str | None:
        """Why a payment from ``(source_id, earmark)`` to ``task`` is not allowed (``None`` if it is)."""
        if source_id == EXTRA:
            return None if self.allow_extra else "extra funding is not allowed (setting allow_extra_funding)"
        try:
            src = self.plan.source(source_id)
        except KeyError:
            return f"source {source_id!r} is not in sources.csv"
        if task.work_type is None or not src.may_pay(task.work_type):
            return f"source {source_id!r} may not pay work type {task.work_type!r} (pays_for {list(src.pays_for)})"
        if earmark is not None and earmark != task.commune and earmark != self.district_of.get(task.commune):
            return f"money earmarked for {earmark} paid to a task of {task.commune}"
        if not any(tr.source_id == source_id and tr.earmark == earmark for tr in self.plan.funding):
            return f"funding.csv has no tranche of {source_id!r} with earmark {earmark!r}"
        return None

    def released(self, source_id: str, earmark: str | None, day: dt.date) -> Fraction:
        """What ``funding.csv`` has released of ``(source_id, earmark)`` by ``day``."""
        return sum((_exact(tr.amount_mvnd) for tr in self.plan.funding
                    if tr.source_id == source_id and tr.earmark == earmark
                    and tr.date_available <= day), Fraction(0))


def _is_int(x: Any) -> bool:
    """A whole number (Python or NumPy integer, not a bool, not a float)."""
    return isinstance(x, numbers.Integral) and not isinstance(x, bool)


def _is_date(x: Any) -> bool:
    return isinstance(x, dt.date) and not isinstance(x, dt.datetime)


def advance(cost: int, share: Fraction) -> int:
    """``floor(share * cost)``, exactly: the advance paid on a work's first day."""
    return (cost * share.numerator) // share.denominator


def completion(start: dt.date, end: dt.date, origin: dt.date) -> dt.date:
    """The day a task is complete: its last working day; for a task that takes no time, the day
    before it (the day its predecessors finished), not before the plan's date."""
    return end - _DAY if end > start else max(start - _DAY, origin)


# ---------------------------------------------------------------------------
# the verifier
# ---------------------------------------------------------------------------
def verify(plan: Plan, answer: Answer) -> VerifyReport:
    """Check ``answer`` against every rule of ``plan`` (see the module docstring).

    Parameters
    ----------
    plan
        The plan the answer is for (scenario overrides applied).
    answer
        The schedule and payments in the plan's terms, and optionally the tables and summary.

    Returns
    -------
    VerifyReport
        The findings (``ok`` when there are none) and the recomputed headline figures.
    """
    rules = _Rules(plan)
    rep = VerifyReport()
    add = rep.findings.append
    exp = rules.tasks

    # every task once, well formed ------------------------------------------------
    seen: dict[str, ScheduledTask] = {}
    for st in answer.tasks:
        if st.task_id in seen:
            add(Finding("tasks", f"task {st.task_id!r} is scheduled more than once", st.task_id))
            continue
        if st.task_id not in exp:
            add(Finding("tasks", f"task {st.task_id!r} is not in the plan", st.task_id))
            continue
        if not (_is_date(st.start) and _is_date(st.end)):
            add(Finding("type", f"task {st.task_id!r}: start/end {st.start!r}/{st.end!r} are not whole days",
                        st.task_id))
            continue
        seen[st.task_id] = st
    for tid in exp:
        if tid not in seen and not any(s.task_id == tid for s in answer.tasks):
            add(Finding("tasks", f"task {tid!r} of the plan is not scheduled", tid))

    # modes, durations, calendars, release, horizon, costs ---------------------------
    valid: dict[str, tuple[ScheduledTask, _Mode, int | None]] = {}
    for tid, st in seen.items():
        t = exp[tid]
        mode = t.modes.get(st.mode)
        if mode is None:
            add(Finding("mode", f"task {tid!r}: mode {st.mode!r} is not allowed (allowed: {sorted(t.modes)})", tid))
            continue
        if mode.duration > 0 and st.start in rules.off.get(t.calendar, ()):
            add(Finding("calendar", f"task {tid!r} starts on {st.start}, a break day of the {t.calendar} calendar",
                        tid))
        want = rules.elapsed_end(st.start, mode.duration, t.calendar)
        if st.end != want:
            add(Finding("duration", f"task {tid!r} [{st.start}, {st.end}) should end on {want} ({mode.duration} "
                        f"working days from {st.start} in the {t.calendar} calendar)", tid))
        if st.start < rules.start:
            add(Finding("release", f"task {tid!r} starts on {st.start}, before the plan's date {rules.start}", tid))
        if t.release is not None and st.start < t.release:
            add(Finding("release", f"task {tid!r} starts on {st.start}, before its release date {t.release}", tid))
        if completion(st.start, st.end, rules.start) > rules.horizon_end:
            add(Finding("horizon", f"task {tid!r} ends after horizon_end {rules.horizon_end}", tid))
        cost: int | None = None
        if not _is_int(st.cost_mvnd):
            add(Finding("type", f"task {tid!r}: cost {st.cost_mvnd!r} is not a whole number of millions", tid))
        elif abs(int(st.cost_mvnd) - mode.cost) > Fraction(1, 2):
            add(Finding("cost", f"task {tid!r} ({st.mode}): cost {st.cost_mvnd} but the plan gives "
                        f"{float(mode.cost):g} million VND", tid))
        else:
            cost = int(st.cost_mvnd)
        valid[tid] = (st, mode, cost)

    # precedences -------------------------------------------------------------------
    for succ, preds in rules.preds.items():
        if succ not in valid:
            continue
        s_start = valid[succ][0].start
        for p in sorted(preds):
            if p in valid and s_start < valid[p][0].end:
                add(Finding("precedence", f"{succ!r} starts on {s_start} before {p!r} is finished "
                            f"(last day {valid[p][0].end - _DAY})", succ))

    # council sessions --------------------------------------------------------------------
    _verify_sessions(rules, valid, add)

    # agencies' weekly capacity, day by day -------------------------------------------
    load: dict[str, dict[dt.date, Fraction]] = defaultdict(lambda: defaultdict(Fraction))
    for tid, (st, mode, _) in valid.items():
        if mode.effort > 0:
            d = st.start
            while d < st.end:
                load[exp[tid].agency][d] += mode.effort
                d += _DAY
    over_weeks: set[tuple[str, dt.date]] = set()
    for agency in sorted(load):
        for d in sorted(load[agency]):
            cap = rules.capacity(agency, d)
            wk = d - dt.timedelta(days=d.weekday())
            if load[agency][d] > cap and (agency, wk) not in over_weeks:
                over_weeks.add((agency, wk))
                running = sorted(t for t, (s, m, _) in valid.items()
                                 if exp[t].agency == agency and m.effort > 0 and s.start <= d < s.end)
                add(Finding("capacity", f"agency {agency!r} on {d}: {float(load[agency][d]):g} person-days/week in "
                            f"use > capacity {float(cap):g} ({', '.join(running)})"))

    # money -------------------------------------------------------------------------------
    _verify_money(rules, answer, valid, add)

    # hard deadlines, milestones, summary --------------------------------------------------
    done = {tid: completion(st.start, st.end, rules.start) for tid, (st, _, _) in valid.items()}
    if rules.hard:
        for tid, day in done.items():
            tgt = exp[tid].target
            if tgt is not None and day > tgt:
                add(Finding("deadline", f"task {tid!r} finishes on {day}, after its hard target {tgt}", tid))
    try:
        earliest: dict[str, dt.date] | None = {tid: completion(s, e, rules.start)
                                               for tid, (s, e) in rules.earliest().items()}
    except ValueError as exc:
        add(Finding("precedence", f"no earliest possible date: {exc}"))
        earliest = None
    rep.expected = _expected_summary(rules, answer, valid, done, earliest or {})
    if answer.schedule is not None:
        _verify_schedule_table(rules, answer.schedule, valid, add)
    if answer.milestones is not None:
        _verify_milestones_table(rules, answer.milestones, done, add, earliest)
    if answer.agency_load is not None:
        _verify_agency_load(rules, answer.agency_load, valid, load, add)
    if answer.allocation is not None:
        _verify_allocation_table(rules, answer, valid, add)
    if answer.summary is not None and answer.summary.get("communes_on_time") is not None:
        _verify_summary(answer.summary, rep.expected, add)
    return rep


def _verify_sessions(rules: _Rules, valid: Mapping[str, tuple[ScheduledTask, _Mode, int | None]], add: Any) -> None:
    """With ``council_sessions.csv``: every commune's appraisal step starts on a session's date, a session
    takes at most its ``capacity`` dossiers, and the steps before the appraisal end at least
    ``cutoff_days`` before the session (their ``end``, the day after their last day, is on or before
    the session's date minus ``cutoff_days``)."""
    sessions = {s.date: s for s in rules.plan.council_sessions if s.date >= rules.start}
    if not rules.plan.council_sessions:
        return
    count: dict[str, list[str]] = defaultdict(list)
    for tid, t in rules.tasks.items():
        if t.kind != "step" or t.milestone != "appraisal" or t.commune == DISTRICT or tid not in valid:
            continue
        st = valid[tid][0]
        s = sessions.get(st.start)
        if s is None:
            add(Finding("session", f"{tid!r} is appraised on {st.start}, when the council does not sit", tid))
            continue
        count[s.session_id].append(t.commune)
        cutoff = s.date - dt.timedelta(days=s.cutoff_days)
        for p in sorted(rules.preds.get(tid, ())):
            if p in valid and valid[p][0].end > cutoff:
                add(Finding("session", f"{tid!r} at session {s.session_id} ({s.date}): {p!r} ends on "
                            f"{valid[p][0].end - _DAY}, the dossier was due by {cutoff - _DAY}", tid))
    for s in rules.plan.council_sessions:
        if len(count[s.session_id]) > s.capacity:
            add(Finding("session", f"session {s.session_id} ({s.date}) takes {len(count[s.session_id])} dossiers, "
                        f"capacity {s.capacity}: {', '.join(sorted(count[s.session_id]))}"))


def _verify_money(rules: _Rules, answer: Answer, valid: dict[str, tuple[ScheduledTask, _Mode, int | None]],
                  add: Any) -> None:
    by_task: dict[str, list[PlanPayment]] = defaultdict(list)
    flows: dict[tuple[str, str | None], dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
    for p in answer.payments:
        if not (_is_int(p.amount_mvnd) and _is_date(p.date)):
            add(Finding("type", f"payment to {p.task_id!r} from {p.source_id!r}: amount {p.amount_mvnd!r} on "
                        f"{p.date!r} is not a whole number of millions on a day", p.task_id))
            continue
        if p.amount_mvnd < 0:
            add(Finding("payment", f"task {p.task_id!r}: negative payment {p.amount_mvnd} from {p.source_id!r}",
                        p.task_id))
        t = rules.tasks.get(p.task_id)
        if t is None:
            add(Finding("payment", f"payment of {p.amount_mvnd} to {p.task_id!r}, not a task of the plan", p.task_id))
            continue
        why = rules.sources_allowed(t, p.source_id, p.earmark)
        if why is not None:
            add(Finding("source", f"task {p.task_id!r} paid {p.amount_mvnd} on {p.date}: {why}", p.task_id))
        if p.source_id == EXTRA and rules.extra_from is not None and p.date < rules.extra_from:
            add(Finding("source", f"task {p.task_id!r} paid {p.amount_mvnd} of extra funding on {p.date}, before "
                        f"extra_funding_from {rules.extra_from}", p.task_id))
        by_task[p.task_id].append(p)
        flows[(p.source_id, p.earmark)][p.date] += p.amount_mvnd
    for tid, (st, _mode, cost) in valid.items():
        pays = by_task.get(tid, [])
        if cost is None:
            continue
        at_start = sum(p.amount_mvnd for p in pays if p.date == st.start)
        at_end = sum(p.amount_mvnd for p in pays if p.date == st.end)
        for p in pays:
            if p.date not in (st.start, st.end):
                add(Finding("payment", f"task {tid!r}: {p.amount_mvnd} paid on {p.date}, neither its first day "
                            f"{st.start} nor the day after its end {st.end}", tid))
        if st.end == st.start:
            if at_start != cost:
                add(Finding("payment", f"task {tid!r} takes no time: paid {at_start} on {st.start}, cost {cost}", tid))
            continue
        adv = advance(cost, rules.share)
        if at_start != adv:
            add(Finding("payment", f"task {tid!r}: advance {at_start} paid on {st.start}, the plan's "
                        f"advance_share {float(rules.share):g} of {cost} gives {adv}", tid))
        if at_end != cost - adv:
            add(Finding("payment", f"task {tid!r}: remainder {at_end} paid on {st.end}, should be {cost - adv}", tid))
    for (sid, earmark), by_day in sorted(flows.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        if sid == EXTRA:
            continue
        cum = 0
        for day in sorted(by_day):
            cum += by_day[day]
            rel = rules.released(sid, earmark, day)
            if cum > rel:
                add(Finding("funding", f"source {sid!r}{f' (earmark {earmark})' if earmark else ''}: {cum} paid by "
                            f"{day}, funding.csv releases {float(rel):g} by then"))
                break


def _chain_status(rules: _Rules, done: Mapping[str, dt.date]) -> dict[str, tuple[bool, str | None]]:
    """Per not-yet-recognised commune: on time, and the first missed milestone (the one definition)."""
    out: dict[str, tuple[bool, str | None]] = {}
    order = {m: i for i, m in enumerate(CHAIN_MILESTONES)}
    for c in rules.plan.not_recognised():
        steps = sorted((t for t in rules.tasks.values()
                        if t.kind == "step" and t.commune == c.code and t.target is not None and t.milestone),
                       key=lambda t: (t.chain_order or 0, order.get(t.milestone or "", 9)))
        missed = [t.milestone for t in steps
                  if t.target is not None and t.task_id in done and done[t.task_id] > t.target]
        unknown = [t for t in steps if t.task_id not in done]
        out[c.code] = (not missed and not unknown, missed[0] if missed else None)
    return out


def _late_cause(target: dt.date, day: dt.date, earliest: dt.date | None) -> str | None:
    """``None`` when on time; ``out_of_reach`` when even the earliest possible date is after the
    target; else ``resources_or_money`` (``?`` when the earliest date is unknown)."""
    if day <= target:
        return None
    if earliest is None:
        return "?"
    return "out_of_reach" if earliest > target else "resources_or_money"


def _expected_late(rules: _Rules, done: Mapping[str, dt.date],
                   earliest: Mapping[str, dt.date]) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """Per late commune its cause (``out_of_reach`` when one of its missed chain milestones is), and
    every late milestone (chain steps and per-task due dates) as ``summary.late_milestones`` lists it."""
    causes: dict[str, str] = {}
    late: list[dict[str, Any]] = []
    for tid, t in rules.tasks.items():
        if t.target is None or tid not in done or done[tid] <= t.target:
            continue
        cause = _late_cause(t.target, done[tid], earliest.get(tid))
        late.append({"commune_code": t.commune, "milestone": str(t.milestone) if t.kind == "step" else f"task:{tid}",
                     "task_id": tid, "target_date": t.target.isoformat(), "scheduled_date": done[tid].isoformat(),
                     "earliest_possible_date": earliest[tid].isoformat() if tid in earliest else None,
                     "late_cause": cause})
        if (t.kind == "step" and t.milestone and t.commune != DISTRICT and cause is not None
                and causes.get(t.commune) != "out_of_reach"):
            causes[t.commune] = cause
    return causes, sorted(late, key=lambda r: r["task_id"])


def _expected_summary(rules: _Rules, answer: Answer, valid: dict[str, Any],
                      done: Mapping[str, dt.date], earliest: Mapping[str, dt.date]) -> dict[str, Any]:
    status = _chain_status(rules, done)
    causes, late_ms = _expected_late(rules, done, earliest)
    late = sorted(c for c, (ok, _) in status.items() if not ok)
    dist = [done[t] for t in done if rules.tasks[t].kind == "step" and rules.tasks[t].commune == DISTRICT]
    extra = sum(p.amount_mvnd for p in answer.payments if p.source_id == EXTRA and _is_int(p.amount_mvnd))
    costs = [c for (_, _, c) in valid.values()]
    tgt = rules.district_targets.get("works_done")
    unit = rules.plan.unit
    return {
        "unit": None if unit is None else {
            "name": unit.name, "code": unit.code, "level": unit.level, "period": unit.period,
            "criteria_set": unit.criteria_set, "procedure": unit.procedure, "invented": unit.invented is True},
        "communes_on_time": len(status) - len(late),
        "communes_late": len(late),
        "late_communes": late,
        "first_missed": {c: m for c, (ok, m) in status.items() if m is not None},
        "district_recognition_date": max(dist).isoformat() if dist else None,
        "district_target_date": tgt.isoformat() if tgt else None,
        "total_cost_mvnd": int(sum(c for c in costs if c is not None)),
        "extra_funding_mvnd": int(extra),
        "late_cause": {c: causes.get(c, "?") for c in late},
        "late_milestones": late_ms,
    }


def _verify_summary(summary: Mapping[str, Any], expected: Mapping[str, Any], add: Any) -> None:
    for key in ("communes_on_time", "communes_late", "district_recognition_date", "district_target_date",
                "total_cost_mvnd", "extra_funding_mvnd"):
        got = summary.get(key)
        if got != expected[key]:
            add(Finding("summary", f"summary {key} = {got!r}, recomputed from the plan: {expected[key]!r}"))
    if "unit" in summary and summary.get("unit") != expected["unit"]:  # the summary names the plan's own unit
        add(Finding("summary", f"summary unit = {summary.get('unit')!r}, the plan's unit.csv: {expected['unit']!r}"))
    if "first_missed" in summary and summary.get("first_missed") != expected["first_missed"]:
        add(Finding("summary", f"summary first_missed = {summary.get('first_missed')!r}, recomputed from the plan: "
                    f"{expected['first_missed']!r}"))
    for key in ("late_cause", "late_milestones"):  # issue 22: out of reach, or for lack of money / staff?
        got_v = summary.get(key)
        if key == "late_milestones" and isinstance(got_v, list):
            got_v = sorted(got_v, key=lambda r: str(r.get("task_id")) if isinstance(r, dict) else "")
        if got_v != expected[key]:
            add(Finding("summary", f"summary {key} = {summary.get(key)!r}, recomputed from the plan (earliest "
                        f"dates from its durations and calendars alone): {expected[key]!r}"))
    got = summary.get("late_communes")
    if got is None or sorted(got) != expected["late_communes"]:
        add(Finding("summary", f"summary late_communes = {got!r}, recomputed from the plan "
                    f"(every targeted milestone of the chain on time): {expected['late_communes']!r}"))


def _verify_schedule_table(rules: _Rules, schedule: Any, valid: dict[str, Any], add: Any) -> None:
    ids = list(schedule["task_id"]) if len(schedule) else []
    if sorted(ids) != sorted(valid):  # one row per scheduled task: none missing, none twice, none unknown
        missing = sorted(set(valid) - set(ids))
        twice = sorted({i for i in ids if ids.count(i) > 1})
        add(Finding("schedule", f"schedule.csv lists {len(ids)} rows for {len(valid)} scheduled tasks"
                    + (f"; missing {missing[:5]}" if missing else "") + (f"; twice {twice[:5]}" if twice else "")))
    for row in schedule.itertuples(index=False):
        tid = row.task_id
        if tid not in valid:
            continue
        st, _, cost = valid[tid]
        t = rules.tasks[tid]
        done_day = completion(st.start, st.end, rules.start)
        want = {"start_date": st.start if st.end > st.start else done_day, "end_date": done_day,
                "commune_code": t.commune, "kind": t.kind, "agency": t.agency, "mode": st.mode,
                "criterion": t.criterion, "work_type": t.work_type or tid.split(":", 1)[-1],
                "name_vi": t.name_vi, "name_en": t.name_en}
        got = {"start_date": to_date(row.start_date, lenient=True),
               "end_date": to_date(row.end_date, lenient=True),
               "commune_code": row.commune_code, "kind": row.kind, "agency": row.agency, "mode": row.mode,
               "criterion": str(row.criterion), "work_type": row.work_type, "name_vi": row.name_vi,
               "name_en": row.name_en}
        for k in want:
            if got[k] != want[k]:
                add(Finding("schedule", f"schedule.csv {tid!r}: {k} {got[k]!r}, should be {want[k]!r}", tid))
        if cost is not None and row.cost_mvnd != cost:
            add(Finding("schedule", f"schedule.csv {tid!r}: cost_mvnd {row.cost_mvnd!r}, should be {cost}", tid))


def _verify_milestones_table(rules: _Rules, ms: Any, done: Mapping[str, dt.date], add: Any,
                             earliest: Mapping[str, dt.date] | None = None) -> None:
    if earliest is not None:
        _verify_milestone_reach(rules, ms, done, earliest, add)
    want: dict[str, tuple[str, str, dt.date, dt.date]] = {}
    for tid, t in rules.tasks.items():
        if t.target is None or tid not in done:
            continue
        label = str(t.milestone) if t.kind == "step" else f"task:{tid}"
        want[tid] = (t.commune, label, t.target, done[tid])
    got: dict[str, tuple[str, str, dt.date | None, dt.date | None, Any]] = {}
    for row in ms.itertuples(index=False):
        if row.task_id in got:
            add(Finding("milestones", f"milestones.csv lists {row.task_id!r} twice", row.task_id))
        got[row.task_id] = (row.commune_code, row.milestone, to_date(row.target_date, lenient=True),
                            to_date(row.scheduled_date, lenient=True), row.slack_days)
    for tid, (commune, label, target, day) in want.items():
        if tid not in got:
            add(Finding("milestones", f"milestones.csv lacks {commune} {label} (target {target})", tid))
            continue
        g = got[tid]
        if (g[0], g[1], g[2], g[3]) != (commune, label, target, day) or g[4] != (target - day).days:
            add(Finding("milestones", f"milestones.csv {tid!r}: {g[1]} target {g[2]} scheduled {g[3]} slack {g[4]}; "
                        f"the plan and schedule give {label} target {target} scheduled {day} slack "
                        f"{(target - day).days}", tid))
    for tid in set(got) - set(want):
        add(Finding("milestones", f"milestones.csv lists {tid!r}, which carries no target in the plan", tid))


def _verify_milestone_reach(rules: _Rules, ms: Any, done: Mapping[str, dt.date], earliest: Mapping[str, dt.date],
                            add: Any) -> None:
    """``milestones.csv``'s ``earliest_possible_date`` and ``late_cause`` against the verifier's own
    earliest pass (missing columns are a finding: the table people read must carry them)."""
    missing = [c for c in ("earliest_possible_date", "late_cause") if c not in ms.columns]
    if missing:
        add(Finding("milestones", f"milestones.csv lacks column(s) {', '.join(missing)}"))
        return
    for row in ms.itertuples(index=False):
        tid = row.task_id
        t = rules.tasks.get(tid)
        if t is None or t.target is None or tid not in done or tid not in earliest:
            continue  # reported by the table's own check
        got_e = to_date(row.earliest_possible_date, lenient=True)
        cause = row.late_cause if isinstance(row.late_cause, str) and row.late_cause else None
        want_c = _late_cause(t.target, done[tid], earliest[tid])
        if got_e != earliest[tid]:
            add(Finding("milestones", f"milestones.csv {tid!r}: earliest_possible_date {got_e}, the plan's "
                        f"durations, predecessors and calendars give {earliest[tid]}", tid))
        if cause != want_c:
            add(Finding("milestones", f"milestones.csv {tid!r}: late_cause {cause!r}, should be {want_c!r} (target "
                        f"{t.target}, scheduled {done[tid]}, earliest possible {earliest[tid]})", tid))


def _verify_agency_load(rules: _Rules, table: Any, valid: dict[str, Any], load: Mapping[str, Any], add: Any) -> None:
    """``agency_load.csv``: per agency with work in the plan and per week up to the last day of the
    schedule, the week's smallest capacity and its peak effort (each task's weekly effort counted as
    the model counts it, in tenths of a person-day rounded up)."""
    from ntm_sched.units import from_model_effort, to_model_effort

    if not valid:
        return
    last = max(max(st.end for st, _, _ in valid.values()), rules.start + _DAY)
    agencies = sorted({t.agency for t in rules.tasks.values() if any(m.effort > 0 for m in t.modes.values())})
    days = [rules.start + dt.timedelta(days=i) for i in range((last - rules.start).days)]
    want: dict[tuple[str, dt.date], tuple[float, float]] = {}
    for a in agencies:
        units: dict[dt.date, int] = defaultdict(int)
        for tid, (st, mode, _) in valid.items():
            if rules.tasks[tid].agency == a and mode.effort > 0:
                d = st.start
                while d < st.end:
                    units[d] += to_model_effort(float(mode.effort))
                    d += _DAY
        for d in days:
            wk = d - dt.timedelta(days=d.weekday())
            used, cap = want.get((a, wk), (0.0, math.inf))
            want[(a, wk)] = (max(used, from_model_effort(units.get(d, 0))), min(cap, float(rules.capacity(a, d))))
    got = {}
    for row in table.itertuples(index=False):
        week = to_date(row.week_start, lenient=True)
        if week is None:
            add(Finding("agency_load", f"agency_load.csv: week_start {row.week_start!r} is not a date"))
            continue
        got[(row.agency, week)] = (float(row.used), float(row.capacity))
    for key in sorted(set(want) | set(got), key=str):
        if key not in got or key not in want:
            add(Finding("agency_load", f"agency_load.csv {'lacks' if key in want else 'has an extra row for'} "
                        f"{key[0]} week {key[1]}"))
            continue
        (wu, wc), (gu, gc) = want[key], got[key]
        if abs(gc - wc) > _TOL:
            add(Finding("agency_load", f"agency_load.csv {key[0]} week {key[1]}: capacity {gc:g}, "
                        f"agencies.csv and capacity_changes.csv give {wc:g}"))
        if abs(gu - wu) > _TOL:
            add(Finding("agency_load", f"agency_load.csv {key[0]} week {key[1]}: {gu:g} in use, the schedule "
                        f"gives {wu:g}"))
        if gu > gc + _TOL:
            add(Finding("agency_load", f"agency_load.csv {key[0]} week {key[1]}: {gu:g} in use > capacity {gc:g}"))


def _verify_allocation_table(rules: _Rules, answer: Answer, valid: dict[str, Any], add: Any) -> None:
    """``allocation.csv``: the payments summed by source, earmark, task, month and instalment."""
    want: dict[tuple[Any, ...], int] = defaultdict(int)
    for p in answer.payments:
        if p.task_id not in valid or not (_is_int(p.amount_mvnd) and _is_date(p.date)):
            continue
        inst = "advance" if p.date == valid[p.task_id][0].start else "settlement"
        want[(p.source_id, p.earmark or "", p.task_id, p.date.replace(day=1), inst)] += int(p.amount_mvnd)
    got: dict[tuple[Any, ...], Any] = defaultdict(int)
    for row in answer.allocation.itertuples(index=False):
        earmark = "" if row.earmark is None or (isinstance(row.earmark, float) and math.isnan(row.earmark)) \
            else str(row.earmark)
        period = to_date(row.period_start, lenient=True)
        got[(row.source, earmark, row.task_id, period, row.instalment)] += row.amount_mvnd
        t = rules.tasks.get(row.task_id)
        if t is not None and row.commune_code != t.commune:
            add(Finding("allocation", f"allocation.csv {row.task_id!r}: commune {row.commune_code!r}, "
                        f"the task is {t.commune}'s", row.task_id))
    for key in sorted(set(want) | set(got), key=str):
        if want.get(key, 0) != got.get(key, 0):
            add(Finding("allocation", f"allocation.csv {key[2]!r} {key[0]}{'@' + key[1] if key[1] else ''} "
                        f"{key[3]} {key[4]}: {got.get(key, 0)}, the payments give {want.get(key, 0)}", key[2]))


# ---------------------------------------------------------------------------
# a solved PlanResult
# ---------------------------------------------------------------------------
def answer_from_result(plan: Plan, pr: Any) -> Answer:
    """The answer of a solved :class:`~ntm_sched.domain.tables.PlanResult` in the plan's terms.

    Days are counted from the plan's own ``plan_start`` setting; the schedule's modes and costs
    and the tables and summary are taken as the user receives them.
    """
    origin = plan.setting_date("plan_start")
    sol = pr.result.solution

    def day(period: Any) -> Any:
        return origin + dt.timedelta(days=period) if _is_int(period) else period

    sch = pr.schedule.set_index("task_id") if len(pr.schedule) else None
    tasks = []
    for tid, ts in sol.tasks.items():
        mode, cost = "?", None
        if sch is not None and tid in sch.index:
            row = sch.loc[tid]
            if getattr(row, "ndim", 1) > 1:  # duplicated in the table: the table check says so
                row = row.iloc[0]
            mode, cost = str(row["mode"]), row["cost_mvnd"]
        tasks.append(ScheduledTask(tid, day(ts.start), day(ts.end), mode, cost))
    pays = []
    for p in sol.payments:
        sid, earmark = pr.model.source_map.get(p.source, (p.source, None))
        pays.append(PlanPayment(p.task_id, sid, earmark, day(p.time), p.amount))
    return Answer(tuple(tasks), tuple(pays), pr.schedule, pr.milestones, pr.agency_load, pr.summary,
                  pr.allocation)


def verify_result(plan: Plan, pr: Any) -> Any:
    """Verify a solved plan and write the verdict into its summary; return ``pr``.

    ``summary['verified']`` is ``True``/``False`` (``None`` without a schedule) and
    ``summary['verifier_findings']`` lists the disagreements. On a disagreement the result is
    invalid: ``summary['status']`` becomes ``INVALID`` (the solver's own status is kept in
    ``solver_status``) and the explanation says why, so that every output (summary.json, the
    report's banner, the command's exit status) says so.
    """
    s = pr.summary
    if not pr.has_schedule:
        s["verified"], s["verifier_findings"] = None, []
        pr.verification = None
        return pr
    report = verify(plan, answer_from_result(plan, pr))
    pr.verification = report
    s["verified"] = report.ok
    s["verifier_findings"] = report.lines()
    if not report.ok:
        s["solver_status"] = s["status"]
        s["status"] = INVALID_STATUS
        head = (f"The answer disagrees with the plan ({len(report.findings)} finding(s)); do not use it: "
                + "; ".join(report.lines(3)))
        s["explanation"] = head
        s["explanation_vi"] = (f"Kết quả không khớp với kế hoạch ({len(report.findings)} điểm); không dùng kết quả "
                               "này: " + "; ".join(report.lines(3)))
    return pr
