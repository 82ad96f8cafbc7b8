"""``plan new``: the workbook an office fills, filled here cell by cell through openpyxl as a person would,
then validated and solved; examples left in, bad arguments and an existing file are refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from ntm_sched.cli import main
from ntm_sched.plan import load_plan, validate_path
from ntm_sched.plan.schema import COVER_SHEET, TABLES
from ntm_sched.plan.template import FIRST_DATA_ROW, TemplateError, new_plan_workbook, read_commune_codes

UNIT = {"unit": "Sơn Hà", "code": "299", "level": "district", "period": "2021-2025"}


def _new(tmp_path: Path, **kw) -> Path:
    return new_plan_workbook(tmp_path / "plan.xlsx", **{**UNIT, "communes": ["90001", "90002"], **kw})


def _columns(ws) -> dict[str, int]:
    return {ws.cell(row=2, column=j).value: j for j in range(1, ws.max_column + 1)}


def _example_rows(ws) -> list[int]:
    return [r for r in range(FIRST_DATA_ROW, ws.max_row + 1)
            if str(ws.cell(row=r, column=1).value or "").startswith(("VÍ DỤ", "EXAMPLE"))]


def _fill(ws, values: dict[str, object], row: int | None = None) -> None:
    """Type ``values`` into a row (the next empty one by default), one cell at a time."""
    cols = _columns(ws)
    if row is None:
        row = FIRST_DATA_ROW
        while any(ws.cell(row=row, column=j).value not in (None, "") for j in cols.values()):
            row += 1
    for name, v in values.items():
        ws.cell(row=row, column=cols[name], value=v)


def _row_of(ws, column: str, value: str) -> int:
    j = _columns(ws)[column]
    return next(r for r in range(FIRST_DATA_ROW, ws.max_row + 1) if ws.cell(row=r, column=j).value == value)


def _fill_plan(path: Path) -> None:
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:  # the person deletes the yellow example rows first
        for r in reversed(_example_rows(ws)):
            ws.delete_rows(r)
    ws = wb["communes"]
    _fill(ws, {"name": "Thử Một", "criteria_met": 17, "missing_criteria": "2;17", "disadvantaged": "không",
               "target_works_done": dt.date(2022, 9, 30), "target_recognition": dt.date(2022, 12, 31)},
          row=_row_of(ws, "code", "90001"))
    _fill(ws, {"name": "Thử Hai", "criteria_met": 18, "missing_criteria": "14", "disadvantaged": "có",
               "target_level": "nang_cao", "level_reached": "ntm", "target_recognition": dt.date(2023, 6, 30)},
          row=_row_of(ws, "code", "90002"))
    ws = wb["agencies"]
    for r in range(FIRST_DATA_ROW, ws.max_row + 1):
        ws.cell(row=r, column=_columns(ws)["weekly_capacity"], value=10)
    _fill(ws, {"agency_id": "KT_HT", "name_vi": "Phòng Kinh tế và Hạ tầng", "name_en": "Infrastructure office",
               "kind": "office", "weekly_capacity": 8, "source": "giả định"})
    ws = wb["work_types"]
    for wt, unit, cost, days in (("road", "km", 1200, 30), ("waste", "điểm", 300, 20), ("training", "lớp", 50, 10)):
        _fill(ws, {"work_type": wt, "name_vi": f"Việc {wt}", "name_en": wt, "unit": unit, "unit_cost_mvnd": cost,
                   "duration_fixed_days": 5, "duration_per_batch_days": days, "parallel_per_commune": 1,
                   "lead_agency": "KT_HT", "effort_per_week": 0.5, "calendar": "construction",
                   "accelerable": "không", "source": "giả định"})
    ws = wb["tasks"]
    for tid, code, crit, wt, q, unit in (("T1", "90001", "2", "road", 1.5, "km"),
                                          ("T2", "90001", "17", "waste", 2, "điểm"),
                                          ("T3", "90002", "14", "training", 1, "lớp")):
        _fill(ws, {"task_id": tid, "commune_code": code, "criterion": crit, "work_type": wt, "quantity": q,
                   "quantity_estimated": "không", "unit": unit, "description_vi": f"Việc {tid}", "plan_ref": "II"})
    _fill(wb["sources"], {"source_id": "NS", "name_vi": "Ngân sách", "name_en": "Budget", "pays_for": "*",
                          "source": "kế hoạch vốn"})
    _fill(wb["funding"], {"tranche_id": "NS-1", "source_id": "NS", "date_available": dt.date(2022, 3, 1),
                          "amount_mvnd": 5000, "source": "kế hoạch vốn"})
    # Thử Hai's dossier is being finished (the plan's 'đang hoàn thiện hồ sơ'): 3 of its 10 days left
    _fill(wb["step_progress"], {"commune_code": "90002", "step": "dossier", "share_remaining": 0.25,
                                "source": "giả định: hồ sơ đang hoàn thiện"})
    ws = wb["settings"]
    for key, value in (("plan_start", dt.date(2022, 3, 1)), ("horizon_end", dt.date(2024, 12, 31))):
        _fill(ws, {"value": value}, row=_row_of(ws, "key", key))
    wb.save(path)


def test_the_workbook_has_every_sheet_lists_and_examples(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(_new(tmp_path))
    assert wb.sheetnames == [COVER_SHEET] + [t.name for t in TABLES]
    assert "Sơn Hà (cấp huyện, mã 299)" in wb[COVER_SHEET]["A1"].value  # the level in the cover's language
    setup = wb[COVER_SHEET].page_setup  # printed: one page wide
    assert wb[COVER_SHEET].sheet_properties.pageSetUpPr.fitToPage and setup.fitToWidth == 1
    assert wb["communes"]["A1"].value.startswith("# ")  # Vietnamese headings above the column names
    assert [c.value for c in wb["tasks"][2]][:3] == ["task_id", "commune_code", "criterion"]
    lists = {str(dv.sqref): dv.formula1 for dv in wb["tasks"].data_validations.dataValidation}
    assert any("agencies!" in f for f in lists.values()) and any("criteria!" in f for f in lists.values())
    assert any('"có,không"' == f for f in lists.values())
    for t in TABLES:  # one example row in every sheet the office fills from scratch
        assert len(_example_rows(wb[t.name])) == (0 if t.name in ("unit", "settings", "criteria") else 1), t.name
    assert wb["unit"]["E3"].value == "ntm_2021_2025" and wb["unit"]["F3"].value == "qd18_2022"


def test_the_step_progress_sheet_has_vietnamese_headings_the_procedures_steps_and_an_example(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(_new(tmp_path))
    ws = wb["step_progress"]
    assert [c.value for c in ws[1]] == ["# Mã xã", "Bước công nhận",
                                        "Phần còn lại của bước (0 = đã xong, 1 = chưa làm)", "Nguồn / căn cứ"]
    assert [c.value for c in ws[2]] == ["commune_code", "step", "share_remaining", "source"]
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation}
    # the commune chain of the period's procedure (qd18_2022), and the communes of the communes sheet
    assert lists["B3:B1000"] == '"works_done,dossier,survey,inspection,public_posting,submission,appraisal,decision"'
    assert lists["A3:A1000"].startswith("communes!$A$3")
    assert _example_rows(ws) == [FIRST_DATA_ROW] and ws["C3"].value == 0.5
    cover = " ".join(str(c.value) for c in wb[COVER_SHEET]["A"] if c.value)
    assert "step_progress: Không bắt buộc" in cover and "đang hoàn thiện hồ sơ" in cover
    english = openpyxl.load_workbook(new_plan_workbook(tmp_path / "en.xlsx", **UNIT, lang="en"))["step_progress"]
    assert english["A1"].value == "# Commune code" and english["A3"].value.startswith("EXAMPLE")


def test_examples_left_in_are_located_errors(tmp_path: Path) -> None:
    path = _new(tmp_path)
    errors = [i for i in validate_path(path) if i.is_error and "example row" in i.message]
    assert {(i.sheet, i.row) for i in errors} >= {("tasks", 3), ("work_types", 3), ("communes", 5),
                                                   ("step_progress", 3)}


def test_a_workbook_filled_cell_by_cell_validates_solves_and_names_its_unit(tmp_path: Path) -> None:
    from ntm_sched.domain import solve_plan
    from ntm_sched.i18n import commune_names

    path = _new(tmp_path)
    _fill_plan(path)
    issues = validate_path(path)
    assert [i for i in issues if i.is_error] == [], [str(i) for i in issues]
    plan = load_plan(path)
    assert plan.unit is not None and plan.unit.name == "Sơn Hà"
    assert {s.step for s in plan.recognition_steps if s.chain == "commune"} >= {"inspection", "public_posting"}
    assert plan.step_share("90002", "dossier") == 0.25 and plan.step_share("90001", "dossier") == 1.0
    res = solve_plan(plan, time_limit=20, workers=1, seed=0)
    assert res.status in ("OPTIMAL", "FEASIBLE") and res.summary["verified"], res.summary
    days = {t.id: t.modes[0].duration for t in res.model.problem.tasks}
    assert (days["90002:dossier"], days["90001:dossier"]) == (3, 10)  # ceil(0.25 * 10 days)
    assert commune_names(plan, "vi")["DISTRICT"] == "Huyện Sơn Hà"


def test_plan_new_never_replaces_a_file_and_refuses_bad_arguments(tmp_path: Path, capsys) -> None:
    out = tmp_path / "p.xlsx"
    out.write_bytes(b"mine")
    args = ["plan", "new", "--unit", "Sơn Hà", "--code", "299", "--level", "district", "--period", "2021-2025",
            "--out", str(out)]
    assert main(args) == 2 and out.read_bytes() == b"mine"
    assert "never replaced" in capsys.readouterr().err
    fresh = tmp_path / "q.xlsx"
    for bad in (["--code", "29"], ["--period", "2026-2030"], ["--communes", "9001,90002"],
                ["--communes", "90001,90001"]):
        argv = args[:-1] + [str(fresh)] + bad
        assert main(argv) == 2, bad
        assert not fresh.exists()
    assert main(args[:-1] + [str(fresh), "--communes", "90001 90002", "--lang", "en"]) == 0
    assert openpyxl.load_workbook(fresh)["communes"]["A3"].value == "90001"
    with pytest.raises(TemplateError):
        new_plan_workbook(tmp_path / "x.csv", **UNIT)


def test_commune_codes_come_from_text_or_a_file(tmp_path: Path) -> None:
    f = tmp_path / "codes.csv"
    f.write_text("code,name\n90001,Một\n90002,Hai\n", encoding="utf-8")
    assert read_commune_codes(str(f)) == ["90001", "90002"]
    assert read_commune_codes("90001; 90002,90003") == ["90001", "90002", "90003"]


def test_the_filled_workbook_reports(tmp_path: Path, monkeypatch) -> None:
    """The office's next step after solving: the scenario report of its own workbook (a scenario file
    beside it), in its own name and nobody else's."""
    import json

    path = _new(tmp_path)
    _fill_plan(path)
    (tmp_path / "base.yaml").write_text("plan: plan.xlsx\nsolver:\n  time_limit: 20\n  workers: 1\n",
                                        encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["report", str(tmp_path / "base.yaml"), "--run", "office"]) == 0
    out = tmp_path / "outputs" / "office" / "base"
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] in ("OPTIMAL", "FEASIBLE") and summary["verified"] is True
    assert summary["unit"]["name"] == "Sơn Hà" and summary["repeatable"] is True
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "Sơn Hà" in html and "Tân Yên" not in html
