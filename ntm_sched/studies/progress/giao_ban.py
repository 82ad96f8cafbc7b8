"""The giao ban (weekly steering meeting) report: tables and figures from a scenario's history.

Everything is computed from stored plans (baseline, previous snapshot, current
snapshot; see :mod:`.history`), so the report shows exactly what was recorded.

Earned value (per commune, at the status date, in million VND): PV = value of the
work the baseline planned done by then (each task's cost times its planned share
done); EV = value of the work actually done (cost times percent complete); AC =
money actually paid for the commune's tasks; SPI = EV / PV, CPI = EV / AC. Payments lag
the work by the plan's own terms (an advance at the start, the rest on completion), so a
CPI above 1 mostly says that money is still owed for work done, not that work came cheap.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ntm_sched.i18n import invented_banner, label, localized, name_field, status_label
from ntm_sched.report.tables import table_uuid
from ntm_sched.studies.progress import history as hist
from ntm_sched.units import format_date


def t(key: str, lang: str) -> str:
    """The giao ban label ``key`` in ``lang`` (``gb_<key>`` of :mod:`ntm_sched.i18n`)."""
    return label(f"gb_{key}", lang)


def _fmt(d: Any) -> str:
    return format_date(d) if isinstance(d, dt.date) else ""


@dataclass
class GiaoBan:
    """The stored plans a giao ban report compares, and its tables."""

    scenario: str
    lang: str
    baseline: hist.Snapshot
    current: hist.Snapshot
    previous: hist.Snapshot | None
    history: list[hist.Snapshot]
    names: dict[str, str] = field(default_factory=dict)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    agencies: dict[str, str] = field(default_factory=dict)

    @property
    def status_date(self) -> dt.date:
        return self.current.status_date

    @property
    def ok(self) -> bool:
        """The re-plan at this status date has a schedule (OPTIMAL or FEASIBLE)."""
        return str(self.current.summary().get("status")) in ("OPTIMAL", "FEASIBLE")

    def headline(self) -> str:
        """Status date, solver status, checker verdict, notes and the district's forecast (Markdown)."""
        s = self.current.summary()
        b = self.baseline.summary()
        lang = self.lang
        checker = t("checker_ok" if s.get("checker_ok") else "checker_failed", lang)
        lines = [f"**{t('as_of', lang)}: {_fmt(self.status_date)}** — "
                 f"{t('status_word', lang)}: {status_label(s['status'], lang)}, {t('checker_word', lang)}: {checker}"]
        banner = invented_banner(s.get("unit"), lang)  # an invented example plan says so on its report
        if banner:
            lines.insert(0, f"> ⚠️ **{banner}**")
        if not self.ok:
            lines.append(f"⚠️ {t('no_schedule', lang)} {localized(s, 'explanation', lang) or ''}")
            return "\n\n".join(lines)
        for n in localized(s, "notes", lang) or []:
            lines.append(f"> {n}")
        lines.append(f"{t('district_forecast', lang)}: {_fmt(_iso(s.get('district_recognition_date')))} "
                     f"({t('baseline', lang)}: {_fmt(_iso(b.get('district_recognition_date')))})")
        return "\n\n".join(lines)


def _iso(v: Any) -> dt.date | None:
    return dt.date.fromisoformat(v) if isinstance(v, str) and v else None


