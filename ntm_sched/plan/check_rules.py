"""Checks of a plan as a whole: every criterion still owed has works, every date inside the
plan's window, the yes/no settings, capacity periods, recognition steps under way, a province
plan's districts, district earmarks and council sessions, and precedence cycles."""

from __future__ import annotations

from typing import Any

from .cells import CellError, parse_bool, read_date
from .check_tables import DISTRICT
from .check_unit import unit_row
from .issues import Locator, Row, Severity, Sink, row_name, table_label

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


def check_works_cover_missing_criteria(typed: dict[str, list[Row]], locate: Locator, sink: Sink) -> None:
    """A commune not recognised that misses a criterion, or a district criterion the district
    owes, must have at least one work for it: otherwise the model schedules it as if the
    criterion were met (an empty task table gave "all communes on time, cost 0")."""
    if "tasks" not in typed or "communes" not in typed:
        return  # the missing table is reported already
    tasks = typed["tasks"]
    if any(not r.ok("commune_code", "criterion") for r in tasks):
        return  # a bad cell is reported already; coverage cannot be judged
    tasks_file, tasks_sheet = locate("tasks")
    tasks_label = table_label(locate, "tasks")
    tasks_label_vi = table_label(locate, "tasks", "vi")
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
                        f"in {table_label(locate, 'criteria')}",
                        f"thiết lập {DISTRICT_OWED_SETTING!r}: {m!r} không phải tiêu chí huyện trong "
                        f"{table_label(locate, 'criteria', 'vi')}")
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


def check_date_window(typed: dict[str, list[Row]], locate: Locator, sink: Sink) -> None:
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


def check_bool_settings(typed: dict[str, list[Row]], sink: Sink) -> None:
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


def check_capacity_overlaps(typed: dict[str, list[Row]], sink: Sink) -> None:
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
                        f"{row_name(prev)} ({prev.values['start_date']} .. {prev.values['end_date']})",
                        f"thay đổi năng lực của {agency} từ {r.values['start_date']} trùng với thay đổi ở "
                        f"{row_name(prev, 'vi')} ({prev.values['start_date']} .. {prev.values['end_date']})")


def check_step_progress(typed: dict[str, list[Row]], locate: Locator, sink: Sink) -> None:
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
    where_en, where_vi = table_label(locate, "recognition_steps"), table_label(locate, "recognition_steps", "vi")
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
                    f"already (status in {table_label(locate, 'communes')}): it has no recognition chain, so no step "
                    f"in progress",
                    f"xã {c.values['code']} {c.values.get('name') or ''} đã đạt chuẩn (cột status trong "
                    f"{table_label(locate, 'communes', 'vi')}): không còn chuỗi công nhận nên không có bước đang làm")
        share = r.values.get("share_remaining") if "share_remaining" not in r.bad else None
        if share is not None and not 0 <= share <= 1:
            sink.at(r, "share_remaining",
                    f"share_remaining {share:g} must be between 0 and 1 (the share of the step still to do: "
                    f"0 = done, 1 = not started)",
                    f"share_remaining {share:g} phải từ 0 đến 1 (phần còn lại của bước: 0 = đã xong, "
                    f"1 = chưa làm)")


# --------------------------------------------------------------------------
# A province plan: the communes' districts, district earmarks, council sessions
# --------------------------------------------------------------------------


def check_province(typed: dict[str, list[Row]], locate: Locator, sink: Sink) -> None:
    """A province plan names each commune's district; district earmarks and council sessions are well formed."""
    unit = unit_row(typed)
    province = unit is not None and unit.ok("level") and unit.values["level"] == "province"
    communes = typed.get("communes", [])
    named = [r for r in communes if r.ok("district_code") and r.values.get("district_code")]
    if (named or province) and "districts" not in typed:
        file, sheet = locate("districts")
        sink.file(file, sheet, None, "the communes' districts are not listed: add the districts table "
                  "(code, name, source)", "chưa liệt kê các huyện của xã: thêm bảng districts (code, name, source)")
    if province:
        for r in communes:
            if "district_code" not in r.bad and not r.values.get("district_code"):
                sink.at(r, "district_code", "a province plan says which district each commune belongs to",
                        "kế hoạch cấp tỉnh phải ghi xã thuộc huyện nào")
    for r in typed.get("funding", []):
        if r.values.get("commune_code") and r.values.get("district_code"):
            sink.at(r, "district_code", "a tranche is earmarked for a commune or for a district, not both",
                    "một đợt vốn chỉ dành cho một xã hoặc một huyện, không cả hai")
    seen: dict[Any, Row] = {}
    for r in typed.get("council_sessions", []):
        if not r.ok("date"):
            continue
        d = r.values["date"]
        if d in seen:
            sink.at(r, "date", f"the council already sits on {d:%d/%m/%Y} ({row_name(seen[d])})",
                    f"hội đồng đã họp ngày {d:%d/%m/%Y} ({row_name(seen[d], 'vi')})")
        else:
            seen[d] = r


def check_cycles(typed: dict[str, list[Row]], sink: Sink) -> None:
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
