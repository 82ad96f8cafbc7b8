"""The province report's tables, computed once from a solved province plan.

A province plan (README, "A province") has districts, communes in them and a provincial appraisal
council sitting in sessions. :func:`ntm_sched.report.province_context.build_province_context` loads
one (restricted to one district for a district's own report, :func:`district_plan`), solves it
and computes with this module:

- :func:`district_table`: per district, its communes on time and the late ones with their cause,
  and a relative link to the district's own report (made by the same batch run);
- :func:`session_plan`: the council's sessions that take a dossier (which communes; full ones flagged;
  how many communes were pushed past a session because it was full);
- :func:`tightest_sessions`: the three with the least spare capacity (then the most waiting);
- :func:`money_by_month`: money paid by source and month, province-wide or per district;
- :func:`commune_table`: a district's communes one by one (its own report).

Text is in the run's language (:func:`ntm_sched.i18n.current_lang`), dates ``dd/mm/yyyy`` and money
through :func:`ntm_sched.units.format_money`. A synthetic plan (``plan synth``) says so on every page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import pandas as pd

from ntm_sched.domain import PlanResult
from ntm_sched.domain.tables import on_time_table
from ntm_sched.engine.families.sessions import session_of, session_waits
from ntm_sched.i18n import (
    current_lang,
    invented_banner,
    label,
    source_names,
)
from ntm_sched.plan import Plan
from ntm_sched.plan.edits import restrict_plan
from ntm_sched.report.tables import late_cause_text
from ntm_sched.units import format_date, format_money

SYNTHETIC_MARK = "SYNTHETIC"


def is_synthetic(plan: Plan) -> bool:
    """Whether ``plan`` was made by ``ntm-sched plan synth``: its unit (``unit.csv``) says SYNTHETIC."""
    unit = plan.unit
    if unit is None:
        return False
    text = " ".join(str(getattr(unit, f, "") or "") for f in ("title_vi", "title_en", "source"))
    return SYNTHETIC_MARK in text


def banner(plan: Plan) -> str | None:
    """The warning every page opens with: SYNTHETIC for a ``plan synth`` plan, the invented-plan
    warning for an invented example, else ``None``."""
    lang = current_lang()
    if is_synthetic(plan):
        return label("pv_synthetic", lang)
    return invented_banner(plan.unit, lang)


def district_of(plan: Plan) -> dict[str, str]:
    """Commune code -> its district's code (communes without one are left out)."""
    return {c.code: str(c.district_code) for c in plan.communes if getattr(c, "district_code", None)}


def district_names(plan: Plan) -> dict[str, str]:
    """District code -> name, in the plan's order."""
    return {d.code: d.name for d in getattr(plan, "districts", ()) or ()}


def district_plan(plan: Plan, district: str) -> Plan:
    """The province plan restricted to one district's communes (:func:`ntm_sched.plan.edits.restrict_plan`).

    Raises
    ------
    KeyError
        ``district`` is no district of the plan.
    """
    if district not in district_names(plan):
        raise KeyError(f"{district!r} is no district of the plan (districts.csv: "
                       f"{', '.join(district_names(plan)) or 'none'})")
    return restrict_plan(plan, [c for c, d in district_of(plan).items() if d == district])


def _placements(res: PlanResult) -> list[tuple[str, Any]]:
    """(commune code, session) of every appraisal the answer places at a council session."""
    sol = res.result.solution
    if sol is None:
        return []
    problem, info = res.model.problem, res.model.info
    out = []
    for t in problem.tasks:
        if t.id in sol.tasks and problem.sessions_for(t):
            s = session_of(problem, t, sol.tasks[t.id].start)
            if s is not None:
                out.append((info[t.id].commune_code if t.id in info else t.id, s))
    return out


SESSION_COLUMNS = ("session_id", "date", "capacity", "taken", "spare", "full", "waiting", "communes")


def session_plan(res: PlanResult, plan: Plan) -> pd.DataFrame:
    """The council's sessions that take at least one dossier, in date order.

    Parameters
    ----------
    res
        The solved plan.
    plan
        The plan (commune names).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`SESSION_COLUMNS`: ``date`` as ``dd/mm/yyyy``, ``taken`` dossiers of its
        ``capacity``, ``spare`` seats, ``full`` (the word, or empty), ``waiting`` (communes whose
        dossier met this session's cut-off but that were pushed to a later one because it was
        full) and ``communes`` (their names, in code order). Empty without a schedule.
    """
    lang = current_lang()
    names = {c.code: c.name for c in plan.communes}
    taken: dict[str, list[str]] = defaultdict(list)
    by_name = {}
    for code, s in _placements(res):
        taken[s.name].append(code)
        by_name[s.name] = s
    waiting: dict[str, int] = defaultdict(int)
    if res.result.solution is not None:
        for w in session_waits(res.model.problem, res.result.solution):
            waiting[w.full.name] += 1
    rows = []
    for name, s in sorted(by_name.items(), key=lambda kv: kv[1].time):
        n = len(taken[name])
        rows.append({"session_id": name, "date": format_date(res.model.date(s.time)), "capacity": s.capacity,
                     "taken": n, "spare": s.capacity - n, "full": label("pv_full_yes", lang) if n >= s.capacity else "",
                     "waiting": waiting[name], "communes": ", ".join(names.get(c, c) for c in sorted(taken[name]))})
    return pd.DataFrame(rows, columns=list(SESSION_COLUMNS))


