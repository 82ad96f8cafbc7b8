"""The whole app as one widget: the planner's explorer and the finance office's page in tabs, and
the province's tab when the plan is a province plan."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ntm_sched.i18n import current_lang, in_lang, label, unit_title


def app_heading(plan: Any) -> str:
    """The app's heading (HTML): the plan's own unit and period (``unit.csv``), escaped.

    Parameters
    ----------
    plan
        The :class:`~ntm_sched.plan.Plan` the app works on.
    lang
        ``"vi"`` or ``"en"``.
    """
    lang = current_lang()
    import html

    unit = plan.unit
    text = unit_title(unit, lang) if unit is None else label("unit_period", lang, unit=unit_title(unit, lang),
                                                              period=unit.period)
    return f"<h2>{html.escape(text)}</h2>"


def app_widget(scenario: str = "base", lang: str = "vi", time_limit: float | None = None,
               workers: int | None = None, seed: int | None = None, scenario_dir: str | Path | None = None) -> Any:
    """Load and solve ``scenario`` once, and return the app: a ``Tab`` with the explorer
    (:class:`~ntm_sched.app.explorer_page.ExplorerPage`) and the budget page
    (:class:`~ntm_sched.app.budget_page.BudgetPage`), both on the scenario's plan, and for a
    province plan the province tab (:class:`~ntm_sched.app.province_page.ProvincePage`, redrawn
    after each solve of the explorer). The pages are reachable as ``widget.explorer``,
    ``widget.budget`` and ``widget.province`` (``None`` for a plan without districts)."""
    import ipywidgets as w

    from ntm_sched.app.budget_page import BudgetPage
    from ntm_sched.app.explorer_page import explorer_page

    page = explorer_page(scenario, lang=lang, time_limit=time_limit, workers=workers, seed=seed,
                         scenario_dir=scenario_dir or None)
    budget = BudgetPage(page.plan, lang=lang, time_limit=page.explorer.controls.time_limit, workers=workers,
                        seed=seed)
    from ntm_sched.app.province_page import ProvincePage, is_province

    province = ProvincePage(page, lang=lang) if is_province(page.plan) else None
    tabs = w.Tab(children=[page.widget, budget.widget] + ([province.widget] if province else []))
    tabs.set_title(0, label("app_tab_explore", lang))
    tabs.set_title(1, label("app_tab_budget", lang))
    if province is not None:
        tabs.set_title(2, label("app_tab_province", lang))
        page.button.on_click(lambda _: province.render())  # after the explorer's own solve handler
    tabs.explorer = page
    tabs.budget = budget
    tabs.province = province
    tabs.heading = in_lang(lang, app_heading, page.plan)
    return tabs
