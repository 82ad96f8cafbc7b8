"""The finance office's answers in words: each answer of :mod:`ntm_sched.studies.budget`
(status, gap, what is short, who is late) rendered as HTML or Markdown, with tables by name
under headers in the run's language. Used by the app's budget page (:mod:`.budget_page`) and by
``notebooks/budget_lab.ipynb``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from ntm_sched.app import view
from ntm_sched.i18n import (
    commune_names,
    current_lang,
    label,
    milestone_label,
    name_field,
    source_names,
    status_label,
)
from ntm_sched.report import tables
from ntm_sched.studies import budget
from ntm_sched.units import format_date, format_money, format_number, to_date


def paragraph(text: str, cls: str = "") -> str:
    return f'<p class="{cls}">{view.esc(text)}</p>'


def status_words(status: str, gap: float | None) -> str:
    """'Tình trạng lời giải: Tối ưu.' (plus the gap when not proven optimal)."""
    lang = current_lang()
    txt = label("b_status", lang, status=status_label(str(status), lang))
    if gap is not None and str(status) != "OPTIMAL":
        txt += " " + label("b_gap", lang, gap=format_number(100 * float(gap), lang, 1))
    return txt


def quarter_text(q: Any) -> str:
    """'2019Q3' -> 'Quý 3/2019' (Vietnamese) or 'Q3 2019'."""
    lang = current_lang()
    t = str(q)
    if len(t) == 6 and t[4] == "Q":
        return label("b_quarter_of", lang, quarter=t[5], year=t[:4])
    return t


def _milestone_name(milestone: str, plan: Any) -> str:
    """A chain milestone's name, or for a task's own due date the task's description (never its id)."""
    lang = current_lang()
    if milestone.startswith("task:"):
        col = name_field(lang, "description")
        for t in plan.tasks:
            if t.task_id == milestone[5:]:
                return f"{label('m_task', lang)}: {getattr(t, col)}"
    return milestone_label(milestone, lang)


def _names(codes: Any, plan: Any) -> str:
    lang = current_lang()
    n = commune_names(plan, lang)
    return ", ".join(n.get(str(c), str(c)) for c in codes)


def _causes(cell: Any, plan: Any) -> str:
    """``code:cause;...`` of :func:`~ntm_sched.studies.budget.cuts.budget_cuts` in words, by name."""
    lang = current_lang()
    if not isinstance(cell, str) or not cell:
        return "-"
    n = commune_names(plan, lang)
    out = []
    for item in cell.split(";"):
        code, _, cause = item.partition(":")
        out.append(f"{n.get(code, code)}: {tables.late_cause_text(cause) or '-'}")
    return "; ".join(out)


def evaluation_html(rep: Any, plan: Any) -> str:
    """An allocation's answer: status, money short (by quarter), late communes, unspent money."""
    lang = current_lang()
    L = lambda k, **kw: label(k, lang, **kw)  # noqa: E731
    s = rep.summary
    cn, sn = commune_names(plan, lang), source_names(plan, lang)
    out = [invalid_banner([s.get("verifier_findings") or ""] if s.get("verified") is False else []),
           paragraph(status_words(s["status"], rep.fixed.summary.get("gap")))]
    if s.get("missing_mvnd"):
        first = quarter_text(rep.missing["quarter"].min()) if len(rep.missing) else ""
        out.append(paragraph(L("b_alloc_missing", amount=format_money(float(s["missing_mvnd"]), lang), first=first),
                      "ntm-msg-bad"))
    elif rep.fixed.has_schedule:
        out.append(paragraph(L("b_alloc_ok"), "ntm-msg-ok"))
    late = s.get("late_communes") or []
    if not rep.fixed.has_schedule:
        out.append(paragraph(L("b_infeasible" if str(s["status"]) == "INFEASIBLE" else "b_no_schedule"), "ntm-msg-bad"))
    else:
        out.append(paragraph(L("b_alloc_late", communes=_names(late, plan)) if late else L("b_alloc_none_late"),
                      "ntm-msg-bad" if late else "ntm-msg-ok"))
        if late:  # issue 22: could money have made them on time?
            c = rep.communes.set_index("commune_code")
            items = [L("b_late_cause_item", commune=cn.get(str(x), str(x)),
                       cause=tables.late_cause_text(c.loc[x, "late_cause"]),
                       earliest=format_date(to_date(c.loc[x, "earliest_possible_date"])))
                     for x in late if x in c.index]
            out.append(paragraph(L("b_late_causes", items="; ".join(items)), "ntm-late-causes"))
    if s.get("unspent_mvnd"):
        out.append(paragraph(L("b_unspent", amount=format_money(float(s["unspent_mvnd"]), lang))))
    c = rep.communes
    if len(c) and rep.fixed.has_schedule:
        t = pd.DataFrame({L("commune"): [cn.get(str(x), str(x)) for x in c["commune_code"]],
                          L("target_date"): [format_date(to_date(x)) for x in c["target_date"]],
                          L("scheduled_date"): [format_date(to_date(x)) for x in c["scheduled_date"]],
                          L("b_late_days"): [max(int(x), 0) if pd.notna(x) else None for x in c["late_days"]],
                          L("earliest_possible_date"): [format_date(to_date(x)) for x in c["earliest_possible_date"]],
                          L("late_cause"): [tables.late_cause_text(x) for x in c["late_cause"]],
                          L("b_slip"): [int(x) if pd.notna(x) else None for x in c["slip_vs_base_days"]]})
        out.append(view.table_html(t, "ntm-budget-communes"))
    if len(rep.missing):
        m = rep.missing
        t = pd.DataFrame({L("commune"): [cn.get(str(x), str(x)) for x in m["commune_code"]],
                          L("b_quarter"): [quarter_text(q) for q in m["quarter"]],
                          L("b_extra_needed"): m["extra_mvnd"].round().astype(int)})
        out.append(view.table_html(t, "ntm-budget-missing"))
    u = rep.unspent
    if len(u) and u["unspent_mvnd"].notna().any():
        u = u[u["unspent_mvnd"] > 0.5]
        if len(u):
            t = pd.DataFrame({L("commune"): [cn.get(str(x), str(x)) if x else L("all_criteria")
                                             for x in u["commune_code"]],
                              L("source"): [sn.get(str(x), str(x)) for x in u["source_id"]],
                              L("b_allocated"): u["allocated_mvnd"].round().astype(int),
                              L("b_paid"): u["paid_mvnd"].round().astype(int),
                              L("b_unspent_col"): u["unspent_mvnd"].round().astype(int)})
            out.append(view.table_html(t, "ntm-budget-unspent"))
    return "".join(out)


