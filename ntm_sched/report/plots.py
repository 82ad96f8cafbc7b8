"""Figures (matplotlib): every function takes ``ax=None`` and returns the Axes it drew on.

Scripts should select the Agg backend (``matplotlib.use("Agg")``) before importing
pyplot; the notebook uses the inline backend. Vietnamese text renders with
DejaVu Sans (matplotlib's default font, which has the glyphs).
"""

from __future__ import annotations

import datetime as dt
import textwrap
from typing import Any

import matplotlib

if matplotlib.get_backend().lower() not in ("agg",) and "inline" not in matplotlib.get_backend().lower():
    try:  # headless by default; notebooks keep their inline backend
        import os

        if not os.environ.get("DISPLAY"):
            matplotlib.use("Agg")
    except Exception:  # pragma: no cover
        pass

import matplotlib.dates as mdates  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from ntm_sched.i18n import current_lang, label, milestone_label
from ntm_sched.report.tables import cash_flow_data  # noqa: E402

plt.rcParams["font.family"] = "DejaVu Sans"

_COLORS = plt.rcParams["axes.prop_cycle"].by_key()["color"]


def wrap(text: str, width: int = 32) -> str:
    """``text`` broken into lines of at most ``width`` characters (titles and legends are never cut)."""
    return "\n".join(textwrap.wrap(str(text), width)) or str(text)


def _ax(ax: Any, figsize: tuple[float, float] = (8, 4)) -> Any:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def _empty(ax: Any) -> Any:
    lang = current_lang()
    ax.text(0.5, 0.5, label("no_rows", lang), ha="center", va="center", transform=ax.transAxes)
    ax.set_xticks([])
    ax.set_yticks([])
    return ax


def _dates(s: pd.Series) -> pd.Series:
    return pd.to_datetime(s.astype(str))


def gantt(schedule: pd.DataFrame, milestones: pd.DataFrame, ax: Any = None,
          names: dict[str, str] | None = None, communes: list[str] | None = None) -> Any:
    """Bars by commune and criterion (works) plus each commune's recognition procedure;
    target dates marked with red ticks (a filled marker when late).

    ``names`` maps commune codes to names; ``communes`` limits the rows.
    """
    lang = current_lang()
    names = names or {}
    if schedule is None or not len(schedule):
        return _empty(_ax(ax))
    sch = schedule.copy()
    if communes is not None:
        sch = sch[sch["commune_code"].isin(communes)]
    # one row per commune x criterion for works, one per commune for its procedure
    def crit(k: Any) -> str:
        return label("all_criteria", lang) if str(k) == "all" else f"{label('criterion', lang)} {k}"

    sch["row"] = [f"{names.get(str(c), str(c))} · {crit(k)}" if kind == "work" and str(k)
                  else f"{names.get(str(c), str(c))} · {label('m_recognition', lang)}"
                  for c, k, kind in zip(sch["commune_code"], sch["criterion"], sch["kind"])]
    sch["s"], sch["e"] = _dates(sch["start_date"]), _dates(sch["end_date"])
    # communes with a recognition procedure (not yet recognised) first, then the others,
    # the district last; inside a commune, rows by start date
    chain = set(sch.loc[sch["kind"] == "step", "commune_code"])
    sch["grp"] = [2 if c == "DISTRICT" else (0 if c in chain else 1) for c in sch["commune_code"]]
    order = (sch.groupby("row").agg(g=("grp", "first"), c=("commune_code", "first"), s=("s", "min"))
             .sort_values(["g", "c", "s"]).index.tolist())
    n = len(order)
    if ax is None:
        _, ax = plt.subplots(figsize=(11, max(3.0, 0.3 * n + 1.2)))
    ypos = {r: i for i, r in enumerate(order)}
    codes = list(dict.fromkeys(sch.sort_values("commune_code")["commune_code"]))
    color = {c: _COLORS[i % len(_COLORS)] for i, c in enumerate(codes)}
    for r, grp in sch.groupby("row"):
        for s, e, c, kind in zip(grp["s"], grp["e"], grp["commune_code"], grp["kind"]):
            width = max((e - s).days + 1, 1)
            ax.barh(ypos[r], width, left=s, height=0.6, color=color[c], alpha=0.9 if kind == "work" else 0.5,
                    edgecolor="none")
    if milestones is not None and len(milestones):
        ms = milestones[~milestones["milestone"].astype(str).str.startswith("task:")]
        for c, m, t, sd, sl in zip(ms["commune_code"], ms["milestone"], ms["target_date"],
                                   ms["scheduled_date"], ms["slack_days"]):
            r = f"{names.get(str(c), str(c))} · {label('m_recognition', lang)}"
            if r not in ypos:
                continue
            tt = pd.Timestamp(str(t))
            ax.plot([tt, tt], [ypos[r] - 0.4, ypos[r] + 0.4], color="red", lw=1.5)
            if m == "recognition":
                ax.plot(pd.Timestamp(str(sd)), ypos[r], marker="D", ms=5,
                        color="red" if sl < 0 else "black")
    ax.set_yticks(range(n))
    ax.set_yticklabels(order, fontsize=8)
    # a line between communes: rows are grouped by commune
    owner = sch.groupby("row")["commune_code"].first()
    for i in range(1, n):
        if owner[order[i]] != owner[order[i - 1]]:
            ax.axhline(i - 0.5, color="#999999", lw=0.6)
    ax.set_ylim(n - 0.5, -0.5)  # first row at the top
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%m/%Y"))
    if n > 20:  # a tall chart: dates at the top too, where the reader starts
        ax.tick_params(axis="x", labeltop=True)
    ax.set_title(label("gantt", lang), pad=24 if n > 20 else 6)
    ax.grid(axis="x", alpha=0.3)
    ax.plot([], [], color="red", lw=1.5, label=label("deadline", lang))
    ax.plot([], [], marker="D", ls="none", color="black", label=milestone_label("recognition", lang))
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)  # outside the bars
    return ax


