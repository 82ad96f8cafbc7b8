"""The report layer: tables and figures for people, the papermill report and batches.

``ntm_sched.report.plots`` and ``ntm_sched.report.tables`` import without a solver run;
:func:`build_report_context` solves a scenario and gathers everything a report shows.
"""

from __future__ import annotations

from ntm_sched.i18n import label
from ntm_sched.report.context import ReportContext, build_report_context


def heading(key: str, lang: str | None = None, level: int = 2) -> str:
    """A Markdown heading for section ``key`` in ``lang``."""
    return f"{'#' * level} {label(key, lang)}"


__all__ = ["ReportContext", "build_report_context", "heading", "label"]
