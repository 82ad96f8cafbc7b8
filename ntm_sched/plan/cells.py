"""Parsing and formatting of single cells, per the column kinds of :mod:`.schema`.

Every cell is read as text first and converted here, so that nothing is coerced
silently (no ``"00123"`` becoming ``123``, no ``"NA"`` becoming a missing value,
no ``05/08/19`` guessed into some date).
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
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


def parse_date(text: str) -> dt.date:
    """``yyyy-mm-dd`` or ``dd/mm/yyyy`` (day and month may have 1 or 2 digits)."""
    m = _ISO.match(text)
    if m:
        y, mo, d = (int(g) for g in m.groups())
    else:
        m = _DMY.match(text)
        if m:
            d, mo, y = (int(g) for g in m.groups())
        elif _TWO_DIGIT_YEAR.match(text):
            raise CellError(
                f"ambiguous date {text!r}: two-digit year; write yyyy-mm-dd or dd/mm/yyyy",
                f"ngày {text!r} không rõ ràng: năm chỉ có hai chữ số; hãy viết yyyy-mm-dd hoặc dd/mm/yyyy",
            )
        else:
            raise CellError(
                f"cannot read date {text!r}: write yyyy-mm-dd or dd/mm/yyyy",
                f"không đọc được ngày {text!r}: hãy viết yyyy-mm-dd hoặc dd/mm/yyyy",
            )
    try:
        return dt.date(y, mo, d)
    except ValueError:
        raise CellError(f"no such date {text!r}", f"ngày {text!r} không tồn tại") from None


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


def parse_cell(col: Column, text: str) -> Any:
    """Convert the (stripped, NFC) text of a cell; ``None`` (or ``()`` for lists) when empty.

    Raises :class:`CellError` when the text does not fit the column's kind,
    minimum or choices. Emptiness of a non-nullable cell is *not* checked here.
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
        return parse_date(text)
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
