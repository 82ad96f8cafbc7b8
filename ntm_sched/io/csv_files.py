"""The one reader of input CSV files.

:func:`read_csv_text` is the one reader of input CSV files (the plan's tables, progress files,
the risk data, the back-test outcomes): UTF-8 with or without BOM, ``,`` or ``;`` as separator,
every row with the line it starts on, and a :class:`CsvFileError` naming file and line when the
file cannot be read; :func:`located` writes where a cell is, the same way for every file.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ntm_sched.errors import InputError

if TYPE_CHECKING:
    pass


# ---------------------------------------------------------------------------
# reading input CSV files
# ---------------------------------------------------------------------------
def located(file: str, line: int | None = None, column: str | None = None) -> str:
    """Where a problem is, as every input error says it: ``file``, ``file, line 3`` or
    ``file, line 3, column 'amount_mvnd'``."""
    out = str(file)
    if line is not None:
        out += f", line {line}"
    if column is not None:
        out += f", column {column!r}"
    return out


class CsvFileError(InputError):
    """An input CSV file that cannot be read as a table (not UTF-8, broken quoting, no header).

    Attributes
    ----------
    file, line
        Where (``line`` is ``None`` for the whole file).
    en, vi
        The problem in English and in Vietnamese (the message is the English one, located).
    """

    def __init__(self, file: str, line: int | None, en: str, vi: str) -> None:
        super().__init__(f"{located(file, line)}: {en}")
        self.file, self.line, self.en, self.vi = file, line, en, vi


@dataclass(frozen=True)
class CsvText:
    """An input CSV file read as text, before any cell is interpreted.

    Attributes
    ----------
    file
        The file's name as messages show it (the caller's choice: its name or its path).
    header
        The first row that is not blank, cells as written.
    header_line
        The line of ``header`` (1 unless blank lines come first).
    rows
        ``(line, cells)`` for every later row, blank ones too, ``line`` being the line the row
        starts on (a quoted cell may span lines); cells as written (not stripped, not normalised).
    """

    file: str
    header: list[str]
    header_line: int
    rows: list[tuple[int, list[str]]]

    def where(self, line: int | None = None, column: str | None = None) -> str:
        """:func:`located` in this file."""
        return located(self.file, line, column)


def _separator(first_line: str) -> str:
    # Excel saves ";" in locales whose decimal mark is ","
    return ";" if first_line.count(";") > first_line.count(",") else ","


def read_csv_text(path: str | os.PathLike[str], name: str | None = None) -> CsvText:
    """Read an input CSV file as text: the one reader of every located input table.

    Parameters
    ----------
    path
        The file: UTF-8 (a BOM is allowed), ``,`` or ``;`` as separator (whichever the first
        line that is not blank has more of).
    name
        How messages name the file (default: its file name).

    Returns
    -------
    CsvText
        Header and rows, each row with the line it starts on.

    Raises
    ------
    CsvFileError
        Naming the file and the line: text that is not UTF-8 (the line of the first bad byte),
        CSV that cannot be parsed, or a file with no header row.
    OSError
        When the file cannot be opened.
    """
    p = Path(path)
    file = name if name is not None else p.name
    data = p.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CsvFileError(file, data[: exc.start].count(b"\n") + 1,
                           f"not UTF-8 text (byte {exc.start}); save the file as CSV UTF-8",
                           f"không phải văn bản UTF-8 (byte {exc.start}); hãy lưu tệp dạng CSV UTF-8") from None
    first = next((x for x in text.splitlines() if x.strip()), "")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_separator(first))
    header: list[str] | None = None
    header_line = 1
    rows: list[tuple[int, list[str]]] = []
    prev = 0
    try:
        for cells in reader:
            start, prev = prev + 1, reader.line_num
            if header is None:
                if any(c.strip() for c in cells):
                    header, header_line = cells, start
                continue
            rows.append((start, cells))
    except csv.Error as exc:
        raise CsvFileError(file, reader.line_num, f"cannot read CSV: {exc}", f"không đọc được CSV: {exc}") from None
    if header is None:
        raise CsvFileError(file, None, "empty file: no header row", "tệp trống: không có dòng tiêu đề")
    return CsvText(file, header, header_line, rows)
