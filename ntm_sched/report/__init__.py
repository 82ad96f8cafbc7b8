"""The report layer: tables and figures for people, the papermill report and batches.

``ntm_sched.report.plots`` and ``ntm_sched.report.tables`` import without a solver run;
:func:`build_report_context` solves a scenario and gathers everything a report shows.
"""

from __future__ import annotations

from typing import Any

from ntm_sched.report.labels import label


def heading(key: str, lang: str = "vi", level: int = 2) -> str:
    """A Markdown heading for section ``key`` in ``lang``."""
    return f"{'#' * level} {label(key, lang)}"


def build_report_context(*args: Any, **kwargs: Any) -> Any:
    """Solve a scenario and gather its report (see :func:`ntm_sched.report.context.build_report_context`)."""
    from ntm_sched.report.context import build_report_context as _b

    return _b(*args, **kwargs)


__all__ = ["build_report_context", "heading", "label"]
