"""The verifier's checks of money, of council sessions and of what people are shown
(:mod:`.verify`): payments against sources and releases, a province's appraisals at its
council's sessions, the milestones and their late causes, the summary, and the
schedule, agency-load and allocation tables, each against :class:`~.verify_rules.Rules`."""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from ntm_sched.units import to_date

from .verify_answer import (
    CHAIN_MILESTONES,
    DAY,
    DISTRICT,
    EXTRA,
    TOL,
    Answer,
    Finding,
    PlanPayment,
    ScheduledTask,
)
from .verify_rules import Mode, Rules, advance, completion, daily_totals, is_date, is_int


def verify_money(rules: Rules, answer: Answer, valid: dict[str, tuple[ScheduledTask, Mode, int | None]],
                  add: Any) -> None:
    by_task: dict[str, list[PlanPayment]] = defaultdict(list)
    flows: dict[tuple[str, str | None], dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
    for p in answer.payments:
        if not (is_int(p.amount_mvnd) and is_date(p.date)):
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


def verify_sessions(rules: Rules, valid: Mapping[str, tuple[ScheduledTask, Mode, int | None]], add: Any) -> None:
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
                            f"{valid[p][0].end - DAY}, the dossier was due by {cutoff - DAY}", tid))
    for s in rules.plan.council_sessions:
        if len(count[s.session_id]) > s.capacity:
            add(Finding("session", f"session {s.session_id} ({s.date}) takes {len(count[s.session_id])} dossiers, "
                        f"capacity {s.capacity}: {', '.join(sorted(count[s.session_id]))}"))


def chain_status(rules: Rules, done: Mapping[str, dt.date]) -> dict[str, tuple[bool, str | None]]:
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


def late_cause_of(target: dt.date, day: dt.date, earliest: dt.date | None) -> str | None:
    """``None`` when on time; ``out_of_reach`` when even the earliest possible date is after the
    target; else ``resources_or_money`` (``?`` when the earliest date is unknown)."""
    if day <= target:
        return None
    if earliest is None:
        return "?"
    return "out_of_reach" if earliest > target else "resources_or_money"


def expected_late(rules: Rules, done: Mapping[str, dt.date],
                   earliest: Mapping[str, dt.date]) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """Per late commune its cause (``out_of_reach`` when one of its missed chain milestones is), and
    every late milestone (chain steps and per-task due dates) as ``summary.late_milestones`` lists it."""
    causes: dict[str, str] = {}
    late: list[dict[str, Any]] = []
    for tid, t in rules.tasks.items():
        if t.target is None or tid not in done or done[tid] <= t.target:
            continue
        cause = late_cause_of(t.target, done[tid], earliest.get(tid))
        late.append({"commune_code": t.commune, "milestone": str(t.milestone) if t.kind == "step" else f"task:{tid}",
                     "task_id": tid, "target_date": t.target.isoformat(), "scheduled_date": done[tid].isoformat(),
                     "earliest_possible_date": earliest[tid].isoformat() if tid in earliest else None,
                     "late_cause": cause})
        if (t.kind == "step" and t.milestone and t.commune != DISTRICT and cause is not None
                and causes.get(t.commune) != "out_of_reach"):
            causes[t.commune] = cause
    return causes, sorted(late, key=lambda r: r["task_id"])


def expected_summary(rules: Rules, answer: Answer, valid: dict[str, Any],
                      done: Mapping[str, dt.date], earliest: Mapping[str, dt.date]) -> dict[str, Any]:
    status = chain_status(rules, done)
    causes, late_ms = expected_late(rules, done, earliest)
    late = sorted(c for c, (ok, _) in status.items() if not ok)
    dist = [done[t] for t in done if rules.tasks[t].kind == "step" and rules.tasks[t].commune == DISTRICT]
    extra = sum(p.amount_mvnd for p in answer.payments if p.source_id == EXTRA and is_int(p.amount_mvnd))
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


