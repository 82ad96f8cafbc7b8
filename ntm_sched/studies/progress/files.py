"""Progress files: what a commune or agency officer fills in each week, read and checked.

Two tables, as sheets of one workbook (``progress``, ``disbursements``; other sheets
such as the instructions are ignored) or as CSV files (``progress.csv`` and, beside
it, ``disbursements.csv``; or a folder holding both):

``progress``
    ``task_id, actual_start, actual_finish, percent_complete, note`` (the template
    adds read-only columns: commune, criterion, description, agency, planned dates).
    A row whose four fill-in columns are all empty says nothing (task not started).
``disbursements``
    ``date, source_id, task_id, amount_mvnd, note``: money actually paid, by source
    (``task_id`` may be empty for a source not earmarked to a commune).

Dates are ``yyyy-mm-dd`` (or Excel dates); ``dd/mm/yyyy`` is read as day/month/year with a
warning saying so, any other form is an error (the one rule of
:func:`ntm_sched.plan.cells.read_date`); money in million VND.
Every problem is an :class:`~ntm_sched.plan.issues.Issue` naming file, sheet, row
and column; the user's file is only read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ntm_sched.errors import InputError
from ntm_sched.io import CsvFileError, read_csv_text
from ntm_sched.plan.cells import CellError, nfc, read_date
from ntm_sched.plan.issues import Issue, format_issues

PROGRESS_COLUMNS = ("task_id", "actual_start", "actual_finish", "percent_complete", "note")
DISBURSEMENT_COLUMNS = ("date", "source_id", "task_id", "amount_mvnd", "note")
FILL_COLUMNS = ("actual_start", "actual_finish", "percent_complete", "note")


class ProgressValidationError(InputError):
    """The progress files have errors; ``issues`` lists every problem found (warnings too)."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = list(issues)
        super().__init__("invalid progress files\n" + format_issues(self.issues, lang="en"))

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.is_error]


@dataclass(frozen=True)
class Where:
    """Where a row came from, as the user sees it."""

    file: str
    sheet: str | None
    row: int
    row_kind: str = "line"

    def issue(self, column: str | None, en: str, vi: str, severity: str = "error") -> Issue:
        return Issue(self.file, self.row, column, en, severity, self.sheet, vi, self.row_kind)  # type: ignore[arg-type]


@dataclass(frozen=True)
class ProgressRow:
    """One filled row of the ``progress`` table."""

    task_id: str
    actual_start: dt.date | None
    actual_finish: dt.date | None
    percent_complete: float | None
    note: str
    where: Where | None = None


@dataclass(frozen=True)
class DisbursementRow:
    """One row of the ``disbursements`` table."""

    date: dt.date
    source_id: str
    task_id: str | None
    amount_mvnd: float
    note: str
    where: Where | None = None


@dataclass
class ProgressFiles:
    """The rows read from progress files, with the problems found while reading."""

    path: Path
    progress: list[ProgressRow] = field(default_factory=list)
    disbursements: list[DisbursementRow] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    digest: str = ""


