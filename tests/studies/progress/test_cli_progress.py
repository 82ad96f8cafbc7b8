"""The CLI verbs: progress template|check, replan, baseline save|list (exit codes, files, messages)."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl

from ntm_sched.cli import main
from tests.studies.progress.progress_helpers import on_baseline_progress

SOLVER = ["--workers", "1", "--seed", "0", "--time-limit", "60"]


def test_template_lists_tasks_not_done_with_vietnamese_instructions(history, tmp_path, capsys) -> None:
    out = tmp_path / "tuan.xlsx"
    assert main(["progress", "template", "--as-of", "07/10/2019", "--out", str(out), "--history", str(history)]) == 0
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["progress", "disbursements", "huong_dan"]
    head = [c.value for c in wb["progress"][1]]
    for col in ("task_id", "commune", "criterion", "description_vi", "lead_agency", "planned_start",
                "planned_finish", "actual_start", "actual_finish", "percent_complete", "note"):
        assert col in head
    ids = [r[0].value for r in wb["progress"].iter_rows(min_row=2)]
    assert "07321-waste-area" in ids and "07360:works_done" not in ids  # milestones have nothing to report
    assert [c.value for c in wb["disbursements"][1]] == ["date", "source_id", "task_id", "amount_mvnd", "note"]
    text = "\n".join(str(r[0].value) for r in wb["huong_dan"].iter_rows())
    assert "HƯỚNG DẪN" in text and "triệu đồng" in text
    # never overwrites a file
    assert main(["progress", "template", "--as-of", "07/10/2019", "--out", str(out), "--history", str(history)]) == 2
    # filled in with a mistake: located by sheet, row and column; the file is not modified
    ws = wb["progress"]
    row = ids.index("07321-waste-area") + 2
    ws.cell(row, head.index("actual_start") + 1, "05/08/2019")
    ws.cell(row, head.index("percent_complete") + 1, 140)
    wb.save(out)
    before = out.read_bytes()
    capsys.readouterr()
    assert main(["progress", "check", "--progress", str(out), "--as-of", "2019-10-07", "--history", str(history),
                 "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert f"sheet 'progress', row {row}, column 'percent_complete'" in err
    assert out.read_bytes() == before


def test_replan_writes_six_files_and_the_verdict_then_lists_the_history(history, tmp_path, capsys) -> None:
    # progress as the baseline planned it: the re-plan is proven optimal in seconds (the worked
    # example's week 1 takes half a minute; test_replan and test_giao_ban re-plan it, once)
    progress = on_baseline_progress(history, dt.date(2019, 10, 7), tmp_path / "p")
    out = tmp_path / "out"
    rc = main(["replan", "--progress", str(progress), "--as-of", "2019-10-07", "--out", str(out),
               "--history", str(history), *SOLVER])
    printed = capsys.readouterr().out
    assert rc == 0, printed
    for f in ("schedule.csv", "milestones.csv", "allocation.csv", "agency_load.csv", "summary.json",
              "variance.csv", "checker.txt"):
        assert (out / f).exists(), f
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert summary["checker_ok"] is True and summary["status_date"] == "2019-10-07"
    assert "checker: schedule OK" in (out / "checker.txt").read_text()
    assert "snapshot:" in printed
    assert main(["baseline", "list", "--history", str(history)]) == 0
    listing = capsys.readouterr().out
    assert "baseline" in listing and "2019-10-07" in listing
    assert main(["baseline", "save", "--history", str(history), *SOLVER]) == 1  # never overwritten
    assert "never overwritten" in capsys.readouterr().err


def test_replan_with_a_bad_file_exits_1_naming_the_row(history, tmp_path, capsys) -> None:
    (tmp_path / "progress.csv").write_text("task_id,actual_start,actual_finish,percent_complete,note\n"
                                           "07321-grounds,2019-08-05,,-3,\n", encoding="utf-8")
    rc = main(["replan", "--progress", str(tmp_path / "progress.csv"), "--as-of", "2019-10-07",
               "--history", str(history), "--out", str(tmp_path / "o"), *SOLVER])
    assert rc == 1
    err = capsys.readouterr().err
    assert "progress.csv, dòng 2, cột 'percent_complete'" in err
    assert not (tmp_path / "o").exists()