def load(scenario: str, history_root: str | os.PathLike[str] | None, status: dt.date, lang: str = "vi",
         names: dict[str, str] | None = None, agencies: dict[str, str] | None = None) -> GiaoBan:
    """The giao ban of ``scenario`` at ``status`` from its history (the snapshot must exist).

    ``names`` and ``agencies`` map commune codes and agency ids to the names shown.
    """
    snaps = hist.list_snapshots(history_root, scenario)
    base = next((s for s in snaps if s.kind == hist.BASELINE), None)
    cur = [s for s in snaps if s.kind != hist.BASELINE and s.status_date == status]
    if base is None or not cur:
        raise hist.HistoryError(f"{scenario}: no baseline or no snapshot at {status.isoformat()} in "
                                f"{hist.scenario_dir(history_root, scenario)}")
    current = cur[-1]
    before = [s for s in snaps if s.kind != hist.BASELINE and s.status_date < status]
    previous = before[-1] if before else base
    series = [base] + [s for s in snaps if s.kind != hist.BASELINE and s.status_date <= status]
    # one snapshot per status date (the newest) in the trend
    by_date: dict[dt.date, hist.Snapshot] = {}
    for s in series[1:]:
        by_date[s.status_date] = s
    gb = GiaoBan(scenario, lang, base, current, previous, [base] + [by_date[d] for d in sorted(by_date)],
                 names or {}, agencies=agencies or {})
    if not gb.ok:  # no schedule at this status date: say so, show only the history
        gb.tables = {k: pd.DataFrame() for k in ("changes", "slipping", "next_two_weeks", "earned_value", "spend")}
        gb.tables["trend"] = slip_trend(gb)
        return gb
    gb.tables = {
        "changes": changes(gb), "slipping": slipping(gb), "next_two_weeks": next_two_weeks(gb),
        "earned_value": earned_value(gb), "spend": spend_by_source(gb), "trend": slip_trend(gb),
    }
    return gb


def _name(gb: GiaoBan, code: Any) -> str:
    return gb.names.get(str(code), str(code))


def _agency(gb: GiaoBan, aid: Any) -> str:
    return gb.agencies.get(str(aid), str(aid))


def changes(gb: GiaoBan) -> pd.DataFrame:
    """Tasks whose forecast finish moved since the previous stored plan (and tasks newly done)."""
    lang = gb.lang
    cur = gb.current.table("schedule")
    prev = gb.previous.table("schedule") if gb.previous is not None else cur.iloc[0:0]
    m = cur.merge(prev[["task_id", "end_date", "state"]] if "state" in prev else prev[["task_id", "end_date"]],
                  on="task_id", how="left", suffixes=("", "_prev"))
    m = m[m["kind"] != "settlement"]
    moved = m[(m["end_date"] != m["end_date_prev"]) | (m.get("state_prev", m["state"]) != m["state"])]
    rows = []
    for _, r in moved.iterrows():
        d = (r["end_date"] - r["end_date_prev"]).days if isinstance(r["end_date_prev"], dt.date) else None
        rows.append({t("commune", lang): _name(gb, r["commune_code"]), t("task", lang): r[name_field(lang)],
                     t("agency", lang): _agency(gb, r["agency"]),
                     t("state", lang): t(r["state"], lang)
                     if r.get("state") in ("done", "in_progress", "planned") else r.get("state"),
                     t("previous", lang): _fmt(r["end_date_prev"]), t("current", lang): _fmt(r["end_date"]),
                     t("change", lang): d})
    df = pd.DataFrame(rows)
    if len(df):
        df = df.sort_values(t("change", lang), ascending=False, key=lambda s: s.fillna(0).abs())
    return df.reset_index(drop=True)


def slipping(gb: GiaoBan) -> pd.DataFrame:
    """Communes whose recognition forecast is later than the baseline's: by how much and why."""
    lang = gb.lang
    var = gb.current.table("variance")
    ms = var[(var["level"] == "milestone") & (var["milestone"] == "recognition")]
    tasks = var[var["level"] == "task"]
    pays = gb.current.table("payments")
    bpays = gb.baseline.table("payments")
    at = gb.status_date

    def late_money(code: str) -> str:
        """Sources that paid this commune's works at least 10 % less than the baseline planned by now."""
        out = []
        if not len(bpays):
            return ""
        planned = bpays[(bpays["commune_code"].astype(str) == code) & (bpays["date"] <= at)]
        for sid, amount in planned.groupby("source")["amount_mvnd"].sum().items():
            paid = pays[(pays["kind"] == "paid") & (pays["commune_code"].astype(str) == code)
                        & (pays["source"] == sid)]["amount_mvnd"].sum() if len(pays) else 0.0
            if amount > 0 and (amount - paid) / amount >= 0.10:
                out.append(f"{sid} ({paid:,.0f}/{amount:,.0f})")
        return ", ".join(out)
    rows = []
    for _, r in ms[ms["slip_days"] > 0].sort_values("slip_days", ascending=False).iterrows():
        code = str(r["commune_code"])
        mine = tasks[(tasks["commune_code"].astype(str) == code) & tasks["slip_days"].notna()]
        works = mine[~mine["id"].str.contains(":")]
        drive = (works if len(works) else mine).sort_values("slip_days", ascending=False).head(1)
        money = late_money(code)
        rows.append({t("commune", lang): _name(gb, code), t("baseline", lang): _fmt(r["baseline_finish"]),
                     t("current", lang): _fmt(r["current_finish"]), t("slip", lang): int(r["slip_days"]),
                     t("why_task", lang): "" if drive.empty else f"{drive.iloc[0]['name_vi']} "
                     f"(+{int(drive.iloc[0]['slip_days'])})",
                     t("why_agency", lang): "" if drive.empty else _agency(gb, drive.iloc[0]["agency"]),
                     t("why_money", lang): money})
    return pd.DataFrame(rows)


