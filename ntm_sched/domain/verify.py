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

The verifier lives in four modules by job: what is checked and said (:mod:`.verify_answer`),
the plan's rules re-derived (:mod:`.verify_rules`), the checks of money and of the tables
and summary (:mod:`.verify_checks`), and here the schedule's rules and the entry points.

Use :func:`verify` on an :class:`Answer`, or :func:`verify_result` on a solved
:class:`~ntm_sched.domain.tables.PlanResult` (it also marks the result invalid, loudly, on a disagreement).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from fractions import Fraction
from typing import Any

from ntm_sched.plan import Plan

from .verify_answer import (
    ALL_CRITERIA,
    CHAIN_MILESTONES,
    DAY,
    DISTRICT,
    EXTRA,
    INVALID_STATUS,
    Answer,
    Finding,
    PlanPayment,
    ScheduledTask,
    VerifyReport,
)
from .verify_checks import (
    expected_summary,
    verify_agency_load,
    verify_allocation_table,
    verify_milestones_table,
    verify_money,
    verify_schedule_table,
    verify_sessions,
    verify_summary,
)
from .verify_rules import Mode, Rules, advance, completion, daily_totals, is_date, is_int

# the verifier's vocabulary, named here whichever of its modules holds it
__all__ = ["ALL_CRITERIA", "CHAIN_MILESTONES", "DISTRICT", "EXTRA", "INVALID_STATUS", "Answer", "Finding",
           "PlanPayment",
           "Rules", "ScheduledTask", "VerifyReport", "advance", "answer_from_result", "completion", "verify",
           "verify_result"]


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
    rules = Rules(plan)
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
        if not (is_date(st.start) and is_date(st.end)):
            add(Finding("type", f"task {st.task_id!r}: start/end {st.start!r}/{st.end!r} are not whole days",
                        st.task_id))
            continue
        seen[st.task_id] = st
    for tid in exp:
        if tid not in seen and not any(s.task_id == tid for s in answer.tasks):
            add(Finding("tasks", f"task {tid!r} of the plan is not scheduled", tid))

    # modes, durations, calendars, release, horizon, costs ---------------------------
    valid: dict[str, tuple[ScheduledTask, Mode, int | None]] = {}
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
        if not is_int(st.cost_mvnd):
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
                            f"(last day {valid[p][0].end - DAY})", succ))

    # council sessions --------------------------------------------------------------------
    verify_sessions(rules, valid, add)

    # agencies' weekly capacity, day by day -------------------------------------------
    spans: dict[str, list[tuple[dt.date, dt.date, Fraction]]] = defaultdict(list)
    for tid, (st, mode, _) in valid.items():
        if mode.effort > 0:
            spans[exp[tid].agency].append((st.start, st.end, mode.effort))
    load = {agency: daily_totals(s) for agency, s in spans.items()}
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
    verify_money(rules, answer, valid, add)

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
    rep.expected = expected_summary(rules, answer, valid, done, earliest or {})
    if answer.schedule is not None:
        verify_schedule_table(rules, answer.schedule, valid, add)
    if answer.milestones is not None:
        verify_milestones_table(rules, answer.milestones, done, add, earliest)
    if answer.agency_load is not None:
        verify_agency_load(rules, answer.agency_load, valid, load, add)
    if answer.allocation is not None:
        verify_allocation_table(rules, answer, valid, add)
    if answer.summary is not None and answer.summary.get("communes_on_time") is not None:
        verify_summary(answer.summary, rep.expected, add)
    return rep


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
        return origin + dt.timedelta(days=period) if is_int(period) else period

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
