"""Uncertainty data: the shipped defaults, located errors, scenario overrides, distributions."""

from __future__ import annotations

import numpy as np
import pytest

from ntm_sched.studies.risk.overrides import apply_overrides
from ntm_sched.studies.risk.risk_files import check_against_plan, load_uncertainty
from ntm_sched.studies.risk.uncertainty import RiskDataError, ThreePoint

from .helpers import DATA


def test_shipped_defaults_load_and_every_row_says_its_source():
    unc = load_uncertainty(DATA / "risk")
    assert len(unc.work_types) == 31 and unc.steps and unc.sources and unc.events
    table = unc.assumptions_table()
    assert (table["source"].str.len() > 0).all(), table[table["source"].str.len() == 0]
    # the examples are in the register: rain on road works, the inspection team short
    ids = {e.event_id: e for e in unc.events}
    assert ids["E01"].effect == "duration_factor" and "axis_road" in ids["E01"].work_types
    assert ids["E02"].effect == "capacity_outage" and ids["E02"].agency == "BCD_HUYEN"
    assert unc.sources["DAN"].per_earmark and unc.sources["DAN"].delay.high > 0


def test_shipped_defaults_match_the_plan(base_plan):
    _, plan = base_plan
    check_against_plan(load_uncertainty(DATA / "risk"), plan)


