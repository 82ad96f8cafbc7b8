"""Checking a plan: every problem is collected, none stops the others.

Size (~580 lines): cell conversion, keys, references, names, domain rules and cycles share
one issue sink and one row type, so every message has the same file/row/column format.

The loader (:mod:`.io`) turns each file or sheet into a :class:`RawTable` of
text cells with the row numbers the user sees; :func:`check_raw` converts the
cells per the schema and runs the cross-table checks, collecting every :class:`Issue`;
:func:`check_records` runs the same cross-table checks on records. Building the
:class:`~.model.Plan` from them is :mod:`.model`'s job (this module does not import it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from ntm_sched.errors import InputError
from ntm_sched.i18n import LANGS, current_lang, label, localized

from .catalog import CatalogRow, CriteriaSet, Procedure, catalog_label, criteria_sets, procedures
from .cells import CellError, DateNote, format_cell, nfc, parse_bool, parse_cell, read_date
from .schema import COMMUNE_LEVELS, EXAMPLE_MARKS, LIST_OF_LEVEL, TABLE_BY_NAME, TABLES, Column

if TYPE_CHECKING:
    import pandas as pd

Severity = Literal["error", "warning"]

COMMUNE_CRITERIA = 19  # size of a commune list when the plan's criteria table has none for it
DISTRICT = "DISTRICT"
_CODE = re.compile(r"^\d{5}$")
NAME_COLUMNS = ("name", "name_vi")
# a commune's target dates in the order of its recognition chain
TARGET_COLUMNS = ("target_works_done", "target_inspection", "target_submission", "target_appraisal",
                  "target_recognition")


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


class _Sink:
    """Collects issues."""

    def __init__(self) -> None:
        self.issues: list[Issue] = []

    def at(self, row: Row, column: str | None, en: str, vi: str = "", severity: Severity = "error") -> None:
        self.issues.append(Issue(row.file, row.line, column, en, severity, row.sheet, vi or en, row.row_kind))

    def file(self, file: str, sheet: str | None, column: str | None, en: str, vi: str = "",
             severity: Severity = "error", line: int | None = None,
             row_kind: Literal["line", "row"] = "line") -> None:
        self.issues.append(Issue(file, line, column, en, severity, sheet, vi or en, row_kind))


def _label(locate: Locator, table: str, lang: str = "en") -> str:
    file, sheet = locate(table)
    if sheet is not None:
        return label("v_sheet", lang, sheet=sheet)
    return file


def parse_tables(raw_tables: dict[str, RawTable], locate: Locator, sink: _Sink) -> dict[str, list[Row]]:
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


def _parse_table(raw: RawTable, sink: _Sink) -> list[Row]:
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


# --------------------------------------------------------------------------
# Checks across rows and tables
# --------------------------------------------------------------------------

REF_NOUN: dict[str, tuple[str, str]] = {
    "communes.code": ("commune code", "mã xã"),
    "agencies.agency_id": ("agency", "cơ quan"),
    "work_types.work_type": ("work type", "loại công việc"),
    "sources.source_id": ("source", "nguồn vốn"),
    "tasks.task_id": ("task", "công việc"),
    "criteria.code": ("criterion", "tiêu chí"),
}


def cross_checks(typed: dict[str, list[Row]], locate: Locator, sink: _Sink) -> None:
    _check_unit(typed, locate, sink)
    _check_keys(typed, locate, sink)
    _check_names(typed, sink)
    _check_refs(typed, locate, sink)
    _check_domain(typed, locate, sink)
    _check_cycles(typed, sink)
    _check_works_cover_missing_criteria(typed, locate, sink)
    _check_date_window(typed, locate, sink)
    _check_bool_settings(typed, sink)
    _check_capacity_overlaps(typed, sink)
    _check_step_progress(typed, locate, sink)


def _rowname(r: Row, lang: str = "en") -> str:
    return label(f"v_{r.row_kind}", lang, row=r.line)


def _check_keys(typed: dict[str, list[Row]], locate: Locator, sink: _Sink) -> None:
    for name, rows in typed.items():
        key = TABLE_BY_NAME[name].key
        seen: dict[tuple[Any, ...], Row] = {}
        for r in rows:
            if not r.ok(*key):
                continue
            k = tuple(r.values[c] for c in key)
            first = seen.get(k)
            if first is None:
                seen[k] = r
                continue
            shown = ", ".join(f"{c}={r.values[c]!r}" for c in key)
            if any(first.raw.get(c) is not None and nfc(first.raw[c]).strip() == nfc(r.raw.get(c, "")).strip()
                   and first.raw[c].strip() != r.raw.get(c, "").strip() for c in key):
                sink.at(r, key[-1],
                        f"duplicate key {shown}: {_rowname(first)} and {_rowname(r)} differ only in Unicode form",
                        f"khoá trùng {shown}: {_rowname(first, 'vi')} và {_rowname(r, 'vi')} chỉ khác dạng Unicode")
            else:
                sink.at(r, key[-1], f"duplicate key {shown}: {_rowname(first)} and {_rowname(r)}",
                        f"khoá trùng {shown}: {_rowname(first, 'vi')} và {_rowname(r, 'vi')}")


def _check_names(typed: dict[str, list[Row]], sink: _Sink) -> None:
    for name, rows in typed.items():
        table = TABLE_BY_NAME[name]
        for col in NAME_COLUMNS:
            if col not in {c.name for c in table.columns}:
                continue
            seen: dict[tuple[Any, str], Row] = {}
            for r in rows:
                if not r.ok(col):
                    continue
                group = r.values.get("set") if name == "criteria" else None
                k = (group, r.values[col])
                first = seen.setdefault(k, r)
                if first is r:
                    continue
                if first.raw.get(col, "").strip() != r.raw.get(col, "").strip():
                    sink.at(r, col,
                            f"name {r.values[col]!r} equals the one in {_rowname(first)} after Unicode "
                            f"normalisation: the two differ only in Unicode form",
                            f"tên {r.values[col]!r} trùng với tên ở {_rowname(first, 'vi')} sau khi chuẩn hoá "
                            f"Unicode: hai tên chỉ khác dạng Unicode")
                elif name == "communes":
                    sink.at(r, col, f"name {r.values[col]!r} also used in {_rowname(first)}",
                            f"tên {r.values[col]!r} đã dùng ở {_rowname(first, 'vi')}", "warning")


def _check_refs(typed: dict[str, list[Row]], locate: Locator, sink: _Sink) -> None:
    targets: dict[str, set[Any]] = {}
    for name, rows in typed.items():
        for c in TABLE_BY_NAME[name].columns:
            if c.ref is None:
                continue
            ref_table, ref_col = c.ref.split(".")
            if ref_table not in typed:
                continue  # the missing table is reported already
            if c.ref not in targets:
                targets[c.ref] = {r.values[ref_col] for r in typed[ref_table] if r.ok(ref_col)}
            valid = targets[c.ref]
            noun_en, noun_vi = REF_NOUN.get(c.ref, (ref_col, ref_col))
            where_en = f"{_label(locate, ref_table)} (column '{ref_col}')"
            where_vi = f"{_label(locate, ref_table, 'vi')} (cột '{ref_col}')"
            for r in rows:
                if c.name in r.bad:
                    continue
                v = r.values.get(c.name)
                items: Iterable[Any] = (v or ()) if c.kind == "list" else (() if v is None else (v,))
                for item in items:
                    if item in valid or item in c.ref_extra:
                        continue
                    sink.at(r, c.name, f"unknown {noun_en} {item!r}: not in {where_en}",
                            f"{noun_vi} {item!r} không có trong {where_vi}")


def _check_domain(typed: dict[str, list[Row]], locate: Locator, sink: _Sink) -> None:
    criteria = typed.get("criteria", [])
    sets: dict[str, set[str]] = {}
    for r in criteria:
        if r.ok("set", "code"):
            sets.setdefault(r.values["set"], set()).add(r.values["code"])
    have_criteria = "criteria" in typed and bool(criteria)

    for r in typed.get("communes", []):
        if r.ok("code") and not _CODE.match(r.values["code"]):
            sink.at(r, "code", f"commune code {r.values['code']!r} is not 5 digits",
                    f"mã xã {r.values['code']!r} không phải 5 chữ số")
        own = _commune_list(r)
        n_crit = len(sets.get(own, ())) or COMMUNE_CRITERIA
        met = r.values.get("criteria_met") if r.ok("criteria_met") else None
        if met is not None and met > n_crit:
            sink.at(r, "criteria_met", f"criteria_met {met} exceeds the {n_crit} criteria of list {own!r}",
                    f"criteria_met {met} vượt quá {n_crit} tiêu chí của danh sách {own!r}")
        if "missing_criteria" in r.bad:
            continue
        missing = r.values.get("missing_criteria") or ()
        dups = sorted({m for m in missing if missing.count(m) > 1})
        if dups:
            sink.at(r, "missing_criteria", f"criteria listed twice: {', '.join(dups)}",
                    f"tiêu chí bị liệt kê hai lần: {', '.join(dups)}")
        if have_criteria:
            for m in missing:
                commune_codes = set().union(*(v for k, v in sets.items() if k != "district"))
                if m in sets.get("district", ()) and m not in commune_codes:
                    sink.at(r, "missing_criteria", f"criterion {m!r} is a district criterion, not a commune one",
                            f"tiêu chí {m!r} là tiêu chí huyện, không phải tiêu chí xã")
                elif own in sets and m not in sets[own] and any(m in v for v in sets.values()):
                    sink.at(r, "missing_criteria",
                            f"criterion {m!r} is not in list {own!r} (the commune aims at level "
                            f"{_level(r)!r}; its criteria: {', '.join(sorted(sets[own], key=_code_key))})",
                            f"tiêu chí {m!r} không thuộc danh sách {own!r} (xã hướng tới mức {_level(r)!r}; "
                            f"các tiêu chí: {', '.join(sorted(sets[own], key=_code_key))})")
        if met is not None and met <= n_crit and len(set(missing)) != n_crit - met:
            sink.at(r, "missing_criteria",
                    f"{len(set(missing))} missing criteria listed but criteria_met={met} implies "
                    f"{n_crit - met} (= {n_crit} - criteria_met)",
                    f"liệt kê {len(set(missing))} tiêu chí chưa đạt nhưng criteria_met={met} nghĩa là "
                    f"{n_crit - met} (= {n_crit} - criteria_met)")
        if r.ok("status") and met is not None and r.values["status"] == "recognised" and met < n_crit:
            sink.at(r, "status", f"status 'recognised' but only {met} criteria met",
                    f"trạng thái 'recognised' nhưng mới đạt {met} tiêu chí", "warning")
        # the chain runs works -> inspection -> submission -> appraisal -> recognition: a target
        # earlier than the target of a step before it is almost always a typo
        prev: tuple[str, Any] | None = None
        for col in TARGET_COLUMNS:
            d = r.values.get(col) if col not in r.bad else None
            if d is None:
                continue
            if prev is not None and d < prev[1]:
                sink.at(r, col, f"{col} {d} is before {prev[0]} {prev[1]} (the chain's order: "
                        f"{', '.join(TARGET_COLUMNS)})",
                        f"{col} {d} trước {prev[0]} {prev[1]} (thứ tự của chuỗi: {', '.join(TARGET_COLUMNS)})",
                        "warning")
            prev = (col, d)

    for name in ("calendar", "capacity_changes"):
        for r in typed.get(name, []):
            if r.ok("start_date", "end_date") and r.values["end_date"] < r.values["start_date"]:
                sink.at(r, "end_date",
                        f"end_date {r.values['end_date']} is before start_date {r.values['start_date']}",
                        f"end_date {r.values['end_date']} trước start_date {r.values['start_date']}")

    list_of = {r.values["code"]: _commune_list(r) for r in typed.get("communes", []) if r.ok("code")}
    units = {r.values["work_type"]: (r.values["unit"], r) for r in typed.get("work_types", [])
             if r.ok("work_type", "unit")}
    for r in typed.get("tasks", []):
        if r.ok("work_type", "unit") and r.values["work_type"] in units:
            wt_unit, _ = units[r.values["work_type"]]
            if r.values["unit"] != wt_unit:
                sink.at(r, "unit",
                        f"unit {r.values['unit']!r} differs from work type {r.values['work_type']!r}'s unit "
                        f"{wt_unit!r} in {_label(locate, 'work_types')}",
                        f"đơn vị {r.values['unit']!r} khác đơn vị {wt_unit!r} của loại công việc "
                        f"{r.values['work_type']!r} trong {_label(locate, 'work_types', 'vi')}")
        if have_criteria and r.ok("criterion", "commune_code"):
            want = "district" if r.values["commune_code"] == DISTRICT else list_of.get(r.values["commune_code"],
                                                                                          "commune")
            # "all" marks work on the whole criteria set (a recognised commune's review)
            if r.values["criterion"] != "all" and r.values["criterion"] not in sets.get(want, ()):
                sink.at(r, "criterion",
                        f"criterion {r.values['criterion']!r} is not a {want} criterion in "
                        f"{_label(locate, 'criteria')}",
                        f"tiêu chí {r.values['criterion']!r} không phải tiêu chí "
                        f"{'huyện' if want == 'district' else 'xã'} ({want}) trong {_label(locate, 'criteria', 'vi')}",
                        "warning")
        share = r.values.get("share_remaining") if "share_remaining" not in r.bad else None
        if share is not None and not 0 < share <= 1:
            sink.at(r, "share_remaining",
                    f"share_remaining {share:g} must be above 0 and at most 1 (the share of the work still to do)",
                    f"share_remaining {share:g} phải lớn hơn 0 và không quá 1 (phần việc còn lại)")
        if "predecessors" not in r.bad:
            preds = r.values.get("predecessors") or ()
            dups = sorted({p for p in preds if preds.count(p) > 1})
            if dups:
                sink.at(r, "predecessors", f"predecessors listed twice: {', '.join(dups)}",
                        f"công việc trước bị liệt kê hai lần: {', '.join(dups)}", "warning")

    # steps of a chain that share an ``order`` run side by side (e.g. survey and public
    # posting); a step name used twice in one chain is the real mistake (caught as a duplicate key)
    steps_seen: dict[tuple[str, int], list[Row]] = {}
    for r in typed.get("recognition_steps", []):
        if r.ok("chain", "order"):
            steps_seen.setdefault((r.values["chain"], r.values["order"]), []).append(r)
    for chain in {k[0] for k in steps_seen}:
        orders = sorted(k[1] for k in steps_seen if k[0] == chain)
        gaps = [o for o in range(orders[0], orders[-1] + 1) if o not in orders]
        if gaps:
            r = steps_seen[(chain, orders[-1])][0]
            sink.at(r, "order", f"chain {chain!r} skips order {gaps}",
                    f"chuỗi {chain!r} bỏ qua thứ tự {gaps}", "warning")


# --------------------------------------------------------------------------
# Every criterion still owed has works; every date inside the plan's window
# --------------------------------------------------------------------------

DISTRICT_OWED_SETTING = "district_missing_criteria"
"""Setting listing the district criteria the district still owes (``1;5;7``); each needs a work."""

DATE_SETTINGS = ("plan_start", "horizon_end", "communes_target", "district_target_works_done",
                 "district_target_inspection", "district_target_appraisal", "district_target_recognition",
                 "extra_funding_from", "budget_lab_extra_funding_from")
"""Settings that hold a date (ISO ``yyyy-mm-dd``, as the model reads them)."""

BOOL_SETTINGS = ("allow_accelerated", "allow_extra_funding", "hard_deadlines", "lexicographic_objective")
"""Settings that hold a yes/no value, read by :func:`ntm_sched.plan.cells.parse_bool` (the one
boolean parser: ``true``/``false``, ``yes``/``no``, ``1``/``0``, ``có``/``không``, ``đúng``/``sai``)."""


def _settings_rows(typed: dict[str, list[Row]]) -> dict[str, Row]:
    return {r.values["key"]: r for r in typed.get("settings", []) if r.ok("key")}


def _check_works_cover_missing_criteria(typed: dict[str, list[Row]], locate: Locator, sink: _Sink) -> None:
    """A commune not recognised that misses a criterion, or a district criterion the district
    owes, must have at least one work for it: otherwise the model schedules it as if the
    criterion were met (an empty task table gave "all communes on time, cost 0")."""
    if "tasks" not in typed or "communes" not in typed:
        return  # the missing table is reported already
    tasks = typed["tasks"]
    if any(not r.ok("commune_code", "criterion") for r in tasks):
        return  # a bad cell is reported already; coverage cannot be judged
    tasks_file, tasks_sheet = locate("tasks")
    tasks_label = _label(locate, "tasks")
    tasks_label_vi = _label(locate, "tasks", "vi")
    covered = {(r.values["commune_code"], r.values["criterion"]) for r in tasks}
    owed = 0
    for r in typed["communes"]:
        if not r.ok("code", "status") or r.values["status"] != "not_recognised" or "missing_criteria" in r.bad:
            continue
        code, name = r.values["code"], r.values.get("name") or ""
        for m in r.values.get("missing_criteria") or ():
            owed += 1
            if (code, m) not in covered:
                sink.at(r, "missing_criteria",
                        f"commune {code} {name} is not recognised and misses criterion {m!r}, but {tasks_label} "
                        f"has no work for it (no row with commune_code={code} and criterion={m}): it would be "
                        f"scheduled as if the criterion were met",
                        f"xã {code} {name} chưa đạt chuẩn và còn thiếu tiêu chí {m!r} nhưng {tasks_label_vi} "
                        f"không có công việc nào cho tiêu chí này (không có dòng commune_code={code}, "
                        f"criterion={m}): lịch sẽ coi như tiêu chí đã đạt")
    setting = _settings_rows(typed).get(DISTRICT_OWED_SETTING)
    if setting is not None and setting.ok("value"):
        groups = {r.values["code"]: r.values.get("group") for r in typed.get("criteria", [])
                  if r.ok("set", "code") and r.values["set"] == "district"}
        district = {c for (cc, c) in covered if cc == DISTRICT}
        for m in [x.strip() for x in str(setting.values["value"]).replace(",", ";").split(";") if x.strip()]:
            owed += 1
            if groups and m not in groups:
                sink.at(setting, "value", f"setting {DISTRICT_OWED_SETTING!r}: {m!r} is not a district criterion "
                        f"in {_label(locate, 'criteria')}",
                        f"thiết lập {DISTRICT_OWED_SETTING!r}: {m!r} không phải tiêu chí huyện trong "
                        f"{_label(locate, 'criteria', 'vi')}")
                continue
            if not any(c == m or groups.get(c) == m for c in district):
                sink.at(setting, "value",
                        f"the district owes district criterion {m!r} (setting {DISTRICT_OWED_SETTING!r}) but "
                        f"{tasks_label} has no work for it (no row with commune_code={DISTRICT} and criterion "
                        f"{m} or one of its sub-criteria)",
                        f"huyện còn nợ tiêu chí huyện {m!r} (thiết lập {DISTRICT_OWED_SETTING!r}) nhưng "
                        f"{tasks_label_vi} không có công việc nào cho tiêu chí này")
    if not tasks and owed:
        sink.file(tasks_file, tasks_sheet, None,
                  f"the task table is empty (header only) but {owed} criteria are still owed: a schedule of "
                  f"nothing would say every commune is on time at no cost",
                  f"bảng công việc trống (chỉ có tiêu đề) nhưng còn {owed} tiêu chí chưa đạt: lịch trống sẽ "
                  f"báo mọi xã đúng hạn với chi phí 0")


def _check_date_window(typed: dict[str, list[Row]], locate: Locator, sink: _Sink) -> None:
    """Date settings are ISO dates; every date of the plan lies between ``plan_start`` and
    ``horizon_end`` (an error where the date cannot be right, a warning where it can)."""
    rows = _settings_rows(typed)
    dates: dict[str, Any] = {}
    for key in DATE_SETTINGS:
        r = rows.get(key)
        if r is None or not r.ok("value") or not str(r.values["value"]).strip():
            continue
        try:
            dates[key], how = read_date(str(r.values["value"]).strip())
        except CellError as exc:
            sink.at(r, "value", f"setting {key!r}: {exc.en}", f"thiết lập {key!r}: {exc.vi}")
            r.bad.add("value")
            continue
        if how is not None:  # the plan keeps the date as read, in ISO form
            sink.at(r, "value", f"setting {key!r}: {how.en}", f"thiết lập {key!r}: {how.vi}", "warning")
            r.values["value"] = dates[key].isoformat()
    start, end = dates.get("plan_start"), dates.get("horizon_end")
    if start is None or end is None:
        return
    if end <= start:
        sink.at(rows["horizon_end"], "value", f"horizon_end {end} is not after plan_start {start}",
                f"horizon_end {end} không sau plan_start {start}")
        return
    window_en = f"the plan's window {start} (plan_start) .. {end} (horizon_end)"
    window_vi = f"khoảng thời gian của kế hoạch {start} (plan_start) .. {end} (horizon_end)"

    def outside(r: Row, col: str, late: str | None, early: str | None, value: Any = None) -> None:
        d = r.values.get(col) if value is None else value
        if d is None or (value is None and col in r.bad):
            return
        if d > end and late is not None:
            sev: Severity = "error" if late == "error" else "warning"
            sink.at(r, col, f"{col} {d} is after {window_en}: {_WHY_LATE.get(col, _WHY_LATE['*'])[0]}",
                    f"{col} {d} sau {window_vi}: {_WHY_LATE.get(col, _WHY_LATE['*'])[1]}", sev)
        elif d < start and early is not None:
            sev = "error" if early == "error" else "warning"
            sink.at(r, col, f"{col} {d} is before {window_en}: {_WHY_EARLY.get(col, _WHY_EARLY['*'])[0]}",
                    f"{col} {d} trước {window_vi}: {_WHY_EARLY.get(col, _WHY_EARLY['*'])[1]}", sev)

    for r in typed.get("tasks", []):
        outside(r, "release_date", "error", "warning")
        outside(r, "due_date", "error", "warning")
    for r in typed.get("communes", []):
        for col in ("target_works_done", "target_inspection", "target_appraisal", "target_recognition"):
            outside(r, col, "error", "warning")
    for r in typed.get("funding", []):
        outside(r, "date_available", "warning", None)
    for name in ("calendar", "capacity_changes"):
        for r in typed.get(name, []):
            if r.ok("start_date", "end_date") and (r.values["start_date"] > end or r.values["end_date"] < start):
                sink.at(r, "start_date", f"the period {r.values['start_date']} .. {r.values['end_date']} lies "
                        f"outside {window_en}: it has no effect",
                        f"khoảng {r.values['start_date']} .. {r.values['end_date']} nằm ngoài {window_vi}: "
                        f"không có tác dụng", "warning")
    for key, d in dates.items():
        if key in ("plan_start", "horizon_end"):
            continue
        late = "warning" if key.endswith("extra_funding_from") else "error"
        outside(rows[key], "value", late, "warning", value=d)


def _check_bool_settings(typed: dict[str, list[Row]], sink: _Sink) -> None:
    """Yes/no settings read as the model reads them (:func:`~.cells.parse_bool`): any other text is
    an error at its cell, never a silent ``false``."""
    rows = _settings_rows(typed)
    for key in BOOL_SETTINGS:
        r = rows.get(key)
        if r is None or not r.ok("value"):
            continue
        text = str(r.values["value"] or "").strip()
        if not text:
            continue  # a missing value is named when the settings are read
        try:
            parse_bool(text)
        except CellError as exc:
            sink.at(r, "value", f"setting {key!r}: {exc.en}", f"thiết lập {key!r}: {exc.vi}")


_WHY_LATE: dict[str, tuple[str, str]] = {
    "release_date": ("the task could never be scheduled", "công việc không bao giờ xếp lịch được"),
    "date_available": ("the money could never be used", "khoản vốn không bao giờ dùng được"),
    "*": ("every task ends by horizon_end, so this date can never bind (a typing mistake, or move horizon_end)",
          "mọi công việc kết thúc trước horizon_end nên ngày này không có ý nghĩa (nhập sai, hoặc lùi horizon_end)"),
}
_WHY_EARLY: dict[str, tuple[str, str]] = {
    "release_date": ("the task is available from plan_start", "công việc được bắt đầu từ plan_start"),
    "*": ("the target has passed before the plan starts: it will be late",
          "mốc đã qua trước khi kế hoạch bắt đầu: sẽ bị trễ"),
}


def _check_capacity_overlaps(typed: dict[str, list[Row]], sink: _Sink) -> None:
    """Two capacity changes of one agency may not overlap: which capacity holds would be a guess
    (the engine refuses such a profile)."""
    by_agency: dict[str, list[Row]] = {}
    for r in typed.get("capacity_changes", []):
        if r.ok("agency_id", "start_date", "end_date") and r.values["end_date"] >= r.values["start_date"]:
            by_agency.setdefault(r.values["agency_id"], []).append(r)
    for agency, rows in by_agency.items():
        rows.sort(key=lambda r: (r.values["start_date"], r.line or 0))
        for prev, r in zip(rows, rows[1:]):
            if r.values["start_date"] <= prev.values["end_date"]:
                sink.at(r, "start_date",
                        f"capacity change of {agency} from {r.values['start_date']} overlaps the one of "
                        f"{_rowname(prev)} ({prev.values['start_date']} .. {prev.values['end_date']})",
                        f"thay đổi năng lực của {agency} từ {r.values['start_date']} trùng với thay đổi ở "
                        f"{_rowname(prev, 'vi')} ({prev.values['start_date']} .. {prev.values['end_date']})")


def _check_step_progress(typed: dict[str, list[Row]], locate: Locator, sink: _Sink) -> None:
    """Each row of ``step_progress`` names a step of the commune chain (the plan's recognition steps, the
    catalogue procedure's included), a commune that still has a chain (not recognised) and a share in
    [0, 1]; an unknown commune code and a duplicate (commune, step) are caught by the reference and key
    checks."""
    rows = typed.get("step_progress") or []
    if not rows:
        return
    steps = list(dict.fromkeys(r.values["step"] for r in typed.get("recognition_steps", [])
                               if r.ok("chain", "step") and r.values["chain"] == "commune"))
    communes = {r.values["code"]: r for r in typed.get("communes", []) if r.ok("code")}
    where_en, where_vi = _label(locate, "recognition_steps"), _label(locate, "recognition_steps", "vi")
    for r in rows:
        if r.ok("step") and r.values["step"] not in steps:
            shown = ", ".join(steps) or "none"
            sink.at(r, "step", f"unknown step {r.values['step']!r}: not a step of the commune chain "
                    f"(chain 'commune' of {where_en} or the unit's procedure: {shown})",
                    f"bước {r.values['step']!r} không thuộc chuỗi công nhận của xã (chuỗi 'commune' của "
                    f"{where_vi} hoặc quy trình của đơn vị: {shown})")
        c = communes.get(r.values["commune_code"]) if r.ok("commune_code") else None
        if c is not None and c.ok("status") and c.values["status"] == "recognised":
            sink.at(r, "commune_code", f"commune {c.values['code']} {c.values.get('name') or ''} is recognised "
                    f"already (status in {_label(locate, 'communes')}): it has no recognition chain, so no step "
                    f"in progress",
                    f"xã {c.values['code']} {c.values.get('name') or ''} đã đạt chuẩn (cột status trong "
                    f"{_label(locate, 'communes', 'vi')}): không còn chuỗi công nhận nên không có bước đang làm")
        share = r.values.get("share_remaining") if "share_remaining" not in r.bad else None
        if share is not None and not 0 <= share <= 1:
            sink.at(r, "share_remaining",
                    f"share_remaining {share:g} must be between 0 and 1 (the share of the step still to do: "
                    f"0 = done, 1 = not started)",
                    f"share_remaining {share:g} phải từ 0 đến 1 (phần còn lại của bước: 0 = đã xong, "
                    f"1 = chưa làm)")


def _check_cycles(typed: dict[str, list[Row]], sink: _Sink) -> None:
    rows = {r.values["task_id"]: r for r in typed.get("tasks", []) if r.ok("task_id")}
    succ: dict[str, list[str]] = {t: [] for t in rows}
    for t, r in rows.items():
        if "predecessors" in r.bad:
            continue
        for p in r.values.get("predecessors") or ():
            if p in rows:
                succ[p].append(t)
    for comp in _strongly_connected(list(rows), succ):
        if len(comp) == 1 and comp[0] not in succ[comp[0]]:
            continue
        members = set(comp)
        start = min(comp, key=lambda t: rows[t].line or 0)
        path = _cycle_through(start, succ, members)
        shown = " → ".join(path)
        names = ", ".join(sorted(members, key=lambda t: rows[t].line or 0))
        sink.at(rows[start], "predecessors", f"precedence cycle among tasks {names}: {shown}",
                f"vòng lặp thứ tự giữa các công việc {names}: {shown}")


def _strongly_connected(nodes: list[str], succ: dict[str, list[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for root in nodes:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            v, i = work.pop()
            if i == 0:
                index[v] = low[v] = counter
                counter += 1
                stack.append(v)
                on_stack.add(v)
            recurse = False
            for j in range(i, len(succ[v])):
                w = succ[v][j]
                if w not in index:
                    work.append((v, j + 1))
                    work.append((w, 0))
                    recurse = True
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            if recurse:
                continue
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                out.append(comp)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[v])
    return out


def _cycle_through(start: str, succ: dict[str, list[str]], members: set[str]) -> list[str]:
    """A shortest cycle start → ... → start inside one strongly connected component."""
    parent: dict[str, str] = {}
    queue = [start]
    seen = {start}
    while queue:
        v = queue.pop(0)
        for w in succ[v]:
            if w == start:
                path = [v]
                while path[-1] != start:
                    path.append(parent[path[-1]])
                return list(reversed(path)) + [start]
            if w in members and w not in seen:
                seen.add(w)
                parent[w] = v
                queue.append(w)
    return [start, start]  # pragma: no cover


# --------------------------------------------------------------------------
# The unit, its criteria set and its procedure (the package's catalogue)
# --------------------------------------------------------------------------

CODE_DIGITS = {"province": 2, "district": 3, "commune": 5}
"""Digits of a statistics-office administrative code per level (provinces 2, districts 3, communes 5)."""
_PERIOD = re.compile(r"^(\d{4})-(\d{4})$")
_REQUIRES_DEFAULT = {"nang_cao": "ntm", "kieu_mau": "nang_cao"}
"""A commune level's prerequisite when the plan names no catalogue set (the catalogue's ``requires``)."""


def _level(r: Row) -> str:
    v = r.values.get("target_level") if "target_level" not in r.bad else None
    return v or "ntm"


def _commune_list(r: Row) -> str:
    """The criteria list (``criteria.set``) a commune row is judged against: by its target level."""
    return LIST_OF_LEVEL.get(_level(r), "commune")


def _code_key(code: str) -> tuple[Any, ...]:
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in code.split("."))


def _unit_row(typed: Mapping[str, list[Row]]) -> Row | None:
    rows = typed.get("unit") or []
    return rows[0] if rows else None


def _unit_catalog(typed: Mapping[str, list[Row]]) -> tuple[Row | None, CriteriaSet | None, Procedure | None]:
    """The unit row and the catalogue set and procedure it names (``None`` when not named or unknown)."""
    unit = _unit_row(typed)
    if unit is None:
        return None, None, None
    cset = criteria_sets().get(unit.values["criteria_set"]) if unit.ok("criteria_set") else None
    proc = procedures().get(unit.values["procedure"]) if unit.ok("procedure") else None
    return unit, cset, proc


def _raw_unit_cell(raw_tables: Mapping[str, RawTable], column: str) -> str:
    """The text of ``column`` in the first row of the raw unit table (empty when absent)."""
    raw = raw_tables.get("unit")
    if raw is None:
        return ""
    names = [nfc(h).strip() for h in raw.header]
    if column not in names:
        return ""
    i = names.index(column)
    for _, cells in raw.rows:
        if any(c.strip() for c in cells):
            return nfc(cells[i]).strip() if i < len(cells) else ""
    return ""


def fill_step_overrides(raw_tables: dict[str, RawTable]) -> dict[str, RawTable]:
    """The raw tables with the rows of ``recognition_steps`` that override a step of the unit's catalogue
    procedure completed from it: an empty cell, or a column the file does not have, takes the catalogue's
    value (so a plan may give only ``chain, step, duration_days``). Never changes its input."""
    raw = raw_tables.get("recognition_steps")
    pid = _raw_unit_cell(raw_tables, "procedure")
    proc = procedures().get(pid)
    if raw is None or proc is None:
        return raw_tables
    names = [nfc(h).strip() for h in raw.header]
    if "chain" not in names or "step" not in names:
        return raw_tables  # the missing column is reported by the parse
    header = list(raw.header) + [c.name for c in TABLE_BY_NAME["recognition_steps"].columns if c.name not in names]
    names = [nfc(h).strip() for h in header]
    rows = []
    for line, cells in raw.rows:
        cells = list(cells) + [""] * (len(header) - len(cells)) if len(cells) < len(header) else list(cells)
        cat = proc.step(nfc(cells[names.index("chain")]).strip(), nfc(cells[names.index("step")]).strip())
        if cat is not None:
            for i, name in enumerate(names):
                if name in cat.cells and name != "source" and not cells[i].strip():
                    cells[i] = cat[name]
                elif name == "source" and not cells[i].strip():
                    cells[i] = f"{proc.decision} ({catalog_label('procedure_steps.csv')}, line {cat.line}): " \
                               f"{cat['source']} [{cat['mark']}]"
        rows.append((line, cells))
    out = dict(raw_tables)
    out["recognition_steps"] = RawTable(raw.name, raw.file, raw.sheet, header, rows, raw.header_row, raw.row_kind)
    return out


def _catalog_row(table: str, cat: CatalogRow, cells: Mapping[str, str]) -> Row:
    values: dict[str, Any] = {}
    for c in TABLE_BY_NAME[table].columns:
        values[c.name] = parse_cell(c, nfc(cells.get(c.name, "")).strip())
    return Row(table, cat.file, None, cat.line, "line", values, raw=dict(cells))


def complete_from_catalog(typed: dict[str, list[Row]]) -> None:
    """Add what the plan takes from the catalogue: the lists of its criteria set that its criteria table
    does not have, and the steps of its procedure that ``recognition_steps`` does not override (a
    commune-level plan takes no district chain). Each added row is located in the catalogue's file."""
    unit, cset, proc = _unit_catalog(typed)
    if unit is None:
        return
    commune_plan = unit.ok("level") and unit.values["level"] == "commune"
    if cset is not None:
        rows = typed.setdefault("criteria", [])
        have = {r.values["set"] for r in rows if r.ok("set")}
        for lst in cset.lists.values():
            if lst.list in have or (commune_plan and lst.unit_level == "district"):
                continue
            for c in lst.criteria:
                text = dict(c.cells)
                text["set"] = lst.list
                text["source"] = f"{lst.decision}: {c['source']} [{c['mark']}]"
                rows.append(_catalog_row("criteria", c, text))
    if proc is not None:
        rows = typed.setdefault("recognition_steps", [])
        have_steps = {(r.values["chain"], r.values["step"]) for r in rows if r.ok("chain", "step")}
        for s in proc.steps:
            if (s["chain"], s["step"]) in have_steps or (commune_plan and s["chain"] == "district"):
                continue
            text = dict(s.cells)
            text["source"] = f"{proc.decision}: {s['source']} [{s['mark']}]"
            rows.append(_catalog_row("recognition_steps", s, text))


