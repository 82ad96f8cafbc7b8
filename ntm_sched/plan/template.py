"""``plan new``: the Excel workbook an office fills to start its own plan.

One sheet per table of :mod:`.schema` (sheet name = table name, as :func:`.io.load_plan` reads
it), each with a heading row in the user's language (first cell starting with ``#``, skipped when
read), the column names, then rows:

* ``unit``: the unit given on the command line, with the catalogue's criteria set and procedure of
  its period;
* ``criteria``: the lists of that set (they agree with the catalogue; the marks say what is
  uncertain); ``settings``: the catalogue's defaults (:func:`.catalog.settings_defaults`), the plan's
  own dates left empty; ``agencies``: the agencies the procedure names, capacities left empty;
  ``communes``: the codes given with ``--communes``, the rest left empty;
* one example row per sheet the office fills from scratch, its first cell starting with
  ``VÍ DỤ:`` (``EXAMPLE:``): :mod:`.validate` rejects it while it is there.

Drop-down lists (Excel data validation) for every column with fixed choices, yes/no, and for the
references (agencies, work types, sources, communes, criteria, the procedure's commune steps), date
cells formatted as dates, and a cover sheet (:data:`.schema.COVER_SHEET`) saying what to fill and in
which order. An existing file is never replaced.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ntm_sched.errors import InputError
from ntm_sched.i18n import LANGS, check_lang

from .catalog import agency_roles, criteria_sets, procedures, settings_defaults
from .check_unit import CODE_DIGITS
from .schema import COVER_SHEET, EXAMPLE_MARKS, TABLES, UNIT_LEVELS, Column

FIRST_DATA_ROW = 3
"""Row 1: headings in the user's language; row 2: column names; data from row 3."""
LAST_VALIDATED_ROW = 1000

