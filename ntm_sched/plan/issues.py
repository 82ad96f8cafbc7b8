"""A plan's problems and the rows they are found in: :class:`Issue` (file, sheet, row, column,
in both languages), :func:`format_issues`, :class:`PlanValidationError`, the raw and typed
rows (:class:`RawTable`, :class:`Row`) and the :class:`Sink` every check reports into."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from ntm_sched.errors import InputError
from ntm_sched.i18n import LANGS, current_lang, label, localized

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Issue:
    """One problem of a plan, located as the user sees it.

    ``row`` is the line number in a CSV file (the header is line 1) or the row
    of an Excel sheet; ``None`` for problems of a whole file, sheet or column.
    """

    file: str
    row: int | None
    column: str | None
    message: str
    severity: Severity = "error"
    sheet: str | None = None
    message_vi: str = ""
    row_kind: Literal["line", "row"] = "line"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def where(self, lang: str = "en") -> str:
        parts = [self.file]
        if self.sheet is not None:
            parts.append(label("v_sheet", lang, sheet=self.sheet))
        if self.row is not None:
            parts.append(label(f"v_{self.row_kind}", lang, row=self.row))
        if self.column is not None:
            parts.append(label("v_column", lang, column=self.column))
        return ", ".join(parts)

    def text(self, lang: str = "en") -> str:
        message = localized({"message": self.message, "message_vi": self.message_vi}, "message", lang)
        return f"[{label(f'v_{self.severity}', lang)}] {self.where(lang)}: {message}"

    def __str__(self) -> str:
        return self.text("en")


def format_issues(issues: Sequence[Issue], lang: str | None = None, title: str | None = None) -> str:
    """A readable report of ``issues`` in Vietnamese (``"vi"``) or English (``None``: the run's language)."""
    lang = lang or current_lang()
    if lang not in LANGS:
        raise ValueError(f"lang must be 'vi' or 'en', not {lang!r}")
    n_err = sum(1 for i in issues if i.is_error)
    n_warn = len(issues) - n_err
    lines = []
    if title:
        lines.append(title)
    lines.append(label("v_counts", lang, errors=n_err, warnings=n_warn) if issues else label("v_none", lang))
    for i in issues:
        lines.append("  " + i.text(lang))
    return "\n".join(lines)


class PlanValidationError(InputError):
    """The plan has errors; ``.issues`` lists every problem found (warnings too)."""

    def __init__(self, issues: Iterable[Issue]) -> None:
        self.issues: list[Issue] = list(issues)
        super().__init__("invalid plan\n" + format_issues(self.issues, lang="en"))

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.is_error]


# --------------------------------------------------------------------------
# Raw text tables and typed rows
# --------------------------------------------------------------------------


@dataclass
class RawTable:
    """A table as read: header and text cells, with the user's row numbers."""

    name: str
    file: str
    sheet: str | None
    header: list[str]
    rows: list[tuple[int, list[str]]]
    header_row: int = 1
    row_kind: Literal["line", "row"] = "line"


@dataclass
class Row:
    """One data row after conversion: good cells in ``values`` (empty -> None)."""

    table: str
    file: str
    sheet: str | None
    line: int | None
    row_kind: Literal["line", "row"]
    values: dict[str, Any]
    raw: dict[str, str] = field(default_factory=dict)  # text before NFC normalisation
    bad: set[str] = field(default_factory=set)

    def ok(self, *cols: str) -> bool:
        return all(c not in self.bad and self.values.get(c) is not None for c in cols)


# Where a table lives when it is missing or referenced: (file, sheet).
Locator = Callable[[str], tuple[str, "str | None"]]


class Sink:
    """Collects issues."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []

    def at(self, row: Row, column: str | None, en: str, vi: str = "", severity: Severity = "error") -> None:
        self.issues.append(Issue(row.file, row.line, column, en, severity, row.sheet, vi or en, row.row_kind))

    def file(self, file: str, sheet: str | None, column: str | None, en: str, vi: str = "",
             severity: Severity = "error", line: int | None = None,
             row_kind: Literal["line", "row"] = "line") -> None:
        self.issues.append(Issue(file, line, column, en, severity, sheet, vi or en, row_kind))


def table_label(locate: Locator, table: str, lang: str = "en") -> str:
    file, sheet = locate(table)
    if sheet is not None:
        return label("v_sheet", lang, sheet=sheet)
    return file


def row_name(r: Row, lang: str = "en") -> str:
    return label(f"v_{r.row_kind}", lang, row=r.line)