def _check_unit(typed: dict[str, list[Row]], locate: Locator, sink: _Sink) -> None:
    """The unit names itself well (one row, a code of its level's digits, a period, a known criteria set and
    procedure); the criteria table agrees with the set; each commune's target level is a level of the set and
    its prerequisite level is reached."""
    units = typed.get("unit") or []
    for r in units[1:]:
        sink.at(r, None, f"a plan belongs to one unit: {_rowname(units[0])} already names it",
                f"kế hoạch chỉ thuộc một đơn vị: {_rowname(units[0], 'vi')} đã ghi đơn vị")
    unit, cset, proc = _unit_catalog(typed)
    if unit is None:
        if typed.get("communes"):
            file, sheet = locate("unit")
            sink.file(file, sheet, None,
                      "the plan does not say whose it is (no unit table: code, name, level, period, criteria_set, "
                      "procedure); reports will call it only by its level",
                      "kế hoạch không ghi đơn vị chủ quản (thiếu bảng unit: code, name, level, period, "
                      "criteria_set, procedure); báo cáo chỉ gọi theo cấp", "warning")
        return
    if unit.ok("code", "level"):
        n = CODE_DIGITS[unit.values["level"]]
        if not re.fullmatch(rf"\d{{{n}}}", unit.values["code"]):
            sink.at(unit, "code", f"code {unit.values['code']!r} is not the {n}-digit administrative code of a "
                    f"{unit.values['level']}",
                    f"mã {unit.values['code']!r} không phải mã hành chính {n} chữ số của cấp {unit.values['level']}")
    period = None
    if unit.ok("period"):
        m = _PERIOD.match(unit.values["period"])
        if m is None or int(m.group(1)) >= int(m.group(2)):
            sink.at(unit, "period", f"period {unit.values['period']!r} is not 'yyyy-yyyy' with the first year first",
                    f"giai đoạn {unit.values['period']!r} không có dạng 'yyyy-yyyy' (năm đầu trước)")
        else:
            period = unit.values["period"]
    if unit.ok("criteria_set") and cset is None:
        sink.at(unit, "criteria_set", f"unknown criteria set {unit.values['criteria_set']!r} (the catalogue has: "
                f"{', '.join(criteria_sets())}; empty: the plan's own criteria.csv)",
                f"bộ tiêu chí {unit.values['criteria_set']!r} không có trong danh mục (có: "
                f"{', '.join(criteria_sets())}; để trống: dùng criteria.csv của kế hoạch)")
    if unit.ok("procedure") and proc is None:
        sink.at(unit, "procedure", f"unknown recognition procedure {unit.values['procedure']!r} (the catalogue "
                f"has: {', '.join(procedures())}; empty: the plan's own recognition_steps.csv)",
                f"quy trình công nhận {unit.values['procedure']!r} không có trong danh mục (có: "
                f"{', '.join(procedures())}; để trống: dùng recognition_steps.csv của kế hoạch)")
    for what, ref in (("criteria set", cset), ("procedure", proc)):
        if ref is not None and period is not None and ref.period != period:
            col = "criteria_set" if what == "criteria set" else "procedure"
            sink.at(unit, col, f"the {what} {ref.id!r} is of the period {ref.period}, the plan's is {period}",
                    f"{'bộ tiêu chí' if col == 'criteria_set' else 'quy trình'} {ref.id!r} thuộc giai đoạn "
                    f"{ref.period}, kế hoạch thuộc giai đoạn {period}", "warning")
    if cset is not None:
        _check_criteria_agree(typed, cset, sink)
    if proc is not None:
        for r in typed.get("recognition_steps", []):
            if r.file.startswith("catalog/") or not r.ok("chain", "step"):
                continue
            if proc.step(r.values["chain"], r.values["step"]) is None:
                sink.at(r, "step", f"step {r.values['step']!r} of chain {r.values['chain']!r} is not a step of "
                        f"procedure {proc.id!r} ({proc.decision}); kept as the plan's own step",
                        f"bước {r.values['step']!r} của chuỗi {r.values['chain']!r} không thuộc quy trình "
                        f"{proc.id!r} ({proc.decision}); giữ như bước riêng của kế hoạch", "warning")
    _check_levels(typed, cset, sink)