def tightest_sessions(sessions: pd.DataFrame, n: int = 3) -> pd.DataFrame:
    """The ``n`` tightest sessions of :func:`session_plan`: least spare capacity, then most
    communes waiting, then the earliest (the table's order)."""
    if not len(sessions):
        return sessions.copy()
    d = sessions.assign(_o=range(len(sessions)))
    d = d.sort_values(["spare", "waiting", "_o"], ascending=[True, False, True], kind="stable")
    return d.drop(columns="_o").head(n).reset_index(drop=True)


DISTRICT_COLUMNS = ("district_code", "district", "communes", "on_time", "on_time_communes", "late_communes",
                    "report")


def district_table(res: PlanResult, plan: Plan, links: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Per district: its communes on time and the late ones with their cause.

    Parameters
    ----------
    res
        The solved province (or district) plan.
    plan
        The plan solved.
    links
        District code -> the relative path of that district's own report (a batch run's); a
        district without one gets an empty ``report``.

    Returns
    -------
    pandas.DataFrame
        One row per district having communes in the plan (columns :data:`DISTRICT_COLUMNS`):
        ``communes`` counted, ``on_time`` as ``k/n``, the names on time, the late ones as
        ``name (cause)``, ``report`` the link. Every commune is counted as late when there is
        no schedule.
    """
    lang = current_lang()
    links = dict(links or {})
    names = {c.code: c.name for c in plan.communes}
    dist = district_of(plan)
    ot = on_time_table(res.milestones if res.has_schedule else None).set_index("commune_code")
    kept = [c.code for c in plan.communes if c.status == "not_recognised"]
    rows = []
    for code, dname in district_names(plan).items():
        mine = sorted(c for c in kept if dist.get(c) == code)
        if not mine:
            continue
        on, late = [], []
        for c in mine:
            if c in ot.index and bool(ot.loc[c, "on_time"]):
                on.append(names[c])
            else:
                cause = ot.loc[c, "late_cause"] if c in ot.index else None
                why = late_cause_text(cause) if isinstance(cause, str) else label("pv_no_schedule", lang)
                late.append(f"{names[c]} ({why})" if why else names[c])
        rows.append({"district_code": code, "district": dname, "communes": len(mine),
                     "on_time": f"{len(on)}/{len(mine)}", "on_time_communes": ", ".join(on) or "-",
                     "late_communes": "; ".join(late) or "-", "report": links.get(code, "")})
    return pd.DataFrame(rows, columns=list(DISTRICT_COLUMNS))


COMMUNE_COLUMNS = ("commune_code", "commune", "on_time", "recognition", "target", "session", "cause")


def commune_table(res: PlanResult, plan: Plan) -> pd.DataFrame:
    """Per commune of the plan (a district's report): on time or not, its scheduled recognition and
    target (``dd/mm/yyyy``), the council session appraising it and, when late, the cause.

    Parameters
    ----------
    res
        The solved plan.
    plan
        The plan solved.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COMMUNE_COLUMNS`, in the plan's commune order; ``on_time`` in words.
    """
    lang = current_lang()
    ot = on_time_table(res.milestones if res.has_schedule else None).set_index("commune_code")
    ms = res.milestones
    rec = ms[ms["milestone"] == "recognition"].set_index("commune_code") if len(ms) else pd.DataFrame()
    at = {code: f"{s.name} ({format_date(res.model.date(s.time))})" for code, s in _placements(res)}

    def day(v: Any) -> str:
        return format_date(pd.Timestamp(v).date()) if v is not None and not pd.isna(v) else "-"

    rows = []
    for c in plan.communes:
        if c.status != "not_recognised":
            continue
        on = c.code in ot.index and bool(ot.loc[c.code, "on_time"])
        cause = ot.loc[c.code, "late_cause"] if c.code in ot.index else None
        rows.append({"commune_code": c.code, "commune": c.name,
                     "on_time": label("pv_yes" if on else "pv_no", lang),
                     "recognition": day(rec.loc[c.code, "scheduled_date"]) if c.code in rec.index else "-",
                     "target": day(rec.loc[c.code, "target_date"]) if c.code in rec.index else "-",
                     "session": at.get(c.code, "-"),
                     "cause": "" if on else (late_cause_text(cause) if isinstance(cause, str)
                                             else label("pv_no_schedule", lang))})
    return pd.DataFrame(rows, columns=list(COMMUNE_COLUMNS))


def money_by_month(res: PlanResult, plan: Plan, per_district: bool = False) -> pd.DataFrame:
    """Money paid by source and month (``mm/yyyy``), formatted by :func:`ntm_sched.units.format_money`.

    Parameters
    ----------
    res
        The solved plan.
    plan
        The plan (source and district names).
    per_district
        One block of months per district (a ``district`` column first) instead of the province's.

    Returns
    -------
    pandas.DataFrame
        One row per month (per district and month), one column per source in the plan's order
        that pays anything, and the month's total. Empty without money paid.
    """
    lang = current_lang()
    al = res.allocation
    if al is None or not len(al):
        return pd.DataFrame()
    srcs = source_names(plan, lang)
    d = al.assign(month=pd.to_datetime(al["period_start"]).dt.to_period("M"))
    keys = ["month"]
    if per_district:
        dist, dn = district_of(plan), district_names(plan)
        d = d.assign(district=pd.Categorical(d["commune_code"].astype(str).map(lambda c: dn.get(dist.get(c, ""), "-")),
                                             categories=list(dict.fromkeys([*dn.values(), "-"]))))
        keys = ["district", "month"]
    piv = d.pivot_table(index=keys, columns="source", values="amount_mvnd", aggfunc="sum", fill_value=0,
                        observed=True)
    order = [s for s in srcs if s in piv.columns] + [s for s in piv.columns if s not in srcs]
    piv = piv[order]
    piv[label("pv_total", lang)] = piv.sum(axis=1)
    piv = piv.rename(columns={s: srcs.get(s, s) for s in order})
    piv.columns.name = None
    out = piv.reset_index()
    out["month"] = out["month"].map(lambda p: p.strftime("%m/%Y"))
    if per_district:
        out["district"] = out["district"].astype(str)
    for c in piv.columns:
        out[c] = out[c].map(lambda v: format_money(float(v), lang) if v else "-")
    return out.rename(columns={"month": label("pv_month", lang), "district": label("pv_district", lang)})


HEADERS = {"session_id": "pv_session", "date": "pv_date", "capacity": "pv_capacity", "taken": "pv_taken",
           "spare": "pv_spare", "full": "pv_full", "waiting": "pv_waiting", "communes": "pv_communes",
           "district": "pv_district", "on_time": "pv_n_on_time", "on_time_communes": "pv_on_time",
           "late_communes": "pv_late", "report": "pv_report", "commune": "pv_commune", "what": "pv_what",
           "recognition": "pv_recognition", "session": "pv_session", "target": "pv_target", "cause": "pv_cause"}


def for_people(df: pd.DataFrame, links: bool = False) -> pd.DataFrame:
    """A table of this module with its headers in the run's language (``district_code`` dropped,
    ``communes`` of :func:`district_table` headed as a count, a session with room left marked ``-``
    in the ``full`` column rather than left blank); with ``links``, the ``report`` column becomes an
    HTML link."""
    lang = current_lang()
    d = df.drop(columns=[c for c in ("district_code", "commune_code") if c in df.columns])
    if "full" in d.columns:
        d = d.assign(full=d["full"].map(lambda f: f or "-"))
    if links and "report" in d.columns:
        d = d.assign(report=d["report"].map(
            lambda p: f'<a href="{p}">{label("pv_link", lang)}</a>' if p else "-"))
    heads = {c: label(k, lang) for c, k in HEADERS.items() if c in d.columns}
    if "on_time" in d.columns and "communes" in d.columns:
        heads["communes"] = label("pv_n_communes", lang)
    elif "on_time" in d.columns:  # the commune table: on time or not
        heads["on_time"] = label("pv_is_on_time", lang)
    return d.rename(columns=heads)


def show(df: pd.DataFrame, links: bool = False, max_rows: int = 1000) -> Any:
    """A table of this report for people (:func:`ntm_sched.report.context.show_table` on
    :func:`for_people`), money columns right-aligned like numbers."""
    from ntm_sched.report.context import show_table

    d = for_people(df, links=links)
    sty = show_table(d, max_rows=max_rows)
    unit = f"(?:{label('u_million')}|{label('u_billion')})$"
    money = [c for c in d.columns if not pd.api.types.is_numeric_dtype(d[c])
             and d[c].astype(str).str.contains(unit).any()]
    if money and hasattr(sty, "set_properties"):
        sty = sty.set_properties(subset=money, **{"text-align": "right", "white-space": "nowrap"})
    return sty