HEADINGS: dict[str, tuple[str, str]] = {
    "key": ("Khóa", "Key"), "value": ("Giá trị", "Value"), "description": ("Mô tả", "Description"),
    "source": ("Nguồn / căn cứ", "Source"), "code": ("Mã", "Code"), "name": ("Tên", "Name"),
    "level": ("Cấp / mức", "Level"), "period": ("Giai đoạn", "Period"),
    "criteria_set": ("Bộ tiêu chí", "Criteria set"), "procedure": ("Quy trình công nhận", "Recognition procedure"),
    "title_vi": ("Tên đầy đủ (tiếng Việt)", "Title (vi)"),
    "title_en": ("Tên đầy đủ (tiếng Anh)", "Title (en)"),
    "invented": ("Kế hoạch ví dụ (giả định)", "Invented example"), "alias": ("Tên khác trong kế hoạch", "Alias"),
    "status": ("Tình trạng", "Status"), "criteria_met": ("Số tiêu chí đã đạt", "Criteria met"),
    "missing_criteria": ("Tiêu chí chưa đạt (cách nhau bởi ;)", "Missing criteria (; separated)"),
    "target_works_done": ("Hạn hoàn thành công trình", "Works done by"),
    "target_inspection": ("Hạn huyện thẩm tra", "Inspection by"),
    "target_submission": ("Hạn trình tỉnh", "Submission by"),
    "target_appraisal": ("Hạn tỉnh thẩm định", "Appraisal by"),
    "target_recognition": ("Hạn công nhận", "Recognition by"), "disadvantaged": ("Xã khó khăn", "Disadvantaged"),
    "plan_ref": ("Mục trong kế hoạch", "Plan section"), "note": ("Ghi chú", "Note"),
    "target_level": ("Mức hướng tới", "Target level"), "level_reached": ("Mức đã đạt", "Level reached"),
    "set": ("Danh sách", "List"), "group": ("Nhóm", "Group"), "name_vi": ("Tên (tiếng Việt)", "Name (vi)"),
    "name_en": ("Tên (tiếng Anh)", "Name (en)"), "agency_id": ("Mã cơ quan", "Agency"), "kind": ("Loại", "Kind"),
    "weekly_capacity": ("Năng lực (ngày công/tuần)", "Capacity (person-days/week)"),
    "start_date": ("Từ ngày", "From"), "end_date": ("Đến ngày", "To"), "work_type": ("Loại công việc", "Work type"),
    "unit": ("Đơn vị tính", "Unit"), "unit_cost_mvnd": ("Đơn giá (triệu đồng)", "Unit cost (million VND)"),
    "support_norm_mvnd": ("Mức hỗ trợ (triệu đồng)", "Support per unit (million VND)"),
    "duration_fixed_days": ("Thời gian cố định (ngày)", "Fixed days"),
    "duration_per_batch_days": ("Ngày mỗi đợt", "Days per batch"),
    "parallel_per_commune": ("Số làm song song mỗi xã", "Parallel per commune"),
    "lead_agency": ("Cơ quan chủ trì", "Lead agency"),
    "effort_per_week": ("Công sức (ngày công/tuần)", "Effort per week"),
    "calendar": ("Lịch", "Calendar"), "accelerable": ("Có thể đẩy nhanh", "Accelerable"),
    "task_id": ("Mã công việc", "Task id"), "commune_code": ("Mã xã (hoặc DISTRICT)", "Commune (or DISTRICT)"),
    "criterion": ("Tiêu chí", "Criterion"), "quantity": ("Khối lượng", "Quantity"),
    "quantity_estimated": ("Khối lượng ước tính", "Quantity estimated"),
    "description_vi": ("Nội dung (tiếng Việt)", "Description (vi)"),
    "description_en": ("Nội dung (tiếng Anh)", "Description (en)"),
    "predecessors": ("Việc phải xong trước (;)", "Predecessors (;)"),
    "release_date": ("Bắt đầu từ ngày", "Release date"),
    "due_date": ("Hạn", "Due date"), "estimate_note": ("Ghi chú ước tính", "Estimate note"),
    "share_remaining": ("Phần việc còn lại (0-1)", "Share remaining (0-1)"), "source_id": ("Mã nguồn vốn", "Source"),
    "pays_for": ("Được chi cho (loại việc; * = tất cả)", "Pays for (work types; * = all)"),
    "tranche_id": ("Mã đợt vốn", "Tranche id"), "date_available": ("Ngày có vốn", "Available from"),
    "amount_mvnd": ("Số tiền (triệu đồng)", "Amount (million VND)"), "chain": ("Chuỗi", "Chain"),
    "step": ("Bước", "Step"), "order": ("Thứ tự", "Order"), "duration_days": ("Số ngày", "Days"),
    "milestone": ("Mốc", "Milestone"),
    "district_code": ("Mã huyện", "District code"), "session_id": ("Mã phiên họp", "Session"),
    "date": ("Ngày", "Date"), "capacity": ("Số hồ sơ tối đa", "Most dossiers"),
    "cutoff_days": ("Nộp trước phiên (ngày)", "Dossier in, days before"),
}
"""Heading of each column in the workbook (Vietnamese, English)."""
TABLE_HEADINGS: dict[tuple[str, str], tuple[str, str]] = {
    ("step_progress", "commune_code"): ("Mã xã", "Commune code"),
    ("step_progress", "step"): ("Bước công nhận", "Recognition step"),
    ("step_progress", "share_remaining"): ("Phần còn lại của bước (0 = đã xong, 1 = chưa làm)",
                                           "Share of the step left (0 = done, 1 = not started)"),
}
"""Headings of a column that means something else in one table (``(table, column)``: (vi, en))."""

