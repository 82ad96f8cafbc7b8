"""Silent wrong answers closed in validation (the real plan, corrupted in copies): criteria still
owed without works, an empty task table, dates outside the plan's window."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from ntm_sched.plan import Issue, load_plan, validate_path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data" / "tan_yen_2019"


def _copy(tmp_path: Path) -> Path:
    d = tmp_path / "plan"
    shutil.copytree(DATA, d)
    return d


def _rows(folder: Path, table: str) -> tuple[list[str], list[dict[str, str]]]:
    with open(folder / f"{table}.csv", encoding="utf-8", newline="") as f:
        r = csv.DictReader(f)
        return list(r.fieldnames or []), list(r)


def _write(folder: Path, table: str, header: list[str], rows: list[dict[str, str]]) -> None:
    buf = io.StringIO()
    w = csv.DictWriter(buf, header, lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    (folder / f"{table}.csv").write_text(buf.getvalue(), encoding="utf-8")


def _issues(folder: Path, severity: str = "error") -> list[Issue]:
    return [i for i in validate_path(folder) if i.severity == severity]


def _find(issues: list[Issue], file: str, column: str | None, *words: str) -> Issue:
    hits = [i for i in issues if Path(i.file).name == file and i.column == column
            and all(w in i.message for w in words)]
    assert hits, f"no issue in {file} [{column}] with {words}; got:\n" + "\n".join(map(str, issues))
    return hits[0]


def test_the_real_plan_has_no_issue() -> None:
    assert validate_path(DATA) == []


def test_an_empty_task_table_is_an_error(tmp_path) -> None:
    d = _copy(tmp_path)
    header, _ = _rows(d, "tasks")
    _write(d, "tasks", header, [])
    errors = _issues(d)
    _find(errors, "tasks.csv", None, "task table is empty")
    # and every commune still owing criteria is named, with its criterion
    e = _find(errors, "communes.csv", "missing_criteria", "07357", "Liên Chung", "criterion '5'")
    assert e.row is not None
    _find(errors, "settings.csv", "value", "district criterion '7'")


def test_a_commune_owing_a_criterion_without_works_is_an_error(tmp_path) -> None:
    d = _copy(tmp_path)
    header, rows = _rows(d, "tasks")
    kept = [r for r in rows if not (r["commune_code"] == "07345" and r["criterion"] == "2")]
    assert len(kept) == len(rows) - 1
    for r in kept:  # the dropped task was nobody's predecessor in the plan; keep it that way
        assert "07345" not in r["predecessors"] or r["criterion"] != "2"
    _write(d, "tasks", header, kept)
    e = _find(_issues(d), "communes.csv", "missing_criteria", "07345", "Song Vân", "criterion '2'", "no work")
    assert e.row == 1 + [r["code"] for r in _rows(d, "communes")[1]].index("07345") + 1


def test_a_district_criterion_owed_without_works_is_an_error(tmp_path) -> None:
    d = _copy(tmp_path)
    header, rows = _rows(d, "tasks")
    drop = {r["task_id"] for r in rows if r["commune_code"] == "DISTRICT" and r["criterion"] == "1"}
    kept = [dict(r, predecessors=";".join(p for p in r["predecessors"].split(";") if p and p not in drop))
            for r in rows if r["task_id"] not in drop]
    _write(d, "tasks", header, kept)
    e = _find(_issues(d), "settings.csv", "value", "district criterion '1'", "district_missing_criteria")
    assert e.row == 6  # the setting's line in settings.csv


@pytest.mark.parametrize("table,column,value,severity,words", [
    ("tasks", "release_date", "2219-03-01", "error", ("after the plan's window", "never be scheduled")),
    ("tasks", "due_date", "2219-03-01", "error", ("after the plan's window",)),
    ("tasks", "release_date", "1819-03-01", "warning", ("before the plan's window",)),
    ("communes", "target_recognition", "2090-01-01", "error", ("after the plan's window",)),
    ("communes", "target_recognition", "2001-01-01", "warning", ("before the plan's window", "late")),
    ("funding", "date_available", "2219-01-01", "warning", ("after the plan's window", "never be used")),
    ("calendar", "start_date", "2119-01-01", "warning", ("outside the plan's window", "no effect")),
])
def test_dates_outside_the_plan_window_are_located(tmp_path, table, column, value, severity, words) -> None:
    d = _copy(tmp_path)
    header, rows = _rows(d, table)
    rows[0][column] = value
    if table == "calendar":
        rows[0]["end_date"] = "2119-01-05"
    _write(d, table, header, rows)
    issue = _find(_issues(d, severity), f"{table}.csv", column, *words)
    assert issue.row == 2 and value in issue.message


def test_date_settings_are_iso_dates_and_the_horizon_follows_the_start(tmp_path) -> None:
    d = _copy(tmp_path)
    text = (d / "settings.csv").read_text(encoding="utf-8")
    (d / "settings.csv").write_text(text.replace("horizon_end,2021-06-30", "horizon_end,30/06/2021"),
                                    encoding="utf-8")
    # the one rule of dates: dd/mm/yyyy is read, with a located warning, and the plan keeps it in ISO
    assert not _issues(d)
    _find(_issues(d, "warning"), "settings.csv", "value", "'horizon_end'", "30/06/2021 read as 30 June 2021")
    assert load_plan(d).setting("horizon_end") == "2021-06-30"
    for bad, words in (("06/30/2021", ("no month 30",)), ("20210630", ("cannot read date", "yyyy-mm-dd"))):
        (d / "settings.csv").write_text(text.replace("horizon_end,2021-06-30", f"horizon_end,{bad}"),
                                        encoding="utf-8")
        _find(_issues(d), "settings.csv", "value", "'horizon_end'", *words)
    (d / "settings.csv").write_text(text.replace("horizon_end,2021-06-30", "horizon_end,2019-01-01"),
                                    encoding="utf-8")
    _find(_issues(d), "settings.csv", "value", "not after plan_start")
    (d / "settings.csv").write_text(text.replace("communes_target,2020-02-29", "communes_target,2220-02-29"),
                                    encoding="utf-8")
    _find(_issues(d), "settings.csv", "value", "2220-02-29", "after the plan's window")
    with pytest.raises(ValueError):
        load_plan(d)


def test_overlapping_capacity_changes_of_one_agency_are_an_error(tmp_path) -> None:
    """Found by the property-based suite: an overlap reached the engine as a ProblemError."""
    d = _copy(tmp_path)
    header, rows = _rows(d, "capacity_changes")
    rows[1]["start_date"] = "2019-12-01"  # BCD_TINH line 3 now spans the Tết 2020 change of line 2
    _write(d, "capacity_changes", header, rows)
    e = _find(_issues(d), "capacity_changes.csv", "start_date", "BCD_TINH", "overlaps", "line 3")
    assert e.row == 2


def test_a_yes_no_setting_that_is_neither_is_an_error_at_its_cell(tmp_path) -> None:
    """``hard_deadlines = maybe`` validated and was read as false; ``đúng`` is a valid yes."""
    d = _copy(tmp_path)
    header, rows = _rows(d, "settings")
    line = next(i for i, r in enumerate(rows) if r["key"] == "hard_deadlines") + 2  # header is line 1
    for r in rows:
        if r["key"] == "hard_deadlines":
            r["value"] = "maybe"
    _write(d, "settings", header, rows)
    issue = _find(_issues(d), "settings.csv", "value", "hard_deadlines", "maybe")
    assert issue.row == line
    for r in rows:
        if r["key"] == "hard_deadlines":
            r["value"] = "đúng"
    _write(d, "settings", header, rows)
    assert _issues(d) == []
