"""Unit tests: report tables (at-risk reasons), labels and plots."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from ntm_sched.i18n import commune_names, in_lang
from ntm_sched.report import plots, tables

pytestmark = pytest.mark.slow


def test_plots_draw_the_results_data(base_solved):
    """Each figure draws what the result holds, on the Axes it is given."""
    import numpy as np

    sc, plan, res = base_solved
    fig, axs = plt.subplots(2, 3)
    n = commune_names(plan)
    # Gantt: one bar per scheduled task, one row label per (commune, criterion) or recognition chain
    ax = in_lang("vi", plots.gantt, res.schedule, res.milestones, ax=axs[0, 0], names=n)
    assert ax is axs[0, 0]
    bars = [p for p in ax.patches if p.get_height() == pytest.approx(0.6)]
    assert len(bars) == len(res.schedule)
    rows = {t.get_text() for t in ax.get_yticklabels()}
    assert "Liên Chung · Quá trình công nhận" in rows or any(r.startswith("Liên Chung") for r in rows)
    assert {r.split(" · ")[0] for r in rows} >= {n[c] for c in ("07357", "07360", "07303")}
    # late recognitions are red diamonds: as many as communes late on their recognition milestone
    ms = res.milestones
    rec = ms[(ms["milestone"] == "recognition") & (ms["commune_code"] != "DISTRICT")]
    diamonds = [ln for ln in ax.get_lines() if ln.get_marker() == "D" and len(ln.get_xdata())]
    assert len(diamonds) == len(rec)
    assert sum(ln.get_color() == "red" for ln in diamonds) == int((rec["slack_days"] < 0).sum())
    # cash flow of HUYEN: the last cumulative spending equals what the allocation paid from HUYEN
    ax = plots.cash_flow(res, "HUYEN", ax=axs[0, 1])
    spent = [ln for ln in ax.get_lines() if ln.get_color() == "tab:red"][0]
    paid = res.allocation.loc[res.allocation["source"] == "HUYEN", "amount_mvnd"].sum()
    assert spent.get_ydata()[-1] == pytest.approx(paid)
    released = [ln for ln in ax.get_lines() if ln.get_color() == "tab:green"][0]
    huyen = plan.table("funding").query("source_id == 'HUYEN'")["amount_mvnd"].sum()
    assert paid <= released.get_ydata()[-1] <= huyen  # never spent more than released by then
    # allocation bars: stacked heights per commune add up to the money paid for the commune
    ax = plots.allocation_bars(res.allocation, ax=axs[0, 2])
    tops = {}
    for p in ax.patches:
        x = round(p.get_x() + p.get_width() / 2)
        tops[x] = tops.get(x, 0) + p.get_height()
    per_commune = res.allocation.groupby("commune_code")["amount_mvnd"].sum().sort_index()
    assert [tops[i] for i in range(len(per_commune))] == pytest.approx(list(per_commune))
    # heat map: one row per agency, one column per week, values = used / capacity
    ax = plots.agency_heatmap(res.agency_load, ax=axs[1, 0])
    img = ax.get_images()[0].get_array()
    ld = res.agency_load
    assert img.shape == (ld["agency"].nunique(), ld["week_start"].nunique())
    full = ld[ld["capacity"] > 0]
    assert float(np.nanmax(img)) == pytest.approx(float((full["used"] / full["capacity"]).max()))
    # scenario comparison: the on-time bars are the summary's numbers
    summ = pd.DataFrame({"scenario": ["a", "b"], "communes_on_time": [6, 4],
                         "total_cost_mvnd": [8e4, 7e4], "extra_funding_mvnd": [3e3, 0]})
    ax = plots.scenario_comparison(summ, ax=axs[1, 1])
    assert [p.get_height() for p in ax.patches] == [6, 4]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["a", "b"]
    grid = in_lang("vi", plots.cash_flow_grid, res)
    funded = set(plan.table("funding")["source_id"]) | {"EXTRA"}  # extra funding is allowed in the base plan
    assert len([a for a in grid.axes if a.get_visible()]) == len(funded)
    plt.close("all")


def test_cash_flow_covers_the_whole_schedule_from_zero(base_solved):
    sc, plan, res = base_solved
    df = tables.cash_flow_data(res)
    last_end = max(pd.to_datetime(res.schedule["end_date"].astype(str)))
    assert pd.Timestamp(str(max(df["month"]))) >= last_end.replace(day=1)
    fig = in_lang("vi", plots.cash_flow_grid, res,
                  names={"NTM_TW_TINH": "Vốn CTMTQG xây dựng NTM (Trung ương và tỉnh)"})
    for ax in fig.axes:
        if ax.get_visible() and ax.lines:
            assert ax.get_ylim()[0] == 0
    titles = [ax.get_title() for ax in fig.axes]
    assert any("(Trung ương và tỉnh)" in t.replace("\n", " ") for t in titles)  # wrapped, not cut
    plt.close("all")