def test_errors_name_file_line_and_column(tmp_path):
    for name in ("work_types.csv", "steps.csv", "sources.csv", "events.csv"):
        (tmp_path / name).write_text((DATA / "risk" / name).read_text(encoding="utf-8"), encoding="utf-8")
    lines = (tmp_path / "work_types.csv").read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace(",0.9,1.0,1.4,", ",0.9,abc,1.4,", 1)
    lines[3] = lines[3].replace("triangular", "normal", 1)
    (tmp_path / "work_types.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(RiskDataError) as exc:
        load_uncertainty(tmp_path)
    msg = str(exc.value)
    assert "work_types.csv, line 3, column 'duration_mode'" in msg and "'abc'" in msg
    assert "work_types.csv, line 4, column 'distribution'" in msg and "normal" in msg


def test_window_dates_follow_the_one_rule_of_input_files(tmp_path):
    """ISO as is; dd/mm/yyyy read with a located warning; month/day order a located error."""
    import datetime as dt

    for name in ("work_types.csv", "steps.csv", "sources.csv", "events.csv"):
        (tmp_path / name).write_text((DATA / "risk" / name).read_text(encoding="utf-8"), encoding="utf-8")
    text = (tmp_path / "events.csv").read_text(encoding="utf-8")
    (tmp_path / "events.csv").write_text(text.replace(",2019-08-05,2019-10-31,", ",05/08/2019,2019-10-31,", 1),
                                         encoding="utf-8")
    unc = load_uncertainty(tmp_path)
    e01 = next(e for e in unc.events if e.event_id == "E01")
    assert e01.window == (dt.date(2019, 8, 5), dt.date(2019, 10, 31))
    assert unc.warnings == (f"{tmp_path / 'events.csv'}, line 2, column 'window_start': 05/08/2019 read as "
                            "5 August 2019 (dd/mm/yyyy); files use ISO yyyy-mm-dd",)
    assert unc.scaled(0.5).warnings == unc.warnings
    (tmp_path / "events.csv").write_text(text.replace(",2019-08-05,2019-10-31,", ",2019-08-05,10/31/2019,", 1),
                                         encoding="utf-8")
    with pytest.raises(RiskDataError) as exc:
        load_uncertainty(tmp_path)
    assert "events.csv, line 2, column 'window_end'" in str(exc.value) and "no month 31" in str(exc.value)


def test_high_below_low_and_missing_file_are_errors(tmp_path):
    (tmp_path / "work_types.csv").write_text(
        "work_type,distribution,duration_low,duration_mode,duration_high,cost_low,cost_mode,cost_high,source\n"
        "axis_road,pert,1.2,1.0,0.9,1,1,1,x\n", encoding="utf-8")
    with pytest.raises(RiskDataError) as exc:
        load_uncertainty(tmp_path)
    assert "line 2, column 'duration_low'" in str(exc.value) and "low <= mode <= high" in str(exc.value)
    assert "steps.csv: missing file" in str(exc.value)


def test_plan_mismatch_is_named(base_plan):
    _, plan = base_plan
    unc = apply_overrides(load_uncertainty(DATA / "risk"), {"work_types": {"flying_car": {
        "distribution": "pert", "duration_low": 1, "duration_mode": 1, "duration_high": 2,
        "cost_low": 1, "cost_mode": 1, "cost_high": 1}}}, "x.yaml")
    with pytest.raises(RiskDataError, match="flying_car"):
        check_against_plan(unc, plan)


def test_scenario_overrides_change_only_what_they_say():
    unc = load_uncertainty(DATA / "risk")
    out = apply_overrides(unc, {"sources": {"DAN": {"delay_high_days": 200}},
                                "events": {"E02": {"probability": 0.9}},
                                "steps": {"commune:appraisal": {"duration_high": 3.0}}}, "data/scenarios/x.yaml")
    assert out.sources["DAN"].delay.high == 200 and out.sources["DAN"].delay.mode == unc.sources["DAN"].delay.mode
    assert out.sources["DAN"].source == "scenario x.yaml"
    assert {e.event_id: e for e in out.events}["E02"].probability == 0.9
    assert out.steps[("commune", "appraisal")].duration.high == 3.0
    assert out.sources["XA"] == unc.sources["XA"]


def test_override_errors_name_the_key():
    unc = load_uncertainty(DATA / "risk")
    with pytest.raises(RiskDataError, match=r"x.yaml: key 'risk.sources.DAN.delay_hihg_days'"):
        apply_overrides(unc, {"sources": {"DAN": {"delay_hihg_days": 3}}}, "x.yaml")
    with pytest.raises(RiskDataError, match=r"key 'risk.colour'"):
        apply_overrides(unc, {"colour": 1}, "x.yaml")
    with pytest.raises(RiskDataError, match=r"probability"):
        apply_overrides(unc, {"events": {"E01": {"probability": 1.5}}}, "x.yaml")


@pytest.mark.parametrize("dist", ["triangular", "pert"])
def test_three_point_quantiles(dist):
    tp = ThreePoint(0.8, 1.0, 1.6, dist)
    u = np.linspace(0, 1, 1001)
    v = tp.ppf(u)
    assert v[0] == pytest.approx(0.8) and v[-1] == pytest.approx(1.6)
    assert np.all(np.diff(v) >= -1e-12)
    # the mean of the quantile function is the distribution's mean
    assert float(np.mean(tp.ppf((np.arange(20000) + 0.5) / 20000))) == pytest.approx(tp.mean(), abs=2e-3)
    # wider points give a value at least as far from the mode at every u
    wide = tp.scaled(2.0, 1.0)
    assert np.all(wide.ppf(u) >= v - 1e-9) or np.all(np.abs(wide.ppf(u) - 1) >= np.abs(v - 1) - 1e-9)
    assert tp.scaled(0.0, 1.0).degenerate and tp.scaled(0.0, 1.0).ppf(0.3) == 1.0


def test_spread_scale_zero_removes_every_spread_and_probability():
    unc = load_uncertainty(DATA / "risk").scaled(0.0)
    assert all(w.duration.degenerate and w.cost.degenerate for w in unc.work_types.values())
    assert all(s.delay.high == 0 and s.shortfall_probability == 0 for s in unc.sources.values())
    assert all(e.probability == 0 for e in unc.events)
    with pytest.raises(RiskDataError):
        load_uncertainty(DATA / "risk").scaled(-1)


def test_a_scenario_overrides_the_risk_data(small_plan_dir, tmp_path):
    from ntm_sched.scenario import ScenarioError, json_schema, load_scenario_and_plan
    from ntm_sched.studies.risk.overrides import scenario_uncertainty

    from .helpers import write_scenario

    sc_path = write_scenario(tmp_path, small_plan_dir, extra=(
        "risk:\n  sources: {DAN: {delay_high_days: 200}}\n"
        "  events: {E02: {probability: 0.9, window_start: 2019-10-01}}\n"
        "  steps: {'commune:appraisal': {duration_high: 3.0}}\n  samples: 50\n"))
    sc, plan = load_scenario_and_plan(sc_path)
    unc = scenario_uncertainty(sc, plan)
    assert unc.sources["DAN"].delay.high == 200 and unc.sources["DAN"].source == "scenario small.yaml"
    e02 = {e.event_id: e for e in unc.events}["E02"]
    assert e02.probability == 0.9 and str(e02.window[0]) == "2019-10-01"
    assert unc.steps[("commune", "appraisal")].duration.high == 3.0
    assert "risk" in json_schema()["properties"]
    bad = write_scenario(tmp_path, small_plan_dir, name="bad", extra="risk: {samples: 0, policy: guess}\n")
    with pytest.raises(ScenarioError) as exc:
        load_scenario_and_plan(bad)
    assert "risk.samples" in str(exc.value) and "risk.policy" in str(exc.value)


def test_yes_no_cells_use_the_plan_cells_parser(tmp_path):
    """``per_earmark`` reads yes/no as the plan's cells do ("đúng"/"sai" too); other text is located."""
    for name in ("work_types.csv", "steps.csv", "sources.csv", "events.csv"):
        (tmp_path / name).write_text((DATA / "risk" / name).read_text(encoding="utf-8"), encoding="utf-8")
    lines = (tmp_path / "sources.csv").read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    col = header.index("per_earmark")
    row = next(i for i, line in enumerate(lines) if line.startswith("DAN,"))

    def with_value(text: str) -> None:
        cells = lines[row].split(",")
        cells[col] = text
        out = [*lines[:row], ",".join(cells), *lines[row + 1:]]
        (tmp_path / "sources.csv").write_text("\n".join(out) + "\n", encoding="utf-8")

    with_value("đúng")
    assert load_uncertainty(tmp_path).sources["DAN"].per_earmark is True
    with_value("sai")
    assert load_uncertainty(tmp_path).sources["DAN"].per_earmark is False
    with_value("maybe")
    with pytest.raises(RiskDataError, match=rf"sources.csv, line {row + 1}, column 'per_earmark'.*'maybe'"):
        load_uncertainty(tmp_path)
