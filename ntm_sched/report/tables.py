"""Tables for people: headline figures, milestones, money, risks, assumptions.

Size (~430 lines): one function per report table, all sharing the localisation helpers; a
new table belongs here, a new kind of analysis in ``ntm_sched/studies/``.

Every function takes a solved :class:`~ntm_sched.domain.PlanResult` (and the plan for
names) and returns a DataFrame with localized headers and ``dd/mm/yyyy`` dates.
An infeasible or timed-out solve gives empty tables (with their columns), never
an exception.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from ntm_sched.domain import (
    CHAIN_MILESTONES,
    DISTRICT,
    EXTRA_SOURCE,
    LATE_CAUSES,
    OUT_OF_REACH,
    RESOURCES_OR_MONEY,
    on_time_table,
)
from ntm_sched.i18n import (
    VI,
    agency_names,
    commune_names,
    criterion_name,
    criterion_names,
    current_lang,
    label,
    localized,
    milestone_label,
    name_field,
    source_names,
    status_label,
)
from ntm_sched.units import format_date, format_money, format_number, to_date

LABELS_KEYS = frozenset(VI)

TIGHT_DAYS = 14
"""A milestone with less slack than this (days) puts its commune at risk."""


def _d(v: Any) -> dt.date:
    """A date cell of a result table that always holds one (dates, Timestamps, ISO text)."""
    d = to_date(v)
    if d is None:
        raise ValueError(f"expected a date, got {v!r}")
    return d


def _fd(v: Any) -> str:
    return format_date(to_date(v))


# ---------------------------------------------------------------------------
# headline
# ---------------------------------------------------------------------------
def extra_by_month(res: Any) -> pd.DataFrame:
    """Money needed beyond the budget (the EXTRA source) by month."""
    lang = current_lang()
    cols = [label("month", lang), label("extra_mvnd", lang)]
    al = res.allocation
    if not len(al):
        return pd.DataFrame(columns=cols)
    ex = al[al["source"] == EXTRA_SOURCE]
    if not len(ex):
        return pd.DataFrame(columns=cols)
    g = ex.groupby("period_start")["amount_mvnd"].sum().sort_index()
    return pd.DataFrame({cols[0]: [_d(m).strftime("%m/%Y") for m in g.index], cols[1]: g.values.astype(int)})


def headline(res: Any, plan: Any) -> pd.DataFrame:
    """Headline figures as two columns (item, value)."""
    lang = current_lang()
    s = res.summary
    names = commune_names(plan, lang)
    n_total = len(plan.not_recognised())
    rows: list[tuple[str, str]] = [(label("h_status", lang), status_label(str(s["status"]), lang))]
    if s.get("gap") is not None:
        rows.append((label("h_gap", lang), f"{format_number(100 * float(s['gap']), lang, 1)} %"))
    rows.append((label("h_runtime", lang), format_number(float(s.get("runtime_s") or 0), lang, 1)))
    if s.get("communes_on_time") is not None:
        rows.append((label("h_on_time", lang), f"{s['communes_on_time']} {label('of', lang)} {n_total}"))
        late = ", ".join(names.get(c, c) for c in (s.get("late_communes") or [])) or "-"
        rows.append((label("h_late_communes", lang), late))
    rows.append((label("h_district_date", lang), _fd(s.get("district_recognition_date")) or "-"))
    rows.append((label("h_district_target", lang), _fd(s.get("district_target_date")) or "-"))
    if s.get("total_cost_mvnd") is not None:
        rows.append((label("h_total_cost", lang), format_money(float(s["total_cost_mvnd"]), lang)))
    if s.get("extra_funding_mvnd") is not None:
        rows.append((label("h_extra", lang), format_money(float(s["extra_funding_mvnd"]), lang)))
        ex = extra_by_month(res)
        if len(ex):
            rows.append((label("h_extra_first", lang), str(ex.iloc[0, 0])))
    if s.get("checker_ok") is not None:
        rows.append((label("h_checker", lang), label("yes" if s["checker_ok"] else "no", lang)))
    if s.get("verified") is not None:
        rows.append((label("h_verified", lang), label("yes" if s["verified"] else "no", lang)))
    expl = localized(s, "explanation", lang)
    if expl:
        rows.append((label("h_explanation", lang), str(expl)))
    return pd.DataFrame(rows, columns=[label("item", lang), label("value", lang)])


# ---------------------------------------------------------------------------
# milestones
# ---------------------------------------------------------------------------
def milestone_table(res: Any, plan: Any, include_tasks: bool = False) -> pd.DataFrame:
    """Per commune: plan target, scheduled date and slack of each milestone, and whether the
    milestone is met (the commune is on time only when all of its chain milestones are, see
    :func:`ntm_sched.domain.on_time_table`)."""
    lang = current_lang()
    cols = [label(k, lang) for k in ("commune", "milestone", "target_date", "scheduled_date",
                                      "slack_days", "status_col", "earliest_possible_date", "late_cause")]
    ms = res.milestones
    if not include_tasks and len(ms):
        ms = ms[~ms["milestone"].astype(str).str.startswith("task:")]
    if not len(ms):
        return pd.DataFrame(columns=cols)
    names = commune_names(plan, lang)
    order = {m: i for i, m in enumerate(CHAIN_MILESTONES)}
    ms = ms.assign(_d=ms["commune_code"].eq(DISTRICT), _o=ms["milestone"].map(order).fillna(9))
    ms = ms.sort_values(["_d", "commune_code", "_o", "milestone"])
    out = pd.DataFrame({
        cols[0]: [names.get(str(c), str(c)) for c in ms["commune_code"]],
        cols[1]: [milestone_label(str(m), lang) for m in ms["milestone"]],
        cols[2]: [_fd(d) for d in ms["target_date"]],
        cols[3]: [_fd(d) for d in ms["scheduled_date"]],
        cols[4]: ms["slack_days"].astype(int).to_numpy(),
        cols[5]: [label("late_by", lang, days=-int(s)) if s < 0 else label("st_on_time", lang)
                  for s in ms["slack_days"]],
        cols[6]: [_fd(d) for d in ms["earliest_possible_date"]],
        cols[7]: [late_cause_text(c) for c in ms["late_cause"]],
    })
    return out.reset_index(drop=True)


def late_cause_text(cause: Any, kinds: Any = ()) -> str:
    """A late milestone's cause in words: out of reach under the assumed durations, or late for lack
    of money / staff / inspection capacity (only money, or only staff, when the causes found,
    ``kinds`` of :func:`explain_task_chain_kinds`, name only that); empty when not late."""
    lang = current_lang()
    if not isinstance(cause, str) or not cause:
        return ""
    if cause == OUT_OF_REACH:
        return label("lc_out_of_reach", lang)
    if cause != RESOURCES_OR_MONEY:
        raise ValueError(f"unknown late cause {cause!r} (expected one of {LATE_CAUSES})")
    found = set(kinds)
    agency, money = "r_agency" in found, bool(found & {"r_money", "r_extra"})
    if agency and not money:
        return label("lc_agency", lang)
    if money and not agency:
        return label("lc_money", lang)
    return label("lc_resources_or_money", lang)


# ---------------------------------------------------------------------------
# money
# ---------------------------------------------------------------------------
def allocation_matrix(res: Any, plan: Any) -> pd.DataFrame:
    """Money (million VND) by commune (rows) and source (columns), with totals."""
    lang = current_lang()
    al = res.allocation
    com = label("commune", lang)
    if not len(al):
        return pd.DataFrame(columns=[com, label("total", lang)])
    names = commune_names(plan, lang)
    snames = source_names(plan, lang)
    p = al.pivot_table(index="commune_code", columns="source", values="amount_mvnd", aggfunc="sum",
                       fill_value=0)
    p = p.astype(int)
    p[label("total", lang)] = p.sum(axis=1)
    p.loc["__total__"] = p.sum(axis=0)
    p.index = [label("total", lang) if c == "__total__" else names.get(str(c), str(c)) for c in p.index]
    p.columns = [snames.get(str(c), str(c)) if c != label("total", lang) else c for c in p.columns]
    p.index.name = com
    return p.reset_index()


def cash_flow_data(res: Any) -> pd.DataFrame:
    """Long table: source id, month, cumulative releases and cumulative spending (million VND).

    Releases are the tranches of every (source, earmark) pair summed by source;
    the extra-funding source has no releases.
    """
    cols = ["source", "month", "released", "spent"]
    if not res.has_schedule or not len(res.allocation):
        return pd.DataFrame(columns=cols)
    model = res.model
    al = res.allocation
    # the whole schedule: to the month of the last task's end (not only of the last payment)
    ends = [_d(x) for x in res.schedule["end_date"]] if len(res.schedule) else []
    last = max([_d(x) for x in al["period_start"]] + ends)
    months: list[dt.date] = []
    m = model.origin.replace(day=1)
    while m <= last:
        months.append(m)
        m = (m.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    by_source: dict[str, list[Any]] = {}
    for src in model.problem.sources:
        sid, _ = model.source_map[src.name]
        by_source.setdefault(sid, []).append(src)
    rows = []
    spent = al.groupby(["source", "period_start"])["amount_mvnd"].sum()
    for sid in sorted(by_source):
        srcs = by_source[sid]
        cum = 0.0
        for m in months:
            nxt = (m.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            t = model.period(nxt) - 1
            rel = sum(s.released_by(t) for s in srcs if not s.unlimited)
            cum += float(spent.get((sid, m), 0)) if (sid, m) in spent.index else 0.0
            rows.append({"source": sid, "month": m, "released": float(rel), "spent": cum})
    return pd.DataFrame(rows, columns=cols)


def cash_flow_table(res: Any, plan: Any) -> pd.DataFrame:
    """Cumulative releases vs spending per source and month, localized."""
    lang = current_lang()
    df = cash_flow_data(res)
    snames = source_names(plan, lang)
    cols = [label("source", lang), label("month", lang), label("released", lang), label("spent", lang)]
    if not len(df):
        return pd.DataFrame(columns=cols)
    return pd.DataFrame({
        cols[0]: [snames.get(s, s) for s in df["source"]],
        cols[1]: [m.strftime("%m/%Y") for m in df["month"]],
        cols[2]: df["released"].round(0).astype(int).to_numpy(),
        cols[3]: df["spent"].round(0).astype(int).to_numpy(),
    })


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
    return [(str(c), _d(s), _d(e), str(n)) for c, s, e, n in
            zip(cal["calendar"], cal["start_date"], cal["end_date"], cal[col])]


CAUSE_RANK = ("r_procedure", "r_agency", "r_money", "r_extra", "r_start", "r_chain", "r_calendar")
"""Which kind of cause binds first: a procedure that cannot fit, an agency at capacity, money,
money beyond the budget, a long first work, the chain, a holiday."""


def explain_task_chain(res: Any, plan: Any, task_id: str, max_steps: int = 30) -> list[str]:
    """The reasons of :func:`explain_task_chain_kinds`, as text."""
    return [t for _, t in explain_task_chain_kinds(res, plan, task_id, max_steps)]


def explain_task_chain_kinds(res: Any, plan: Any, task_id: str,
                             max_steps: int = 30) -> list[tuple[str, str]]:
    """Walk back from ``task_id`` through its latest-finishing predecessor; say why each
    task on the way started late (agency at capacity, money, calendar) and what the
    chain was."""
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
    load = res.agency_load
    al = res.allocation
    reasons: list[tuple[str, str]] = []
    chain: list[str] = []
    seen: set[str] = set()
    cur: str | None = task_id
    while cur is not None and cur not in seen and len(chain) < max_steps:
        seen.add(cur)
        row = sch.loc[cur]
        start, end = _d(row["start_date"]), _d(row["end_date"])
        ps = [p for p in preds.get(cur, []) if p in sch.index]
        ready = max((_d(sch.loc[p, "end_date"]) + dt.timedelta(days=1) for p in ps), default=model.origin)
        rel = tasks[cur].release
        if rel:
            ready = max(ready, model.date(rel))
        name = str(row[name_field(lang)])
        if row["kind"] == "work" or (end - start).days > 0:
            chain.append(name)
        tname = f"«{name}»"
        if start > ready:  # it waited: for what?
            ag = row["agency"]
            if isinstance(ag, str) and len(load):
                lw = load[(load["agency"] == ag)]
                wk = [_d(w) for w, u, c in zip(lw["week_start"], lw["used"], lw["capacity"])
                      if ready - dt.timedelta(days=6) <= _d(w) < start and c > 0 and u >= c - 1e-9]
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
        cal = tasks[cur].calendar
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
        cur = max(ps, key=lambda p: _d(sch.loc[p, "end_date"]))
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
                left = (_d(worst["target_date"]) - _d(wd["scheduled_date"].iloc[0])).days
                if need > left:
                    causes.append(("r_procedure", label("r_procedure", lang, need=need, left=max(left, 0))))
        found = causes + explain_task_chain_kinds(res, plan, str(worst["task_id"]))
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
                             earliest=_fd(row_o["earliest_possible_date"]))
        rows.append({"commune_code": code, "late": slack < 0, "milestone": m, "target_date": _d(worst["target_date"]),
                     "scheduled_date": _d(worst["scheduled_date"]), "slack_days": slack,
                     "cause": ranked[0] if ranked else label("c_unknown", lang), "causes": ranked,
                     "earliest_possible_date": to_date(worst.get("earliest_possible_date")),
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
                    cols[3]: _fd(r["target_date"]), cols[4]: _fd(r["scheduled_date"]),
                    cols[5]: label("late_by", lang, days=-slack) if slack < 0 else label("slack_of", lang, days=slack),
                    cols[6]: _fd(r["earliest_possible_date"]), cols[7]: r["lateness"],
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
    rows = [{"agency": str(ag), "weeks": len(g), "first": min(_d(w) for w in g["week_start"]),
             "last": max(_d(w) for w in g["week_start"])} for ag, g in full.groupby("agency")]
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
                                target=_fd(r["target_date"]), date=_fd(r["scheduled_date"]),
                                cause=cause[:1].lower() + cause[1:] if cause else cause)
            if r["late"] and r["lateness"] and r["earliest_possible_date"] is not None:
                beyond = r["earliest_possible_date"] > r["target_date"]
                text += label("lc_item_out" if beyond else "lc_item_fixable", lang,
                              earliest=_fd(r["earliest_possible_date"]), why=r["lateness"])
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
                           weeks=int(top["weeks"]), first=_fd(top["first"]), last=_fd(top["last"])))
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
            weeks = sorted(_d(w) for w in grp["week_start"])
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


# ---------------------------------------------------------------------------
# assumptions and overrides
# ---------------------------------------------------------------------------
_ID_COLUMNS = {"agencies": "agency_id", "calendar": "name_en", "criteria": "code", "funding": "tranche_id",
               "recognition_steps": "step", "settings": "key", "sources": "source_id", "work_types": "work_type",
               "capacity_changes": "agency_id", "communes": "code", "tasks": "task_id", "step_progress": "step"}


def source_kind(text: str) -> str:
    """Kind of a ``source`` cell: 'scenario', 'assumption', 'estimate', 'V' or 'plan'."""
    t = str(text)
    low = t.lower()
    if "scenario" in low:
        return "scenario"
    if "assumption" in low:
        return "assumption"
    if "estimate" in low:
        return "estimate"
    if "(v)" in low or "(v," in low:
        return "V"
    return "plan"


def _row_name(name: str, r: Any, plan: Any, names: dict[str, dict[Any, str]]) -> str:
    """The name of one row of a plan table (never its code when a name exists)."""
    lang = current_lang()
    nm = name_field(lang)
    if name == "agencies" or name == "capacity_changes":
        txt = names["agency"].get(str(r["agency_id"]), str(r["agency_id"]))
        if name == "capacity_changes":
            txt += f" ({_fd(r['start_date'])}–{_fd(r['end_date'])})"
        return txt
    if name == "sources":
        return names["source"].get(str(r["source_id"]), str(r["source_id"]))
    if name == "funding":
        txt = f"{names['source'].get(str(r['source_id']), str(r['source_id']))}, {_fd(r['date_available'])}"
        cc = r.get("commune_code")
        if isinstance(cc, str) and cc:
            txt += f", {names['commune'].get(cc, cc)}"
        return txt
    if name == "criteria":
        return f"{label('criteria_set_' + str(r['set']), lang)} {r['code']}. {r[nm]}"
    if name == "communes":
        return str(r["name"])
    if name == "calendar":
        return str(r[nm])
    if name == "settings":
        return str(r.get("description") or r["key"])
    if name == "step_progress":
        steps = {(s.chain, s.step): getattr(s, nm) for s in plan.recognition_steps}
        step = steps.get(("commune", str(r["step"])), str(r["step"]))
        return f"{names['commune'].get(str(r['commune_code']), str(r['commune_code']))}: {step}"
    if name == "tasks":
        desc = r.get(name_field(lang, "description"))
        return f"{names['commune'].get(str(r['commune_code']), str(r['commune_code']))}: {desc}"
    if nm in r and isinstance(r[nm], str) and r[nm]:
        return str(r[nm])
    return str(r.get(_ID_COLUMNS.get(name, ""), ""))


def assumptions(plan: Any) -> pd.DataFrame:
    """Every row of every plan table that has a ``source`` column: what it is (by name) and where it comes from."""
    lang = current_lang()
    cols = [label("table", lang), label("assumption", lang), label("kind", lang), label("origin", lang)]
    names = {"agency": agency_names(plan, lang), "source": source_names(plan, lang),
             "commune": commune_names(plan, lang)}
    rows = []
    for name in _ID_COLUMNS:
        try:
            t = plan.table(name)
        except (KeyError, ValueError):
            continue
        src_col = "source" if "source" in t.columns else ("estimate_note" if "estimate_note" in t.columns else None)
        if src_col is None or not len(t):
            continue
        for _, r in t.iterrows():
            s = r[src_col]
            if s is None or (isinstance(s, float) and pd.isna(s)) or str(s).strip() == "":
                continue
            rows.append({cols[0]: label(f"t_{name}", lang), cols[1]: _row_name(name, r, plan, names),
                         cols[2]: label(f"k_{source_kind(str(s))}", lang), cols[3]: str(s)})
    return pd.DataFrame(rows, columns=cols)


def _flatten(d: Any, prefix: str = "") -> list[tuple[str, Any]]:
    if isinstance(d, dict):
        out = []
        for k, v in d.items():
            out += _flatten(v, f"{prefix}.{k}" if prefix else str(k))
        return out
    return [(prefix, d)]


def _value_text(v: Any) -> str:
    lang = current_lang()
    if isinstance(v, bool):
        return label("true" if v else "false", lang)
    if isinstance(v, float):
        return f"{v:g}".replace(".", label("num_decimal", lang))
    return str(v)


def overrides(scenario: Any, plan: Any = None) -> pd.DataFrame:
    """The scenario's own overrides in words (sources, agencies and communes by name), without
    its description."""
    lang = current_lang()
    cols = [label("key", lang), label("value", lang)]
    own = {k: v for k, v in (scenario.overrides or {}).items() if k != "description"}
    names: dict[str, str] = {}
    if plan is not None:
        names = {**source_names(plan, lang), **agency_names(plan, lang), **commune_names(plan, lang)}
    rows = []
    for key, v in _flatten(own):
        parts = key.split(".")
        head = ".".join(parts[:2])
        if parts[0] == "funding" and parts[1] == "add" or head == "funding.add":
            txt = label("o_funding.add", lang)
            if isinstance(v, list):
                v = "; ".join(f"{names.get(str(t.get('source_id')), t.get('source_id'))} "
                              f"{_fd(t.get('date_available'))} {format_money(float(t.get('amount_mvnd', 0)), lang)}"
                              for t in v if isinstance(t, dict))
        elif len(parts) == 3 and f"o_{head}" in LABELS_KEYS:
            txt = label(f"o_{head}", lang, name=names.get(parts[2], parts[2]))
        elif head == "deadlines.shift_days" and len(parts) == 3:
            txt = label("o_deadlines.shift_days.one", lang, name=names.get(parts[2], parts[2]))
        elif f"o_{key}" in LABELS_KEYS:
            txt = label(f"o_{key}", lang)
        elif f"o_{parts[0]}" in LABELS_KEYS:
            txt = label(f"o_{parts[0]}", lang, name=".".join(parts[1:]))
        else:
            txt = key
        rows.append((txt, _value_text(v)))
    return pd.DataFrame(rows, columns=cols)


def schedule_table(res: Any, plan: Any) -> pd.DataFrame:
    """The schedule with names and dd/mm/yyyy dates."""
    lang = current_lang()
    cols = [label(k, lang) for k in ("commune", "criterion", "task", "agency", "start", "end")]
    sch = res.schedule
    if not len(sch):
        return pd.DataFrame(columns=cols)
    names = commune_names(plan, lang)
    ag = agency_names(plan, lang)
    cn = criterion_names(plan, lang)
    sch = sch.sort_values(["commune_code", "start_date"])
    return pd.DataFrame({
        cols[0]: [names.get(str(c), str(c)) for c in sch["commune_code"]],
        cols[1]: [criterion_name(cn, str(c), k, lang) for c, k in zip(sch["commune_code"], sch["criterion"])],
        cols[2]: sch[name_field(lang)].astype(str).to_numpy(),
        cols[3]: [ag.get(str(a), str(a)) for a in sch["agency"]],
        cols[4]: [_fd(d) for d in sch["start_date"]],
        cols[5]: [_fd(d) for d in sch["end_date"]],
    })
