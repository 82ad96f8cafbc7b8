"""The plan's rules as the verifier (:mod:`.verify`) reads them, re-derived once from the plan's
own records (:class:`Rules`): modes, calendars, capacities, money, the recognition chains and
the earliest dates; and the payment rule (:func:`advance`, :func:`completion`)."""

from __future__ import annotations

import datetime as dt
import math
import numbers
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from ntm_sched.plan import Plan

from .verify_answer import ALL_CRITERIA, CHAIN_MILESTONES, DAY, DISTRICT, EXTRA


# ---------------------------------------------------------------------------
# the plan's rules, re-derived from its records
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Mode:
    duration: int
    effort: Fraction
    cost: Fraction  # exact, before rounding to whole millions


@dataclass(frozen=True)
class Task:
    task_id: str
    commune: str
    kind: str  # "work" or "step"
    work_type: str | None
    agency: str
    calendar: str
    modes: dict[str, Mode]
    release: dt.date | None = None
    target: dt.date | None = None
    milestone: str | None = None  # chain milestone, for steps
    chain_order: int | None = None
    criterion: str = ""
    name_vi: str = ""
    name_en: str = ""


def exact(x: Any) -> Fraction:
    """A number from a record or a setting, as the decimal it is written as."""
    if isinstance(x, Fraction):
        return x
    if isinstance(x, bool):
        raise TypeError(f"not a number: {x!r}")
    if isinstance(x, int):
        return Fraction(x)
    return Fraction(str(x).strip())


class Rules:
    """Everything the verifier needs from the plan, derived once."""

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.start: dt.date = plan.setting_date("plan_start")
        self.horizon_end: dt.date = plan.setting_date("horizon_end")
        self.share = exact(plan.setting("advance_share"))
        self.allow_accel = plan.setting_bool("allow_accelerated")
        self.accel_dur = exact(plan.setting("accel_duration_factor"))
        self.accel_cost = exact(plan.setting("accel_cost_factor"))
        self.accel_eff = exact(plan.setting("accel_effort_factor"))
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
                d += DAY
        # recognition steps under way at the plan's date: (commune, step) -> share still to do
        self.step_left: dict[tuple[str, str], Fraction] = {
            (p.commune_code, p.step): exact(p.share_remaining) for p in plan.step_progress}
        # province plans: each commune's district (a district earmark pays its communes' tasks)
        self.district_of: dict[str, str] = {c.code: c.district_code for c in plan.communes if c.district_code}
        self.tasks: dict[str, Task] = {}
        self.preds: dict[str, set[str]] = defaultdict(set)  # successor -> predecessors (finish before start)
        self._capacity_rows: dict[str, tuple[list[tuple[dt.date, dt.date, Fraction]], Fraction]] = {}
        self._works()
        self._chains()

    def _opt_date(self, key: str) -> dt.date | None:
        return self.plan.setting_date(key) if self.plan.setting(key, "") else None

    def _works(self) -> None:
        for t in self.plan.tasks:
            wt = self.plan.work_type(t.work_type)
            q = exact(t.quantity)
            batches = math.ceil(q / wt.parallel_per_commune) if q > 0 else 0
            dur = wt.duration_fixed_days + wt.duration_per_batch_days * batches
            share = Fraction(1) if t.share_remaining is None else exact(t.share_remaining)
            if share < 1:  # work under way: the share still to do, of the time and of the money
                dur = math.ceil(dur * share)
            cost = q * exact(wt.unit_cost_mvnd) * share
            eff = exact(wt.effort_per_week)
            modes = {"normal": Mode(dur, eff, cost)}
            if self.allow_accel and wt.accelerable and dur > 1:
                adur = max(1, math.ceil(dur * self.accel_dur))
                if adur < dur:
                    modes["accelerated"] = Mode(adur, eff * self.accel_eff, cost * self.accel_cost)
            self.tasks[t.task_id] = Task(
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
                self.tasks[sid] = Task(sid, owner, "step", None, s.agency_id, s.calendar,
                                        {"normal": Mode(dur, exact(s.effort_per_week), Fraction(0))},
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
                    start += DAY
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
            d += DAY
        return d

    def capacity(self, agency: str, day: dt.date) -> Fraction:
        """An agency's weekly capacity on ``day``: ``capacity_changes.csv`` where it says so (the plan refuses rows of
        one agency that overlap), else ``agencies.csv``."""
        changes, base = self._capacities(agency)
        for start, end, cap in changes:
            if start <= day <= end:
                return cap
        return base

    def _capacities(self, agency: str) -> tuple[list[tuple[dt.date, dt.date, Fraction]], Fraction]:
        """An agency's rows of ``capacity_changes.csv`` (in the file's order) and its capacity in
        ``agencies.csv``, read once (the capacity is asked for every day of a schedule)."""
        got = self._capacity_rows.get(agency)
        if got is None:
            got = ([(ch.start_date, ch.end_date, exact(ch.weekly_capacity)) for ch in self.plan.capacity_changes
                    if ch.agency_id == agency], exact(self.plan.agency(agency).weekly_capacity))
            self._capacity_rows[agency] = got
        return got

    def sources_allowed(self, task: Task, source_id: str, earmark: str | None) -> str | None:
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
        return sum((exact(tr.amount_mvnd) for tr in self.plan.funding
                    if tr.source_id == source_id and tr.earmark == earmark
                    and tr.date_available <= day), Fraction(0))


def daily_totals(spans: Iterable[tuple[dt.date, dt.date, Any]]) -> dict[dt.date, Any]:
    """Per day inside at least one span ``[start, end)``, the sum of the amounts of the spans it is inside.

    The same sums as adding each span's amount to each of its days, in exact arithmetic for exact amounts
    (integers, fractions), by a sweep over the days on which a span starts or ends: a schedule's spans cover
    hundreds of days each, and the verifier asks this of every agency's day-by-day load."""
    delta: dict[dt.date, Any] = defaultdict(int)
    count: dict[dt.date, int] = defaultdict(int)
    for start, end, amount in spans:
        if start < end:
            delta[start] += amount
            delta[end] -= amount
            count[start] += 1
            count[end] -= 1
    out: dict[dt.date, Any] = {}
    running: Any = 0
    inside = 0
    days = sorted(delta)
    for day, following in zip(days, days[1:]):  # the last event day ends every span still open: nothing after it
        running += delta[day]
        inside += count[day]
        if inside > 0:
            while day < following:
                out[day] = running
                day += DAY
    return out


def is_int(x: Any) -> bool:
    """A whole number (Python or NumPy integer, not a bool, not a float)."""
    return isinstance(x, numbers.Integral) and not isinstance(x, bool)


def is_date(x: Any) -> bool:
    return isinstance(x, dt.date) and not isinstance(x, dt.datetime)


def advance(cost: int, share: Fraction) -> int:
    """``floor(share * cost)``, exactly: the advance paid on a work's first day."""
    return (cost * share.numerator) // share.denominator


def completion(start: dt.date, end: dt.date, origin: dt.date) -> dt.date:
    """The day a task is complete: its last working day; for a task that takes no time, the day
    before it (the day its predecessors finished), not before the plan's date."""
    return end - DAY if end > start else max(start - DAY, origin)
