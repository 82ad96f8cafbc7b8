"""What the risk report shows: labels (Vietnamese first), localized tables and figures.

Every figure function takes the result tables (as written to CSV, so a notebook can draw
them from a finished run), a language and ``ax=None``, and returns the Axes (or Figure).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from ntm_sched.i18n import current_lang, name_field
from ntm_sched.i18n import label as i18n_label
from ntm_sched.units import format_date, format_money


def label(key: str, lang: str | None = None, **fmt: Any) -> str:
    """The risk report's label ``key`` (``risk_<key>`` of :mod:`ntm_sched.i18n`) in ``lang`` (``None``: the
    run's language); the key itself when unknown."""
    text = i18n_label(f"risk_{key}", lang, **fmt)
    return key if text == f"risk_{key}" else text


def _d(v: Any) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT or v == "":
        return ""
    if isinstance(v, str):
        v = dt.date.fromisoformat(v[:10])
    if isinstance(v, pd.Timestamp):
        v = v.date()
    return format_date(v)


def _p(v: Any) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    return f"{100 * float(v):.0f} %"


def _names(names: dict[str, str] | None, code: str) -> str:
    lang = current_lang()
    if code == "DISTRICT":  # the plan's unit when the names say it (i18n.commune_names does)
        return (names or {}).get("DISTRICT") or label("district", lang)
    return (names or {}).get(str(code), str(code))


def headline(summary: dict[str, Any]) -> str:
    """A few sentences for a steering committee."""
    lang = current_lang()
    def dd(key: str) -> str:
        return _d(summary.get(key)) or "—"

    lines = [
        label("hl_run", lang, n=summary.get("samples"), policy=label(f"policy_{summary.get('policy')}", lang),
              spread=summary.get("spread_scale"), seed=summary.get("seed")),
        label("hl_district", lang, p=_p(summary.get("district_p_on_time")), p50=dd("district_p50_date"),
              p80=dd("district_p80_date"), plan=dd("district_plan_date")),
        label("hl_communes", lang, p=_p(summary.get("p_all_communes_on_time")),
              mean=f"{summary.get('expected_communes_on_time') or 0:.1f}", communes=summary.get("communes")),
        label("hl_money", lang, x50=format_money(summary.get("extra_mvnd_p50", 0), lang),
              x80=format_money(summary.get("extra_mvnd_p80", 0), lang),
              plan=format_money(summary.get("plan_extra_mvnd", 0), lang)),
        label("hl_checker", lang, checked=summary.get("samples_checked"), failures=summary.get("checker_failures")),
    ]
    return "\n".join(lines)


def probability_table(commune_risk: pd.DataFrame,
                      names: dict[str, str] | None = None) -> pd.DataFrame:
    """The probability table with names, localized headers and dd/mm/yyyy dates (a date beyond the
    extended horizon, e.g. no council session left, reads "not within the horizon")."""
    lang = current_lang()
    rows = []
    never = label("never", lang)  # an empty P-date: that share of the samples never reach the milestone
    for _, r in commune_risk.iterrows():
        rows.append({label("commune", lang): _names(names, r["commune_code"]),
                     label("milestone", lang): label(str(r["milestone"]), lang),
                     label("target", lang): _d(r["target_date"]),
                     label("p_on_time", lang): _p(r["p_on_time"]),
                     label("p50", lang): _d(r["p50_date"]) or never, label("p80", lang): _d(r["p80_date"]) or never,
                     label("p90", lang): _d(r["p90_date"]) or never})
    return pd.DataFrame(rows)


def cash_table(extra: pd.DataFrame, source_names: dict[str, str] | None = None) -> pd.DataFrame:
    """Extra money by month and source, localized."""
    lang = current_lang()
    rows = []
    for _, r in extra.iterrows():
        src = str(r["source"])
        name = label(src, lang) if src in ("EXTRA", "ALL") else (source_names or {}).get(src, src)
        rows.append({label("month", lang): pd.Timestamp(r["month"]).strftime("%m/%Y"), label("source", lang): name,
                     label("extra_plan", lang): int(r["plan_mvnd"]), label("extra_p50", lang): int(r["p50_mvnd"]),
                     label("extra_p80", lang): int(r["p80_mvnd"]),
                     label("cum_p80", lang): "" if pd.isna(r["p80_cumulative_mvnd"])
                     else int(r["p80_cumulative_mvnd"])})
    return pd.DataFrame(rows)


