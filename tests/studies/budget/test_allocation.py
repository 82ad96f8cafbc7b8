"""Budget lab: fixed allocations never overspend, the minimum budget is tight, cuts are monotone,
allocation files are checked with file/row/column messages. A 3-commune plan keeps solves short."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from ntm_sched.plan import format_issues
from ntm_sched.studies import budget as B


def test_shipped_examples_read(full_plan):
    for name in ("allocation_example.csv", "allocation_too_small.csv"):
        df = B.read_allocation(Path(__file__).resolve().parents[3] / "data" / "budget_examples" / name,
                               full_plan)
        assert len(df) and (df["amount_mvnd"] >= 0).all()
    big = B.read_allocation(Path("data/budget_examples/allocation_example.csv"), full_plan)
    small = B.read_allocation(Path("data/budget_examples/allocation_too_small.csv"), full_plan)
    assert small["amount_mvnd"].sum() < big["amount_mvnd"].sum()


def test_allocation_errors_name_file_row_column(plan, tmp_path):
    p = tmp_path / "alloc.csv"
    p.write_text("commune_code,source_id,quarter,amount_mvnd\n"
                 "07357,HUYEN,2019Q4,100\n"
                 "99999,HUYEN,2019Q4,100\n"
                 "07357,NOPE,2019Q4,100\n"
                 "07357,HUYEN,2019Q9,100\n"
                 "07357,HUYEN,2020Q1,-5\n", encoding="utf-8")
    with pytest.raises(B.AllocationError) as e:
        B.read_allocation(p, plan)
    msg = str(e.value)
    # the plan's issue format: file, row, column (every problem listed, none stops the others)
    assert f"{p}, row 3, column 'commune_code'" in msg and "99999" in msg
    assert "row 4, column 'source_id'" in msg and "NOPE" in msg
    assert "row 5, column 'quarter'" in msg
    assert "row 6, column 'amount_mvnd'" in msg
    assert [i.column for i in e.value.issues] == ["commune_code", "source_id", "quarter", "amount_mvnd"]
    vi = format_issues(e.value.issues, "vi")
    assert "hàng 3, cột 'commune_code'" in vi and "mã xã không có trong kế hoạch" in vi
    q = tmp_path / "alloc.xlsx"
    pd.DataFrame([{"commune_code": "07357", "source_id": "HUYEN", "amount_mvnd": 1}]).to_excel(q, index=False)
    with pytest.raises(B.AllocationError, match=r"alloc.xlsx, row 1: missing column\(s\) quarter"):
        B.read_allocation(q, plan)


def test_duplicate_allocation_rows_are_an_error_naming_both_rows(plan, tmp_path):
    p = tmp_path / "alloc.csv"
    p.write_text("commune_code,source_id,quarter,amount_mvnd\n"
                 "07357,HUYEN,2019Q4,100\n"
                 "07321,HUYEN,2019Q4,100\n"
                 "7357,HUYEN,2019q4,250\n"  # the same key once the spreadsheet's lost zero is restored
                 ",NTM_TW_TINH,2019Q4,5\n"
                 ",NTM_TW_TINH,2019Q4,5\n", encoding="utf-8")
    with pytest.raises(B.AllocationError) as e:
        B.read_allocation(p, plan)
    dups = [(i.row, i.message) for i in e.value.issues]
    assert [r for r, _ in dups] == [4, 6]
    assert "as row 2" in dups[0][1] and "07357" in dups[0][1]
    assert "(pool)" in dups[1][1] and "as row 5" in dups[1][1]
    assert f"{p}, row 4, column 'commune_code, source_id, quarter'" in str(e.value)
