"""An infeasible plan explained in the plan's terms: communes, steps, target dates, agencies, sources."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ntm_sched.domain.model import NtmModel
from ntm_sched.engine.families.sessions import session_waits
from ntm_sched.engine.result import ConflictItem, Explanation, Solution
from ntm_sched.i18n import ENGINE_LANG, LANGS, label
from ntm_sched.units import format_date, format_money

EXPLANATION_COLUMNS = ["kind", "id", "commune_code", "commune", "what_vi", "what_en", "target_date",
                       "extra_days", "needed_date"]
LIMIT_KINDS = ["calendar", "resource", "source", "budget", "money"]


def _both(key: str, **fmt: object) -> dict[str, str]:
    return {f"what_{lang}": label(key, lang, **fmt) for lang in LANGS}


def explanation_table(model: NtmModel, explanation: Explanation) -> pd.DataFrame:
    """The engine's explanation as rows people can read: each conflicting deadline with its
    commune, step and target date and, where the smallest relaxation was found, how many days
    it must move and the date it could be met; then each binding agency or money source."""
    rows = []
    extra = dict(explanation.extra_periods or {})
    items = list(explanation.items or ())
    listed = {i.name for i in items if i.kind == "deadline"}
    # deadlines in the smallest relaxation that the core did not list are conflicts too
    items += [ConflictItem("deadline", tid) for tid in extra if tid not in listed]
    for it in items:
        row: dict[str, object] = dict.fromkeys(EXPLANATION_COLUMNS)
        row["kind"], row["id"] = it.kind, it.name
        if it.kind == "deadline" and it.name in model.info:
            inf = model.info[it.name]
            row["commune_code"] = inf.commune_code
            row["commune"] = model.commune_names.get(inf.commune_code, inf.commune_code)
            row["what_vi"], row["what_en"] = inf.name_vi, inf.name_en
            row["target_date"] = inf.target_date
            if it.name in extra and inf.target_date is not None:
                row["extra_days"] = int(extra[it.name])
                row["needed_date"] = inf.target_date + dt.timedelta(days=int(extra[it.name]))
        elif it.kind == "resource":
            row.update(_both("x_resource", name=it.name))
        elif it.kind == "source":
            sid, earmark = model.source_map.get(it.name, (it.name, None))
            row["commune_code"] = earmark
            for lang in LANGS:
                row[f"what_{lang}"] = label("x_source", lang, sid=sid) + (
                    label("x_source_earmark", lang, code=earmark) if earmark else "")
        elif it.kind == "calendar" and it.periods is not None:
            row.update(_calendar_row(model, it.name, it.periods))
        elif it.kind == "money":
            sf = explanation.shortfall or {}
            c, r = float(sf.get("cost", 0)), float(sf.get("released", 0))
            for lang in LANGS:
                row[f"what_{lang}"] = label("x_money", lang, cost=format_money(c, lang),
                                            released=format_money(r, lang))
        else:
            row["what_vi"] = row["what_en"] = it.detail
        rows.append(row)
    return pd.DataFrame(rows, columns=EXPLANATION_COLUMNS)


def _calendar_row(model: NtmModel, calendar: str, periods: tuple[int, int]) -> dict[str, object]:
    """A calendar break that keeps works from ending by the horizon, named as in calendar.csv."""
    b, e = periods
    first, last = model.date(b), model.date(e - 1)
    end = model.date(model.problem.horizon - 1)
    rows = sorted((r for r in model.breaks.get(calendar, []) if r[0] <= last and r[1] >= first),
                  key=lambda r: (r[0] - r[1], r[0]))[:2] or [(first, last, "", "")]
    if rows[0][0] <= max(first, model.origin) and rows[0][1] >= min(last, end):
        rows = rows[:1]  # one break of the file covers it all: name only that one
    covers = b <= 0 and e >= model.problem.horizon
    out: dict[str, object] = {"id": f"{calendar}:{first.isoformat()}", "target_date": first, "needed_date": last}
    for lang in LANGS:
        names = "; ".join(f"'{ {'vi': r[2] or r[3], 'en': r[3] or r[2]}[lang] }' "
                          f"({format_date(r[0])}–{format_date(r[1])})" for r in rows)
        cal = label(f"calendar_{calendar}", lang) if calendar in ("construction", "office") else calendar
        out[f"what_{lang}"] = label("x_calendar_covers" if covers else "x_calendar_short", lang, breaks=names,
                                    calendar=cal, start=format_date(model.origin), end=format_date(end))
    return out


def describe_explanation(model: NtmModel, explanation: Explanation, lang: str) -> str:
    """One paragraph saying why no schedule meets the hard deadlines, with names and dates, in
    ``lang`` (asked for explicitly: a summary holds it in both languages)."""
    df = explanation_table(model, explanation)
    if df.empty:
        # the engine's own sentence is in the engine's language
        engine_text = str(explanation) if lang == ENGINE_LANG else ""
        return engine_text or label("x_no_cause", lang)
    dl = df[df["kind"] == "deadline"]
    lim = df[df["kind"].isin(LIMIT_KINDS)]
    parts = []
    what = f"what_{lang}"
    if len(dl):
        items = []
        for _, r in dl.iterrows():
            txt = f"{r['commune']}: {r[what]} ({format_date(r['target_date'])})"
            if r["extra_days"] is not None and not pd.isna(r["extra_days"]):
                txt += label("x_needs_more", lang, days=int(r["extra_days"]), date=format_date(r["needed_date"]))
            items.append(txt)
        parts.append(label("x_hard_cannot", lang) + "; ".join(items))
    if len(lim):
        parts.append(label("x_binding", lang) + "; ".join(str(x) for x in lim[what]))
    if not parts:
        parts.append(str(explanation))
    return ". ".join(parts) + "."


SESSION_WAIT_COLUMNS = ["commune_code", "commune", "session_date", "full_session_date", "what_vi", "what_en"]


def session_wait_table(model: NtmModel, solution: Solution) -> pd.DataFrame:
    """The communes whose appraisal waits for a later council session because an earlier one whose
    cut-off their dossier met was full (:func:`ntm_sched.engine.families.sessions.session_waits`), in
    words: "Cao Xá waits for the 15/12 session: the 20/11 one is full". Empty without sessions."""
    rows = []
    for w in session_waits(model.problem, solution):
        code = model.info[w.task].commune_code if w.task in model.info else w.task
        name = model.commune_names.get(code, code)
        when, full = model.date(w.session.time), model.date(w.full.time)
        row = {"commune_code": code, "commune": name, "session_date": when, "full_session_date": full}
        for lang in LANGS:
            row[f"what_{lang}"] = label("x_session_wait", lang, commune=name, session=when.strftime("%d/%m"),
                                        full=full.strftime("%d/%m"))
        rows.append(row)
    return pd.DataFrame(rows, columns=SESSION_WAIT_COLUMNS)
