"""One top-level handler for every verb: known errors give one message and exit 2 or 1, a bug
gives a short message and the log file holding its traceback (exit 3), values are checked."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ntm_sched.cli import main

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data" / "tan_yen_2019"
PSPLIB = ROOT / "tests" / "data" / "psplib"


def _scenario(tmp_path: Path, plan: Path | str) -> Path:
    (tmp_path / "base.yaml").write_text(f"plan: {plan}\n", encoding="utf-8")
    sc = tmp_path / "mine.yaml"
    sc.write_text("accelerated: false\n", encoding="utf-8")
    return sc


def test_a_scenario_whose_plan_does_not_exist_is_one_message(tmp_path, capsys) -> None:
    sc = _scenario(tmp_path, tmp_path / "no_such_plan")
    assert main(["solve", str(sc), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "key 'plan'" in err and "no_such_plan" in err and "does not exist" in err
    assert "Traceback" not in err


def test_a_reference_csv_without_its_columns_is_one_message(tmp_path, capsys) -> None:
    ref = tmp_path / "ref.csv"
    ref.write_text("name,best\nj301_1,43\n", encoding="utf-8")
    assert main(["bench", "psplib", str(PSPLIB), "--reference", str(ref), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert str(ref) in err and "instance" in err and "makespan" in err and "Traceback" not in err
    ref.write_text("instance,makespan\nj301_1,forty\n", encoding="utf-8")
    assert main(["bench", "psplib", str(PSPLIB), "--reference", str(ref), "--no-progress"]) == 2
    assert "row 2, column makespan" in capsys.readouterr().err


def test_a_missing_setting_is_bad_input_not_a_crash(tmp_path, capsys) -> None:
    plan = tmp_path / "plan"
    shutil.copytree(DATA, plan)
    lines = (plan / "settings.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (plan / "settings.csv").write_text("".join(x for x in lines if not x.startswith("advance_share,")),
                                       encoding="utf-8")
    sc = _scenario(tmp_path, plan)
    assert main(["solve", str(sc), "--out", str(tmp_path / "o"), "--time-limit", "1", "--workers", "1"]) == 2
    err = capsys.readouterr().err
    assert "settings.csv" in err and "'advance_share'" in err and "missing" in err


def test_an_unexpected_error_names_its_log_and_debug_prints_it(tmp_path, capsys, monkeypatch) -> None:
    import ntm_sched.cli.solve as solve_verb

    def boom(*a, **k):
        raise ZeroDivisionError("boom in the solver")

    monkeypatch.setattr(solve_verb, "solve_plan", boom)
    monkeypatch.setenv("NTM_SCHED_LOG_DIR", str(tmp_path / "logs"))
    argv = ["solve", "base", "--out", str(tmp_path / "o"), "--time-limit", "1", "--workers", "1"]
    assert main(argv) == 3
    err = capsys.readouterr().err
    assert "internal error in 'solve': ZeroDivisionError: boom in the solver" in err
    assert "Traceback" not in err and "--debug" in err
    logs = list((tmp_path / "logs").glob("solve-*.log"))
    assert len(logs) == 1 and str(logs[0]) in err
    text = logs[0].read_text(encoding="utf-8")
    assert "Traceback" in text and "ZeroDivisionError" in text and "boom" in text
    assert main(argv + ["--debug"]) == 3
    err = capsys.readouterr().err
    assert "Traceback" in err and "in boom" in err
    assert main(["--debug"] + argv) == 3  # before or after the verb
    assert "Traceback" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("argv,option,expected", [
    (["solve", "--workers", "0"], "--workers", ">= 1"),
    (["solve", "--workers", "-2"], "--workers", ">= 1"),
    (["solve", "--time-limit", "-5"], "--time-limit", "> 0"),
    (["solve", "--time-limit", "0"], "--time-limit", "> 0"),
    (["solve", "--time-limit", "nan"], "--time-limit", "finite"),
    (["solve", "--time-limit", "inf"], "--time-limit", "finite"),
    (["solve", "--seed", "-1"], "--seed", ">= 0"),
    (["solve", "--workers", "two"], "--workers", "whole number"),
    (["report", "base", "--timeout", "0"], "--timeout", "> 0"),
    (["report", "base", "--workers", "0"], "--workers", ">= 1"),
    (["batch", "--jobs", "0"], "--jobs", ">= 1"),
    (["batch", "--time-limit", "-1"], "--time-limit", "> 0"),
    (["budget", "minimum", "--tolerance", "1.5"], "--tolerance", "between 0 and 1"),
    (["budget", "marginal", "--amount", "-3"], "--amount", "> 0"),
    (["budget", "cuts", "--workers", "0"], "--workers", ">= 1"),
    (["bench", "psplib", "d", "--time-limit", "-5"], "--time-limit", "> 0"),
    (["bench", "psplib", "d", "--workers", "0"], "--workers", ">= 1"),
])
def test_command_line_values_are_checked(argv, option, expected, capsys) -> None:
    with pytest.raises(SystemExit) as e:
        main(argv)
    assert e.value.code == 2
    err = capsys.readouterr().err
    assert f"argument {option}" in err and expected in err


def test_the_engine_refuses_zero_workers_and_a_negative_time_limit() -> None:
    from ntm_sched.engine import Mode, Problem, Task, solve

    p = Problem(tasks=(Task("a", (Mode(2),)),), horizon=10)
    with pytest.raises(ValueError, match="workers"):
        solve(p, workers=0)
    with pytest.raises(ValueError, match="time_limit"):
        solve(p, time_limit=-5)
    assert solve(p, time_limit=1, workers=1).status.value == "OPTIMAL"



def test_the_readme_states_the_exit_codes_and_the_folders_after_a_failure() -> None:
    from ntm_sched.io import MARKER

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## When a run fails", 1)[1]
    for code in ("| 0 |", "| 1 |", "| 2 |", "| 3 |", "| 130 / 143 |"):
        assert code in section, code
    for words in (MARKER, ".failed/", "interrupted by", "outputs/.<run>/", "--debug", "NTM_SCHED_LOG_DIR"):
        assert words in section, words


def _input_errors() -> list:
    from ntm_sched.plan.cells import CellError
    from ntm_sched.plan.issues import Issue
    from ntm_sched.report.backtest import OutcomesError
    from ntm_sched.studies.progress.files import ProgressValidationError
    from ntm_sched.studies.risk.uncertainty import RiskDataError

    return [
        RiskDataError("risk/sources.csv, line 3, column 'per_earmark': expected true or false, got 'x'"),
        ProgressValidationError([Issue("progress.csv", 4, "actual_start", "cannot read date 'x'")]),
        OutcomesError(["outcomes.csv, line 5, column 'event': 'x' is not one of recognition"]),
        CellError("not a yes/no value: 'x'", "không phải giá trị có/không: 'x'"),
    ]


@pytest.mark.parametrize("error", _input_errors(), ids=lambda e: type(e).__name__)
def test_every_input_error_is_bad_input_for_the_one_handler(error, tmp_path, capsys, monkeypatch) -> None:
    """The side files' errors were plain ValueErrors: a verb that did not catch one by hand called
    it a bug (exit 3, a traceback log)."""
    import ntm_sched.cli.solve as solve_verb
    from ntm_sched.errors import InputError

    assert isinstance(error, InputError) and isinstance(error, ValueError)

    def bad_input(*a, **k):
        raise error

    monkeypatch.setattr(solve_verb, "solve_plan", bad_input)
    monkeypatch.setenv("NTM_SCHED_LOG_DIR", str(tmp_path / "logs"))
    assert main(["solve", "base", "--out", str(tmp_path / "o"), "--time-limit", "1", "--workers", "1"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and str(error).splitlines()[0] in err and "internal error" not in err
    assert not (tmp_path / "logs").exists()
