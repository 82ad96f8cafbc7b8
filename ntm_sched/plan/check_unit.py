"""The plan's unit, its criteria set and its procedure (the package's catalogue): the rows
the catalogue fills in, and the checks that the plan agrees with it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .catalog import CatalogRow, CriteriaSet, Procedure, catalog_label, criteria_sets, procedures
from .cells import nfc, parse_cell
from .issues import Locator, RawTable, Row, Sink, row_name
from .schema import COMMUNE_LEVELS, LIST_OF_LEVEL, TABLE_BY_NAME

# --------------------------------------------------------------------------
# The unit, its criteria set and its procedure (the package's catalogue)
# --------------------------------------------------------------------------

CODE_DIGITS = {"province": 2, "district": 3, "commune": 5}
"""Digits of a statistics-office administrative code per level (provinces 2, districts 3, communes 5)."""
_PERIOD = re.compile(r"^(\d{4})-(\d{4})$")
_REQUIRES_DEFAULT = {"nang_cao": "ntm", "kieu_mau": "nang_cao"}
"""A commune level's prerequisite when the plan names no catalogue set (the catalogue's ``requires``)."""


def unit_level(r: Row) -> str:
    v = r.values.get("target_level") if "target_level" not in r.bad else None
    return v or "ntm"


def commune_list(r: Row) -> str:
    """The criteria list (``criteria.set``) a commune row is judged against: by its target level."""
    return LIST_OF_LEVEL.get(unit_level(r), "commune")


def code_key(code: str) -> tuple[Any, ...]:
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in code.split("."))


def unit_row(typed: Mapping[str, list[Row]]) -> Row | None:
    """The plan's unit row (the first row of ``unit``), if any."""
    rows = typed.get("unit") or []
    return rows[0] if rows else None


def _unit_catalog(typed: Mapping[str, list[Row]]) -> tuple[Row | None, CriteriaSet | None, Procedure | None]:
    """The unit row and the catalogue set and procedure it names (``None`` when not named or unknown)."""
    unit = unit_row(typed)
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


def check_unit(typed: dict[str, list[Row]], locate: Locator, sink: Sink) -> None:
    """The unit names itself well (one row, a code of its level's digits, a period, a known criteria set and
    procedure); the criteria table agrees with the set; each commune's target level is a level of the set and
    its prerequisite level is reached."""
    units = typed.get("unit") or []
    for r in units[1:]:
        sink.at(r, None, f"a plan belongs to one unit: {row_name(units[0])} already names it",
                f"kế hoạch chỉ thuộc một đơn vị: {row_name(units[0], 'vi')} đã ghi đơn vị")
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
        check_criteria_agree(typed, cset, sink)
    if proc is not None:
        for r in typed.get("recognition_steps", []):
            if r.file.startswith("catalog/") or not r.ok("chain", "step"):
                continue
            if proc.step(r.values["chain"], r.values["step"]) is None:
                sink.at(r, "step", f"step {r.values['step']!r} of chain {r.values['chain']!r} is not a step of "
                        f"procedure {proc.id!r} ({proc.decision}); kept as the plan's own step",
                        f"bước {r.values['step']!r} của chuỗi {r.values['chain']!r} không thuộc quy trình "
                        f"{proc.id!r} ({proc.decision}); giữ như bước riêng của kế hoạch", "warning")
    check_levels(typed, cset, sink)


def check_criteria_agree(typed: dict[str, list[Row]], cset: CriteriaSet, sink: Sink) -> None:
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


def check_levels(typed: dict[str, list[Row]], cset: CriteriaSet | None, sink: Sink) -> None:
    """Each commune's target level exists in the set; its prerequisite level is reached."""
    lists = {r.values["set"] for r in typed.get("criteria", []) if r.ok("set")}
    rank = {lvl: i for i, lvl in enumerate(COMMUNE_LEVELS)}
    for r in typed.get("communes", []):
        if "target_level" in r.bad or "level_reached" in r.bad:
            continue
        level = unit_level(r)
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
