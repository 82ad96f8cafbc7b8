"""The report's risk tables: communes at risk and why (the binding chain of a late milestone,
ranked causes), bottleneck agencies, and the decisions section the report opens with.

Like :mod:`.tables`, every function takes a solved :class:`~ntm_sched.domain.PlanResult` (and
the plan for names) and gives empty tables (with their columns) when there is no schedule.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from ntm_sched.domain import (
    CHAIN_MILESTONES,
    DISTRICT,
    EXTRA_SOURCE,
    on_time_table,
)
from ntm_sched.engine.families.sessions import session_waits
from ntm_sched.i18n import (
    agency_names,
    commune_names,
    current_lang,
    label,
    milestone_label,
    name_field,
    source_names,
)
from ntm_sched.units import format_date, format_money, to_date

from .tables import TIGHT_DAYS, cash_flow_data, date_cell, date_text, extra_by_month, late_cause_text


# ---------------------------------------------------------------------------
# risks
# ---------------------------------------------------------------------------
def _procedure_days(res: Any, plan: Any, milestone: str, commune: str) -> int:
    """Working days of ``commune``'s recognition chain after the works, up to ``milestone``: each
    step as the solved problem has it (a step the plan says is under way takes only what is left,
    ``step_progress.csv``), the plan's ``duration_days`` where the problem has no such step."""
    built = {t.id: t.modes[0].duration for t in res.model.problem.tasks}
    st = plan.table("recognition_steps")
    st = st[st["chain"] == "commune"]
    total = 0
    for _order, grp in st.groupby("order", sort=True):
        total += max(int(built.get(f"{commune}:{step}", days)) for step, days in zip(grp["step"], grp["duration_days"]))
        if (grp["milestone"].astype(str) == milestone).any():
            break
    return total


def _holidays(plan: Any) -> list[tuple[str, dt.date, dt.date, str]]:
    lang = current_lang()
    cal = plan.table("calendar")
    col = name_field(lang)
    return [(str(c), date_cell(s), date_cell(e), str(n)) for c, s, e, n in
            zip(cal["calendar"], cal["start_date"], cal["end_date"], cal[col])]


CAUSE_RANK = ("r_procedure", "r_agency", "r_session", "r_money", "r_extra", "r_holiday", "r_session_date",
              "r_start", "r_chain", "r_calendar")
"""Which kind of cause binds first: a procedure that cannot fit, an agency at capacity, a full council
session, money, money beyond the budget, a wait for the end of a holiday, a wait for the council's
next sitting, a long first work, the chain, a holiday inside a work."""

WAITING = ("r_agency", "r_session", "r_money", "r_extra")
"""Causes that delay a task beyond what precedences, durations and calendars allow: never the cause
of a milestone scheduled at its earliest possible date (:func:`risk_rows`)."""


def explain_task_chain(res: Any, plan: Any, task_id: str, max_steps: int = 30) -> list[str]:
    """The reasons of :func:`explain_task_chain_kinds`, as text."""
    return [t for _, t in explain_task_chain_kinds(res, plan, task_id, max_steps)]


