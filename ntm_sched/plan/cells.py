"""Parsing and formatting of single cells, per the column kinds of :mod:`.schema`.

Every cell is read as text first and converted here, so that nothing is coerced
silently (no ``"00123"`` becoming ``123``, no ``"NA"`` becoming a missing value,
no ``05/08/19`` guessed into some date). Dates follow one rule for every input file
(:func:`read_date`): ISO, or ``dd/mm/yyyy`` read with a warning saying so.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ntm_sched.errors import InputError

from .schema import Column

TRUE_WORDS = frozenset({"true", "yes", "1", "có", "co", "đúng"})
FALSE_WORDS = frozenset({"false", "no", "0", "không", "khong", "sai"})

_INT = re.compile(r"^[+-]?\d+$")
_FLOAT = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_TWO_DIGIT_YEAR = re.compile(r"^\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2}$")
_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{1,2}:\d{2}")


class CellError(InputError):
    """A cell's text does not fit its column; carries an English and a Vietnamese message.

    An :class:`~ntm_sched.errors.InputError` (hence a ``ValueError``): uncaught, the command line
    reports it as bad input (exit 2)."""

    def __init__(self, en: str, vi: str = "") -> None:
        super().__init__(en)
        self.en = en
        self.vi = vi or en


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December")


@dataclass(frozen=True)
class DateNote:
    """How a date written in a form other than ISO was read (a warning for the reader to locate)."""

    en: str
    vi: str


def read_date(text: str) -> tuple[dt.date, DateNote | None]:
    """The one rule for a date written in an input file (plan, progress, scenario, risk data).

    Files use ISO ``yyyy-mm-dd``, which is read without a word. ``dd/mm/yyyy`` (day and month
    of one or two digits: the district's own way of writing dates) is read as day/month/year and
    returned with a :class:`DateNote` saying how it was read, for the caller to report as a
    located warning. Any other form is an error: month/day order (``03/14/2020``), two-digit
    years, other separators, words, ISO week or compact forms (``20200304``), a time of day.

    Parameters
    ----------
    text
        The cell's text, stripped.

    Returns
    -------
    tuple of (datetime.date, DateNote or None)
        The date, and the note when the text was not ISO.

    Raises
    ------
    CellError
        With an English and a Vietnamese message; the caller adds file, row and column.
    """
    m = _ISO.match(text)
    if m:
        y, mo, d = (int(g) for g in m.groups())
        return _make_date(text, y, mo, d), None
    m = _DMY.match(text)
    if m:
        d, mo, y = (int(g) for g in m.groups())
        if mo > 12 and 1 <= d <= 12:
            raise CellError(
                f"{text!r} is not a date dd/mm/yyyy (there is no month {mo}); month/day order is not "
                f"accepted: write yyyy-mm-dd",
                f"{text!r} không phải ngày dd/mm/yyyy (không có tháng {mo}); không nhận thứ tự tháng/ngày: "
                f"hãy viết yyyy-mm-dd",
            )
        value = _make_date(text, y, mo, d)
        return value, DateNote(
            f"{text} read as {value.day} {_MONTHS_EN[value.month - 1]} {value.year} (dd/mm/yyyy); "
            f"files use ISO yyyy-mm-dd",
            f"{text} được đọc là ngày {value.day} tháng {value.month} năm {value.year} (dd/mm/yyyy); "
            f"tệp dùng dạng ISO yyyy-mm-dd",
        )
    if _TWO_DIGIT_YEAR.match(text):
        raise CellError(
            f"ambiguous date {text!r}: two-digit year; write yyyy-mm-dd",
            f"ngày {text!r} không rõ ràng: năm chỉ có hai chữ số; hãy viết yyyy-mm-dd",
        )
    if _ISO_TIME.match(text):
        raise CellError(
            f"date {text!r} has a time of day; write the date only, yyyy-mm-dd",
            f"ngày {text!r} có cả giờ; chỉ ghi ngày, dạng yyyy-mm-dd",
        )
    raise CellError(
        f"cannot read date {text!r}: write yyyy-mm-dd",
        f"không đọc được ngày {text!r}: hãy viết yyyy-mm-dd",
    )


def _make_date(text: str, y: int, mo: int, d: int) -> dt.date:
    try:
        return dt.date(y, mo, d)
    except ValueError:
        raise CellError(f"no such date {text!r}", f"ngày {text!r} không tồn tại") from None


def parse_date(text: str) -> dt.date:
    """The date of :func:`read_date` without its note (for callers that are not reading a file,
    such as a status date typed on the command line, where dd/mm/yyyy is the documented form)."""
    return read_date(text)[0]


def parse_bool(text: str) -> bool:
    """The one reader of yes/no values (cells, settings, side files): the words of
    :data:`TRUE_WORDS` and :data:`FALSE_WORDS`, any case; any other text raises :class:`CellError`
    (never a silent ``False``)."""
    low = text.lower()
    if low in TRUE_WORDS:
        return True
    if low in FALSE_WORDS:
        return False
    raise CellError(
        f"not a yes/no value: {text!r} (use true/false, yes/no, 1/0, có/không, đúng/sai)",
        f"không phải giá trị có/không: {text!r} (dùng true/false, yes/no, 1/0, có/không, đúng/sai)",
    )


def parse_cell(col: Column, text: str, note: Callable[[DateNote], None] | None = None) -> Any:
    """Convert the (stripped, NFC) text of a cell; ``None`` (or ``()`` for lists) when empty.

    Raises :class:`CellError` when the text does not fit the column's kind,
    minimum or choices. Emptiness of a non-nullable cell is *not* checked here.
    A date not written in ISO form but readable (:func:`read_date`) is passed to ``note``
    as a :class:`DateNote`, for the caller to report where it stands.
    """
    if col.kind == "list":
        items = tuple(i.strip() for i in text.split(";"))
        return tuple(i for i in items if i)
    if text == "":
        return None
    if col.kind == "str":
        value: Any = text
        if col.choices is not None and text not in col.choices:
            raise CellError(
                f"{text!r} is not one of: {', '.join(col.choices)}",
                f"{text!r} không thuộc các giá trị: {', '.join(col.choices)}",
            )
        return value
    if col.kind == "int":
        if not _INT.match(text):
            raise CellError(f"not a whole number: {text!r}", f"không phải số nguyên: {text!r}")
        value = int(text)
    elif col.kind == "float":
        if not _FLOAT.match(text):
            if re.match(r"^[+-]?\d+,\d+$", text):
                raise CellError(
                    f"not a number: {text!r} (',' as decimal separator is ambiguous; use '.')",
                    f"không phải số: {text!r} (dấu ',' thập phân dễ nhầm; hãy dùng '.')",
                )
            raise CellError(f"not a number: {text!r}", f"không phải số: {text!r}")
        value = float(text)
        if not math.isfinite(value):
            raise CellError(f"not a finite number: {text!r}", f"không phải số hữu hạn: {text!r}")
    elif col.kind == "date":
        value, how = read_date(text)
        if how is not None and note is not None:
            note(how)
        return value
    elif col.kind == "bool":
        return parse_bool(text)
    else:  # pragma: no cover - schema guards kinds
        raise ValueError(f"unknown kind {col.kind}")
    if col.minimum is not None and value < col.minimum:
        raise CellError(
            f"{text} is below the minimum {col.minimum:g}",
            f"{text} nhỏ hơn giá trị tối thiểu {col.minimum:g}",
        )
    return value


def format_cell(col: Column, value: Any) -> str:
    """The text a value is written as (the inverse of :func:`parse_cell`)."""
    if value is None:
        return ""
    try:
        if value != value:  # NaN, pd.NA raises TypeError
            return ""
    except TypeError:
        return ""
    if col.kind == "list":
        if isinstance(value, str):
            return value
        return ";".join(str(v) for v in value)
    if col.kind == "date":
        if isinstance(value, dt.datetime):
            if value.time() != dt.time(0):
                return value.isoformat(" ")
            return value.date().isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        if hasattr(value, "to_pydatetime"):  # pandas Timestamp
            return format_cell(col, value.to_pydatetime())
        return str(value)
    if col.kind == "bool":
        if isinstance(value, str):
            return value
        return "true" if bool(value) else "false"
    if col.kind in ("int", "float"):
        if isinstance(value, str):
            return value
        if isinstance(value, bool):
            return str(int(value))
        if hasattr(value, "item"):  # numpy scalar
            value = value.item()
        if isinstance(value, float):
            if value.is_integer() and abs(value) < 1e15:
                return str(int(value))
            return repr(value)
        return str(value)
    return str(value)