def minimum_html(mb: Any, plan: Any) -> str:
    """The smallest budget: total vs the plan's, status, money by source and quarter, deadlines
    no money can meet."""
    lang = current_lang()
    L = lambda k, **kw: label(k, lang, **kw)  # noqa: E731
    cn, sn = commune_names(plan, lang), source_names(plan, lang)
    gap = getattr(mb.result, "gap", None) if mb.result is not None else None
    out = [invalid_banner([mb.summary.get("verifier_findings") or ""] if mb.summary.get("verified") is False else []),
           paragraph(status_words(mb.status, gap))]
    if mb.total_mvnd is None:
        out.append(paragraph(L("b_min_none"), "ntm-msg-bad"))
    else:
        out.append(paragraph(L("b_min_total", total=format_money(mb.total_mvnd, lang),
                        plan_total=format_money(mb.plan_total_mvnd, lang)), "ntm-msg-ok"))
    if len(mb.by_source_quarter):
        p = mb.by_source_quarter.pivot_table(index="source_id", columns="quarter", values="amount_mvnd",
                                             aggfunc="sum", fill_value=0).round().astype(int)
        p.index = [sn.get(str(i), str(i)) for i in p.index]
        p.columns = [quarter_text(c) for c in p.columns]
        p = p.reset_index().rename(columns={"index": L("source")})
        out.append(f"<h4>{view.esc(L('b_by_quarter'))}</h4>" + view.table_html(p, "ntm-budget-quarters"))
    if len(mb.relaxed):
        r = mb.relaxed
        t = pd.DataFrame({L("commune"): [cn.get(str(x), str(x)) for x in r["commune_code"]],
                          L("milestone"): [_milestone_name(str(m), plan) for m in r["milestone"]],
                          L("target_date"): [format_date(to_date(x)) for x in r["target_date"]],
                          L("b_earliest"): [format_date(to_date(x)) for x in r["earliest_date"]],
                          L("earliest_possible_date"): [format_date(to_date(x)) for x in r["earliest_possible_date"]],
                          L("late_cause"): [tables.late_cause_text(x) for x in r["late_cause"]]})
        out.append(f"<h4>{view.esc(L('b_unreachable'))}</h4>" + view.table_html(t, "ntm-budget-unreachable"))
    return "".join(out)


def scale_markdown(ans: Any) -> str:
    """The smallest uniform scale of the plan's money, in words."""
    lang = current_lang()
    if ans.scale is None:
        return label("b_scale_none", lang)
    pct = lambda v: f"{100 * float(v):.0f} %"  # noqa: E731
    text = label("b_scale", lang, scale=pct(ans.scale), budget=format_money(float(ans.budget_mvnd or 0), lang),
                 lower=pct(ans.lower))
    if getattr(ans, "verified", None) is False:
        text = f"**⛔ {label('banner_invalid', lang)}: {ans.verifier_findings}**\n\n" + text
    return text