def explain_task_chain_kinds(res: Any, plan: Any, task_id: str,
                             max_steps: int = 30) -> list[tuple[str, str]]:
    """Walk back from ``task_id`` through its latest-finishing predecessor; say why each
    task on the way started late (agency at capacity, a council session: the next sitting or an
    earlier one full, money, calendar) and what the chain was."""
    lang = current_lang()
    if not res.has_schedule:
        return []
    model = res.model
    sch = res.schedule.set_index("task_id")
    preds: dict[str, list[str]] = {}
    for p in model.problem.precedences:
        preds.setdefault(p.succ, []).append(p.pred)
    agencies = agency_names(plan, lang)
    snames = source_names(plan, lang)
    holidays = _holidays(plan)
    tasks = {t.id: t for t in model.problem.tasks}
    waits = {w.task: w for w in session_waits(model.problem, res.result.solution)}
    load = res.agency_load
    al = res.allocation
    reasons: list[tuple[str, str]] = []
    chain: list[str] = []
    seen: set[str] = set()
    cur: str | None = task_id
    while cur is not None and cur not in seen and len(chain) < max_steps:
        seen.add(cur)
        row = sch.loc[cur]
        start, end = date_cell(row["start_date"]), date_cell(row["end_date"])
        ps = [p for p in preds.get(cur, []) if p in sch.index]
        ready = max((date_cell(sch.loc[p, "end_date"]) + dt.timedelta(days=1) for p in ps), default=model.origin)
        rel = tasks[cur].release
        if rel:
            ready = max(ready, model.date(rel))
        name = str(row[name_field(lang)])
        if row["kind"] == "work" or (end - start).days > 0:
            chain.append(name)
        tname = f"«{name}»"
        cal = tasks[cur].calendar
        if start > ready and model.problem.sessions_for(tasks[cur]):  # it waited for a council session
            w, day = waits.get(cur), start.strftime("%d/%m")
            reasons.append(("r_session", label("r_session_full", lang, task=tname, session=day,
                                               full=model.date(w.full.time).strftime("%d/%m"))) if w
                           else ("r_session_date", label("r_session", lang, task=tname, session=day)))
        if start > ready:  # it waited: for what?
            for c, hs, he, hn in holidays:  # a break of its calendar up to the day before it started
                if c == cal and hs < start and he >= ready and he + dt.timedelta(days=7) >= start:
                    reasons.append(("r_holiday", label("r_holiday", lang, task=tname, holiday=hn,
                                                       date=format_date(he))))
                    break
            ag = row["agency"]
            if isinstance(ag, str) and len(load):
                lw = load[(load["agency"] == ag)]
                wk = [date_cell(w) for w, u, c in zip(lw["week_start"], lw["used"], lw["capacity"])
                      if ready - dt.timedelta(days=6) <= date_cell(w) < start and c > 0 and u >= c - 1e-9]
                if wk:
                    reasons.append(("r_agency", label("r_agency", lang, task=tname, agency=agencies.get(ag, ag),
                                                      week=format_date(wk[0]))))
            if len(al):
                used = set(al.loc[al["task_id"] == cur, "source"])
                for src in model.problem.sources:
                    sid, _ = model.source_map[src.name]
                    if sid not in used or src.unlimited:
                        continue
                    trs = [model.date(tr.time) for tr in src.tranches
                           if ready < model.date(tr.time) <= start and tr.amount > 0]
                    if trs:
                        reasons.append(("r_money", label("r_money", lang, task=tname, source=snames.get(sid, sid),
                                                         date=format_date(min(trs)))))
                        break
        for c, hs, he, hn in holidays:
            if c == cal and hs <= end and he >= start and (end - start).days > 0:
                reasons.append(("r_calendar", label("r_calendar", lang, task=tname, holiday=hn)))
                break
        if len(al) and row["kind"] == "work":
            ex = al[(al["task_id"] == cur) & (al["source"] == EXTRA_SOURCE)]["amount_mvnd"].sum()
            if ex > 0:
                reasons.append(("r_extra", label("r_extra", lang, task=tname, amount=format_money(float(ex), lang))))
        if not ps:
            if start <= model.origin and row["kind"] == "work" and (end - start).days > 30:
                reasons.append(("r_start", label("r_start", lang, task=tname, start=format_date(start),
                                                 end=format_date(end))))
            break
        cur = max(ps, key=lambda p: date_cell(sch.loc[p, "end_date"]))
    if chain:
        reasons.append(("r_chain", label("r_chain", lang,
                                         chain=" ← ".join(chain[:6]) + (" ← …" if len(chain) > 6 else ""))))
    # de-duplicate, keep order
    return list(dict.fromkeys(reasons))


def _rank(kinds: list[tuple[str, str]]) -> list[str]:
    """Causes as text, the binding one first (see :data:`CAUSE_RANK`), in walk order within a kind."""
    order = {k: i for i, k in enumerate(CAUSE_RANK)}
    return [t for _, t in sorted(kinds, key=lambda kt: order.get(kt[0], len(order)))]