def next_two_weeks(gb: GiaoBan) -> pd.DataFrame:
    """What each agency must finish in the two weeks from the status date (forecast of the current plan)."""
    lang = gb.lang
    s = gb.current.table("schedule")
    end = gb.status_date + dt.timedelta(days=13)
    due = s[(s["kind"] != "settlement") & (s["end_date"] >= gb.status_date) & (s["end_date"] <= end)
            & (s["start_date"] <= s["end_date"])]
    due = due.sort_values(["agency", "end_date"])
    return pd.DataFrame({t("agency", lang): [_agency(gb, a) for a in due["agency"]],
                         t("commune", lang): [_name(gb, c) for c in due["commune_code"]],
                         t("task", lang): due[name_field(lang)],
                         t("finish", lang): [_fmt(d) for d in due["end_date"]],
                         t("pct", lang): due.get("percent_complete")}
                        ).reset_index(drop=True)


def _planned_share(start: dt.date, end: dt.date, at: dt.date) -> float:
    if at <= start:
        return 0.0
    if at > end:
        return 1.0
    return (at - start).days / max((end - start).days + 1, 1)


def earned_value(gb: GiaoBan) -> pd.DataFrame:
    """PV, EV, AC, SPI and CPI per commune at the status date (million VND)."""
    lang = gb.lang
    at = gb.status_date
    bs = gb.baseline.table("schedule")
    cs = gb.current.table("schedule")
    pays = gb.current.table("payments")
    rows = []
    for code in sorted(set(bs["commune_code"].astype(str))):
        b = bs[(bs["commune_code"].astype(str) == code) & (bs["kind"] == "work")]
        c = cs[(cs["commune_code"].astype(str) == code) & (cs["kind"] == "work")]
        pv = float(sum(cost * _planned_share(s, e, at)
                       for cost, s, e in zip(b["cost_mvnd"], b["start_date"], b["end_date"])))
        ev = float(sum(cost * (p or 0) / 100 for cost, p in zip(c["cost_mvnd"], c["percent_complete"].fillna(0))))
        mine = (pays["kind"] == "paid") & (pays["commune_code"].astype(str) == code) if len(pays) else None
        ac = float(pays.loc[mine, "amount_mvnd"].sum()) if mine is not None else 0.0
        if pv == 0 and ev == 0 and ac == 0:
            continue
        rows.append({t("commune", lang): _name(gb, code), t("pv", lang): round(pv), t("ev", lang): round(ev),
                     t("ac", lang): round(ac), t("spi", lang): round(ev / pv, 2) if pv else None,
                     t("cpi", lang): round(ev / ac, 2) if ac else None})
    return pd.DataFrame(rows)


def spend_by_source(gb: GiaoBan) -> pd.DataFrame:
    """Per source: baseline spend to date, actual paid, both totals (from ``variance.csv``)."""
    lang = gb.lang
    v = gb.current.table("variance")
    v = v[v["level"] == "source"]
    return pd.DataFrame({t("source", lang): v["id"], t("spend_planned", lang): v["baseline_to_date_mvnd"],
                         t("spend_actual", lang): v["actual_to_date_mvnd"],
                         t("baseline", lang): v["baseline_total_mvnd"], t("current", lang): v["current_total_mvnd"]}
                        ).reset_index(drop=True)


