"""Unit tests: report tables (at-risk reasons), labels and plots."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from ntm_sched.i18n import commune_names
from ntm_sched.report import plots, tables

pytestmark = pytest.mark.slow


def test_plots_return_axes_and_accept_ax(base_solved):
    sc, plan, res = base_solved
    fig, axs = plt.subplots(2, 3)
    n = commune_names(plan)
    assert plots.gantt(res.schedule, res.milestones, "vi", ax=axs[0, 0], names=n) is axs[0, 0]
    assert plots.cash_flow(res, "HUYEN", ax=axs[0, 1]) is axs[0, 1]
    assert plots.allocation_bars(res.allocation, ax=axs[0, 2]) is axs[0, 2]
    assert plots.agency_heatmap(res.agency_load, ax=axs[1, 0]) is axs[1, 0]
    summ = pd.DataFrame({"scenario": ["a", "b"], "communes_on_time": [6, 4],
                         "total_cost_mvnd": [8e4, 7e4], "extra_funding_mvnd": [3e3, 0]})
    assert plots.scenario_comparison(summ, ax=axs[1, 1]) is axs[1, 1]
    assert isinstance(plots.gantt(res.schedule, res.milestones, "en"), plt.Axes)
    grid = plots.cash_flow_grid(res, "vi")
    assert len(grid.axes) >= 1
    plt.close("all")


def test_cash_flow_covers_the_whole_schedule_from_zero(base_solved):
    sc, plan, res = base_solved
    df = tables.cash_flow_data(res)
    last_end = max(pd.to_datetime(res.schedule["end_date"].astype(str)))
    assert pd.Timestamp(str(max(df["month"]))) >= last_end.replace(day=1)
    fig = plots.cash_flow_grid(res, "vi", names={"NTM_TW_TINH": "Vốn CTMTQG xây dựng NTM (Trung ương và tỉnh)"})
    for ax in fig.axes:
        if ax.get_visible() and ax.lines:
            assert ax.get_ylim()[0] == 0
    titles = [ax.get_title() for ax in fig.axes]
    assert any("(Trung ương và tỉnh)" in t.replace("\n", " ") for t in titles)  # wrapped, not cut
    plt.close("all")
