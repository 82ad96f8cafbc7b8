"""Progress files: every validation rule of issue 11, each problem located by file, sheet, row and column."""

from __future__ import annotations

import datetime as dt

import pytest

from ntm_sched.domain import build
from ntm_sched.plan import load_plan
from ntm_sched.studies.progress.files import ProgressValidationError, read_progress_files
from ntm_sched.studies.progress.progress_state import load_progress
from tests.studies.progress.progress_helpers import ROOT

STATUS = dt.date(2019, 10, 7)


@pytest.fixture(scope="module")
def model():
    return build(load_plan(ROOT / "data" / "tan_yen_2019"))


def write(folder, progress: str, disbursements: str = "date,source_id,task_id,amount_mvnd,note\n"):
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "progress.csv").write_text(progress, encoding="utf-8")
    (folder / "disbursements.csv").write_text(disbursements, encoding="utf-8")
    return folder


def issues_of(model, folder, status=STATUS):
    try:
        _, warnings = load_progress(model, folder, status, None)
        return warnings
    except ProgressValidationError as exc:
        return exc.issues


def find(issues, line, column, text):
    hits = [i for i in issues if i.row == line and i.column == column and text in i.message]
    assert hits, "\n".join(str(i) for i in issues)
    return hits[0]


def test_every_progress_rule_is_located(model, tmp_path) -> None:
    folder = write(tmp_path / "p", "\n".join([
        "task_id,actual_start,actual_finish,percent_complete,note",
        "NO-SUCH-TASK,2019-08-05,,10,",                     # line 2 unknown task
        "07321-waste-points,2019-08-20,2019-08-10,100,",     # line 3 finish before start
        "07321-grounds,2019-08-05,2019-10-09,100,",          # line 4 finish after the status date
        "07321-houses-tidy,05/08/2019,,120,",                # line 5 percent outside 0-100 (dd/mm/yyyy ok)
        "07303-waste-points,2019-08-05,2019-08-29,80,",      # line 6 finished below 100 %
        "07303-waste-area,2019-08-05,,100,",                 # line 7 100 % without a finish
        "07303-waste-area,2019-08-05,,50,",                  # line 8 duplicate row
        "07321:dossier,2019-10-02,,10,",                     # line 9 started before its predecessor finished
        "07330-grounds,2019-13-01,,10,",                     # line 10 no such date
        "07330-sports,,,40,",                                # line 11 progress without a start
    ]) + "\n")
    issues = issues_of(model, folder)
    find(issues, 2, "task_id", "unknown task")
    find(issues, 3, "actual_finish", "before the start")
    find(issues, 4, "actual_finish", "after the status date")
    find(issues, 5, "percent_complete", "outside 0-100")
    find(issues, 6, "percent_complete", "should be 100")
    find(issues, 7, "actual_finish", "no finish date")
    find(issues, 8, "task_id", "duplicate")
    w = find(issues, 9, "actual_start", "before its predecessor")
    assert w.severity == "warning"
    find(issues, 10, "actual_start", "no such date")
    find(issues, 11, "actual_start", "no start date")
    assert all(i.file == "progress.csv" for i in issues)
    assert "dòng 5" in find(issues, 5, "percent_complete", "outside").text("vi")


def test_every_disbursement_rule_is_located(model, tmp_path) -> None:
    folder = write(tmp_path / "d", "task_id,actual_start,actual_finish,percent_complete,note\n", "\n".join([
        "date,source_id,task_id,amount_mvnd,note",
        "2019-08-10,NO_SOURCE,07321-grounds,10,",        # line 2 unknown source
        "2019-08-10,HUYEN,NO-TASK,10,",                  # line 3 unknown task
        "2019-10-20,HUYEN,07321-grounds,10,",            # line 4 after the status date
        "2019-08-10,XA,,10,",                            # line 5 earmarked source without a task
        "2019-08-10,DAN,D1-review,10,",                  # line 6 source may not pay that task
        "2019-08-10,HUYEN,07321-grounds,-5,",            # line 7 amount not positive
        "2019-08-10,HUYEN,07321-grounds,10,x",           # line 8
        "2019-08-10,HUYEN,07321-grounds,10,x",           # line 9 duplicate of line 8
        "2019-08-16,XA,07321-grounds,250,",              # line 10 XA@07321 released 296 by then: ok
        "2019-08-20,XA,07321-houses-tidy,100,",          # line 11 cumulative 350 > 296 released
    ]) + "\n")
    issues = issues_of(model, folder)
    find(issues, 2, "source_id", "unknown source")
    find(issues, 3, "task_id", "unknown task")
    find(issues, 4, "date", "after the status date")
    find(issues, 5, "task_id", "earmarked")
    find(issues, 6, "source_id", "may not pay")
    find(issues, 7, "amount_mvnd", "must be positive")
    find(issues, 9, None, "duplicate")
    assert not [i for i in issues if i.row in (8, 10)]
    find(issues, 11, "amount_mvnd", "released only 296")
    assert all(i.file == "disbursements.csv" and i.is_error for i in issues)


