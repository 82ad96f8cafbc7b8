"""Atomic output: a folder or file is either the old one or the complete new one, never half."""

from __future__ import annotations

import datetime as dt
import json
import sys

import numpy as np
import pytest

from ntm_sched import io
from ntm_sched.io import MARKER, atomic_dir, atomic_write_text, write_json
from ntm_sched.io import paths as io_paths


def test_atomic_dir_publishes_only_on_success(tmp_path) -> None:
    target = tmp_path / "out"
    with atomic_dir(target) as tmp:
        (tmp / "a.csv").write_text("x\n", encoding="utf-8")
        assert not target.exists()  # nothing visible until the block ends
    assert (target / "a.csv").read_text(encoding="utf-8") == "x\n"

    with pytest.raises(RuntimeError), atomic_dir(target) as tmp:
        (tmp / "b.csv").write_text("half", encoding="utf-8")
        raise RuntimeError("solver died")
    assert sorted(p.name for p in target.iterdir()) == [MARKER, "a.csv"]  # the old output, untouched
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no staging folder left behind


def test_atomic_dir_replaces_a_previous_output_whole(tmp_path) -> None:
    target = tmp_path / "out"
    with atomic_dir(target) as tmp:
        (tmp / "old.csv").write_text("1", encoding="utf-8")
    with atomic_dir(target) as tmp:
        (tmp / "new.csv").write_text("2", encoding="utf-8")
    assert sorted(p.name for p in target.iterdir()) == [MARKER, "new.csv"]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_atomic_write_text_keeps_the_old_file_when_writing_fails(tmp_path, monkeypatch) -> None:
    import ntm_sched.io.output as output

    path = tmp_path / "summary.txt"
    atomic_write_text(path, "Xã Liên Chung\n")
    assert path.read_text(encoding="utf-8") == "Xã Liên Chung\n"

    def disk_full(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output.os, "replace", disk_full)  # the new text is written, the rename fails
    with pytest.raises(OSError):
        atomic_write_text(path, "Xã Ngọc Thiện\n")
    assert path.read_text(encoding="utf-8") == "Xã Liên Chung\n"
    assert [p.name for p in tmp_path.iterdir()] == ["summary.txt"]  # no temporary file left


def test_write_json_keeps_diacritics_and_writes_dates_iso(tmp_path) -> None:
    path = tmp_path / "s.json"
    write_json(path, {"xã": "Ngọc Thiện", "date": dt.date(2019, 11, 30), "n": np.int64(3), "x": np.float64(0.5)})
    text = path.read_text(encoding="utf-8")
    assert "Ngọc Thiện" in text and "\\u" not in text
    assert json.loads(text) == {"xã": "Ngọc Thiện", "date": "2019-11-30", "n": 3, "x": 0.5}
    with pytest.raises(TypeError, match="not JSON serialisable: object"):
        write_json(tmp_path / "bad.json", {"o": object()})
    assert not (tmp_path / "bad.json").exists()


def test_write_tables_replaces_its_own_folder_or_writes_into_a_shared_one(tmp_path):
    import pandas as pd

    from ntm_sched.io import write_tables

    df = pd.DataFrame({"d": [dt.date(2020, 1, 2)], "x": ["Tân Yên"]})
    out = write_tables(tmp_path / "o", {"t": df}, {"status": "OPTIMAL", "when": dt.date(2020, 1, 2)},
                       workbook="book.xlsx")
    assert (out / "t.csv").read_text(encoding="utf-8") == "d,x\n2020-01-02,Tân Yên\n"
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["when"] == "2020-01-02"
    assert pd.read_excel(out / "book.xlsx", sheet_name="t")["x"].tolist() == ["Tân Yên"]
    (out / "stale.csv").write_text("old", encoding="utf-8")
    write_tables(out, {"t": df})  # the command's own folder: replaced whole
    assert not (out / "stale.csv").exists()
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "figure.png").write_bytes(b"png")
    write_tables(shared, {"t": df}, encoding="utf-8-sig", replace_folder=False)
    assert (shared / "figure.png").exists() and (shared / "t.csv").read_bytes().startswith(b"\xef\xbb\xbf")


# the project's files are found next to the package or installed with it (a plain pip install)

