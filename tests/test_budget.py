"""Budget lab: fixed allocations never overspend, the minimum budget is tight, cuts are monotone,
allocation files are checked with file/row/column messages. A 3-commune plan keeps solves short."""

from __future__ import annotations

import dataclasses
import math
from collections import defaultdict

import pandas as pd
import pytest

from ntm_sched import budget as B
from ntm_sched.engine import Status, check, solve

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


def test_quarters():
    assert str(B.quarter_start("2019Q4")) == "2019-10-01"
    assert B.quarter_of(B.quarter_start("2020-q2")) == "2020Q2"
    with pytest.raises(ValueError):
        B.quarter_start("2019Q5")


def test_too_small_allocation_is_never_overspent(plan):
    rep = B.evaluate_allocation(plan, small_allocation(), compare_base=False, **KW)
    fixed, extra = rep.fixed, rep.with_extra
    # too small: the money cannot carry the plan -> late communes or missing money
    assert rep.summary["late_communes"] or rep.summary["missing_mvnd"] > 0
    solved = fixed if fixed.has_schedule else extra
    assert solved is not None and solved.has_schedule, rep.summary
    assert solved.result.check.ok  # the engine checker: payments within every tranche
    if fixed.has_schedule:
        assert not (fixed.allocation["source"] == "EXTRA").any()
    else:
        assert fixed.status == "INFEASIBLE" and "cannot pay" in rep.summary["note"]
        assert rep.summary["missing_mvnd"] > 0
        assert set(rep.missing.columns) == {"commune_code", "quarter", "extra_mvnd"}
    # paid per (source, commune) never exceeds the allocation, recomputed from the payments
    paid = defaultdict(int)
    for p in solved.result.solution.payments:
        if p.source != "EXTRA":
            paid[p.source] += p.amount
    alloc = defaultdict(float)
    for r in small_allocation().itertuples():
        alloc[r.source_id + (f"@{r.commune_code}" if r.commune_code else "")] += r.amount_mvnd
    assert paid and all(v <= alloc[k] + 1e-9 for k, v in paid.items())
    assert (rep.unspent["paid_mvnd"] <= rep.unspent["allocated_mvnd"] + 1e-9).all()


def test_shipped_examples_read(full_plan):
    for name in ("allocation_example.csv", "allocation_too_small.csv"):
        df = B.read_allocation(B.Path(__file__).resolve().parent.parent / "data" / "budget_examples" / name,
                               full_plan)
        assert len(df) and (df["amount_mvnd"] >= 0).all()
    big = B.read_allocation(B.Path("data/budget_examples/allocation_example.csv"), full_plan)
    small = B.read_allocation(B.Path("data/budget_examples/allocation_too_small.csv"), full_plan)
    assert small["amount_mvnd"].sum() < big["amount_mvnd"].sum()


def test_allocation_errors_name_file_row_column(plan, tmp_path):
    p = tmp_path / "alloc.csv"
    p.write_text("commune_code,source_id,quarter,amount_mvnd\n"
                 "07357,HUYEN,2019Q4,100\n"
                 "99999,HUYEN,2019Q4,100\n"
                 "07357,NOPE,2019Q4,100\n"
                 "07357,HUYEN,2019Q9,100\n"
                 "07357,HUYEN,2019Q4,-5\n", encoding="utf-8")
    with pytest.raises(B.AllocationError) as e:
        B.read_allocation(p, plan)
    msg = str(e.value)
    assert f"{p}: row 3, column commune_code" in msg and "99999" in msg
    assert "row 4, column source_id" in msg and "NOPE" in msg
    assert "row 5, column quarter" in msg
    assert "row 6, column amount_mvnd" in msg
    q = tmp_path / "alloc.xlsx"
    pd.DataFrame([{"commune_code": "07357", "source_id": "HUYEN", "amount_mvnd": 1}]).to_excel(q, index=False)
    with pytest.raises(B.AllocationError, match=r"alloc.xlsx: row 1 \(header\): missing column\(s\) quarter"):
        B.read_allocation(q, plan)


def test_minimum_budget_is_tight(plan):
    mb = B.minimum_budget(plan, **KW)
    assert mb.status in ("OPTIMAL", "FEASIBLE")
    assert mb.result.check.ok
    # 07321's targets cannot be met whatever the money: reported, not hidden
    assert "07321" in set(mb.relaxed["commune_code"])
    assert math.isclose(mb.by_quarter["amount_mvnd"].sum(), mb.total_mvnd)
    # applied as tranches at each quarter's start, it meets every achievable deadline
    applied = B.with_tranches(mb.problem, mb.tranches())
    res = solve(applied, time_limit=TL, workers=1, seed=0, hint=mb.result.solution, explain=False)
    assert res.status in (Status.OPTIMAL, Status.FEASIBLE) and res.check.ok
    assert all(t.due_hard for t in applied.tasks if t.due is not None)
    # 5% less does not
    less = B.with_tranches(mb.problem, mb.tranches(0.95))
    res2 = solve(less, time_limit=TL, workers=1, seed=0, explain=False)
    assert res2.status == Status.INFEASIBLE


def test_minimum_uniform_scale_bisection(plan):
    ans = B.minimum_uniform_scale(plan, tolerance=0.05, time_limit=2.0, workers=1, seed=0)
    assert ans.scale is not None and ans.lower < ans.scale
    assert ans.scale - ans.lower <= 0.05 * ans.scale + 1e-9
    feas = ans.trace[ans.trace["feasible"]]
    assert math.isclose(feas["scale"].min(), round(ans.scale, 6))
    assert ans.solution is not None


def test_cuts_are_monotone(plan):
    df = B.budget_cuts(plan, (1.0, 0.8, 0.6), **KW)
    assert list(df["level"]) == [1.0, 0.8, 0.6]
    assert df["communes_on_time"].notna().all()
    assert B.cuts_are_monotone(df)
    on = list(df["communes_on_time"])
    assert on == sorted(on, reverse=True)
    import matplotlib

    matplotlib.use("Agg")
    ax = B.plot_cuts(df)
    assert len(ax.patches) == 3


def test_marginal_value_table(plan):
    df = B.marginal_value(plan, 500, communes=["07357"], **KW)
    assert list(df.columns)[:5] == ["commune_code", "name", "base_date", "date_with_more", "days_gained"]
    assert df.loc[0, "days_gained"] >= 0


def test_cli_bad_allocation_exit_2(tmp_path, capsys):
    import argparse

    p = tmp_path / "bad.csv"
    p.write_text("commune_code,source_id,quarter,amount_mvnd\n07357,HUYEN,2019Q4,abc\n", encoding="utf-8")
    parser = argparse.ArgumentParser()
    B.add_budget_arguments(parser)
    args = parser.parse_args(["evaluate", str(p), "--time-limit", "1", "--out", str(tmp_path / "o")])
    assert B.budget_main(args) == 2
    assert "row 2, column amount_mvnd" in capsys.readouterr().err
    args = parser.parse_args(["cuts", "--levels", "1,x"])
    assert B.budget_main(args) == 2