def criticality_table(crit: pd.DataFrame, top: int = 15,
                      names: dict[str, str] | None = None, others: dict[str, str] | None = None) -> pd.DataFrame:
    """The top drivers of late recognition, localized (``others``: names of agencies and sources)."""
    lang = current_lang()
    rows = []
    for _, r in crit.head(top).iterrows():
        what = r[name_field(lang)]
        if r["kind"] in ("agency", "source"):
            what = label(str(r["id"]), lang) if r["id"] == "EXTRA" else (others or {}).get(str(r["id"]), what)
        if r["commune_code"] and str(r["commune_code"]) != "nan":
            what = f"{_names(names, r['commune_code'])}: {what}"
        rows.append({label("kind", lang): label(str(r["kind"]) if r["kind"] != "source" else "money", lang),
                     label("what", lang): what, label("p_drives", lang): _p(r["p_drives_late"])})
    return pd.DataFrame(rows)


def assumptions_table(assumptions: pd.DataFrame) -> pd.DataFrame:
    """The uncertainty data with their sources."""
    lang = current_lang()
    return assumptions.rename(columns={"kind": label("kind", lang), "id": "id", "values": label("values", lang),
                                       "source": label("basis", lang)})


# ---------------------------------------------------------------------------
# figures
# ---------------------------------------------------------------------------
def _plt() -> Any:
    from ntm_sched.report import plots  # sets a headless backend and the font

    return plots.plt


def _dates(s: Any) -> pd.Series:
    return pd.to_datetime(pd.Series(s).astype(str), errors="coerce")


def s_curve(distribution: pd.DataFrame, summary: dict[str, Any], ax: Any = None) -> Any:
    """The district's recognition date: cumulative probability (S-curve) over a histogram, with P50,
    P80, the deterministic plan's date and the target."""
    lang = current_lang()
    plt = _plt()
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4))
    if distribution.empty:
        ax.text(0.5, 0.5, label("no_rows", lang), ha="center", transform=ax.transAxes)
        return ax
    x = _dates(distribution["date"])
    ax.step(x, distribution["cumulative_probability"], where="post", color="C0", lw=2)
    ax.set_ylim(0, 1.02)
    ax.set_ylabel(label("prob", lang))
    ax2 = ax.twinx()
    ax2.bar(x, distribution["samples"], width=1.0, color="C0", alpha=0.25)
    ax2.set_ylabel(label("samples", lang))
    for key, style, name in (("district_p50_date", ":", "P50"), ("district_p80_date", "--", "P80"),
                             ("district_plan_date", "-", label("plan_date", lang)),
                             ("district_target_date", "-", label("target_line", lang))):
        v = summary.get(key)
        if v:
            color = "red" if key == "district_target_date" else ("green" if key == "district_plan_date" else "k")
            ax.axvline(pd.Timestamp(v), ls=style, color=color, lw=1)
            ax.text(pd.Timestamp(v), 1.0, f" {name}", rotation=90, va="top", fontsize=8, color=color)
    ax.set_title(label("h_scurve", lang))
    ax.figure.autofmt_xdate()
    return ax


def s_curves_communes(recognition: pd.DataFrame, commune_risk: pd.DataFrame,
                      names: dict[str, str] | None = None, ax: Any = None) -> Any:
    """Every commune's recognition date as an S-curve (empirical cumulative probability over the
    samples), its target as a dotted line of the same colour."""
    lang = current_lang()
    plt = _plt()
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4.5))
    owners = [c for c in (recognition.columns if recognition is not None else []) if c not in ("sample", "DISTRICT")]
    if not owners:
        ax.text(0.5, 0.5, label("no_rows", lang), ha="center", transform=ax.transAxes)
        return ax
    n = len(recognition)
    targets = {}
    if len(commune_risk):
        rec = commune_risk[commune_risk["milestone"] == "recognition"]
        targets = dict(zip(rec["commune_code"].astype(str), rec["target_date"]))
    for i, code in enumerate(owners):
        d = _dates(recognition[code]).dropna().sort_values()
        if d.empty:
            continue
        y = np.arange(1, len(d) + 1) / n
        color = f"C{i % 10}"
        ax.step(d, y, where="post", color=color, label=_names(names, code))
        t = targets.get(code)
        if isinstance(t, (str, dt.date)) and str(t) not in ("", "nan", "None"):
            ax.axvline(pd.Timestamp(str(t)), color=color, ls=":", lw=0.8)
    ax.set_ylim(0, 1.02)
    ax.set_ylabel(label("prob", lang))
    ax.set_title(label("h_scurve_communes", lang))
    ax.legend(fontsize=7, ncol=2)
    ax.figure.autofmt_xdate()
    return ax