# ---------------------------------------------------------------------------
# reading
# ---------------------------------------------------------------------------
def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time(0) else v.isoformat(" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    return nfc(str(v)).strip()


RawRows = tuple[list[str], list[tuple[Where, list[str]]]]


def _read_csv(path: Path) -> RawRows:
    t = read_csv_text(path)
    rows: list[tuple[Where, list[str]]] = []
    for line, cells in t.rows:
        cells = [nfc(c).strip() for c in cells]
        if any(cells):
            rows.append((Where(t.file, None, line, "line"), cells))
    return [nfc(c).strip() for c in t.header], rows


def _read_sheets(path: Path) -> dict[str, RawRows]:
    import openpyxl

    with open(path, "rb") as fh:  # our own read-only handle: the workbook is never opened for writing
        wb = openpyxl.load_workbook(io.BytesIO(fh.read()), data_only=True, read_only=True)
    out: dict[str, RawRows] = {}
    try:
        for ws in wb.worksheets:
            name = nfc(ws.title).strip().lower()
            if name not in ("progress", "disbursements"):
                continue
            header: list[str] = []
            rows: list[tuple[Where, list[str]]] = []
            for r, values in enumerate(ws.iter_rows(values_only=True), start=1):
                cells = [_text(v) for v in values]
                if r == 1:
                    header = cells
                    continue
                if any(cells):
                    rows.append((Where(path.name, ws.title, r, "row"), cells))
            out[name] = (header, rows)
    finally:
        wb.close()
    return out


def locate_tables(path: str | os.PathLike[str]) -> tuple[dict[str, RawRows], list[Issue], str]:
    """Read the two tables from a workbook, a CSV file or a folder: ``(tables, issues, sha256)``."""
    path = Path(path)
    issues: list[Issue] = []
    if not path.exists():
        raise FileNotFoundError(f"{path}: no such progress file or folder")
    h = hashlib.sha256()
    tables: dict[str, RawRows] = {}
    if path.is_file() and path.suffix.lower() in (".xlsx", ".xlsm"):
        h.update(path.read_bytes())
        tables = _read_sheets(path)
        for name in ("progress", "disbursements"):
            if name not in tables:
                issues.append(Issue(path.name, None, None, f"no sheet named '{name}'",
                                    "error" if name == "progress" else "warning", name,
                                    f"không có trang tính tên '{name}'", "row"))
    else:
        folder = path if path.is_dir() else path.parent
        files = {"progress": folder / "progress.csv", "disbursements": folder / "disbursements.csv"}
        if path.is_file():
            if path.name == "disbursements.csv":
                files = {"progress": folder / "progress.csv", "disbursements": path}
            else:
                files["progress"] = path
        for name, p in files.items():
            if p.exists():
                h.update(name.encode() + b"\0" + p.read_bytes())
                try:
                    tables[name] = _read_csv(p)
                except CsvFileError as exc:  # not UTF-8, broken quoting, empty: located like any problem
                    issues.append(Issue(exc.file, exc.line, None, exc.en, "error", None, exc.vi))
            else:
                issues.append(Issue(p.name, None, None, f"file {p.name} not found in {folder}",
                                    "error" if name == "progress" else "warning", None,
                                    f"không tìm thấy tệp {p.name} trong {folder}"))
    return tables, issues, h.hexdigest()


def _columns(name: str, header: list[str], need: tuple[str, ...], file: str, sheet: str | None,
             issues: list[Issue]) -> dict[str, int] | None:
    idx = {c: i for i, c in enumerate(header) if c}
    missing = [c for c in need if c not in idx]
    if missing:
        issues.append(Issue(file, 1, None, f"table '{name}': missing column(s) {', '.join(missing)}", "error", sheet,
                            f"bảng '{name}': thiếu cột {', '.join(missing)}"))
        return None
    return idx


def _cell(cells: list[str], idx: dict[str, int], col: str) -> str:
    i = idx.get(col)
    return cells[i].strip() if i is not None and i < len(cells) and cells[i] is not None else ""


def _date(where: Where, col: str, text: str, issues: list[Issue]) -> dt.date | None:
    if not text:
        return None
    try:
        value, how = read_date(text)  # the one rule of input files' dates
    except CellError as exc:
        issues.append(where.issue(col, exc.en, exc.vi))
        return None
    if how is not None:
        issues.append(where.issue(col, how.en, how.vi, "warning"))
    return value


def _number(where: Where, col: str, text: str, issues: list[Issue]) -> float | None:
    if not text:
        return None
    t = text.replace("%", "").strip()
    try:
        v = float(t)
    except ValueError:
        issues.append(where.issue(col, f"not a number: {text!r}", f"không phải số: {text!r}"))
        return None
    if v != v or v in (float("inf"), float("-inf")):
        issues.append(where.issue(col, f"not a finite number: {text!r}", f"không phải số hữu hạn: {text!r}"))
        return None
    return v


def read_progress_files(path: str | os.PathLike[str]) -> ProgressFiles:
    """Read progress and disbursements (cell formats checked; meaning is checked by :func:`check_progress`)."""
    path = Path(path)
    tables, issues, digest = locate_tables(path)
    out = ProgressFiles(path, issues=issues, digest=digest)
    if "progress" in tables:
        header, rows = tables["progress"]
        file, sheet = (rows[0][0].file, rows[0][0].sheet) if rows else (path.name, None)
        idx = _columns("progress", header, ("task_id", "actual_start", "actual_finish", "percent_complete"),
                       file, sheet, issues)
        if idx is not None:
            for where, cells in rows:
                tid = _cell(cells, idx, "task_id")
                fill = [_cell(cells, idx, c) for c in FILL_COLUMNS]
                if not any(fill[:3]):
                    continue  # nothing reported for this task
                if not tid:
                    issues.append(where.issue("task_id", "empty task_id", "thiếu mã công việc (task_id)"))
                    continue
                out.progress.append(ProgressRow(
                    tid, _date(where, "actual_start", fill[0], issues), _date(where, "actual_finish", fill[1], issues),
                    _number(where, "percent_complete", fill[2], issues), fill[3], where))
    if "disbursements" in tables:
        header, rows = tables["disbursements"]
        file, sheet = (rows[0][0].file, rows[0][0].sheet) if rows else (path.name, None)
        idx = _columns("disbursements", header, ("date", "source_id", "task_id", "amount_mvnd"), file, sheet, issues)
        if idx is not None:
            for where, cells in rows:
                d = _date(where, "date", _cell(cells, idx, "date"), issues)
                sid = _cell(cells, idx, "source_id")
                amount = _number(where, "amount_mvnd", _cell(cells, idx, "amount_mvnd"), issues)
                bad = False
                if d is None and not _cell(cells, idx, "date"):
                    issues.append(where.issue("date", "empty date", "thiếu ngày chi"))
                    bad = True
                if not sid:
                    issues.append(where.issue("source_id", "empty source_id", "thiếu mã nguồn vốn (source_id)"))
                    bad = True
                if amount is None and not _cell(cells, idx, "amount_mvnd"):
                    issues.append(where.issue("amount_mvnd", "empty amount", "thiếu số tiền"))
                    bad = True
                elif amount is not None and amount <= 0:
                    issues.append(where.issue("amount_mvnd", f"amount {amount:g} must be positive",
                                              f"số tiền {amount:g} phải lớn hơn 0"))
                    bad = True
                if bad or d is None or amount is None:
                    continue
                out.disbursements.append(DisbursementRow(d, sid, _cell(cells, idx, "task_id") or None, amount,
                                                         _cell(cells, idx, "note"), where))
    return out


# ---------------------------------------------------------------------------
# meaning: every rule of the issue
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class CheckContext:
    """What the checks need to know about the plan (generic terms, from the domain model).

    ``tasks``: known task ids; ``preds``: FS predecessors per task; ``sources``: source ids;
    ``engine_source``: (source_id, task_id or None) -> engine source name or None when the
    source may not pay that task; ``released``: engine source -> function date -> money
    released by that date; ``earmarked``: source ids split per commune.
    """

    tasks: frozenset[str]
    preds: dict[str, tuple[str, ...]]
    sources: frozenset[str]
    engine_source: Any
    released: Any
    earmarked: frozenset[str]


def check_progress(files: ProgressFiles, status: dt.date, ctx: CheckContext,
                   previous: dict[str, ProgressRow] | None = None,
                   previous_disbursements: list[DisbursementRow] | None = None) -> list[Issue]:
    """Every rule on the rows of ``files`` at status date ``status``; returns all issues (reading ones too).

    ``previous`` is the progress recorded in the previous snapshot: a task finished there
    cannot get other dates; ``previous_disbursements`` are payments recorded there: the same
    payment entered again is a duplicate.
    """
    issues = list(files.issues)
    previous = previous or {}
    seen: dict[str, Where | None] = {}
    finish_of: dict[str, dt.date] = {tid: r.actual_finish for tid, r in previous.items() if r.actual_finish}
    for r in files.progress:
        if r.actual_finish is not None and r.task_id in ctx.tasks:
            finish_of[r.task_id] = r.actual_finish
    fmt = "%d/%m/%Y"
    for r in files.progress:
        w = r.where or Where(files.path.name, None, 0)
        if r.task_id not in ctx.tasks:
            issues.append(w.issue("task_id", f"unknown task {r.task_id!r}", f"không có công việc mã {r.task_id!r}"))
            continue
        if r.task_id in seen:
            first = seen[r.task_id]
            at = first.row if first else "?"
            issues.append(w.issue("task_id", f"duplicate row for task {r.task_id!r} (first at row {at})",
                                  f"dòng trùng của công việc {r.task_id!r} (lần đầu ở dòng {at})"))
            continue
        seen[r.task_id] = r.where
        for col, day in (("actual_start", r.actual_start), ("actual_finish", r.actual_finish)):
            if day is not None and day > status:
                issues.append(w.issue(col, f"{day.strftime(fmt)} is after the status date {status.strftime(fmt)}",
                                      f"ngày {day.strftime(fmt)} sau ngày báo cáo {status.strftime(fmt)}"))
        if r.actual_start and r.actual_finish and r.actual_finish < r.actual_start:
            issues.append(w.issue("actual_finish", f"finish {r.actual_finish.strftime(fmt)} before the start "
                                  f"{r.actual_start.strftime(fmt)}",
                                  f"ngày xong {r.actual_finish.strftime(fmt)} trước ngày bắt đầu "
                                  f"{r.actual_start.strftime(fmt)}"))
        pct = r.percent_complete
        if pct is not None and not 0 <= pct <= 100:
            issues.append(w.issue("percent_complete", f"percent {pct:g} outside 0-100",
                                  f"tỷ lệ hoàn thành {pct:g} ngoài khoảng 0-100"))
        if r.actual_finish is not None and pct is not None and pct < 100:
            issues.append(w.issue("percent_complete",
                                  f"the task has a finish date but is {pct:g}% complete (should be 100)",
                                  f"công việc đã có ngày xong nhưng mới hoàn thành {pct:g}% (phải là 100)"))
        if pct is not None and pct >= 100 and r.actual_finish is None:
            issues.append(w.issue("actual_finish", "100% complete but no finish date",
                                  "đã hoàn thành 100% nhưng chưa có ngày xong"))
        if r.actual_start is None and (r.actual_finish is not None or (pct or 0) > 0):
            issues.append(w.issue("actual_start", "progress reported but no start date",
                                  "có báo cáo tiến độ nhưng chưa có ngày bắt đầu"))
        prev = previous.get(r.task_id)
        if prev is not None and prev.actual_finish is not None and (
                r.actual_finish != prev.actual_finish or r.actual_start != prev.actual_start):
            issues.append(w.issue("actual_finish",
                                  f"the task was recorded finished on {prev.actual_finish.strftime(fmt)} "
                                  "in the previous snapshot; a finished task does not change",
                                  f"công việc đã được ghi nhận xong ngày {prev.actual_finish.strftime(fmt)} ở kỳ "
                                  "trước; công việc đã xong không được sửa"))
        if r.actual_start is not None:
            for p in ctx.preds.get(r.task_id, ()):
                pf = finish_of.get(p)
                if pf is None or pf >= r.actual_start:
                    issues.append(w.issue(
                        "actual_start",
                        f"started {r.actual_start.strftime(fmt)} before its predecessor {p!r} finished"
                        + (f" ({pf.strftime(fmt)})" if pf else " (not finished)"),
                        f"bắt đầu {r.actual_start.strftime(fmt)} khi công việc trước {p!r} chưa xong"
                        + (f" (xong {pf.strftime(fmt)})" if pf else ""), "warning"))

    # disbursements
    seen_pay: dict[tuple[Any, ...], Where | None] = {}
    for d in previous_disbursements or []:
        seen_pay[(d.date, d.source_id, d.task_id, d.amount_mvnd, d.note)] = None
    cum: dict[str, float] = defaultdict(float)
    for d in previous_disbursements or []:
        eng = ctx.engine_source(d.source_id, d.task_id)
        if eng is not None:
            cum[eng] += d.amount_mvnd
    ok_rows: list[tuple[DisbursementRow, str]] = []
    for d in files.disbursements:
        w = d.where or Where(files.path.name, None, 0)
        key = (d.date, d.source_id, d.task_id, d.amount_mvnd, d.note)
        if key in seen_pay:
            first = seen_pay[key]
            issues.append(w.issue(None, "duplicate payment: " + (f"same as row {first.row}" if first else
                                  "already recorded in the previous snapshot"),
                                  "khoản chi trùng: " + (f"giống dòng {first.row}" if first else
                                  "đã ghi nhận ở kỳ trước")))
            continue
        seen_pay[key] = d.where
        bad = False
        if d.date > status:
            issues.append(w.issue("date", f"{d.date.strftime(fmt)} is after the status date {status.strftime(fmt)}",
                                  f"ngày {d.date.strftime(fmt)} sau ngày báo cáo {status.strftime(fmt)}"))
            bad = True
        if d.source_id not in ctx.sources:
            issues.append(w.issue("source_id", f"unknown source {d.source_id!r}",
                                  f"không có nguồn vốn mã {d.source_id!r}"))
            continue
        if d.task_id is not None and d.task_id not in ctx.tasks:
            issues.append(w.issue("task_id", f"unknown task {d.task_id!r}", f"không có công việc mã {d.task_id!r}"))
            continue
        if d.task_id is None and d.source_id in ctx.earmarked:
            issues.append(w.issue("task_id", f"source {d.source_id!r} is earmarked per commune: say which task it paid",
                                  f"nguồn {d.source_id!r} được phân theo xã: hãy ghi công việc được chi"))
            continue
        eng = ctx.engine_source(d.source_id, d.task_id)
        if eng is None:
            issues.append(w.issue("source_id", f"source {d.source_id!r} may not pay task {d.task_id!r}",
                                  f"nguồn {d.source_id!r} không được chi cho công việc {d.task_id!r}"))
            continue
        if not bad:
            ok_rows.append((d, eng))
    for d, eng in sorted(ok_rows, key=lambda x: (x[0].date, x[0].where.row if x[0].where else 0)):
        cum[eng] += d.amount_mvnd
        rel = ctx.released(eng, d.date)
        if cum[eng] > rel + 1e-9:
            w = d.where or Where(files.path.name, None, 0)
            issues.append(w.issue("amount_mvnd", f"source {eng!r} has paid {cum[eng]:g} million VND by "
                                  f"{d.date.strftime(fmt)} but released only {rel:g}",
                                  f"nguồn {eng!r} đã chi {cum[eng]:g} triệu đồng đến ngày {d.date.strftime(fmt)} "
                                  f"nhưng mới được cấp {rel:g}"))
    return issues