def test_workbook_rows_are_located_by_sheet_and_row(model, tmp_path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "progress"
    ws.append(["task_id", "commune", "actual_start", "actual_finish", "percent_complete", "note"])
    ws.append(["07321-grounds", "An Dương", dt.datetime(2019, 8, 5), None, 150, ""])
    wb.create_sheet("disbursements").append(["date", "source_id", "task_id", "amount_mvnd", "note"])
    wb.create_sheet("huong_dan").append(["ignored"])
    path = tmp_path / "p.xlsx"
    wb.save(path)
    before = path.read_bytes()
    issues = issues_of(model, path)
    i = find(issues, 2, "percent_complete", "outside")
    assert i.sheet == "progress" and i.file == "p.xlsx" and "hàng 2" in i.text("vi")
    assert path.read_bytes() == before  # the user's file is only read


def test_dates_follow_the_one_rule_of_input_files(model, tmp_path) -> None:
    """ISO without a word; dd/mm/yyyy read with a located warning saying how; mm/dd and
    two-digit years located errors, in both tables."""
    folder = write(tmp_path / "dates", "task_id,actual_start,actual_finish,percent_complete,note\n"
                   "07321-waste-points,2019-08-05,03/09/2019,100,xong\n"   # line 2: 3 September
                   "07321-grounds,08/13/2019,,40,\n"                        # line 3: month 13
                   "07321-houses-tidy,5/8/19,,10,\n",                       # line 4: two-digit year
                   "date,source_id,task_id,amount_mvnd,note\n05/08/2019,HUYEN,07321-grounds,30,\n")
    issues = issues_of(model, folder)
    w = [i for i in issues if i.severity == "warning"]
    assert [(i.file, i.row, i.column) for i in w] == [("progress.csv", 2, "actual_finish"),
                                                      ("disbursements.csv", 2, "date")]
    assert w[0].message == "03/09/2019 read as 3 September 2019 (dd/mm/yyyy); files use ISO yyyy-mm-dd"
    assert "ngày 5 tháng 8 năm 2019" in w[1].text("vi")
    e = [i for i in issues if i.is_error and i.column == "actual_start"
         and ("month" in i.message or "year" in i.message)]
    assert [i.row for i in e] == [3, 4]
    assert "no month 13" in e[0].message and "two-digit year" in e[1].message


def test_good_files_give_progress_and_nothing_else(model, tmp_path) -> None:
    folder = write(tmp_path / "ok", "task_id,actual_start,actual_finish,percent_complete,note\n"
                   "07321-waste-points,2019-08-05,2019-08-29,100,xong\n07321-grounds,2019-08-05,,40,\n"
                   "07321-houses-tidy,,,,\n",
                   "date,source_id,task_id,amount_mvnd,note\n2019-08-05,HUYEN,07321-grounds,30,\n")
    state, warnings = load_progress(model, folder, STATUS, None)
    assert warnings == []
    assert set(state.progress) == {"07321-waste-points", "07321-grounds"}  # the empty row says nothing
    assert state.progress["07321-waste-points"].actual_finish == dt.date(2019, 8, 29)
    assert len(state.disbursements) == 1 and len(state.digest) == 64
    assert read_progress_files(folder / "progress.csv").progress[1].percent_complete == 40