def slip_trend(gb: GiaoBan) -> pd.DataFrame:
    """Each commune's forecast recognition date in every stored plan (baseline first)."""
    lang = gb.lang
    rows = []
    for s in gb.history:
        ms = s.table("milestones")
        rec = ms[ms["milestone"] == "recognition"]
        for code, d in zip(rec["commune_code"], rec["scheduled_date"]):
            rows.append({"snapshot": s.name, "status_date": s.status_date, "commune_code": str(code),
                         t("commune", lang): _name(gb, code), "recognition_date": d})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------
# figures
# ---------------------------------------------------------------------------
def tracking_gantt(gb: GiaoBan) -> Any:
    """Baseline bars (grey, thin) beside current ones (coloured by state), a line at the status date."""
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    lang = gb.lang
    bs = gb.baseline.table("schedule").set_index("task_id")
    cs = gb.current.table("schedule")
    cs = cs[(cs["kind"] != "settlement") & (cs["commune_code"].astype(str) != "DISTRICT")
            & ~cs["commune_code"].astype(str).isin([c for c in cs["commune_code"].astype(str) if c.startswith("R")])]
    cs = cs[cs["task_id"].map(lambda x: not str(x).startswith("R-"))]
    cs = cs.sort_values(["commune_code", "start_date"])
    fig, ax = plt.subplots(figsize=(11, max(4, 0.16 * len(cs))))
    colours = {"done": "#2ca02c", "in_progress": "#ff7f0e", "planned": "#1f77b4"}
    labels = []
    for i, (_, r) in enumerate(cs.iterrows()):
        if r["task_id"] in bs.index:
            b = bs.loc[r["task_id"]]
            ax.barh(i + 0.22, (b["end_date"] - b["start_date"]).days + 1, left=mdates.date2num(b["start_date"]),
                    height=0.3, color="#bbbbbb")
        ax.barh(i - 0.12, (r["end_date"] - r["start_date"]).days + 1, left=mdates.date2num(r["start_date"]),
                height=0.45, color=colours.get(r.get("state"), "#1f77b4"))
        labels.append(f"{_name(gb, r['commune_code'])}: {str(r[name_field(lang)])[:40]}")
    ax.axvline(mdates.date2num(gb.status_date), color="red", lw=1.5, label=t("status_line", lang))
    ax.set_yticks(range(len(labels)))
    ax.set_yticklabels(labels, fontsize=6)
    ax.invert_yaxis()
    ax.xaxis_date()
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%m/%Y"))
    from matplotlib.patches import Patch

    ax.legend(handles=[Patch(color="#bbbbbb", label=t("baseline", lang))]
              + [Patch(color=c, label=t(k, lang)) for k, c in colours.items()]
              + [ax.lines[0]], loc="lower right", fontsize=7)
    ax.set_title(f"{t('baseline', lang)} / {t('current', lang)} — {t('as_of', lang)} {_fmt(gb.status_date)}")
    fig.tight_layout()
    return fig