def cash_flow(plan_result: Any, source: str, ax: Any = None,
              title: str | None = None) -> Any:
    """Cumulative releases (steps) vs cumulative spending of one funding source id."""
    lang = current_lang()
    ax = _ax(ax, (5, 3))
    df = cash_flow_data(plan_result)
    df = df[df["source"] == source] if len(df) else df
    if not len(df):
        return _empty(ax)
    x = pd.to_datetime([str(m) for m in df["month"]])
    if df["released"].max() > 0:
        ax.step(x, df["released"], where="post", label=label("released", lang), color="tab:green")
    ax.step(x, df["spent"], where="post", label=label("spent", lang), color="tab:red")
    ax.set_title(wrap(title or source, 34), fontsize=9)
    ax.set_ylim(bottom=0)
    ax.set_xlim(x.min(), x.max() + pd.DateOffset(months=1))
    ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10)))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%m/%y"))
    from matplotlib.ticker import FuncFormatter

    from ntm_sched.units import format_number

    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: format_number(v, lang)))
    ax.tick_params(labelsize=8)
    ax.set_ylabel(label("amount", lang), fontsize=7)
    ax.legend(fontsize=6)
    return ax


def cash_flow_grid(plan_result: Any, names: dict[str, str] | None = None,
                   fig: Any = None) -> Any:
    """One figure of small multiples: :func:`cash_flow` per funding source. Returns the Figure."""
    lang = current_lang()
    df = cash_flow_data(plan_result)
    sources = list(dict.fromkeys(df["source"])) if len(df) else []
    names = names or {}
    n = max(len(sources), 1)
    cols = min(3, n)
    rows = int(np.ceil(n / cols))
    if fig is None:
        fig = plt.figure(figsize=(4.2 * cols, 3.3 * rows))
    axes = fig.subplots(rows, cols, squeeze=False)
    for i, ax in enumerate(axes.flat):
        if i < len(sources):
            cash_flow(plan_result, sources[i], ax=ax, title=names.get(sources[i], sources[i]))
        elif i == 0:
            _empty(ax)
        else:
            ax.set_visible(False)
    fig.suptitle(label("cash_flow", lang))
    fig.tight_layout()
    return fig


