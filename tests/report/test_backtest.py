"""The back-test appendix: what happened (data/outcomes) beside the model's recognition dates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from ntm_sched import domain as ntm
from ntm_sched.i18n import in_lang
from ntm_sched.plan import load_plan
from ntm_sched.report.backtest import (
    OutcomesError,
    backtest,
    backtest_rows,
    backtest_table,
    backtest_verdict,
    load_outcomes,
    outcomes_path,
)

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data" / "tan_yen_2019"
END_2019 = (dt.date(2019, 11, 1), dt.date(2019, 12, 31))
RECOGNISED_END_2019 = {"07336", "07330", "07357", "07345", "07309"}  # FACTS.md: Cao Xá, Hợp Đức, ...


@pytest.fixture(scope="module")
def plan():
    return load_plan(DATA)


@pytest.fixture(scope="module")
def outcomes():
    return load_outcomes(outcomes_path(DATA))


def test_the_outcomes_are_the_recorded_facts(outcomes) -> None:
    assert outcomes_path(DATA) == ROOT / "data" / "outcomes" / "tan_yen_2019.csv"
    o = outcomes.set_index("code")
    for code in RECOGNISED_END_2019:
        assert (o.loc[code, "earliest_date"], o.loc[code, "latest_date"]) == END_2019, code
        assert o.loc[code, "confidence"] == "V" and "FACTS.md" in o.loc[code, "source"]
    assert (o.loc["DISTRICT", "earliest_date"], o.loc["DISTRICT", "latest_date"]) == (
        dt.date(2020, 1, 1), dt.date(2020, 12, 31))
    assert "904/QĐ-TTg" in o.loc["DISTRICT", "outcome_vi"]
    for code in ("07360", "07321", "07303"):  # nothing recorded: no window, said so
        assert o.loc[code, "earliest_date"] is None and "no recognition date" in o.loc[code, "source"]


@pytest.mark.parametrize(("cells", "column", "words"), [
    ({"earliest_date": "01/11/2019"}, "earliest_date", "not an ISO date"),
    ({"latest_date": ""}, "latest_date", "needs both"),
    ({"latest_date": "2019-10-01"}, "latest_date", "before earliest_date"),
    ({"source": ""}, "source", "empty cell"),
    ({"event": "appraisal"}, "event", "not one of"),
])
def test_bad_outcomes_are_located(tmp_path, cells, column, words) -> None:
    text = (DATA.parent / "outcomes" / "tan_yen_2019.csv").read_text(encoding="utf-8")
    df = pd.read_csv(pd.io.common.StringIO(text), dtype=str, keep_default_na=False)
    for k, v in cells.items():
        df.loc[1, k] = v  # the second data row: line 3 of the file
    path = tmp_path / "o.csv"
    df.to_csv(path, index=False)
    before = path.read_bytes()
    with pytest.raises(OutcomesError) as ei:
        load_outcomes(path)
    assert any(p.startswith(f"o.csv, line 3, column '{column}'") and words in p for p in ei.value.problems), \
        ei.value.problems
    assert path.read_bytes() == before


def test_missing_column_is_named(tmp_path) -> None:
    path = tmp_path / "o.csv"
    path.write_text("code,name\n07336,Cao Xá\n", encoding="utf-8")
    with pytest.raises(OutcomesError, match="missing column"):
        load_outcomes(path)


def _fake_result(plan, model_dates: dict[str, dt.date], district: str | None):
    ms = pd.DataFrame({"commune_code": list(model_dates), "milestone": "recognition",
                       "scheduled_date": list(model_dates.values())})
    return SimpleNamespace(has_schedule=True, milestones=ms, model=ntm.build(plan),
                           summary={"district_recognition_date": district})


def test_differences_and_verdicts(plan, outcomes) -> None:
    res = _fake_result(plan, {"07330": dt.date(2019, 12, 11), "07309": dt.date(2020, 2, 4),
                              "07336": dt.date(2019, 10, 20), "07345": dt.date(2019, 12, 31),
                              "07357": dt.date(2020, 2, 29), "07360": dt.date(2019, 10, 2)}, "2020-10-03")
    rows = backtest_rows(res, plan, outcomes).set_index("code")
    assert rows.loc["07330", "verdict"] == "within" and rows.loc["07330", "diff_days"] == 0
    assert rows.loc["07309", "verdict"] == "later" and rows.loc["07309", "diff_days"] == 35  # 04/02 - 31/12
    assert rows.loc["07336", "verdict"] == "earlier" and rows.loc["07336", "diff_days"] == -12  # 20/10 - 01/11
    assert rows.loc["07345", "verdict"] == "within"  # the last day of the window is inside it
    assert rows.loc["07357", "diff_days"] == 60
    assert rows.loc["07360", "verdict"] == "unknown" and pd.isna(rows.loc["07360", "diff_days"])
    assert rows.loc["07321", "verdict"] == "unknown"  # no record and no model date given: still no record
    assert rows.loc["DISTRICT", "verdict"] == "within"
    # the plan's decision targets: the 2019 group by 31/12/2019, the others by 29/02/2020
    assert rows.loc["07360", "target_date"] == dt.date(2019, 12, 31)
    assert rows.loc["07357", "target_date"] == dt.date(2020, 2, 29)
    # the earliest date the assumptions allow never exceeds... itself: it is a bound of the model's dates
    assert all(isinstance(d, dt.date) for d in rows["earliest_possible"])

    vi = in_lang("vi", backtest_verdict, rows.reset_index(), plan)
    en = in_lang("en", backtest_verdict, rows.reset_index(), plan)
    assert "6 đơn vị" in vi and "muộn hơn thực tế ở 2" in vi and "Liên Chung: 60 ngày" in vi
    assert "later than what happened for 2 (most for Liên Chung: 60 days)" in en
    assert "earlier for 1" in en and "3 units have no record" in en
    table = in_lang("en", backtest_table, rows.reset_index(), plan)
    assert list(table.columns)[:3] == ["Commune / district", "Plan's target", "Model's schedule"]
    assert "Tân Yên district" in set(table["Commune / district"])
    assert "+35" in set(table["Difference (days)"]) and "04/02/2020" in set(table["Model's schedule"])


def test_the_earliest_possible_date_bounds_what_the_assumptions_allow(plan, outcomes) -> None:
    """Tân Trung: site clearance (30 days), then the waste area (84 days accelerated), then 56 days of
    procedure: even unlimited money and staff cannot recognise it by the end of 2019."""
    rows = backtest_rows(_fake_result(plan, {"07309": dt.date(2020, 2, 4)}, None), plan, outcomes)
    tt = rows.set_index("code").loc["07309"]
    assert tt["earliest_possible"] > dt.date(2019, 12, 31)
    assert "default works and procedure durations are longer" in in_lang("en", backtest_verdict, rows, plan)


def test_no_schedule_and_no_outcomes(plan, outcomes, tmp_path) -> None:
    res = SimpleNamespace(has_schedule=False, milestones=pd.DataFrame(), summary={}, model=None)
    rows = backtest_rows(res, plan, outcomes)
    assert set(rows["verdict"]) == {"none", "unknown"}  # no schedule; or nothing recorded
    vi = in_lang("vi", backtest_verdict, rows, plan)
    assert "Không có lịch trình" in vi and "6 đơn vị" in vi and "3 đơn vị chưa có dữ liệu" in vi
    assert backtest(res, plan, path=tmp_path / "absent.csv") is None


def test_the_appendix_names_the_durations_history_contradicts(plan, outcomes) -> None:
    """Issue 22: Tân Trung and Cao Xá were recognised by the end of 2019, earlier than the earliest date
    the assumed durations allow: the appendix lists the chain of durations that sets that date (the
    site clearance and waste area; the 9 cemeteries, 3 at a time); units within reach list nothing."""
    rows = backtest_rows(_fake_result(plan, {"07309": dt.date(2020, 2, 4), "07336": dt.date(2020, 1, 10),
                                             "07330": dt.date(2019, 12, 11)}, None), plan, outcomes)
    r = rows.set_index("code")
    tt = [c["task_id"] for c in r.loc["07309", "contradicted"]]
    assert tt[:2] == ["07309-waste-clearance", "07309-waste-area"] and tt[-1] == "07309:decision"
    assert [c["duration_days"] for c in r.loc["07309", "contradicted"]][:2] == [30, 84]
    cx = r.loc["07336", "contradicted"]
    assert cx[0]["task_id"] == "07336-cemeteries" and r.loc["07336", "earliest_possible"] == dt.date(2020, 1, 6)
    assert r.loc["07330", "contradicted"] == [] and r.loc["07360", "contradicted"] == []
    en = in_lang("en", backtest_verdict, rows, plan)
    assert ("History contradicts the assumed durations for Cao Xá: recognised by 31/12/2019, while the earliest "
            "date they allow is 06/01/2020. The chain that sets that earliest date: Tidy 9 cemeteries 95 days;") in en
    assert "Clear the site of the commune waste treatment area 30 days; Build the commune waste treatment" in en
    vi = in_lang("vi", backtest_verdict, rows, plan)
    assert "Thực tế mâu thuẫn với thời gian giả định ở Tân Trung" in vi and "Chỉnh trang 9 nghĩa trang" in vi
    assert "Hợp Đức" not in en.split("History contradicts")[1]