def risk_rows(res: Any, plan: Any, tight_days: int = TIGHT_DAYS) -> list[dict[str, Any]]:
    """Communes late (by the one definition: the first missed milestone) or tight (on time with a
    milestone less than ``tight_days`` ahead of its target), then the district if late or tight;
    each with its milestone, dates, days and causes (the binding one first). Late before tight,
    most days late first.

    Issue 22: each row also carries ``earliest_possible_date`` (of its milestone: precedences,
    durations and calendars alone) and, when late, ``late_cause`` (the commune's
    :data:`~ntm_sched.domain.OUT_OF_REACH` or ``resources_or_money``) and ``lateness`` (it in words,
    :func:`late_cause_text`, naming money or staff when the causes found name only that)."""
    lang = current_lang()
    ms = res.milestones
    if not res.has_schedule or not len(ms):
        return []
    ms = ms[ms["milestone"].isin(CHAIN_MILESTONES)]
    ot = on_time_table(ms).set_index("commune_code") if len(ms) else None
    names = commune_names(plan, lang)
    rows = []
    for code, grp in ms.groupby("commune_code", sort=True):
        code = str(code)
        if code != DISTRICT and ot is not None and code in ot.index and not bool(ot.loc[code, "on_time"]):
            m = str(ot.loc[code, "first_missed"])
            worst = grp[grp["milestone"] == m].iloc[0]
        else:
            worst = grp.sort_values(["slack_days"]).iloc[0]
            m = str(worst["milestone"])
        slack = int(worst["slack_days"])
        if slack >= tight_days:
            continue
        causes: list[tuple[str, str]] = []
        if code != DISTRICT and m != "works_done":
            wd = grp[grp["milestone"] == "works_done"]
            if len(wd):
                need = _procedure_days(res, plan, m, code)
                left = (date_cell(worst["target_date"]) - date_cell(wd["scheduled_date"].iloc[0])).days
                if need > left:
                    causes.append(("r_procedure", label("r_procedure", lang, need=need, left=max(left, 0))))
        found = causes + explain_task_chain_kinds(res, plan, str(worst["task_id"]))
        earliest = to_date(worst.get("earliest_possible_date"))
        if earliest is not None and date_cell(worst["scheduled_date"]) <= earliest:
            # at its earliest possible date: no agency or money delays it, whatever its tasks waited for
            found = [(k, t) for k, t in found if k not in WAITING]
        ranked = _rank(found)
        # issue 22: late out of reach (no schedule makes it), or for lack of money / staff?
        cause = worst.get("late_cause")
        if code != DISTRICT and slack < 0 and ot is not None and code in ot.index:
            cause = ot.loc[code, "late_cause"]  # the commune's: out of reach when any missed milestone is
        lateness = late_cause_text(cause, (k for k, _ in found)) if slack < 0 else ""
        other = ot.loc[code, "out_of_reach_milestone"] if (ot is not None and code in ot.index) else None
        if lateness and isinstance(other, str) and other != m:
            row_o = grp[grp["milestone"] == other].iloc[0]
            lateness = label("lc_other_milestone", lang, text=lateness, milestone=milestone_label(other, lang),
                             earliest=date_text(row_o["earliest_possible_date"]))
        rows.append({"commune_code": code, "late": slack < 0, "milestone": m,
                     "target_date": date_cell(worst["target_date"]),
                     "scheduled_date": date_cell(worst["scheduled_date"]), "slack_days": slack,
                     "cause": ranked[0] if ranked else label("c_unknown", lang), "causes": ranked,
                     "earliest_possible_date": earliest,
                     "late_cause": cause if slack < 0 and isinstance(cause, str) else None,
                     "lateness": lateness, "name": names.get(code, code)})
    rows.sort(key=lambda r: (r["commune_code"] == DISTRICT, not r["late"], r["slack_days"]))
    return rows


def at_risk(res: Any, plan: Any, tight_days: int = TIGHT_DAYS) -> pd.DataFrame:
    """Communes late (first missed milestone, by the one definition of on time) or tight (slack
    < ``tight_days``), each with its binding cause and every cause found."""
    lang = current_lang()
    cols = [label(k, lang) for k in ("commune", "status_col", "milestone", "target_date", "scheduled_date",
                                      "days_text", "earliest_possible_date", "late_cause", "cause", "details")]
    names = commune_names(plan, lang)
    out = []
    for r in risk_rows(res, plan, tight_days):
        slack = r["slack_days"]
        out.append({cols[0]: names.get(r["commune_code"], r["commune_code"]),
                    cols[1]: label("st_late" if r["late"] else "st_tight", lang),
                    cols[2]: milestone_label(r["milestone"], lang),
                    cols[3]: date_text(r["target_date"]), cols[4]: date_text(r["scheduled_date"]),
                    cols[5]: label("late_by", lang, days=-slack) if slack < 0 else label("slack_of", lang, days=slack),
                    cols[6]: date_text(r["earliest_possible_date"]), cols[7]: r["lateness"],
                    cols[8]: r["cause"], cols[9]: "; ".join(r["causes"][1:] if r["causes"] and
                                                            r["causes"][0] == r["cause"] else r["causes"])})
    return pd.DataFrame(out, columns=cols)


def bottleneck_agencies(res: Any) -> pd.DataFrame:
    """Agencies at capacity: ``agency, weeks, first, last``, most weeks first."""
    cols = ["agency", "weeks", "first", "last"]
    load = res.agency_load if res.has_schedule else None
    if load is None or not len(load):
        return pd.DataFrame(columns=cols)
    full = load[(load["capacity"] > 0) & (load["used"] >= load["capacity"] - 1e-9)]
    rows = [{"agency": str(ag), "weeks": len(g), "first": min(date_cell(w) for w in g["week_start"]),
             "last": max(date_cell(w) for w in g["week_start"])} for ag, g in full.groupby("agency")]
    return pd.DataFrame(rows, columns=cols).sort_values(["weeks", "agency"], ascending=[False, True]) \
        .reset_index(drop=True)


