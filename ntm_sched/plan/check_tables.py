"""Checks across the rows of a plan's tables: keys, names, references and the domain rules
of each row (every check reports into one :class:`~.issues.Sink`)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .cells import nfc
from .check_unit import code_key, commune_list, unit_level
from .issues import Locator, Row, Sink, row_name, table_label
from .schema import TABLE_BY_NAME

COMMUNE_CRITERIA = 19  # size of a commune list when the plan's criteria table has none for it
DISTRICT = "DISTRICT"
CODE_PATTERN = re.compile(r"^\d{5}$")
NAME_COLUMNS = ("name", "name_vi")
# a commune's target dates in the order of its recognition chain
TARGET_COLUMNS = ("target_works_done", "target_inspection", "target_submission", "target_appraisal",
                  "target_recognition")

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


def check_keys(typed: dict[str, list[Row]], locate: Locator, sink: Sink) -> None:
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
                        f"duplicate key {shown}: {row_name(first)} and {row_name(r)} differ only in Unicode form",
                        f"khoá trùng {shown}: {row_name(first, 'vi')} và {row_name(r, 'vi')} chỉ khác dạng Unicode")
            else:
                sink.at(r, key[-1], f"duplicate key {shown}: {row_name(first)} and {row_name(r)}",
                        f"khoá trùng {shown}: {row_name(first, 'vi')} và {row_name(r, 'vi')}")


def check_names(typed: dict[str, list[Row]], sink: Sink) -> None:
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
                            f"name {r.values[col]!r} equals the one in {row_name(first)} after Unicode "
                            f"normalisation: the two differ only in Unicode form",
                            f"tên {r.values[col]!r} trùng với tên ở {row_name(first, 'vi')} sau khi chuẩn hoá "
                            f"Unicode: hai tên chỉ khác dạng Unicode")
                elif name == "communes":
                    sink.at(r, col, f"name {r.values[col]!r} also used in {row_name(first)}",
                            f"tên {r.values[col]!r} đã dùng ở {row_name(first, 'vi')}", "warning")


def check_refs(typed: dict[str, list[Row]], locate: Locator, sink: Sink) -> None:
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
            where_en = f"{table_label(locate, ref_table)} (column '{ref_col}')"
            where_vi = f"{table_label(locate, ref_table, 'vi')} (cột '{ref_col}')"
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


def check_domain(typed: dict[str, list[Row]], locate: Locator, sink: Sink) -> None:
    criteria = typed.get("criteria", [])
    sets: dict[str, set[str]] = {}
    for r in criteria:
        if r.ok("set", "code"):
            sets.setdefault(r.values["set"], set()).add(r.values["code"])
    have_criteria = "criteria" in typed and bool(criteria)

    for r in typed.get("communes", []):
        if r.ok("code") and not CODE_PATTERN.match(r.values["code"]):
            sink.at(r, "code", f"commune code {r.values['code']!r} is not 5 digits",
                    f"mã xã {r.values['code']!r} không phải 5 chữ số")
        own = commune_list(r)
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
                            f"{unit_level(r)!r}; its criteria: {', '.join(sorted(sets[own], key=code_key))})",
                            f"tiêu chí {m!r} không thuộc danh sách {own!r} (xã hướng tới mức {unit_level(r)!r}; "
                            f"các tiêu chí: {', '.join(sorted(sets[own], key=code_key))})")
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

    list_of = {r.values["code"]: commune_list(r) for r in typed.get("communes", []) if r.ok("code")}
    units = {r.values["work_type"]: (r.values["unit"], r) for r in typed.get("work_types", [])
             if r.ok("work_type", "unit")}
    for r in typed.get("tasks", []):
        if r.ok("work_type", "unit") and r.values["work_type"] in units:
            wt_unit, _ = units[r.values["work_type"]]
            if r.values["unit"] != wt_unit:
                sink.at(r, "unit",
                        f"unit {r.values['unit']!r} differs from work type {r.values['work_type']!r}'s unit "
                        f"{wt_unit!r} in {table_label(locate, 'work_types')}",
                        f"đơn vị {r.values['unit']!r} khác đơn vị {wt_unit!r} của loại công việc "
                        f"{r.values['work_type']!r} trong {table_label(locate, 'work_types', 'vi')}")
        if have_criteria and r.ok("criterion", "commune_code"):
            want = "district" if r.values["commune_code"] == DISTRICT else list_of.get(r.values["commune_code"],
                                                                                          "commune")
            # "all" marks work on the whole criteria set (a recognised commune's review)
            if r.values["criterion"] != "all" and r.values["criterion"] not in sets.get(want, ()):
                sink.at(r, "criterion",
                        f"criterion {r.values['criterion']!r} is not a {want} criterion in "
                        f"{table_label(locate, 'criteria')}",
                        f"tiêu chí {r.values['criterion']!r} không phải tiêu chí "
                        f"{'huyện' if want == 'district' else 'xã'} ({want}) trong "
                        f"{table_label(locate, 'criteria', 'vi')}",
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