def _check_criteria_agree(typed: dict[str, list[Row]], cset: CriteriaSet, sink: _Sink) -> None:
    for r in typed.get("criteria", []):
        if r.file.startswith("catalog/") or not r.ok("set", "code"):
            continue
        lst = cset.lists.get(r.values["set"])
        if lst is None:
            sink.at(r, "set", f"criteria set {cset.id!r} has no list {r.values['set']!r} (its lists: "
                    f"{', '.join(cset.lists)})",
                    f"bộ tiêu chí {cset.id!r} không có danh sách {r.values['set']!r} (có: {', '.join(cset.lists)})")
            continue
        cat = next((c for c in lst.criteria if c["code"] == r.values["code"]), None)
        if cat is None:
            sink.at(r, "code", f"criterion {r.values['code']!r} is not in list {lst.list!r} of {cset.id!r} "
                    f"({lst.decision}: {', '.join(lst.codes)})",
                    f"tiêu chí {r.values['code']!r} không có trong danh sách {lst.list!r} của {cset.id!r} "
                    f"({lst.decision}: {', '.join(lst.codes)})")
        elif r.ok("name_vi") and nfc(cat["name_vi"]) != r.values["name_vi"]:
            sink.at(r, "name_vi", f"name {r.values['name_vi']!r} differs from {lst.decision}'s "
                    f"{cat['name_vi']!r} ({cat.file}, line {cat.line}, mark {cat['mark']})",
                    f"tên {r.values['name_vi']!r} khác tên {cat['name_vi']!r} của {lst.decision} "
                    f"({cat.file}, dòng {cat.line}, mức tin cậy {cat['mark']})")