def decisions_markdown(res: Any, plan: Any, max_communes: int = 5) -> str:
    """The report's first section, at most a screen: communes at risk with their binding cause,
    money missing by month, and the bottleneck agency."""
    lang = current_lang()
    names = commune_names(plan, lang)
    agencies = agency_names(plan, lang)
    parts = [f"### {label('d_communes', lang)}"]
    rows = risk_rows(res, plan)
    if not res.has_schedule:
        parts.append(label("no_schedule", lang))
    elif not rows:
        parts.append(label("d_none_at_risk", lang))
    else:
        items = []
        for r in rows[:max_communes]:
            key = "d_late_item" if r["late"] else "d_tight_item"
            cause = r["cause"]
            text = "- " + label(key, lang, commune=names.get(r["commune_code"], r["commune_code"]),
                                days=abs(r["slack_days"]), milestone=milestone_label(r["milestone"], lang),
                                target=date_text(r["target_date"]), date=date_text(r["scheduled_date"]),
                                cause=cause[:1].lower() + cause[1:] if cause else cause)
            if r["late"] and r["lateness"] and r["earliest_possible_date"] is not None:
                beyond = r["earliest_possible_date"] > r["target_date"]
                text += label("lc_item_out" if beyond else "lc_item_fixable", lang,
                              earliest=date_text(r["earliest_possible_date"]), why=r["lateness"])
            items.append(text)
        if len(rows) > max_communes:
            items.append("- " + label("d_more", lang, n=len(rows) - max_communes))
        parts.append("\n".join(items))
    parts.append(f"### {label('d_money', lang)}")
    ex = extra_by_month(res)
    if not len(ex):
        parts.append(label("d_no_money_gap", lang) if res.has_schedule else label("no_schedule", lang))
    else:
        total = float(ex.iloc[:, 1].sum())
        months = " · ".join(f"{m}: {format_money(float(v), lang)}" for m, v in zip(ex.iloc[:, 0], ex.iloc[:, 1]))
        parts.append(label("d_money_total", lang, total=format_money(total, lang), first=ex.iloc[0, 0])
                     + "\n\n" + months)
    parts.append(f"### {label('d_bottleneck', lang)}")
    b = bottleneck_agencies(res)
    if not len(b):
        parts.append(label("d_no_bottleneck", lang) if res.has_schedule else label("no_schedule", lang))
    else:
        top = b.iloc[0]
        parts.append(label("d_bottleneck_item", lang, agency=agencies.get(top["agency"], top["agency"]),
                           weeks=int(top["weeks"]), first=date_text(top["first"]), last=date_text(top["last"])))
    return "\n\n".join(parts)


def bottlenecks(res: Any, plan: Any) -> pd.DataFrame:
    """Agencies that hit their weekly capacity and sources that ran dry, with why."""
    lang = current_lang()
    cols = [label("kind", lang), label("name", lang), label("reason", lang)]
    if not res.has_schedule:
        return pd.DataFrame(columns=cols)
    rows = []
    agencies = agency_names(plan, lang)
    load = res.agency_load
    if len(load):
        full = load[(load["capacity"] > 0) & (load["used"] >= load["capacity"] - 1e-9)]
        for ag, grp in full.groupby("agency"):
            weeks = sorted(date_cell(w) for w in grp["week_start"])
            txt = label("b_agency_full", lang, n=len(weeks), first=format_date(weeks[0]), last=format_date(weeks[-1]))
            rows.append({cols[0]: label("agency", lang), cols[1]: agencies.get(ag, ag), cols[2]: txt})
    ex = extra_by_month(res)
    if len(ex):
        total = float(res.summary.get("extra_funding_mvnd") or 0)
        txt = label("b_budget_short", lang, amount=format_money(total, lang), month=ex.iloc[0, 0])
        rows.append({cols[0]: label("source", lang), cols[1]: label("h_extra", lang), cols[2]: txt})
    cf = cash_flow_data(res)
    snames = source_names(plan, lang)
    for sid, grp in cf.groupby("source"):
        dry = grp[(grp["released"] > 0) & (grp["spent"] >= grp["released"] - 0.5)]
        if len(dry) and sid != EXTRA_SOURCE:
            txt = label("b_source_dry", lang, n=len(dry), first=dry["month"].iloc[0].strftime("%m/%Y"))
            rows.append({cols[0]: label("source", lang), cols[1]: snames.get(sid, sid), cols[2]: txt})
    return pd.DataFrame(rows, columns=cols)