GUIDE: tuple[tuple[str, str, str], ...] = (
    ("unit", "Đơn vị chủ quản: đã điền theo lệnh; kiểm tra tên, mã, cấp, giai đoạn.",
     "Who owns the plan: filled from the command; check name, code, level, period."),
    ("communes", "Các xã: mã 5 chữ số, tên, tình trạng, tiêu chí chưa đạt, các hạn của kế hoạch, mức hướng tới.",
     "Communes: 5-digit code, name, status, missing criteria, the plan's dates, target level."),
    ("agencies", "Cơ quan: đã có các cơ quan mà quy trình công nhận cần; điền năng lực mỗi tuần, thêm phòng ban khác.",
     "Agencies: those the procedure names are listed; fill their weekly capacity, add the others."),
    ("work_types", "Loại công việc: đơn giá, thời gian, cơ quan chủ trì, lịch.",
     "Work types: unit cost, durations, lead agency, calendar."),
    ("tasks", "Công việc còn lại: mỗi hạng mục một hàng, theo xã và tiêu chí.",
     "Remaining works: one row per item, by commune and criterion."),
    ("sources", "Nguồn vốn và loại việc mỗi nguồn được chi.", "Money sources and what each may pay for."),
    ("funding", "Các đợt vốn: số tiền, ngày có vốn, xã được giao (nếu có).",
     "Tranches: amount, date available, earmarked commune (if any)."),
    ("calendar", "Lịch nghỉ (Tết, lễ) của thi công và văn phòng.", "Breaks (Tết, holidays) of works and offices."),
    ("settings", "Thiết lập: điền plan_start, horizon_end và các hạn của kế hoạch; các giá trị khác là mặc định.",
     "Settings: fill plan_start, horizon_end and the plan's dates; the rest are defaults."),
    ("capacity_changes", "Không bắt buộc: thời kỳ năng lực một cơ quan khác thường.",
     "Optional: periods when an agency's capacity differs."),
    ("criteria", "Không cần sửa: bộ tiêu chí của giai đoạn (mức tin cậy trong cột nguồn).",
     "Leave as is: the period's criteria set (confidence marks in the source column)."),
    ("recognition_steps",
     "Không bắt buộc: để trống thì dùng quy trình trong danh mục; thêm hàng để sửa số ngày một bước.",
     "Optional: empty = the catalogue's procedure; add a row to change a step's days."),
    ("step_progress",
     "Không bắt buộc: bước công nhận một xã đã làm một phần hoặc đã xong khi lập kế hoạch (ví dụ 'đang hoàn "
     "thiện hồ sơ'): mỗi xã và bước một hàng, phần còn lại từ 0 (đã xong) đến 1; số ngày của bước được nhân "
     "với phần này (làm tròn lên ngày).",
     "Optional: a commune's recognition step partly or wholly done at the plan's date (e.g. 'dossier being "
     "finished'): one row per commune and step, the share left from 0 (done) to 1; the step's days are "
     "multiplied by it (rounded up to whole days)."),
    ("districts", "Chỉ kế hoạch cấp tỉnh: các huyện (mã 3 chữ số, tên); cột district_code của xã ghi huyện.",
     "Province plans only: the districts (3-digit code, name); each commune's district_code names its own."),
    ("council_sessions",
     "Không bắt buộc: các phiên họp của hội đồng thẩm định tỉnh (ngày, số hồ sơ tối đa, số ngày hồ sơ phải "
     "nộp trước phiên); có bảng này thì mỗi xã được thẩm định tại một phiên.",
     "Optional: the provincial appraisal council's sessions (date, most dossiers, days before the session a "
     "dossier must be in); with it, each commune is appraised at one session."),
)
"""What each sheet holds, in the order to fill them (vi, en)."""


