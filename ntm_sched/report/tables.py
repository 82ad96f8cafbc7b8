"""Tables for people: headline figures, milestones, money and the schedule.

One function per report table; the risk tables (communes at risk, bottlenecks, the decisions
section) are in :mod:`.risk_tables`, the assumptions and a scenario's overrides in
:mod:`.assumption_tables`. A new table belongs beside its family, a new kind of analysis in
``ntm_sched/studies/``.

Every function takes a solved :class:`~ntm_sched.domain.PlanResult` (and the plan for
names) and returns a DataFrame with localized headers and ``dd/mm/yyyy`` dates.
An infeasible or timed-out solve gives empty tables (with their columns), never
an exception.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import pandas as pd

from ntm_sched.domain import (
    CHAIN_MILESTONES,
    DISTRICT,
    EXTRA_SOURCE,
    LATE_CAUSES,
    OUT_OF_REACH,
    RESOURCES_OR_MONEY,
)
from ntm_sched.i18n import (
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

TIGHT_DAYS = 14
"""A milestone with less slack than this (days) puts its commune at risk."""


def date_cell(v: Any) -> dt.date:
    """A date cell of a result table that always holds one (dates, Timestamps, ISO text)."""
    d = to_date(v)
    if d is None:
        raise ValueError(f"expected a date, got {v!r}")
    return d


def date_text(v: Any) -> str:
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
    return pd.DataFrame({cols[0]: [date_cell(m).strftime("%m/%Y") for m in g.index], cols[1]: g.values.astype(int)})


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
    rows.append((label("h_district_date", lang), date_text(s.get("district_recognition_date")) or "-"))
    rows.append((label("h_district_target", lang), date_text(s.get("district_target_date")) or "-"))
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
        cols[2]: [date_text(d) for d in ms["target_date"]],
        cols[3]: [date_text(d) for d in ms["scheduled_date"]],
        cols[4]: ms["slack_days"].astype(int).to_numpy(),
        cols[5]: [label("late_by", lang, days=-int(s)) if s < 0 else label("st_on_time", lang)
                  for s in ms["slack_days"]],
        cols[6]: [date_text(d) for d in ms["earliest_possible_date"]],
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
    ends = [date_cell(x) for x in res.schedule["end_date"]] if len(res.schedule) else []
    last = max([date_cell(x) for x in al["period_start"]] + ends)
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
        cols[4]: [date_text(d) for d in sch["start_date"]],
        cols[5]: [date_text(d) for d in sch["end_date"]],
    })


_LETTERS = str.maketrans("0123456789abcdef", "ghijklmnopqrstuv")


def table_uuid(df: pd.DataFrame) -> str:
    """The HTML id of a table shown in a report (``Styler.set_uuid``): a hash of its columns and cells, in letters.

    pandas gives each styled table a random id, so a report's HTML changed from run to run for the same answer,
    and an id of five random hex digits could read as a commune code ("T_07072"). From the table's content, the
    id is the same on every run; two tables with the same content have the same styles, so sharing it is harmless.
    """
    digest = hashlib.sha256(df.to_csv(index=False).encode("utf-8")).hexdigest()[:12]
    return digest.translate(_LETTERS)

