"""The app's province tab: the province report's tables (districts, the council's sessions, the
tightest sessions, who waits, money by source and month) from the explorer's last solve.

Shown only when the app's plan has districts (a province plan); redrawn after every solve of the
explorer, so the tab never solves on its own (kept light: no figure, no links: the districts' table
has no report column, no batch having made their reports).
"""

from __future__ import annotations

from typing import Any

from ntm_sched.app import view
from ntm_sched.i18n import label, speaks_own_lang
from ntm_sched.report.province import banner, district_names, for_people
from ntm_sched.report.province_context import province_tables

SECTIONS = (("districts", "pv_districts"), ("sessions", "pv_sessions"), ("tightest", "pv_tightest"),
            ("waits", "pv_waits"), ("money", "pv_money"), ("money_district", "pv_money_district"))


def is_province(plan: Any) -> bool:
    """Whether ``plan`` is a province plan with districts (the tab is shown only then)."""
    return bool(district_names(plan))


class ProvincePage:
    """The province tab over an :class:`~ntm_sched.app.explorer_page.ExplorerPage`.

    Parameters
    ----------
    page
        The explorer page whose last solve the tab shows.
    lang
        ``"vi"`` (default) or ``"en"``.

    Attributes
    ----------
    widget
        The tab (an ``ipywidgets.HTML``).
    tables
        The tables last shown (by name, as :func:`~ntm_sched.report.province_context.province_tables`).
    """

    def __init__(self, page: Any, lang: str = "vi") -> None:
        import ipywidgets as w

        self.page, self.lang = page, lang
        self.tables: dict[str, Any] = {}
        self.widget = w.HTML()
        self.widget.add_class("ntm-province")
        self.render()

    @speaks_own_lang
    def render(self) -> None:
        """Redraw the tab from the explorer's last solve."""
        plan, pr = self.page.plan, self.page.explorer.result
        warn = banner(plan)
        parts = [f'<div class="ntm-page ntm-invented">⚠ {view.esc(warn)}</div>' if warn else ""]
        if pr is None or not pr.has_schedule:
            parts.append(f'<p class="ntm-note">{view.esc(label("pv_no_schedule", self.lang))}</p>')
            self.tables = {}
        else:
            self.tables = province_tables(pr, plan)
            for key, head in SECTIONS:
                note = (f'<p class="ntm-note">{view.esc(label("pv_sessions_note", self.lang))}</p>'
                        if key == "sessions" else "")
                parts.append(f'<div class="ntm-page"><h3>{view.esc(label(head, self.lang))}</h3>{note}</div>')
                # no district reports behind the app's solve: their column would stay empty
                shown = self.tables[key].drop(columns=["report"], errors="ignore")
                parts.append(view.table_html(for_people(shown), f"ntm-province-{key}"))
        self.widget.value = "".join(parts)