YES_NO = (("có", "không"), ("true", "false"))
"""The yes/no words of the drop-down lists (vi, en); :func:`.cells.parse_bool` reads both."""
COVER: dict[str, tuple[str, str]] = {
    "title": ("Kế hoạch xây dựng nông thôn mới: {unit} (cấp {level}, mã {code}), giai đoạn {period}",
              "New Rural Development plan: {unit} ({level} {code}), {period}"),
    "catalogue": ("Bộ tiêu chí {cset}, quy trình công nhận {proc} (danh mục của phần mềm).",
                  "Criteria set {cset}, recognition procedure {proc} (the package's catalogue)."),
    "marks": ("Mức tin cậy trong cột nguồn: V đã kiểm chứng, I suy ra, U chưa chắc chắn.",
              "Confidence in the source column: V verified, I inferred, U uncertain."),
    "order": ("Điền các trang tính theo thứ tự (hàng 1: tiêu đề; hàng 2: tên cột, không sửa):",
              "Fill the sheets in this order (row 1: headings; row 2: column names, do not change them):"),
    "examples": ("Hàng có ô đầu bắt đầu bằng 'VÍ DỤ:' (nền vàng) là ví dụ: hãy xoá. "
                 "Kế hoạch bị từ chối khi còn hàng ví dụ.",
                 "Rows whose first cell starts with 'EXAMPLE:' (yellow) are examples: delete them. "
                 "The check rejects the plan while one is left."),
    "units": ("Ngày: dd/mm/yyyy. Tiền: triệu đồng. Công sức: ngày công mỗi tuần.",
              "Dates: dd/mm/yyyy. Money: million VND. Effort: person-days per week."),
    "then": ("Sau đó chạy: ntm-sched validate TỆP.xlsx (mỗi lỗi có trang tính, hàng và cột).",
             "Then run: ntm-sched validate FILE.xlsx (every problem with sheet, row and column)."),
}
"""The cover sheet's text (vi, en)."""
LEVEL_WORDS: dict[str, tuple[str, str]] = {"province": ("tỉnh", "province"), "district": ("huyện", "district"),
                                          "commune": ("xã", "commune")}
"""The unit's level as the cover sheet writes it (vi, en)."""


class TemplateError(InputError):
    """``plan new`` cannot write the workbook: a bad unit, code, period, commune list or an existing file."""


def _check_inputs(unit: str, code: str, level: str, period: str, communes: Sequence[str]) -> tuple[str, str]:
    """The catalogue's (criteria set, procedure) of ``period``; raises :class:`TemplateError`."""
    if not unit.strip():
        raise TemplateError("--unit: the unit's name is empty")
    if level not in UNIT_LEVELS:
        raise TemplateError(f"--level: {level!r} is not one of {', '.join(UNIT_LEVELS)}")
    n = CODE_DIGITS[level]
    if not re.fullmatch(rf"\d{{{n}}}", code):
        raise TemplateError(f"--code: {code!r} is not the {n}-digit administrative code of a {level}")
    sets = [s.id for s in criteria_sets().values() if s.period == period]
    procs = [p.id for p in procedures().values() if p.period == period]
    if not sets or not procs:
        have = sorted({s.period for s in criteria_sets().values()})
        raise TemplateError(f"--period: the catalogue has no criteria set and procedure for {period!r} "
                            f"(periods: {', '.join(have)})")
    seen: set[str] = set()
    for c in communes:
        if not re.fullmatch(r"\d{5}", c):
            raise TemplateError(f"--communes: {c!r} is not a 5-digit commune code")
        if c in seen:
            raise TemplateError(f"--communes: commune {c} is listed twice")
        seen.add(c)
    return sets[0], procs[0]


def read_commune_codes(text: str) -> list[str]:
    """Commune codes from ``--communes``: a file (one code per line, or a CSV whose first column is the
    code, a header allowed) or codes separated by commas, semicolons or spaces."""
    path = Path(text)
    if path.is_file():
        lines = path.read_text(encoding="utf-8-sig").splitlines()
        codes = [ln.split(",")[0].split(";")[0].strip() for ln in lines if ln.strip()]
        return [c for i, c in enumerate(codes) if not (i == 0 and not c.isdigit())]
    return [c for c in re.split(r"[,;\s]+", text.strip()) if c]


