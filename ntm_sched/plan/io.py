"""Reading and writing plans: a folder of CSV files or an Excel workbook.

Reading never modifies the input. Every cell is read as text and converted by
:mod:`.validate` per the schema. CSV files may start with a UTF-8 BOM and may
use ``;`` as separator (Excel's export in locales with decimal commas).
Writing is atomic (temporary file or folder, then rename) and refuses to
overwrite an existing path - in particular the plan's own source - unless
``overwrite=True``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from ntm_sched.io import CsvFileError, read_csv_text

from .cells import nfc
from .issues import Issue, PlanValidationError, RawTable
from .model import Plan, build_plan
from .schema import COVER_SHEET, TABLE_BY_NAME, TABLES

EXCEL_SUFFIXES = (".xlsx", ".xlsm")


def _kind_of(path: Path) -> str:
    if path.is_dir():
        return "csv"
    if path.suffix.lower() in EXCEL_SUFFIXES:
        return "xlsx"
    raise ValueError(f"{path}: a plan is a folder of CSV files or an .xlsx workbook")


def read_raw(path: str | os.PathLike[str]) -> tuple[dict[str, RawTable], list[Issue], Any]:
    """Read a plan's tables as text: ``(tables, issues, locate)``."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file or folder")
    if _kind_of(path) == "csv":
        return _read_csv_folder(path)
    return _read_workbook(path)


def load_plan(path: str | os.PathLike[str]) -> Plan:
    """Load and check a plan; raises :class:`PlanValidationError` listing every error."""
    path = Path(path)
    tables, pre, locate = read_raw(path)
    plan, issues = build_plan(tables, locate, path.resolve(), pre)
    if plan is None:
        raise PlanValidationError(issues)
    return plan


def load_plan_with_issues(path: str | os.PathLike[str]) -> tuple[Plan | None, list[Issue]]:
    """Like :func:`load_plan` but returns ``(plan or None, issues)`` (warnings included)."""
    path = Path(path)
    tables, pre, locate = read_raw(path)
    return build_plan(tables, locate, path.resolve(), pre)


# --------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------


def _read_csv_folder(folder: Path) -> tuple[dict[str, RawTable], list[Issue], Any]:
    issues: list[Issue] = []
    tables: dict[str, RawTable] = {}
    for p in sorted(folder.iterdir()):
        if not p.is_file() or p.suffix.lower() != ".csv":
            continue
        name = nfc(p.stem).strip()
        if name not in TABLE_BY_NAME:
            issues.append(Issue(p.name, None, None, f"file {p.name!r} is not a table of a plan; ignored",
                                "warning", None, f"tệp {p.name!r} không phải bảng của kế hoạch; bỏ qua"))
            continue
        raw = _read_csv_file(p, name, issues)
        if raw is not None:
            tables[name] = raw

    def locate(table: str) -> tuple[str, str | None]:
        return TABLE_BY_NAME[table].filename, None

    return tables, issues, locate


def _read_csv_file(p: Path, name: str, issues: list[Issue]) -> RawTable | None:
    try:
        t = read_csv_text(p)
    except CsvFileError as exc:
        issues.append(Issue(exc.file, exc.line, None, exc.en, "error", None, exc.vi))
        return None
    return RawTable(name, t.file, None, t.header, t.rows, header_row=t.header_line, row_kind="line")


# --------------------------------------------------------------------------
# Excel
# --------------------------------------------------------------------------