def test_project_root_in_a_checkout_holds_data_and_notebooks():
    root = io.project_root()
    assert (root / "data" / "plans.csv").exists()
    assert (root / "data" / "tan_yen_2019" / "scenarios" / "base.yaml").exists()
    assert (root / "notebooks" / "scenario_report.ipynb").exists()
    assert io.data_dir() == root / "data" and io.notebooks_dir() == root / "notebooks"


def test_project_root_falls_back_to_the_installed_share_folder(tmp_path, monkeypatch):
    share = tmp_path / "share" / "ntm-sched"
    (share / "data").mkdir(parents=True)
    (share / "data" / "plans.csv").write_text("plan,default,note\n", encoding="utf-8")
    (share / "notebooks").mkdir()
    monkeypatch.setattr(io_paths, "__file__", str(tmp_path / "site-packages" / "ntm_sched" / "io" / "paths.py"))
    monkeypatch.setattr(sys, "prefix", str(tmp_path))
    assert io.project_root() == share
    monkeypatch.setattr(sys, "prefix", str(tmp_path / "nowhere"))
    monkeypatch.setattr(sys, "base_prefix", str(tmp_path / "nowhere"))
    monkeypatch.setattr(io_paths.site, "USER_BASE", str(tmp_path / "nowhere"))
    with pytest.raises(FileNotFoundError, match="reinstall"):
        io.project_root()


# --------------------------------------------------------------------------- the one CSV reader
def test_read_csv_text_keeps_the_line_each_row_starts_on(tmp_path) -> None:
    p = tmp_path / "t.csv"
    p.write_bytes("\ufeff\n\na;b\n1;\"two\nlines\"\n\n3; x \n".encode())
    t = io.read_csv_text(p)
    assert (t.file, t.header, t.header_line) == ("t.csv", ["a", "b"], 3)
    assert t.rows == [(4, ["1", "two\nlines"]), (6, []), (7, ["3", " x "])]  # blank rows kept, cells as written
    assert t.where(7, "b") == "t.csv, line 7, column 'b'" == io.located("t.csv", 7, "b")


@pytest.mark.parametrize(("data", "line", "words"), [
    (b"a,b\n1,2\n3,\xff\n", 3, "not UTF-8"), (b"", None, "no header row"), (b"\n \n", None, "no header row")])
def test_read_csv_text_names_file_and_line_of_what_cannot_be_read(tmp_path, data, line, words) -> None:
    p = tmp_path / "bad.csv"
    p.write_bytes(data)
    with pytest.raises(io.CsvFileError) as exc:
        io.read_csv_text(p, name="data/bad.csv")
    assert exc.value.file == "data/bad.csv" and exc.value.line == line and words in str(exc.value)
    assert exc.value.vi and isinstance(exc.value, ValueError)


def test_a_progress_file_that_is_not_utf8_is_a_located_issue_not_a_crash(tmp_path) -> None:
    """The progress reader let UnicodeDecodeError through (an internal error at the command line)."""
    from ntm_sched.studies.progress.files import read_progress_files

    (tmp_path / "progress.csv").write_bytes(
        "task_id,actual_start,actual_finish,percent_complete,note\nT1,,,50,Tân Yên\n".encode("cp1258"))
    issues = read_progress_files(tmp_path).issues
    hit = [i for i in issues if i.file == "progress.csv" and i.is_error]
    assert hit and hit[0].row == 2 and "not UTF-8" in hit[0].message


def test_outcomes_lines_count_blank_lines(tmp_path) -> None:
    """The outcomes reader counted records, not lines: after a blank line every line was one short."""
    from ntm_sched.report.backtest import OUTCOME_COLUMNS, OutcomesError, load_outcomes

    header = ",".join(OUTCOME_COLUMNS)
    row = {c: "x" for c in OUTCOME_COLUMNS} | {"event": "not_an_event", "earliest_date": "", "latest_date": ""}
    p = tmp_path / "o.csv"
    p.write_text(f"{header}\n\n{','.join(row[c] for c in OUTCOME_COLUMNS)}\n", encoding="utf-8")
    with pytest.raises(OutcomesError, match=r"o.csv, line 3, column 'event'"):
        load_outcomes(p)