def tornado(tor: pd.DataFrame, top: int = 12, ax: Any = None,
            names: dict[str, str] | None = None) -> Any:
    """Horizontal bars of the rank correlation of the strongest inputs, labelled with their swing."""
    lang = current_lang()
    plt = _plt()
    t = tor.head(top).iloc[::-1]
    if ax is None:
        _, ax = plt.subplots(figsize=(9, 0.4 * max(3, len(t)) + 1))
    if t.empty:
        ax.text(0.5, 0.5, label("no_rows", lang), ha="center", transform=ax.transAxes)
        return ax
    def one(r: Any) -> str:
        text = str(r[name_field(lang)])
        code = str(r.get("commune_code", "") or "")
        if code and code != "nan" and r["kind"] in ("duration", "cost"):
            text = f"{_names(names, code)} - {text}"
        return text[:70]

    names_ = [one(r) for _, r in t.iterrows()]
    colors = ["C3" if v > 0 else "C2" for v in t["spearman"]]
    ax.barh(range(len(t)), t["spearman"], color=colors)
    ax.set_yticks(range(len(t)), names_, fontsize=8)
    for i, (_, r) in enumerate(t.iterrows()):
        ax.text(r["spearman"], i, f" {r['swing_days']:+.0f} d", va="center", fontsize=7)
    ax.axvline(0, color="k", lw=0.8)
    ax.set_xlabel(label("spearman", lang))
    ax.set_title(label("h_tornado", lang))
    return ax


def criticality_bars(crit: pd.DataFrame, top: int = 12, names: dict[str, str] | None = None,
                     ax: Any = None, others: dict[str, str] | None = None) -> Any:
    """Bars of how often the top drivers make a recognition late."""
    lang = current_lang()
    plt = _plt()
    c = criticality_table(crit, top, names, others).iloc[::-1]
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 0.4 * max(3, len(c)) + 1))
    if c.empty:
        ax.text(0.5, 0.5, label("no_rows", lang), ha="center", transform=ax.transAxes)
        return ax
    vals = crit.head(top)["p_drives_late"].iloc[::-1].to_numpy()
    ax.barh(range(len(c)), vals, color="C1")
    ax.set_yticks(range(len(c)), [f"[{k}] {w}"[:70] for k, w in zip(c.iloc[:, 0], c.iloc[:, 1])], fontsize=8)
    ax.set_xlim(0, 1)
    ax.set_xlabel(label("p_drives", lang))
    ax.set_title(label("h_criticality", lang))
    return ax


def cash_need(extra: pd.DataFrame, ax: Any = None) -> Any:
    """Extra money by month: the plan's, P50 and P80 bars, and the cumulative P80 line."""
    lang = current_lang()
    plt = _plt()
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 4))
    a = extra[extra["source"] == "ALL"] if len(extra) else extra
    if a is None or len(a) == 0:
        ax.text(0.5, 0.5, label("no_rows", lang), ha="center", transform=ax.transAxes)
        return ax
    x = np.arange(len(a))
    w = 0.28
    ax.bar(x - w, a["plan_mvnd"], w, label=label("extra_plan", lang), color="C7")
    ax.bar(x, a["p50_mvnd"], w, label=label("extra_p50", lang), color="C0")
    ax.bar(x + w, a["p80_mvnd"], w, label=label("extra_p80", lang), color="C3")
    ax.set_xticks(x, [pd.Timestamp(m).strftime("%m/%Y") for m in a["month"]], rotation=45, fontsize=8)
    ax.set_ylabel(label("mvnd", lang))
    ax2 = ax.twinx()
    ax2.plot(x, a["p80_cumulative_mvnd"].astype(float), color="k", marker=".", label=label("cum_p80", lang))
    ax2.set_ylabel(f"{label('cum_p80', lang)} ({label('mvnd', lang)})")
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, fontsize=8, loc="upper left")
    ax.set_title(label("h_cash", lang))
    return ax


FIGURES = ("s_curve", "s_curves_communes", "tornado", "criticality", "cash_need")


def figure(name: str, tables: dict[str, pd.DataFrame], summary: dict[str, Any],
           names: dict[str, str] | None = None, others: dict[str, str] | None = None) -> Any:
    """Draw figure ``name`` (one of :data:`FIGURES`) and return its matplotlib Figure."""
    if name == "s_curve":
        ax = s_curve(tables["district_distribution"], summary)
    elif name == "s_curves_communes":
        ax = s_curves_communes(tables.get("recognition_samples"), tables["commune_risk"], names)
    elif name == "tornado":
        ax = tornado(tables["tornado"], names=names)
    elif name == "criticality":
        ax = criticality_bars(tables["criticality"], names=names, others=others)
    elif name == "cash_need":
        ax = cash_need(tables["extra_money"])
    else:
        raise KeyError(f"unknown figure {name!r} (expected one of {FIGURES})")
    fig = ax.figure
    fig.tight_layout()
    return fig
