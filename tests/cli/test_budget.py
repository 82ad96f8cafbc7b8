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


def test_cli_cuts_thorough_is_passed_and_written(tmp_path, monkeypatch):
    import json

    import pandas as pd

    import ntm_sched.cli.budget as cb
    from ntm_sched.studies.budget.cuts_table import CUTS_COLUMNS

    asked = []

    def fake(plan, levels, opts, search_time, question_time, thorough):
        asked.append(thorough)
        row = {c: None for c in CUTS_COLUMNS}
        row.update(level=1.0, set_size=1, set_status="proven", on_time_set="07303", status="OPTIMAL", gap=0.0,
                   communes_on_time=1, method="thorough" if thorough else "standard", verified=True)
        return pd.DataFrame([row], columns=CUTS_COLUMNS)

    monkeypatch.setattr(cb, "budget_cuts", fake)
    for flag, out in ((["--thorough"], "t"), ([], "s")):
        assert main(["budget", "cuts", "--levels", "1", *flag, "--out", str(tmp_path / out)]) == 0
        summary = json.loads((tmp_path / out / "summary.json").read_text(encoding="utf-8"))
        assert summary["method"] == ("thorough" if flag else "standard")
    assert asked == [True, False]
