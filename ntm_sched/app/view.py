"""HTML pieces shared by the app's pages: the style, headline cards, tables for people."""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

from ntm_sched.i18n import commune_names, current_lang, invented_banner, label, localized, status_label
from ntm_sched.units import format_date, format_money, format_number, to_date

CSS = """
<style>
.ntm-page { font-family: 'DejaVu Sans', Arial, sans-serif; max-width: 1200px; }
.ntm-page h2 { font-size: 1.35em; margin: 14px 0 6px 0; }
.ntm-invented { background: #fff3cd; border: 2px solid #b7791f; border-radius: 6px; padding: 8px 12px;
                margin: 8px 0; font-weight: bold; color: #744210; }
.ntm-page h3 { font-size: 1.1em; margin: 12px 0 4px 0; }
.ntm-cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 6px 0 10px 0; }
.ntm-card { border: 1px solid #c9d3df; border-radius: 8px; padding: 8px 14px; min-width: 170px;
            background: #f7f9fc; }
.ntm-card .ntm-card-label { font-size: 0.85em; color: #4a5568; }
.ntm-card .ntm-card-value { font-size: 1.5em; font-weight: bold; color: #1a365d; }
.ntm-card .ntm-card-note { font-size: 0.8em; color: #4a5568; }
.ntm-card.ntm-bad .ntm-card-value { color: #b7261b; }
.ntm-card.ntm-good .ntm-card-value { color: #22663a; }
.ntm-table table { border-collapse: collapse; font-size: 0.9em; margin: 4px 0 10px 0; }
.ntm-table th { background: #edf2f7; text-align: left; padding: 3px 8px; border-bottom: 1px solid #a0aec0; }
.ntm-table td { text-align: left; padding: 3px 8px; border-bottom: 1px solid #e2e8f0; vertical-align: top; }
.ntm-table td.ntm-num { text-align: right; }
.ntm-note { color: #4a5568; font-size: 0.9em; }
.ntm-msg-ok { color: #22663a; } .ntm-msg-bad { color: #b7261b; font-weight: bold; }
.lm-TabBar-tab, .p-TabBar-tab { flex: 0 0 auto !important; max-width: none !important; min-width: 190px;
                                font-size: 1.05em; }
</style>
"""


def esc(text: Any) -> str:
    return html.escape(str(text))


def _cell(v: Any) -> tuple[str, bool]:
    lang = current_lang()
    if isinstance(v, (int, float)) and not isinstance(v, bool) and not pd.isna(v):
        return format_number(float(v), lang, 0 if float(v).is_integer() or abs(v) >= 100 else 2), True
    if v is None or (isinstance(v, float) and pd.isna(v)):
        return "", False
    return str(v), False