def _examples(year: int) -> dict[str, dict[str, Any]]:
    """One invented example row per sheet the office fills from scratch (dates in the period's first year)."""
    d = dt.date
    return {
        "communes": {"code": "00001", "name": "Xã Ví Dụ", "status": "not_recognised", "criteria_met": 17,
                     "missing_criteria": "2;17", "target_works_done": d(year, 9, 30),
                     "target_recognition": d(year, 12, 31), "disadvantaged": False, "plan_ref": "II.1",
                     "target_level": "ntm"},
        "agencies": {"agency_id": "KT_HT", "name_vi": "Phòng Kinh tế và Hạ tầng",
                     "name_en": "Economy and Infrastructure office", "kind": "office", "weekly_capacity": 10,
                     "source": "giả định: 2 người"},
        "capacity_changes": {"agency_id": "KT_HT", "start_date": d(year, 1, 20), "end_date": d(year, 2, 10),
                             "weekly_capacity": 2, "source": "Tết"},
        "work_types": {"work_type": "axis_road", "name_vi": "Cứng hóa đường trục xã", "name_en": "Pave axis road",
                       "unit": "km", "unit_cost_mvnd": 1290, "duration_fixed_days": 10,
                       "duration_per_batch_days": 30, "parallel_per_commune": 2, "lead_agency": "KT_HT",
                       "effort_per_week": 0.6, "calendar": "construction", "accelerable": True,
                       "source": "giả định: đơn giá của huyện"},
        "tasks": {"task_id": "00001-road", "commune_code": "00001", "criterion": "2", "work_type": "axis_road",
                  "quantity": 1.5, "quantity_estimated": False, "unit": "km",
                  "description_vi": "Cứng hóa 1,5 km đường trục xã", "plan_ref": "II.1"},
        "sources": {"source_id": "NS_TINH", "name_vi": "Ngân sách tỉnh", "name_en": "Provincial budget",
                    "pays_for": "*", "source": "kế hoạch vốn"},
        "funding": {"tranche_id": "NS_TINH-1", "source_id": "NS_TINH", "date_available": d(year, 3, 1),
                    "amount_mvnd": 1000, "source": "kế hoạch vốn"},
        "calendar": {"calendar": "construction", "start_date": d(year, 1, 25), "end_date": d(year, 2, 10),
                     "name_vi": "Nghỉ Tết", "name_en": "Tết break", "source": "lịch nghỉ"},
        "recognition_steps": {"chain": "commune", "step": "appraisal", "duration_days": 20,
                              "source": "kế hoạch của tỉnh: 20 ngày"},
        "step_progress": {"commune_code": "00001", "step": "dossier", "share_remaining": 0.5,
                          "source": "giả định: kế hoạch ghi 'đang hoàn thiện hồ sơ', còn khoảng một nửa"},
        "districts": {"code": "001", "name": "Huyện Ví Dụ", "source": "danh mục hành chính"},
        "council_sessions": {"session_id": "HD-1", "date": d(year, 11, 20), "capacity": 11, "cutoff_days": 10,
                             "source": "lịch họp của hội đồng thẩm định tỉnh"},
    }


def new_plan_workbook(out: str | os.PathLike[str], *, unit: str, code: str, level: str, period: str,
                      communes: Sequence[str] = (), lang: str = "vi") -> Path:
    """Write the workbook of a new plan to ``out`` (never replacing a file).

    Parameters
    ----------
    out
        The ``.xlsx`` file to create.
    unit, code, level, period
        The owning unit's name, administrative code (2, 3 or 5 digits by level), level
        (``province``, ``district``, ``commune``) and programme period (``2021-2025``): the
        catalogue's criteria set and procedure of that period are chosen.
    communes
        Commune codes to list in the ``communes`` sheet (5 digits each, no duplicates).
    lang
        ``"vi"`` (default) or ``"en"``: headings, instructions and yes/no words.

    Returns
    -------
    Path
        ``out``.

    Raises
    ------
    TemplateError
        A bad argument, or ``out`` exists already.
    """
    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise TemplateError(f"{out}: a plan workbook ends in .xlsx")
    if out.exists():
        raise TemplateError(f"{out} exists: choose another name (a file is never replaced)")
    cset, proc = _check_inputs(unit, code, level, period, communes)
    data = _workbook_bytes(unit.strip(), code, level, period, cset, proc, list(communes), lang)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        try:
            os.link(tmp, out)  # fails when ``out`` appeared meanwhile: never replaced
        except FileExistsError:
            raise TemplateError(f"{out} exists: choose another name (a file is never replaced)") from None
    finally:
        Path(tmp).unlink(missing_ok=True)
    return out