def spend_curves(gb: GiaoBan) -> Any:
    """Cumulative spend per source: baseline plan (PV), paid (AC) up to the status date, current plan after."""
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    lang = gb.lang
    bp = gb.baseline.table("payments")
    cp = gb.current.table("payments")
    sources = sorted(set(bp["source"]) | set(cp["source"]))
    n = len(sources)
    cols = 3
    rows_ = (n + cols - 1) // cols
    fig, axes = plt.subplots(rows_, cols, figsize=(12, 3 * rows_), squeeze=False)
    for ax, sid in zip(axes.flat, sources):
        b = bp[bp["source"] == sid].groupby("date")["amount_mvnd"].sum().sort_index().cumsum()
        paid = cp[(cp["source"] == sid) & (cp["kind"] == "paid")].groupby("date")["amount_mvnd"].sum().sort_index()
        allc = cp[cp["source"] == sid].groupby("date")["amount_mvnd"].sum().sort_index().cumsum()
        if len(b):
            ax.step(list(b.index), list(b.values), where="post", color="#888888", label=t("spend_planned", lang))
        if len(allc):
            ax.step(list(allc.index), list(allc.values), where="post", color="#1f77b4", ls="--",
                    label=t("spend_current", lang))
        if len(paid):
            pc = paid.cumsum()
            ax.step(list(pc.index) + [gb.status_date], list(pc.values) + [pc.values[-1]], where="post",
                    color="#d62728", lw=2, label=t("spend_actual", lang))
        ax.axvline(gb.status_date, color="red", lw=0.8)
        ax.set_title(sid, fontsize=9)
        lo, hi = ax.get_xlim()
        months = max(1, int((hi - lo) / 30.4))
        ax.xaxis.set_major_locator(mdates.MonthLocator(interval=max(1, (months + 3) // 4)))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%m/%Y"))
        ax.tick_params(labelsize=7)
    for ax in list(axes.flat)[n:]:
        ax.axis("off")
    axes.flat[0].legend(fontsize=7)
    fig.suptitle(f"{t('money', lang)} — {t('as_of', lang)} {_fmt(gb.status_date)}")
    fig.tight_layout()
    return fig


def trend_figure(gb: GiaoBan) -> Any:
    """Forecast recognition date of each commune over the stored plans."""
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt

    lang = gb.lang
    df = gb.tables["trend"]
    fig, ax = plt.subplots(figsize=(8, 4))
    for code, g in df.groupby("commune_code"):
        ax.plot(range(len(g)), list(g["recognition_date"]), marker="o", label=_name(gb, code))
    names = [t("baseline_short", lang) if s.kind == hist.BASELINE else _fmt(s.status_date)
             for s in gb.history]
    ax.set_xticks(range(len(names)))
    ax.set_xticklabels(names, fontsize=8)
    ax.set_ylabel(t("recognition", lang))
    ax.yaxis.set_major_formatter(mdates.DateFormatter("%m/%Y"))
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    return fig


FIGURES = {"tracking_gantt": tracking_gantt, "spend_curves": spend_curves, "slip_trend": trend_figure}


def write_outputs(gb: GiaoBan, out: str | os.PathLike[str]) -> Path:
    """Tables as CSV and one XLSX workbook, figures as PNG, the current plan's files, into ``out``."""
    import shutil

    import matplotlib.pyplot as plt

    from ntm_sched.io import write_tables
    from ntm_sched.report.plots import save

    out = Path(out)
    (out / "figures").mkdir(parents=True, exist_ok=True)
    write_tables(out / "tables", gb.tables, encoding="utf-8-sig", replace_folder=False)  # opened in Excel
    write_tables(out, {}, workbook="report.xlsx", workbook_tables=gb.tables, replace_folder=False)
    for name, make in FIGURES.items():
        if not gb.ok and name != "slip_trend":
            continue
        fig = make(gb)
        save(fig, out / "figures" / f"{name}.png", dpi=100)  # as every report figure is saved
        plt.close(fig)
    for f in ("schedule.csv", "milestones.csv", "allocation.csv", "agency_load.csv", "summary.json", "variance.csv",
              "checker.txt"):
        if (gb.current.path / f).exists():
            shutil.copy2(gb.current.path / f, out / f)
    return out


def show_figure(gb: GiaoBan, name: str, output_dir: str | os.PathLike[str], width: int = 800) -> Any:
    """The saved PNG of figure ``name`` for display, or a note when there is none (no schedule)."""
    from IPython.display import Image, Markdown

    path = Path(output_dir) / "figures" / f"{name}.png"
    if not path.exists():
        return Markdown(f"*{t('none', gb.lang)}*")
    return Image(filename=str(path), width=width)


def show(gb: GiaoBan, name: str, max_rows: int = 60) -> Any:
    """A table of the report for display (a '(none)' note when empty)."""
    from IPython.display import Markdown

    df = gb.tables[name]
    if df is None or not len(df):
        return Markdown(f"*{t('none', gb.lang)}*")
    d = df.head(max_rows)
    return d.style.set_uuid(table_uuid(d)).hide(axis="index")