def table_html(df: pd.DataFrame, css_class: str = "", max_rows: int = 200) -> str:
    """A table for people: headers as given (already in the page's language), no index, text
    left-aligned, numbers right-aligned with thousands separators; a note when empty."""
    lang = current_lang()
    if df is None or not len(df):
        return f'<p class="ntm-note {css_class}">{esc(label("no_rows", lang))}</p>'
    head = "".join(f"<th>{esc(c)}</th>" for c in df.columns)
    d = df.head(max_rows)
    short = [bool(d[c].astype(str).str.len().max() <= 24) for c in d.columns]  # names, dates: on one line
    body = []
    for row in d.itertuples(index=False):
        cells = []
        for v, one_line in zip(row, short):
            txt, num = _cell(v)
            style = ' style="white-space: nowrap"' if one_line else ""
            cells.append(f'<td class="ntm-num"{style}>{esc(txt)}</td>' if num else f"<td{style}>{esc(txt)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<div class="ntm-table {css_class}"><table><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>')


def _card(lbl: str, value: str, note: str = "", kind: str = "", key: str = "") -> str:
    return (f'<div class="ntm-card {kind}" data-key="{esc(key)}"><div class="ntm-card-label">{esc(lbl)}</div>'
            f'<div class="ntm-card-value">{esc(value)}</div><div class="ntm-card-note">{esc(note)}</div></div>')


def cards_html(pr: Any, plan: Any) -> str:
    """The headline as a few cards: communes on time, district recognition, total cost, money
    beyond the budget, the answer's status (and gap)."""
    lang = current_lang()
    if pr is None:
        return f'<p class="ntm-note">{esc(label("app_not_solved", lang))}</p>'
    s = pr.summary
    cards = []
    st = status_label(str(s["status"]), lang)
    gap = s.get("gap")
    note = f"{label('h_gap', lang)}: {format_number(100 * float(gap), lang, 1)} %" \
        if gap is not None and str(s["status"]) != "OPTIMAL" else ""
    if s.get("kept_previous"):
        note = (note + " · " if note else "") + label("app_kept_previous", lang)
    good = str(s["status"]) in ("OPTIMAL", "FEASIBLE")
    if s.get("communes_on_time") is not None:
        n = int(s["communes_on_time"]) + int(s["communes_late"] or 0)
        late = [commune_names(plan, lang).get(c, c) for c in (s.get("late_communes") or [])]
        cards.append(_card(label("card_on_time", lang), f"{s['communes_on_time']} / {n}",
                           (label("h_late_communes", lang) + ": " + ", ".join(late)) if late else
                           label("app_definition", lang),
                           "ntm-good" if not late else "ntm-bad", "on_time"))
    if s.get("district_recognition_date"):
        d, t = to_date(s["district_recognition_date"]), to_date(s.get("district_target_date"))
        cards.append(_card(label("card_district", lang), format_date(d),
                           label("card_target", lang, date=format_date(t)) if t else "",
                           "ntm-bad" if t and d and d > t else "ntm-good", "district"))
    if s.get("total_cost_mvnd") is not None:
        cards.append(_card(label("card_cost", lang), format_money(float(s["total_cost_mvnd"]), lang), "", "",
                           "cost"))
    if s.get("extra_funding_mvnd") is not None:
        ex = float(s["extra_funding_mvnd"])
        first = ""
        if ex > 0 and len(pr.allocation):
            al = pr.allocation[pr.allocation["source"] == "EXTRA"]
            months = [d for d in (to_date(x) for x in al["period_start"]) if d is not None]
            if months:
                first = label("card_from", lang, month=min(months).strftime("%m/%Y"))
        cards.append(_card(label("card_extra", lang), format_money(ex, lang) if ex > 0 else label("card_none", lang),
                           first, "ntm-bad" if ex > 0 else "ntm-good", "extra"))
    cards.append(_card(label("card_status", lang), st, note, "" if good else "ntm-bad", "status"))
    expl = localized(s, "explanation", lang)
    extra = f'<p class="ntm-msg-bad">{esc(expl)}</p>' if expl else ""
    if not pr.has_schedule and str(s["status"]) == "UNKNOWN":
        extra += f'<p class="ntm-msg-bad">{esc(label("card_no_schedule", lang))}</p>'

    return f'<div class="ntm-cards">{"".join(cards)}</div>{extra}'


def invented_html(plan: Any) -> str:
    """The banner an invented example plan (``unit.csv``: ``invented`` true) shows at the top of every app
    page (HTML, escaped); empty for a real plan.

    Parameters
    ----------
    plan
        The :class:`~ntm_sched.plan.Plan` the page works on.
    lang
        ``"vi"`` or ``"en"``.
    """
    lang = current_lang()
    text = invented_banner(getattr(plan, "unit", None), lang)
    return f'<div class="ntm-page ntm-invented">⚠ {esc(text)}</div>' if text else ""


def download_link(tables: dict[str, pd.DataFrame], filename: str, text: str) -> str:
    """A link that downloads ``tables`` as one XLSX workbook (a sheet per table), carried in the page itself
    (a ``data:`` address: nothing is written on the server, and it works in Voilà and JupyterLab alike)."""
    import base64
    import io

    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        for name, df in tables.items():
            df.to_excel(xw, sheet_name=str(name)[:31], index=False)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return (f'<a class="ntm-download" download="{esc(filename)}" href="data:{mime};base64,{data}">'
            f"⬇ {esc(text)}</a>")