def _rows_of(cset: str, proc: str, unit: dict[str, Any], communes: list[str],
             level: str) -> dict[str, list[dict[str, Any]]]:
    """Real rows (not examples) of each sheet."""
    rows: dict[str, list[dict[str, Any]]] = {t.name: [] for t in TABLES}
    rows["unit"] = [unit]
    rows["settings"] = [{"key": r["key"], "value": r["value"], "description": r["description"],
                         "source": f"{r['source']} [{r['mark']}]"} for r in settings_defaults()]
    for lst in criteria_sets()[cset].lists.values():
        if level == "commune" and lst.unit_level == "district":
            continue
        rows["criteria"] += [{"set": lst.list, "code": c["code"], "group": c["group"], "name_vi": c["name_vi"],
                              "name_en": c["name_en"], "source": f"{lst.decision}: {c['source']} [{c['mark']}]"}
                             for c in lst.criteria]
    used = {s["agency_id"] for s in procedures()[proc].steps if level != "commune" or s["chain"] == "commune"}
    rows["agencies"] = [{"agency_id": r["agency_id"], "name_vi": r["name_vi"], "name_en": r["name_en"],
                         "kind": r["kind"], "source": f"{r['source']} [{r['mark']}]"}
                        for r in agency_roles() if r["agency_id"] in used]
    rows["communes"] = [{"code": c, "status": "not_recognised", "target_level": "ntm"} for c in communes]
    return rows