def cuts_html(df: pd.DataFrame, plan: Any) -> str:
    """Budget cuts, per level: the communes that can still make it (by name, the set proven or not), those that
    cannot with their days late and first missed milestone, the district's date, money missing by month, the
    others' lateness proven or its gap, and the sets left unsettled."""
    lang = current_lang()
    L = lambda k, **kw: label(k, lang, **kw)  # noqa: E731
    if df is None or not len(df):
        return paragraph(L("no_rows"))
    cn = commune_names(plan, lang)

    def names(codes: Any) -> str:
        return ", ".join(cn.get(c, c) for c in str(codes).split(";") if c) if isinstance(codes, str) and codes else "-"

    def late(detail: Any) -> str:
        if not isinstance(detail, str) or not detail:
            return "-"
        out = []
        for item in detail.split(";"):
            code, days, milestone = item.split(":", 2)
            out.append(f"{cn.get(code, code)}: {days} ({milestone_label(milestone, lang)})")
        return "; ".join(out)

    def others(st: Any, gap: Any) -> str:
        if budget.others_proven(st, gap):
            return L("b_others_proven")
        txt = status_label(str(st), lang)
        return txt + (", " + L("b_others_gap", gap=format_number(100 * float(gap), lang, 1)) if pd.notna(gap) else "")

    t = pd.DataFrame({
        L("b_level"): [f"{round(100 * float(v))} %" for v in df["level"]],
        L("b_can_make"): [names(v) for v in df["on_time_set"]],
        L("b_set_status"): [L("b_set_proven") if s == "proven" else L("b_set_unsettled") for s in df["set_status"]],
        L("b_cannot_make"): [late(v) for v in df["late_detail_codes"]],
        L("late_cause"): [_causes(v, plan) for v in df.get("late_causes", [None] * len(df))],
        L("h_district_date"): [format_date(to_date(v)) or "-" for v in df["district_recognition_date"]],
        L("b_missing_by_month"): [str(v) if isinstance(v, str) and v else "-" for v in df["missing_by_month"]],
        L("b_others"): [others(s, g) for s, g in zip(df["status"], df["gap"])],
        L("h_verified"): verdict_cells(df),
    })
    notes = []
    for r in df.itertuples():
        lvl = f"{round(100 * float(r.level))} %"
        if isinstance(r.other_largest, str) and r.other_largest:
            notes.append(paragraph(L("b_other_sets", level=lvl, size=r.set_size, sets=r.other_largest)))
        if isinstance(r.unsettled_sets, str) and r.unsettled_sets:
            notes.append(paragraph(L("b_unsettled_sets", level=lvl, sets=r.unsettled_sets), "ntm-msg-bad"))
    bad = [f"{round(100 * float(v))} %" for v in budget.invalid_rows(df, "level")]
    thorough = "method" in df and bool((df["method"] == "thorough").any())
    return (invalid_banner(bad) + paragraph(L("b_cuts_answer")) + paragraph(L("b_cuts_method"), "ntm-note")
            + (paragraph(L("b_cuts_thorough_note"), "ntm-note") if thorough else "")
            + view.table_html(t, "ntm-budget-cuts") + "".join(notes))


def marginal_html(df: pd.DataFrame, plan: Any) -> str:
    """Days each commune's recognition comes forward with more money."""
    lang = current_lang()
    L = lambda k, **kw: label(k, lang, **kw)  # noqa: E731
    if df is None or not len(df):
        return paragraph(L("no_rows"))
    cn = commune_names(plan, lang)
    t = pd.DataFrame({
        L("commune"): [cn.get(str(c), str(c)) for c in df["commune_code"]],
        L("b_base_date"): [format_date(to_date(v)) or "-" for v in df["base_date"]],
        L("b_with_more"): [format_date(to_date(v)) or "-" for v in df["date_with_more"]],
        L("b_days_gained"): [int(v) if pd.notna(v) else None for v in df["days_gained"]],
        L("b_gain_at_most"): [int(v) if pd.notna(v) else None
                              for v in df.get("days_gained_at_most", pd.Series([None] * len(df)))],
        L("b_dates_proven"): [L("b_proven_yes") if a == b == "OPTIMAL" else L("b_proven_no")
                              for a, b in zip(df["status_base"], df["status_with_more"])]
        if "status_base" in df.columns else ["-"] * len(df),
        L("h_verified"): verdict_cells(df),
    })
    bad = [cn.get(c, c) for c in budget.invalid_rows(df, "commune_code")]
    return (invalid_banner(bad) + paragraph(L("b_marginal_answer"))
            + view.table_html(t, "ntm-budget-marginal"))


def verdict_cells(df: pd.DataFrame) -> list[str]:
    """The plan-level verifier's verdict of each row of a budget table, in words ('-' without a schedule)."""
    lang = current_lang()
    if "verified" not in df.columns:
        return ["-"] * len(df)
    words = {True: label("yes", lang), False: label("no", lang), None: "-"}
    return [words[budget.verdict_value(v)] for v in df["verified"]]


def invalid_banner(what: list[str]) -> str:
    """A loud line naming the answers the plan-level verifier rejected (empty when there are none)."""
    lang = current_lang()
    if not what:
        return ""
    return paragraph(f"⛔ {label('banner_invalid', lang)}: {', '.join(what)}", "ntm-msg-bad")