def allocation_bars(allocation: pd.DataFrame, ax: Any = None,
                    names: dict[str, str] | None = None, source_names: dict[str, str] | None = None) -> Any:
    """Stacked bars: money per commune, split by source (million VND)."""
    lang = current_lang()
    ax = _ax(ax, (9, 4))
    if allocation is None or not len(allocation):
        return _empty(ax)
    names, source_names = names or {}, source_names or {}
    p = allocation.pivot_table(index="commune_code", columns="source", values="amount_mvnd",
                               aggfunc="sum", fill_value=0)
    bottom = np.zeros(len(p))
    for i, col in enumerate(p.columns):
        ax.bar(range(len(p)), p[col].to_numpy(), bottom=bottom, label=wrap(source_names.get(col, col), 40),
               color=_COLORS[i % len(_COLORS)])
        bottom += p[col].to_numpy()
    ax.set_xticks(range(len(p)))
    ax.set_xticklabels([names.get(str(c), str(c)) for c in p.index], rotation=45, ha="right", fontsize=8)
    ax.set_ylabel(label("amount", lang))
    ax.set_title(label("allocation", lang))
    ax.legend(fontsize=6)
    return ax


def agency_heatmap(agency_load: pd.DataFrame, ax: Any = None,
                   names: dict[str, str] | None = None) -> Any:
    """Weekly load / capacity per agency as a heat map (1.0 = at capacity)."""
    lang = current_lang()
    if ax is None and agency_load is not None and len(agency_load):
        _, ax = plt.subplots(figsize=(11, 1.2 + 0.35 * agency_load["agency"].nunique()))
    ax = _ax(ax, (10, 3.5))
    if agency_load is None or not len(agency_load):
        return _empty(ax)
    names = names or {}
    df = agency_load.copy()
    df["ratio"] = np.where(df["capacity"] > 0, df["used"] / df["capacity"].where(df["capacity"] > 0, 1), 0.0)
    p = df.pivot_table(index="agency", columns="week_start", values="ratio", aggfunc="max", fill_value=0)
    im = ax.imshow(p.to_numpy(), aspect="auto", cmap="YlOrRd", vmin=0, vmax=1, interpolation="nearest")
    ax.set_yticks(range(len(p)))
    ax.set_yticklabels([names.get(a, a) for a in p.index], fontsize=8)
    weeks = list(p.columns)
    step = max(1, len(weeks) // 10)
    ax.set_xticks(range(0, len(weeks), step))
    ax.set_xticklabels([pd.Timestamp(str(w)).strftime("%d/%m/%y") for w in weeks[::step]], fontsize=7,
                       rotation=45, ha="right")
    ax.set_title(label("agency_load", lang))
    ax.figure.colorbar(im, ax=ax, label=label("load_ratio", lang))
    return ax


def scenario_comparison(summary_df: pd.DataFrame, ax: Any = None) -> Any:
    """Bars of communes on time and total/extra cost per scenario (``summary.csv`` rows)."""
    lang = current_lang()
    ax = _ax(ax, (8, 4))
    if summary_df is None or not len(summary_df):
        return _empty(ax)
    df = summary_df.reset_index(drop=True)
    x = np.arange(len(df))
    on_time = pd.to_numeric(df.get("communes_on_time"), errors="coerce").fillna(0)
    ax.bar(x - 0.2, on_time, width=0.4, color="tab:green", label=label("h_on_time", lang))
    ax.set_ylabel(label("h_on_time", lang))
    ax.set_xticks(x)
    ax.set_xticklabels(df["scenario"].astype(str), rotation=30, ha="right", fontsize=8)
    ax2 = ax.twinx()
    extra = pd.to_numeric(df.get("extra_funding_mvnd"), errors="coerce").fillna(0) / 1000
    total = pd.to_numeric(df.get("total_cost_mvnd"), errors="coerce").fillna(0) / 1000
    ax2.bar(x + 0.2, total, width=0.4, color="tab:blue", alpha=0.5, label=label("h_total_cost", lang))
    ax2.bar(x + 0.2, extra, width=0.4, color="tab:red", alpha=0.8, label=label("h_extra", lang))
    ax2.set_ylabel(label("u_billion", lang))
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = ax2.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, fontsize=7, loc="upper left")
    ax.set_title(label("comparison", lang))
    return ax


def save(fig_or_ax: Any, path: Any, dpi: int = 110) -> Any:
    """Save a Figure (or an Axes' figure) as PNG; returns the path."""
    fig = fig_or_ax.figure if hasattr(fig_or_ax, "figure") and not hasattr(fig_or_ax, "savefig") else fig_or_ax
    fig.savefig(path, dpi=dpi, bbox_inches="tight")
    return path


_ = dt  # dates are formatted via matplotlib