def _workbook_bytes(unit: str, code: str, level: str, period: str, cset: str, proc: str, communes: list[str],
                    lang: str) -> bytes:
    import openpyxl
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    k = LANGS.index(check_lang(lang))  # every text below is a (vi, en) pair
    year = int(period[:4])
    yes_no = YES_NO[k]
    mark = f"{EXAMPLE_MARKS[k]}: "
    unit_row = {"code": code, "name": unit, "level": level, "period": period, "criteria_set": cset,
                "procedure": proc, "source": "ntm-sched plan new"}
    rows = _rows_of(cset, proc, unit_row, communes, level)
    examples = _examples(year)
    wb = openpyxl.Workbook()
    cover = wb.active
    cover.title = COVER_SHEET
    bold, example_fill = Font(bold=True), PatternFill("solid", fgColor="FFF2CC")
    key_column = {"agencies": "A", "work_types": "A", "sources": "A", "communes": "A", "criteria": "B"}

    for t in TABLES:
        ws = wb.create_sheet(t.name)
        for j, c in enumerate(t.columns, start=1):
            vi_en = TABLE_HEADINGS.get((t.name, c.name)) or HEADINGS.get(c.name, (c.name, c.name))
            head = ws.cell(row=1, column=j, value=("# " if j == 1 else "") + vi_en[k])
            head.font = Font(italic=True)
            key = ws.cell(row=2, column=j, value=c.name)
            key.font = bold
            if c.doc:
                key.comment = Comment(c.doc, "ntm-sched")
            ws.column_dimensions[key.column_letter].width = max(12, min(40, len(vi_en[0]) + 4))
        body = rows[t.name] + ([examples[t.name]] if t.name in examples else [])
        for i, rec in enumerate(body, start=FIRST_DATA_ROW):
            is_example = rec is examples.get(t.name)
            for j, c in enumerate(t.columns, start=1):
                v = rec.get(c.name)
                if c.kind == "bool" and isinstance(v, bool):
                    v = yes_no[0] if v else yes_no[1]
                if is_example and j == 1:
                    v = f"{mark}{'' if v is None else v}"
                if v is None or v == "":
                    continue
                cell = ws.cell(row=i, column=j, value=v)
                if is_example:
                    cell.fill = example_fill
        _validations(ws, t.columns, key_column, yes_no, DataValidation)
        if t.name == "step_progress":  # the steps of the commune chain of the unit's procedure
            steps = ",".join(s["step"] for s in procedures()[proc].steps if s["chain"] == "commune")
            letter = ws.cell(row=2, column=[c.name for c in t.columns].index("step") + 1).column_letter
            dv = DataValidation(type="list", formula1=f'"{steps}"', allow_blank=False, errorStyle="stop")
            ws.add_data_validation(dv)
            dv.add(f"{letter}{FIRST_DATA_ROW}:{letter}{LAST_VALIDATED_ROW}")
        for j, c in enumerate(t.columns, start=1):
            if c.kind == "date":
                for i in range(FIRST_DATA_ROW, FIRST_DATA_ROW + 200):
                    ws.cell(row=i, column=j).number_format = "dd/mm/yyyy"
        ws.freeze_panes = f"A{FIRST_DATA_ROW}"

    _cover(cover, unit, code, level, period, cset, proc, k, bold, Alignment)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _validations(ws: Any, columns: Sequence[Column], key_column: dict[str, str], yes_no: tuple[str, str],
                 dv_class: Any) -> None:
    """Drop-down lists: fixed choices, yes/no, and references to the key column of another sheet."""
    refs = {"agencies.agency_id": "agencies", "work_types.work_type": "work_types",
            "sources.source_id": "sources", "communes.code": "communes"}
    for j, c in enumerate(columns, start=1):
        letter = ws.cell(row=2, column=j).column_letter
        area = f"{letter}{FIRST_DATA_ROW}:{letter}{LAST_VALIDATED_ROW}"
        formula, strict = None, True
        if c.choices:
            formula = '"' + ",".join(c.choices) + '"'
        elif c.kind == "bool":
            formula = f'"{yes_no[0]},{yes_no[1]}"'
        elif c.kind != "list" and c.ref in refs:
            sheet = refs[c.ref]
            formula = f"{sheet}!${key_column[sheet]}${FIRST_DATA_ROW}:${key_column[sheet]}${LAST_VALIDATED_ROW}"
            strict = not c.ref_extra  # DISTRICT is allowed besides the communes: warn only
        elif c.name == "criterion":
            formula = f"criteria!$B${FIRST_DATA_ROW}:$B${LAST_VALIDATED_ROW}"
            strict = False  # "all" (the whole set) is allowed too
        if formula is None:
            continue
        dv = dv_class(type="list", formula1=formula, allow_blank=c.nullable,
                      errorStyle="stop" if strict else "warning")
        ws.add_data_validation(dv)
        dv.add(area)


def _cover(ws: Any, unit: str, code: str, level: str, period: str, cset: str, proc: str, k: int,
           bold: Any, alignment: Any) -> None:
    """The cover sheet in language index ``k`` of :data:`ntm_sched.i18n.LANGS`."""
    words = LEVEL_WORDS.get(level, (level, level))
    lines = [COVER["title"][k].format(unit=unit, level=words[k], code=code, period=period), "",
             COVER["catalogue"][k].format(cset=cset, proc=proc), COVER["marks"][k], "", COVER["order"][k]]
    lines += [f"{i}. {g[0]}: {g[1 + k]}" for i, g in enumerate(GUIDE, start=1)]
    lines += ["", COVER["examples"][k], COVER["units"][k], COVER["then"][k]]
    for i, text in enumerate(lines, start=1):
        cell = ws.cell(row=i, column=1, value=text)
        cell.alignment = alignment(wrap_text=True, vertical="top")
        if i == 1:
            cell.font = bold
    ws.column_dimensions["A"].width = 110
    # printed, the instructions fit one page wide (landscape), as the office reads them before filling
    ws.page_setup.orientation = "landscape"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0


__all__ = ["TemplateError", "new_plan_workbook", "read_commune_codes"]
