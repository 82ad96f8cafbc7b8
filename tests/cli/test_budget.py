"""Budget lab: fixed allocations never overspend, the minimum budget is tight, cuts are monotone,
allocation files are checked with file/row/column messages. A 3-commune plan keeps solves short."""

from __future__ import annotations

import pandas as pd
import pytest

from ntm_sched.cli import main
from ntm_sched.studies import budget as B

TL = 4.0
KW = {"time_limit": TL, "workers": 1, "seed": 0}
COMMUNES = ["07360", "07357", "07321"]


@pytest.fixture(scope="module")
def plan():
    from ntm_sched.scenario import load_scenario, load_scenario_plan

    return B.restrict_plan(load_scenario_plan(load_scenario("base")), COMMUNES)


@pytest.fixture(scope="module")
def full_plan():
    from ntm_sched.scenario import load_scenario, load_scenario_plan

    return load_scenario_plan(load_scenario("base"))


def small_allocation() -> pd.DataFrame:
    return pd.DataFrame([
        {"commune_code": "07357", "source_id": "HUYEN", "quarter": "2019Q4", "amount_mvnd": 3000},
        {"commune_code": "07357", "source_id": "XA", "quarter": "2020Q1", "amount_mvnd": 1000},
        {"commune_code": "07321", "source_id": "HUYEN", "quarter": "2019Q3", "amount_mvnd": 800},
        {"commune_code": "", "source_id": "NTM_TW_TINH", "quarter": "2019Q4", "amount_mvnd": 2000},
    ])


def test_cli_bad_allocation_exit_2(tmp_path, capsys):
    p = tmp_path / "bad.csv"
    p.write_text("commune_code,source_id,quarter,amount_mvnd\n07357,HUYEN,2019Q4,abc\n", encoding="utf-8")
    assert main(["budget", "evaluate", str(p), "--time-limit", "1", "--out", str(tmp_path / "o")]) == 2
    assert "row 2, column 'amount_mvnd'" in capsys.readouterr().err
    assert main(["budget", "cuts", "--levels", "1,x"]) == 2
