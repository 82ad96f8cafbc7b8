"""The report layer: tables and figures for people, the papermill report and batches.

``ntm_sched.report.plots`` and ``ntm_sched.report.tables`` import without a solver run;
:func:`build_report_context` solves a scenario and gathers everything a report shows.

:class:`ReportContext` and :func:`build_report_context` are imported on first use (PEP 562): the
processes that only run reports (the ``ntm-sched`` command, a batch and its workers, the app's server)
then start without the report's tables, figures and solver stack, which only the notebook's kernel uses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ntm_sched.i18n import label

if TYPE_CHECKING:
    from ntm_sched.report.context import ReportContext, build_report_context

_LAZY = frozenset({"ReportContext", "build_report_context"})


def heading(key: str, lang: str | None = None, level: int = 2) -> str:
    """A Markdown heading for section ``key`` in ``lang``."""
    return f"{'#' * level} {label(key, lang)}"


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from ntm_sched.report import context

        return getattr(context, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["ReportContext", "build_report_context", "heading", "label"]
