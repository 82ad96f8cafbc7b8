"""Checking a plan: every problem is collected, none stops the others.

Every check reports into one :class:`~.issues.Sink` and reads one row type
(:class:`~.issues.Row`), so every message has the same file/row/column format. The checks
live by job: :mod:`.check_tables` (keys, names, references, each row's rules),
:mod:`.check_rules` (the plan as a whole: coverage, dates, settings, a province's districts
and council sessions, cycles) and :mod:`.check_unit` (the unit and the catalogue); this module
converts the cells and runs them.

The loader (:mod:`.io`) turns each file or sheet into a :class:`RawTable` of
text cells with the row numbers the user sees; :func:`check_raw` converts the
cells per the schema and runs the cross-table checks, collecting every :class:`Issue`;
:func:`check_records` runs the same cross-table checks on records. Building the
:class:`~.model.Plan` from them is :mod:`.model`'s job (this module does not import it).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .cells import CellError, DateNote, format_cell, nfc, parse_cell
from .check_rules import (
    check_bool_settings,
    check_capacity_overlaps,
    check_cycles,
    check_date_window,
    check_province,
    check_step_progress,
    check_works_cover_missing_criteria,
)
from .check_tables import check_domain, check_keys, check_names, check_refs
from .check_unit import check_unit, complete_from_catalog, fill_step_overrides
from .issues import Issue, Locator, PlanValidationError, RawTable, Row, Sink, format_issues
from .schema import EXAMPLE_MARKS, TABLE_BY_NAME, TABLES, Column

if TYPE_CHECKING:
    import pandas as pd

# the issue machinery's home is .issues; named here too for code written against this module
__all__ = ["Issue", "Locator", "PlanValidationError", "RawTable", "check_raw", "check_records", "format_issues",
           "frame_to_raw", "parse_tables"]


def parse_tables(raw_tables: dict[str, RawTable], locate: Locator, sink: Sink) -> dict[str, list[Row]]:
    """Check headers and convert every cell; missing tables are reported."""
    typed: dict[str, list[Row]] = {}
    for table in TABLES:
        raw = raw_tables.get(table.name)
        if raw is None:
            if table.required:
                file, sheet = locate(table.name)
                what = "sheet" if sheet is not None else "file"
                what_vi = "trang tính" if sheet is not None else "tệp"
                sink.file(file, sheet, None, f"missing required {what} for table '{table.name}'",
                          f"thiếu {what_vi} bắt buộc của bảng '{table.name}'")
            else:
                typed[table.name] = []
            continue
        typed[table.name] = _parse_table(raw, sink)
    return typed


def _parse_table(raw: RawTable, sink: Sink) -> list[Row]:
    table = TABLE_BY_NAME[raw.name]
    known = {c.name for c in table.columns}
    positions: dict[str, int] = {}
    header_bad = False
    for i, h in enumerate(raw.header):
        name = nfc(h).strip()
        if name == "":
            if any(i < len(cells) and cells[i].strip() for _, cells in raw.rows):
                sink.file(raw.file, raw.sheet, None,
                          f"column {i + 1} has values but no header",
                          f"cột thứ {i + 1} có dữ liệu nhưng không có tên cột",
                          line=raw.header_row or None, row_kind=raw.row_kind)
            continue
        if name not in known:
            sink.file(raw.file, raw.sheet, name,
                      f"unknown column '{name}' (expected: {', '.join(c.name for c in table.columns)})",
                      f"cột lạ '{name}' (các cột cần có: {', '.join(c.name for c in table.columns)})",
                      line=raw.header_row or None, row_kind=raw.row_kind)
            continue
        if name in positions:
            sink.file(raw.file, raw.sheet, name, f"column '{name}' appears twice", f"cột '{name}' xuất hiện hai lần",
                      line=raw.header_row or None, row_kind=raw.row_kind)
            header_bad = True
            continue
        positions[name] = i
    for c in table.columns:
        if c.name not in positions and c.required:
            sink.file(raw.file, raw.sheet, c.name, f"missing column '{c.name}'", f"thiếu cột '{c.name}'",
                      line=raw.header_row or None, row_kind=raw.row_kind)
    rows: list[Row] = []
    for line, cells in raw.rows:
        if all(not c.strip() for c in cells):
            continue  # blank rows are ignored
        row = Row(raw.name, raw.file, raw.sheet, line, raw.row_kind, {})
        first = nfc(cells[0]).strip().upper() if cells else ""
        if any(first.startswith(m) for m in EXAMPLE_MARKS):
            sink.at(row, raw.header[0] if raw.header else None,
                    f"the template's example row is still here ({cells[0].strip()!r}): delete the row",
                    f"hàng ví dụ của mẫu vẫn còn ({cells[0].strip()!r}): hãy xoá hàng này")
            continue
        extra = [c for i, c in enumerate(cells) if i >= len(raw.header) and c.strip()]
        if extra or (raw.row_kind == "line" and len(cells) > len(raw.header)):
            # in a CSV file a longer row almost always means an unquoted separator inside a text
            sink.at(row, None, f"row has {len(cells)} cells but the header has {len(raw.header)} columns "
                    f"(a separator inside an unquoted text shifts the columns)",
                    f"hàng có {len(cells)} ô nhưng tiêu đề chỉ có {len(raw.header)} cột "
                    f"(dấu phân cách trong văn bản không có ngoặc kép làm lệch cột)")
        for c in table.columns:
            pos = positions.get(c.name)
            if pos is None:
                row.values[c.name] = () if c.kind == "list" else None
                if c.required:
                    row.bad.add(c.name)
                continue
            text = cells[pos] if pos < len(cells) else ""
            row.raw[c.name] = text
            norm = nfc(text)
            if norm != text:
                sink.at(row, c.name,
                        f"text {text.strip()!r} is not in Unicode NFC form (decomposed accents); normalised to NFC",
                        f"chữ {text.strip()!r} không ở dạng Unicode NFC (dấu tách rời); đã chuẩn hoá về NFC",
                        "warning")
            norm = norm.strip()
            def note(how: DateNote, row: Row = row, column: str = c.name) -> None:
                sink.at(row, column, how.en, how.vi, "warning")

            try:
                value = parse_cell(c, norm, note)
            except CellError as exc:
                sink.at(row, c.name, exc.en, exc.vi)
                row.values[c.name] = None
                row.bad.add(c.name)
                continue
            if (value is None or value == ()) and not c.nullable:
                sink.at(row, c.name, f"empty cell in required column '{c.name}'",
                        f"ô trống ở cột bắt buộc '{c.name}'")
                row.bad.add(c.name)
            row.values[c.name] = value
        rows.append(row)
    if header_bad:
        for r in rows:
            r.bad.update(c.name for c in table.columns)
    return rows


def cross_checks(typed: dict[str, list[Row]], locate: Locator, sink: Sink) -> None:
    check_unit(typed, locate, sink)
    check_keys(typed, locate, sink)
    check_names(typed, sink)
    check_refs(typed, locate, sink)
    check_domain(typed, locate, sink)
    check_cycles(typed, sink)
    check_works_cover_missing_criteria(typed, locate, sink)
    check_date_window(typed, locate, sink)
    check_bool_settings(typed, sink)
    check_capacity_overlaps(typed, sink)
    check_step_progress(typed, locate, sink)
    check_province(typed, locate, sink)


# --------------------------------------------------------------------------
# Building plans
# --------------------------------------------------------------------------


def check_raw(raw_tables: dict[str, RawTable], locate: Locator,
              pre_issues: Iterable[Issue] = ()) -> tuple[dict[str, list[Row]], list[Issue]]:
    sink = Sink()
    sink.issues.extend(pre_issues)
    typed = parse_tables(fill_step_overrides(raw_tables), locate, sink)
    complete_from_catalog(typed)
    cross_checks(typed, locate, sink)
    return typed, sink.issues


def check_records(records: Mapping[str, Sequence[Any]]) -> list[Issue]:
    """Cross-table checks of a plan built from records (not from files): ``records`` maps each
    table name to its records (:mod:`.records`)."""
    typed: dict[str, list[Row]] = {}
    for table in TABLES:
        rows = []
        for i, rec in enumerate(records.get(table.name, ()), start=1):
            values = rec.as_dict()
            rows.append(Row(table.name, table.name, None, i, "row", values,
                            raw={c.name: format_cell(c, values[c.name]) for c in table.columns
                                 if c.kind == "str"}))
        typed[table.name] = rows
    sink = Sink()
    cross_checks(typed, lambda t: (t, None), sink)
    return sink.issues


def frame_to_raw(name: str, frame: pd.DataFrame, file: str | None = None) -> RawTable:
    """A DataFrame as a raw text table (cells formatted per the schema column of their header)."""
    table = TABLE_BY_NAME[name]
    header = [str(h) for h in frame.columns]
    cols: list[Column | None] = [
        table.column(h.strip()) if h.strip() in {c.name for c in table.columns} else None for h in header
    ]
    rows = []
    for pos, values in enumerate(frame.itertuples(index=False, name=None), start=1):
        cells = []
        for col, v in zip(cols, values):
            if col is None:
                cells.append("" if v is None else str(v))
            else:
                cells.append(format_cell(col, v))
        rows.append((pos, cells))
    return RawTable(name, file or f"DataFrame '{name}'", None, header, rows, header_row=0, row_kind="row")
