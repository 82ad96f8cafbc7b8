"""What changed between two solves: communes whose dates moved, money moved between sources."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from ntm_sched.domain import DISTRICT, on_time_table
from ntm_sched.i18n import commune_names, current_lang, label, source_names
from ntm_sched.units import format_date, to_date


def _recognition_dates(pr: Any) -> dict[str, dt.date | None]:
    """Scheduled recognition per commune (and the district's), from a solved plan."""
    if pr is None or not pr.has_schedule:
        return {}
    out: dict[str, dt.date | None] = {}
    ot = on_time_table(pr.milestones)
    for code, d in zip(ot["commune_code"], ot["recognition_date"]):
        out[str(code)] = to_date(d)
    out[DISTRICT] = to_date(pr.summary.get("district_recognition_date"))
    return out


def _on_time(pr: Any) -> dict[str, bool]:
    if pr is None or not pr.has_schedule:
        return {}
    ot = on_time_table(pr.milestones)
    return {str(c): bool(v) for c, v in zip(ot["commune_code"], ot["on_time"])}


def date_changes(prev: Any, cur: Any, plan: Any) -> pd.DataFrame:
    """Communes (and the district) whose recognition date or on-time status moved from ``prev``
    to ``cur``: name, date before, date now, days moved (+ later, − earlier), status before/now."""
    lang = current_lang()
    cols = [label(k, lang) for k in ("commune", "ch_before", "ch_now", "ch_moved", "ch_status_before",
                                      "ch_status_now")]
    a, b = _recognition_dates(prev), _recognition_dates(cur)
    oa, ob = _on_time(prev), _on_time(cur)
    names = commune_names(plan, lang)
    rows = []
    for code in sorted(set(a) | set(b), key=lambda c: (c == DISTRICT, names.get(c, c))):
        d0, d1 = a.get(code), b.get(code)
        moved = (d1 - d0).days if d0 and d1 else None
        s0 = label("st_on_time" if oa.get(code) else "st_late", lang) if code in oa else ""
        s1 = label("st_on_time" if ob.get(code) else "st_late", lang) if code in ob else ""
        if moved == 0 and s0 == s1:
            continue
        if moved is None and d0 == d1 and s0 == s1:
            continue
        rows.append({cols[0]: names.get(code, code), cols[1]: format_date(d0) or "-", cols[2]: format_date(d1) or "-",
                     cols[3]: "-" if moved is None else (label("ch_later", lang, days=moved) if moved > 0 else
                                                          label("ch_earlier", lang, days=-moved) if moved < 0 else
                                                          label("ch_same", lang)),
                     cols[4]: s0, cols[5]: s1})
    return pd.DataFrame(rows, columns=cols)


def _money_by_source(pr: Any) -> dict[str, float]:
    if pr is None or not pr.has_schedule or not len(pr.allocation):
        return {}
    g = pr.allocation.groupby("source")["amount_mvnd"].sum()
    return {str(k): float(v) for k, v in g.items()}


def money_changes(prev: Any, cur: Any, plan: Any) -> pd.DataFrame:
    """Money paid from each source (million VND) before and now, and the difference; only the
    sources whose amount moved (the extra money beyond the budget included, by name)."""
    lang = current_lang()
    cols = [label(k, lang) for k in ("source", "ch_before_mvnd", "ch_now_mvnd", "ch_diff_mvnd")]
    a, b = _money_by_source(prev), _money_by_source(cur)
    names = source_names(plan, lang)
    rows = []
    for sid in sorted(set(a) | set(b), key=lambda s: names.get(s, s)):
        x, y = a.get(sid, 0.0), b.get(sid, 0.0)
        if round(y - x) == 0:
            continue
        rows.append({cols[0]: names.get(sid, sid), cols[1]: round(x), cols[2]: round(y), cols[3]: round(y - x)})
    return pd.DataFrame(rows, columns=cols)
