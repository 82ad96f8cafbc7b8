"""Each class of bad input is reported with file, row and column; inputs stay byte-identical."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import openpyxl
import pytest

from ntm_sched.plan import Issue, PlanValidationError, load_plan, validate_path, write_plan
from tests.plan.plan_fixture import tree_hash, write_tables


def _bad(tmp_path: Path, tables, *, sep: str = ",", bom: bool = False) -> Path:
    return write_tables(tmp_path / "bad", tables, sep=sep, bom=bom)


def _errors(path: Path) -> list[Issue]:
    """Load (must fail), check the error lists the same issues as validate_path, inputs unchanged."""
    before = tree_hash(path)
    with pytest.raises(PlanValidationError) as info:
        load_plan(path)
    issues = validate_path(path)
    assert tree_hash(path) == before
    assert info.value.issues == issues
    assert isinstance(info.value, ValueError)
    for i in info.value.errors:
        assert str(i) in str(info.value)
    return [i for i in issues if i.is_error]


def _one(errors: list[Issue], file: str, row: int | None, column: str | None, *words: str) -> Issue:
    hits = [e for e in errors if e.file == file and e.row == row and e.column == column
            and all(w in e.message for w in words)]
    assert hits, f"no error at {file}:{row} [{column}] with {words}; got:\n" + "\n".join(map(str, errors))
    return hits[0]


def test_valid_plan_has_no_issues(plan_dir):
    before = tree_hash(plan_dir)
    assert validate_path(plan_dir) == []
    plan = load_plan(plan_dir)
    assert len(plan.communes) == 3 and len(plan.tasks) == 4
    assert tree_hash(plan_dir) == before


def test_missing_required_file(plan_dir):
    (plan_dir / "agencies.csv").unlink()
    errors = _errors(plan_dir)
    e = _one(errors, "agencies.csv", None, None, "missing required file")
    assert "agencies" in e.message
    # optional table: no complaint
    (plan_dir / "capacity_changes.csv").unlink()
    assert not [i for i in validate_path(plan_dir) if "capacity_changes" in i.file]


def test_missing_column(tmp_path, tables):
    for r in tables["tasks"]:
        del r["quantity"]
    errors = _errors(_bad(tmp_path, tables))
    _one(errors, "tasks.csv", 1, "quantity", "missing column")


def test_unknown_column(tmp_path, tables):
    for r in tables["agencies"]:
        r["colour"] = "blue"
    errors = _errors(_bad(tmp_path, tables))
    _one(errors, "agencies.csv", 1, "colour", "unknown column 'colour'")


def test_unknown_commune_code(tmp_path, tables):
    tables["tasks"][2]["commune_code"] = "07999"
    errors = _errors(_bad(tmp_path, tables))
    e = _one(errors, "tasks.csv", 4, "commune_code", "unknown commune code", "'07999'")
    assert "communes.csv" in e.message


def test_commune_code_not_five_digits(tmp_path, tables):
    tables["communes"][0]["code"] = "7111"
    for t in tables["tasks"][:2]:
        t["commune_code"] = "7111"
    errors = _errors(_bad(tmp_path, tables))
    _one(errors, "communes.csv", 2, "code", "not 5 digits")


@pytest.mark.parametrize("table,row,column,value,noun,target", [
    ("work_types", 0, "lead_agency", "NOBODY", "unknown agency", "agencies.csv"),
    ("tasks", 1, "work_type", "bridge", "unknown work type", "work_types.csv"),
    ("tasks", 0, "lead_agency", "NOBODY", "unknown agency", "agencies.csv"),
    ("funding", 1, "source_id", "ODA", "unknown source", "sources.csv"),
    ("communes", 0, "missing_criteria", "17;18;99", "unknown criterion", "criteria.csv"),
    ("recognition_steps", 2, "agency_id", "TINH", "unknown agency", "agencies.csv"),
    ("capacity_changes", 0, "agency_id", "NOBODY", "unknown agency", "agencies.csv"),
])
def test_unknown_references(tmp_path, tables, table, row, column, value, noun, target):
    tables[table][row][column] = value
    errors = _errors(_bad(tmp_path, tables))
    bad_item = value.split(";")[-1]
    e = _one(errors, f"{table}.csv", row + 2, column, noun, repr(bad_item))
    assert target in e.message


def test_duplicate_id_names_both_rows(tmp_path, tables):
    tables["tasks"][3]["task_id"] = "T1"
    tables["tasks"][3]["predecessors"] = "T3"
    errors = _errors(_bad(tmp_path, tables))
    e = _one(errors, "tasks.csv", 5, "task_id", "duplicate key", "'T1'")
    assert "line 2" in e.message and "line 5" in e.message


def test_cyclic_precedence_names_the_tasks(tmp_path, tables):
    tables["tasks"][0]["predecessors"] = "T4"  # T1 <- T4 <- T2 <- T1
    errors = _errors(_bad(tmp_path, tables))
    e = _one(errors, "tasks.csv", 2, "predecessors", "cycle")
    for t in ("T1", "T2", "T4"):
        assert t in e.message
    assert "T3" not in e.message
    assert "T1 → T2 → T4 → T1" in e.message


def test_self_predecessor_is_a_cycle(tmp_path, tables):
    tables["tasks"][2]["predecessors"] = "T3"
    errors = _errors(_bad(tmp_path, tables))
    _one(errors, "tasks.csv", 4, "predecessors", "cycle", "T3 → T3")


def test_negative_cost(tmp_path, tables):
    tables["work_types"][1]["unit_cost_mvnd"] = "-5"
    errors = _errors(_bad(tmp_path, tables))
    _one(errors, "work_types.csv", 3, "unit_cost_mvnd", "below the minimum 0")


def test_share_remaining_must_be_a_share(tmp_path, tables):
    tables["tasks"][0]["share_remaining"] = "1.5"
    tables["tasks"][1]["share_remaining"] = "0"
    tables["tasks"][2]["share_remaining"] = "-0.2"
    tables["tasks"][3]["share_remaining"] = "0.4"  # a good one: no complaint
    errors = _errors(_bad(tmp_path, tables))
    _one(errors, "tasks.csv", 2, "share_remaining", "above 0 and at most 1")
    _one(errors, "tasks.csv", 3, "share_remaining", "above 0 and at most 1")
    _one(errors, "tasks.csv", 4, "share_remaining", "below the minimum 0")
    assert not [e for e in errors if e.row == 5]


def test_plans_without_the_new_optional_columns_still_load(plan_dir):
    # target_submission and share_remaining are optional columns: older files keep working
    assert validate_path(plan_dir) == []
    plan = load_plan(plan_dir)
    assert all(c.target_submission is None for c in plan.communes)
    assert all(t.share_remaining is None for t in plan.tasks)


def test_targets_out_of_the_chains_order_are_a_warning(tmp_path, tables):
    tables["communes"][0]["target_submission"] = "2020-05-01"  # before works done 30/06/2020
    for r in tables["communes"][1:]:
        r["target_submission"] = ""
    path = _bad(tmp_path, tables)
    issues = validate_path(path)
    w = [i for i in issues if i.file == "communes.csv" and i.row == 2 and i.column == "target_submission"]
    assert w and w[0].severity == "warning" and "before target_works_done" in w[0].message
    assert not [i for i in issues if i.is_error]


def test_non_numeric_quantity(tmp_path, tables):
    tables["tasks"][0]["quantity"] = "about 2"
    tables["tasks"][1]["quantity"] = "2,5"
    errors = _errors(_bad(tmp_path, tables))
    _one(errors, "tasks.csv", 2, "quantity", "not a number", "'about 2'")
    _one(errors, "tasks.csv", 3, "quantity", "not a number", "decimal separator")


@pytest.mark.parametrize("text,words", [
    ("2019/8/5", ("cannot read date",)),
    ("5 Aug 2019", ("cannot read date",)),
    ("31/02/2020", ("no such date",)),
    ("2019-02-29", ("no such date",)),
    ("03/14/2020", ("not a date dd/mm/yyyy", "no month 14", "month/day order")),  # mm/dd/yyyy
    ("20200314", ("cannot read date",)),   # compact ISO, which Python's fromisoformat would take
    ("2020-W11-6", ("cannot read date",)),  # ISO week date, likewise
    ("03.04.2020", ("cannot read date",)),
    ("2020-03-14 10:30", ("time of day",)),
])
def test_unparsable_date(tmp_path, tables, text, words):
    tables["funding"][0]["date_available"] = text
    errors = _errors(_bad(tmp_path, tables))
    _one(errors, "funding.csv", 2, "date_available", *words)


@pytest.mark.parametrize("text", ["05/08/19", "5/8/19", "05-08-19"])
def test_ambiguous_date_two_digit_year(tmp_path, tables, text):
    tables["calendar"][0]["start_date"] = text
    errors = _errors(_bad(tmp_path, tables))
    _one(errors, "calendar.csv", 2, "start_date", "two-digit year")


def test_vietnamese_dates_accepted_with_a_located_warning_saying_how_they_were_read(tmp_path, tables):
    tables["funding"][0]["date_available"] = "5/8/2019"
    tables["funding"][1]["date_available"] = "03/04/2020"
    tables["tasks"][0]["due_date"] = "2020-04-03"  # ISO: not a word
    path = _bad(tmp_path, tables)
    plan = load_plan(path)
    import datetime as dt
    assert [t.date_available for t in plan.funding] == [dt.date(2019, 8, 5), dt.date(2020, 4, 3)]
    issues = validate_path(path)
    assert not [i for i in issues if i.is_error]
    w = [i for i in issues if i.severity == "warning"]
    assert [(i.file, i.row, i.column) for i in w] == [("funding.csv", 2, "date_available"),
                                                      ("funding.csv", 3, "date_available")]
    assert w[1].message == "03/04/2020 read as 3 April 2020 (dd/mm/yyyy); files use ISO yyyy-mm-dd"
    assert "ngày 3 tháng 4 năm 2020" in w[1].message_vi
    assert "funding.csv" in str(w[1]) and "date_available" in str(w[1])


def test_dates_in_a_workbook_follow_the_same_rule(tmp_path, plan_dir):
    book = write_plan(load_plan(plan_dir), tmp_path / "plan.xlsx")
    wb = openpyxl.load_workbook(book)
    ws = wb["funding"]
    col = [c.value for c in ws[1]].index("date_available") + 1
    ws.cell(2, col, "03/04/2020")  # typed as text, not as an Excel date
    ws.cell(3, col, "04/13/2020")
    wb.save(book)
    issues = validate_path(book)
    w = [i for i in issues if i.severity == "warning" and i.column == "date_available"]
    assert len(w) == 1 and w[0].row == 2 and w[0].sheet == "funding" and "read as 3 April 2020" in w[0].message
    e = [i for i in issues if i.is_error]
    assert len(e) == 1 and e[0].row == 3 and e[0].column == "date_available" and "no month 13" in e[0].message


def test_end_before_start(tmp_path, tables):
    tables["calendar"][0]["end_date"] = "2020-01-01"
    tables["capacity_changes"][0]["end_date"] = "01/01/2020"
    errors = _errors(_bad(tmp_path, tables))
    _one(errors, "calendar.csv", 2, "end_date", "before start_date")
    _one(errors, "capacity_changes.csv", 2, "end_date", "before start_date")


def test_bad_choice_bool_and_empty_required(tmp_path, tables):
    tables["communes"][0]["status"] = "done"
    tables["communes"][1]["disadvantaged"] = "maybe"
    tables["agencies"][0]["name_vi"] = "  "
    errors = _errors(_bad(tmp_path, tables))
    _one(errors, "communes.csv", 2, "status", "'done' is not one of")
    _one(errors, "communes.csv", 3, "disadvantaged", "yes/no")
    _one(errors, "agencies.csv", 2, "name_vi", "empty cell")


def test_task_unit_must_match_work_type(tmp_path, tables):
    tables["tasks"][0]["unit"] = "m"
    errors = _errors(_bad(tmp_path, tables))
    _one(errors, "tasks.csv", 2, "unit", "'m'", "'km'")


def test_criteria_counts(tmp_path, tables):
    tables["communes"][0]["criteria_met"] = "15"  # lists 3 missing, 15 met implies 4
    tables["communes"][2]["criteria_met"] = "20"
    errors = _errors(_bad(tmp_path, tables))
    _one(errors, "communes.csv", 2, "missing_criteria", "implies 4")
    _one(errors, "communes.csv", 4, "criteria_met", "exceeds the 19")


def test_nfd_name_is_normalised_with_warning(tmp_path, tables):
    nfd = unicodedata.normalize("NFD", "Ngọc Châu")
    assert nfd != "Ngọc Châu"
    tables["communes"][0]["name"] = nfd
    path = _bad(tmp_path, tables)
    before = tree_hash(path)
    issues = validate_path(path)
    assert [i.severity for i in issues] == ["warning"]
    w = issues[0]
    assert (w.file, w.row, w.column) == ("communes.csv", 2, "name") and "NFC" in w.message
    plan = load_plan(path)
    assert plan.commune("07111").name == "Ngọc Châu"
    assert unicodedata.is_normalized("NFC", plan.commune("07111").name)
    assert tree_hash(path) == before


def test_names_equal_after_normalisation_are_an_error(tmp_path, tables):
    tables["communes"][1]["name"] = unicodedata.normalize("NFD", "Ngọc Châu")  # row 3 vs NFC row 2
    errors = _errors(_bad(tmp_path, tables))
    e = _one(errors, "communes.csv", 3, "name", "differ only in Unicode form")
    assert "line 2" in e.message


def test_keys_equal_after_normalisation_are_an_error(tmp_path, tables):
    tables["agencies"][0]["agency_id"] = "Sở"
    tables["agencies"][1]["agency_id"] = unicodedata.normalize("NFD", "Sở")
    errors = _errors(_bad(tmp_path, tables))
    _one(errors, "agencies.csv", 3, "agency_id", "differ only in Unicode form", "line 2")


def test_bom_and_semicolon_separator_accepted(tmp_path, tables):
    path = write_tables(tmp_path / "excel_export", tables, sep=";", bom=True)
    assert (path / "tasks.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    before = tree_hash(path)
    plan = load_plan(path)
    reference = load_plan(write_tables(tmp_path / "plain", tables))
    assert plan == reference
    assert plan.task("T4").predecessors == ("T2", "T3")  # quoted ';' lists survive
    assert tree_hash(path) == before


def test_unquoted_separator_shifting_columns(tmp_path, tables):
    path = _bad(tmp_path, tables)
    text = (path / "sources.csv").read_text(encoding="utf-8")
    (path / "sources.csv").write_text(text.replace("plan §5", "plan, §5"), encoding="utf-8")
    errors = _errors(path)
    _one(errors, "sources.csv", 2, None, "6 cells", "5 columns")


def test_several_problems_all_reported(tmp_path, tables):
    tables["tasks"][0]["quantity"] = "-1"
    tables["tasks"][1]["work_type"] = "bridge"
    tables["funding"][0]["date_available"] = "05/08/19"
    tables["communes"][2]["status"] = "maybe"
    for r in tables["agencies"]:
        r["extra"] = ""
    errors = _errors(_bad(tmp_path, tables))
    _one(errors, "tasks.csv", 2, "quantity", "minimum")
    _one(errors, "tasks.csv", 3, "work_type", "unknown work type")
    _one(errors, "funding.csv", 2, "date_available", "two-digit year")
    _one(errors, "communes.csv", 4, "status", "not one of")
    _one(errors, "agencies.csv", 1, "extra", "unknown column")
    assert len(errors) == 5


def test_excel_errors_name_sheet_and_row(tmp_path, plan_dir):
    xlsx = tmp_path / "plan.xlsx"
    write_plan(load_plan(plan_dir), xlsx)
    wb = openpyxl.load_workbook(xlsx)
    ws = wb["tasks"]
    header = [c.value for c in ws[1]]
    ws.cell(row=3, column=header.index("quantity") + 1, value="lots")
    ws.cell(row=4, column=header.index("work_type") + 1, value="bridge")
    ws = wb["funding"]
    header = [c.value for c in ws[1]]
    ws.cell(row=2, column=header.index("date_available") + 1, value="31/02/2020")
    del wb["agencies"]
    wb.save(xlsx)
    errors = _errors(xlsx)
    for e in errors:
        assert e.file == "plan.xlsx"
    e = [e for e in errors if e.sheet == "tasks" and e.row == 3 and e.column == "quantity"]
    assert e and "not a number" in e[0].message
    assert "sheet 'tasks'" in str(e[0]) and "row 3" in str(e[0])
    assert [e for e in errors if e.sheet == "tasks" and e.row == 4 and "unknown work type" in e.message]
    assert [e for e in errors if e.sheet == "funding" and e.row == 2 and "no such date" in e.message]
    assert [e for e in errors if e.sheet == "agencies" and "missing required sheet" in e.message]


def test_unknown_file_is_a_warning(plan_dir):
    (plan_dir / "notes.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    issues = validate_path(plan_dir)
    assert [(i.file, i.severity) for i in issues] == [("notes.csv", "warning")]
    load_plan(plan_dir)


def test_validate_path_never_raises(tmp_path):
    assert validate_path(tmp_path / "nope")[0].is_error
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"not a zip")
    assert validate_path(junk)[0].is_error
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "tasks.csv").write_bytes(b"task_id\n\xff\xfe\n")
    issues = validate_path(bad)
    assert any(i.file == "tasks.csv" and i.row == 2 and "UTF-8" in i.message for i in issues)


def test_windows_line_endings_keep_line_numbers(tmp_path, tables):
    tables["tasks"][2]["quantity"] = "n/a"
    path = write_tables(tmp_path / "crlf", tables, sep=";", bom=True)
    for p in path.glob("*.csv"):
        p.write_bytes(p.read_bytes().replace(b"\n", b"\r\n"))
    errors = _errors(path)
    _one(errors, "tasks.csv", 4, "quantity", "not a number")
    assert len(errors) == 1


def test_blank_lines_are_skipped_but_counted(tmp_path, tables):
    path = _bad(tmp_path, tables)
    text = (path / "agencies.csv").read_text(encoding="utf-8").splitlines()
    text.insert(2, "")
    text[3] = text[3].replace("12.5", "-1")
    (path / "agencies.csv").write_text("\n".join(text) + "\n", encoding="utf-8")
    errors = _errors(path)
    _one(errors, "agencies.csv", 4, "weekly_capacity", "minimum")


# --------------------------------------------------------------------------
# step_progress.csv: recognition steps under way at the plan's date
# --------------------------------------------------------------------------

def _progress(*rows: tuple[str, str, str]) -> list[dict[str, str]]:
    return [{"commune_code": c, "step": s, "share_remaining": x, "source": "assumption: test"} for c, s, x in rows]


def test_step_progress_rows_are_read_and_a_commune_without_one_runs_its_whole_step(plan_dir, tables):
    tables["step_progress"] = _progress(("07111", "self_check", "0.5"), ("07114", "district_check", "0"))
    path = write_tables(plan_dir, tables)
    assert validate_path(path) == []
    plan = load_plan(path)
    assert plan.step_share("07111", "self_check") == 0.5 and plan.step_share("07114", "district_check") == 0.0
    assert plan.step_share("07111", "district_check") == 1.0  # no row: the whole step
    # an empty table (header only) is a plan without progress
    tables["step_progress"] = []
    assert validate_path(write_tables(plan_dir, tables)) == []


@pytest.mark.parametrize("row,column,words", [
    (("07999", "self_check", "0.5"), "commune_code", ("unknown commune code", "'07999'", "communes.csv")),
    (("07111", "province_appraisal", "0.5"), "step",  # a step of the district chain, not the commune's
     ("unknown step 'province_appraisal'", "commune chain", "self_check, district_check")),
    (("07111", "self_check", "1.5"), "share_remaining", ("share_remaining 1.5", "between 0 and 1")),
    (("07111", "self_check", "-0.2"), "share_remaining", ("below the minimum 0",)),
    (("07111", "self_check", "half"), "share_remaining", ("not a number",)),
    (("07117", "self_check", "0.5"), "commune_code", ("commune 07117 Cao Xá is recognised", "no recognition chain")),
])
def test_a_bad_step_progress_row_is_a_located_error(tmp_path, tables, row, column, words):
    tables["step_progress"] = _progress(("07114", "district_check", "0.5"), row)
    errors = _errors(_bad(tmp_path, tables))
    _one(errors, "step_progress.csv", 3, column, *words)
    assert not [e for e in errors if e.row == 2 and e.file == "step_progress.csv"], errors  # the good row


def test_a_step_given_twice_for_one_commune_names_both_rows(tmp_path, tables):
    tables["step_progress"] = _progress(("07111", "self_check", "0.5"), ("07114", "self_check", "0.5"),
                                        ("07111", "self_check", "0.2"))
    errors = _errors(_bad(tmp_path, tables))
    e = _one(errors, "step_progress.csv", 4, "step", "duplicate key", "commune_code='07111'", "step='self_check'")
    assert "line 2" in e.message and "line 4" in e.message


def test_step_progress_errors_in_a_workbook_name_sheet_row_and_column(tmp_path, plan_dir, tables):
    tables["step_progress"] = _progress(("07111", "self_check", "0.5"))
    xlsx = write_plan(load_plan(write_tables(plan_dir, tables)), tmp_path / "plan.xlsx")
    wb = openpyxl.load_workbook(xlsx)
    ws = wb["step_progress"]
    header = [c.value for c in ws[1]]
    ws.cell(row=2, column=header.index("step") + 1, value="appraisal")
    wb.save(xlsx)
    e = _one(_errors(xlsx), "plan.xlsx", 2, "step", "unknown step 'appraisal'")
    assert e.sheet == "step_progress" and "sheet 'step_progress'" in str(e) and "row 2" in str(e)
    assert "bước 'appraisal'" in e.text("vi")