def _excel_text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        if v.is_integer() and abs(v) < 1e15:
            return str(int(v))
        return repr(v)
    if isinstance(v, dt.datetime):
        if v.time() == dt.time(0):
            return v.date().isoformat()
        return v.isoformat(" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def _read_workbook(path: Path) -> tuple[dict[str, RawTable], list[Issue], Any]:
    import openpyxl

    issues: list[Issue] = []
    tables: dict[str, RawTable] = {}
    with open(path, "rb") as fh:  # read from our own handle: the file is never opened for writing
        wb = openpyxl.load_workbook(io.BytesIO(fh.read()), data_only=True)
    try:
        for ws in wb.worksheets:
            name = nfc(ws.title).strip()
            if name == COVER_SHEET:
                continue  # the instructions of a workbook made by ``plan new``
            if name not in TABLE_BY_NAME:
                issues.append(Issue(path.name, None, None, f"sheet {ws.title!r} is not a table of a plan; ignored",
                                    "warning", ws.title,
                                    f"trang tính {ws.title!r} không phải bảng của kế hoạch; bỏ qua", "row"))
                continue
            header: list[str] | None = None
            header_row = 1
            rows: list[tuple[int, list[str]]] = []
            for r, values in enumerate(ws.iter_rows(min_row=1, max_row=ws.max_row, values_only=True), start=1):
                cells = [_excel_text(v) for v in values]
                if header is None:
                    if not any(c.strip() for c in cells) or cells[0].lstrip().startswith("#"):
                        continue  # blank, or a heading row above the column names ("# Mã xã", ...)
                    while cells and not cells[-1].strip():
                        cells.pop()
                    header, header_row = cells, r
                    continue
                rows.append((r, cells))
            if header is None:
                issues.append(Issue(path.name, None, None, "empty sheet: no header row", "error", ws.title,
                                    "trang tính trống: không có hàng tiêu đề", "row"))
                continue
            tables[name] = RawTable(name, path.name, ws.title, header, rows, header_row, "row")
    finally:
        wb.close()

    def locate(table: str) -> tuple[str, str | None]:
        raw = tables.get(table)
        return path.name, (raw.sheet if raw is not None else table)

    return tables, issues, locate


# --------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------


def write_plan(plan: Plan, path: str | os.PathLike[str], *, overwrite: bool = False) -> Path:
    """Write ``plan`` as a folder of CSV files, or as a workbook when ``path`` ends in ``.xlsx``.

    Refuses to replace an existing path (including the file or folder the plan was
    loaded from) unless ``overwrite=True``. Returns the path written.
    """
    path = Path(path)
    excel = path.suffix.lower() in EXCEL_SUFFIXES
    if not excel and path.suffix.lower() == ".csv":
        raise ValueError(f"{path}: write a plan to a folder (no suffix) or an .xlsx workbook")
    if path.exists() and not overwrite:
        is_source = plan.source_path is not None and path.resolve() == Path(plan.source_path).resolve()
        what = "the plan's own source" if is_source else "an existing path"
        raise FileExistsError(f"{path}: refusing to overwrite {what}; pass overwrite=True to replace it")
    path.parent.mkdir(parents=True, exist_ok=True)
    if excel:
        _write_workbook(plan, path)
    else:
        _write_csv_folder(plan, path)
    return path


def _csv_bytes(plan: Plan, name: str) -> bytes:
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([c.name for c in TABLE_BY_NAME[name].columns])
    w.writerows(plan.text_rows(name))
    return buf.getvalue().encode("utf-8")


def _write_csv_folder(plan: Plan, path: Path) -> None:
    if path.exists():
        if not path.is_dir():
            raise NotADirectoryError(f"{path}: exists and is not a folder")
        for t in TABLES:  # each file replaced atomically; other files in the folder are kept
            _atomic_write(path / t.filename, _csv_bytes(plan, t.name))
        return
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    try:
        for t in TABLES:
            (tmp / t.filename).write_bytes(_csv_bytes(plan, t.name))
        os.rename(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _atomic_write(target: Path, data: bytes) -> None:
    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(name, target)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def _write_workbook(plan: Plan, path: Path) -> None:
    import openpyxl
    from openpyxl.styles import Font

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    for t in TABLES:
        ws = wb.create_sheet(t.name)
        for j, c in enumerate(t.columns, start=1):
            cell = ws.cell(row=1, column=j, value=c.name)
            cell.font = bold
        for i, rec in enumerate(plan.records(t.name), start=2):
            for j, c in enumerate(t.columns, start=1):
                v = getattr(rec, c.name)
                if v is None or v == ():
                    continue
                if c.kind == "list":
                    v = ";".join(v)
                cell = ws.cell(row=i, column=j, value=v)
                if c.kind == "date":
                    cell.number_format = "yyyy-mm-dd"
                elif isinstance(v, str):
                    cell.data_type = "s"  # text stays text, even "=..." or "00123"
        ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    _atomic_write(path, buf.getvalue())
