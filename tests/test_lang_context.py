"""The language is set once per run (a context), not passed through every signature.

A forgotten pass-through used to give Vietnamese silently (``lang: str = "vi"`` in about 90
signatures). Now only the entry points a person calls take ``lang`` (and set it for the run),
the string table's own functions take an optional ``lang`` (``None``: the run's language) to
speak the other language on purpose, and every other function reads
:func:`ntm_sched.i18n.current_lang`.
"""

from __future__ import annotations

import ast
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from ntm_sched.i18n import EN, VI, current_lang, in_lang, label, set_lang, speaks_own_lang, using_lang

PKG = Path(__file__).resolve().parents[1] / "ntm_sched"

ENTRY_POINTS = {
    # where a person passes the language (a CLI flag, a notebook parameter, a page, a study's
    # top-level function); each sets it for what it runs
    "app.budget_page.BudgetPage.__init__",
    "app.explorer_page.ExplorerPage.__init__",
    "app.explorer_page.explorer_page",
    "app.pages.app_widget",
    "app.province_page.ProvincePage.__init__",
    "app.server.prepare_notebook",
    "app.server.run_app",
    "plan.template.new_plan_workbook",
    "report.batch.run_batch",
    "report.context.build_report_context",
    "report.province_batch.run_province_batch",
    "report.province_context.build_province_context",
    "report.runner.run_report",
    "studies.progress.giao_ban.load",
    "studies.progress.notebook.prepare",
    "studies.progress.report.run_giao_ban",
    "studies.risk.notebook.RiskReport.__init__",
    "studies.risk.notebook.RiskReport.failed",
    "studies.risk.notebook.RiskReport.from_parameters",
    "studies.risk.notebook.RiskReport.load",
    "studies.risk.report.run_risk_notebook",
    "studies.risk.run.RiskResult.write",
}
"""Functions that may take ``lang`` with a language as default."""

SPEAKERS = {
    # words in a chosen language (``None`` or no default: never a silent Vietnamese)
    "units.format_money", "units.format_number", "units.format_date",
    "report.heading", "plan.issues.format_issues", "plan.issues.Issue.where", "plan.issues.Issue.text",
    "plan.issues.table_label", "plan.issues.row_name", "plan.template._workbook_bytes",
    "scenario.load.Scenario.description", "domain.explain.describe_explanation",
    "studies.risk.figures.label", "studies.progress.giao_ban.t",
    # a worker process of the batch: the language crosses the process boundary as an argument
    "report.batch._one", "report.province_batch._district",
}
"""Functions that take ``lang`` to speak a language on purpose (both languages side by side,
the engine's English, a process boundary); their default, if any, is not a language except the
English of the engine's own messages."""


def _functions() -> list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef]]:
    out = []
    for path in sorted(PKG.rglob("*.py")):
        rel = path.relative_to(PKG).with_suffix("")
        mod = ".".join(p for p in rel.parts if p != "__init__")

        def walk(node: ast.AST, prefix: str) -> None:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    out.append((f"{prefix}.{child.name}", child))
                    walk(child, f"{prefix}.{child.name}")
                elif isinstance(child, ast.ClassDef):
                    walk(child, f"{prefix}.{child.name}")

        walk(ast.parse(path.read_text(encoding="utf-8")), mod)
    return out


def _lang_default(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[bool, object]:
    """(takes ``lang``, its default: a constant, ``...`` for none, or the unparsed expression)."""
    a = fn.args
    pos = a.posonlyargs + a.args
    for i, arg in enumerate(pos):
        if arg.arg == "lang":
            k = i - (len(pos) - len(a.defaults))
            return True, (_value(a.defaults[k]) if k >= 0 else ...)
    for arg, d in zip(a.kwonlyargs, a.kw_defaults, strict=True):
        if arg.arg == "lang":
            return True, (_value(d) if d is not None else ...)
    return False, None


def _value(node: ast.expr) -> object:
    return node.value if isinstance(node, ast.Constant) else ast.unparse(node)


FUNCTIONS = _functions()


def test_only_entry_points_and_speakers_take_lang() -> None:
    """An internal function gaining ``lang`` again (a pass-through) fails here: read
    :func:`~ntm_sched.i18n.current_lang` instead, or add an entry point that sets the language."""
    takers = {name for name, fn in FUNCTIONS if _lang_default(fn)[0] and not name.startswith("i18n.")}
    assert sorted(takers - ENTRY_POINTS - SPEAKERS) == []
    assert sorted((ENTRY_POINTS | SPEAKERS) - takers) == [], "listed but gone: shorten the lists"


def test_no_internal_function_defaults_to_vietnamese() -> None:
    """``lang: str = "vi"`` outside the entry points is the bug this context replaced."""
    bad = sorted(name for name, fn in FUNCTIONS
                 if _lang_default(fn) == (True, "vi") and name not in ENTRY_POINTS)
    assert bad == []
    speakers = {name: _lang_default(fn)[1] for name, fn in FUNCTIONS if name in SPEAKERS}
    assert {d for d in speakers.values()} <= {None, ..., "en"}


def test_using_lang_sets_and_restores_the_run_language() -> None:
    assert current_lang() == "vi" and label("title") == VI["title"]
    with using_lang("en") as lang:
        assert lang == "en" == current_lang() and label("title") == EN["title"]
        with using_lang(None):  # None keeps the current language
            assert current_lang() == "en"
        with using_lang("vi"):
            assert label("title") == VI["title"]
        assert label("title", "vi") == VI["title"]  # an explicit language still wins
    assert current_lang() == "vi"
    assert in_lang("en", label, "title") == EN["title"] and current_lang() == "vi"
    with pytest.raises(ValueError, match="'vi' or 'en'"):
        with using_lang("fr"):
            pass


def test_set_lang_lasts_for_the_context_only() -> None:
    """``set_lang`` (a notebook's first cell) changes the language of its own context, not of
    another thread's: thread pools and workers are given the language and set it there."""
    seen: list[str] = []

    def in_thread() -> None:
        seen.append(set_lang("en"))
        seen.append(current_lang())

    t = threading.Thread(target=in_thread)
    t.start()
    t.join()
    assert seen == ["en", "en"] and current_lang() == "vi"
    with using_lang("en"), ThreadPoolExecutor(1) as pool:  # a pool thread does not inherit it...
        assert pool.submit(current_lang).result() == "vi"
        assert pool.submit(in_lang, "en", current_lang).result() == "en"  # ...unless given


def test_an_object_speaks_its_own_language() -> None:
    class Page:
        def __init__(self, lang: str) -> None:
            self.lang = lang

        @speaks_own_lang
        def title(self) -> str:
            return label("title")

    assert Page("en").title() == EN["title"] and Page("vi").title() == VI["title"]
    with using_lang("en"):
        assert Page("vi").title() == VI["title"]