def _check_levels(typed: dict[str, list[Row]], cset: CriteriaSet | None, sink: _Sink) -> None:
    """Each commune's target level exists in the set; its prerequisite level is reached."""
    lists = {r.values["set"] for r in typed.get("criteria", []) if r.ok("set")}
    rank = {lvl: i for i, lvl in enumerate(COMMUNE_LEVELS)}
    for r in typed.get("communes", []):
        if "target_level" in r.bad or "level_reached" in r.bad:
            continue
        level = _level(r)
        if cset is not None:
            if level not in cset.levels("commune"):
                sink.at(r, "target_level", f"criteria set {cset.id!r} has no commune level {level!r} (its levels: "
                        f"{', '.join(cset.levels('commune'))})",
                        f"bộ tiêu chí {cset.id!r} không có mức {level!r} cho xã (có: "
                        f"{', '.join(cset.levels('commune'))})")
                continue
            lst = cset.list_for("commune", level)
            requires = lst.requires if lst is not None else None
        else:
            if lists and LIST_OF_LEVEL[level] not in lists:
                sink.at(r, "target_level", f"level {level!r} needs the criteria list {LIST_OF_LEVEL[level]!r}, "
                        f"which the criteria table does not have",
                        f"mức {level!r} cần danh sách tiêu chí {LIST_OF_LEVEL[level]!r} mà bảng tiêu chí không có")
                continue
            requires = _REQUIRES_DEFAULT.get(level)
        reached = r.values.get("level_reached")
        recognised = r.ok("status") and r.values["status"] == "recognised"
        if recognised and reached is not None and rank[reached] < rank[level]:
            sink.at(r, "level_reached", f"status 'recognised' at level {level!r} but level_reached is {reached!r}",
                    f"trạng thái 'recognised' ở mức {level!r} nhưng level_reached là {reached!r}")
        if recognised or requires is None:
            continue
        if reached is None or rank[reached] < rank[requires]:
            shown = reached or "none"
            sink.at(r, "level_reached",
                    f"commune {r.values.get('code')} aims at level {level!r}, which requires level {requires!r} "
                    f"first; {requires!r} is not reached (level_reached: {shown}) and not planned: give "
                    f"level_reached, or plan {requires!r} first (target_level={requires})",
                    f"xã {r.values.get('code')} hướng tới mức {level!r}, cần đạt mức {requires!r} trước; mức "
                    f"{requires!r} chưa đạt (level_reached: {shown}) và chưa có trong kế hoạch: ghi level_reached, "
                    f"hoặc lập kế hoạch đạt {requires!r} trước (target_level={requires})")


# --------------------------------------------------------------------------
# Building plans
# --------------------------------------------------------------------------


def check_raw(raw_tables: dict[str, RawTable], locate: Locator,
              pre_issues: Iterable[Issue] = ()) -> tuple[dict[str, list[Row]], list[Issue]]:
    sink = _Sink()
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
    sink = _Sink()
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