def verify_summary(summary: Mapping[str, Any], expected: Mapping[str, Any], add: Any) -> None:
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


def verify_schedule_table(rules: Rules, schedule: Any, valid: dict[str, Any], add: Any) -> None:
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


def verify_milestones_table(rules: Rules, ms: Any, done: Mapping[str, dt.date], add: Any,
                             earliest: Mapping[str, dt.date] | None = None) -> None:
    if earliest is not None:
        verify_milestone_reach(rules, ms, done, earliest, add)
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


def verify_milestone_reach(rules: Rules, ms: Any, done: Mapping[str, dt.date], earliest: Mapping[str, dt.date],
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
        want_c = late_cause_of(t.target, done[tid], earliest[tid])
        if got_e != earliest[tid]:
            add(Finding("milestones", f"milestones.csv {tid!r}: earliest_possible_date {got_e}, the plan's "
                        f"durations, predecessors and calendars give {earliest[tid]}", tid))
        if cause != want_c:
            add(Finding("milestones", f"milestones.csv {tid!r}: late_cause {cause!r}, should be {want_c!r} (target "
                        f"{t.target}, scheduled {done[tid]}, earliest possible {earliest[tid]})", tid))


def verify_agency_load(rules: Rules, table: Any, valid: dict[str, Any], load: Mapping[str, Any], add: Any) -> None:
    """``agency_load.csv``: per agency with work in the plan and per week up to the last day of the
    schedule, the week's smallest capacity and its peak effort (each task's weekly effort counted as
    the model counts it, in tenths of a person-day rounded up)."""
    from ntm_sched.units import from_model_effort, to_model_effort

    if not valid:
        return
    last = max(max(st.end for st, _, _ in valid.values()), rules.start + DAY)
    agencies = sorted({t.agency for t in rules.tasks.values() if any(m.effort > 0 for m in t.modes.values())})
    days = [rules.start + dt.timedelta(days=i) for i in range((last - rules.start).days)]
    weeks: dict[dt.date, list[dt.date]] = defaultdict(list)  # Monday -> its days up to the last
    for d in days:
        weeks[d - dt.timedelta(days=d.weekday())].append(d)
    want: dict[tuple[str, dt.date], tuple[float, float]] = {}
    for a in agencies:
        units = daily_totals((st.start, st.end, to_model_effort(float(mode.effort))) for tid, (st, mode, _)
                             in valid.items() if rules.tasks[tid].agency == a and mode.effort > 0)
        peak: dict[dt.date, float] = defaultdict(float)  # a day without work uses nothing
        for d, u in units.items():
            if rules.start <= d < last:
                wk = d - dt.timedelta(days=d.weekday())
                peak[wk] = max(peak[wk], from_model_effort(u))
        for wk, wdays in weeks.items():
            want[(a, wk)] = (peak.get(wk, 0.0), min(float(rules.capacity(a, d)) for d in wdays))
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
        if abs(gc - wc) > TOL:
            add(Finding("agency_load", f"agency_load.csv {key[0]} week {key[1]}: capacity {gc:g}, "
                        f"agencies.csv and capacity_changes.csv give {wc:g}"))
        if abs(gu - wu) > TOL:
            add(Finding("agency_load", f"agency_load.csv {key[0]} week {key[1]}: {gu:g} in use, the schedule "
                        f"gives {wu:g}"))
        if gu > gc + TOL:
            add(Finding("agency_load", f"agency_load.csv {key[0]} week {key[1]}: {gu:g} in use > capacity {gc:g}"))


def verify_allocation_table(rules: Rules, answer: Answer, valid: dict[str, Any], add: Any) -> None:
    """``allocation.csv``: the payments summed by source, earmark, task, month and instalment."""
    want: dict[tuple[Any, ...], int] = defaultdict(int)
    for p in answer.payments:
        if p.task_id not in valid or not (is_int(p.amount_mvnd) and is_date(p.date)):
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
