"""Scenarios: base + override files; bad keys are errors naming file, key and expectation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from ntm_sched.plan import load_plan
from ntm_sched.scenario import ScenarioError, apply, list_scenarios, load_scenario

ROOT = Path(__file__).resolve().parents[2]
SCEN = ROOT / "data" / "tan_yen_2019" / "scenarios"


@pytest.fixture(scope="module")
def plan():
    return load_plan(ROOT / "data" / "tan_yen_2019")


def test_shipped_scenarios_load_and_apply(plan) -> None:
    names = list_scenarios()
    assert names[0] == "base"
    assert {"programme_cut_20", "residents_late", "second_inspection_team", "all_hard",
            "lien_chung_support"} <= set(names)
    for n in names:
        sc = load_scenario(n)
        assert sc.plan_path.exists()
        apply(plan, sc)  # validated on the way


def test_programme_cut_scales_only_that_source(plan) -> None:
    out = apply(plan, load_scenario("programme_cut_20"))
    before = plan.table("funding").groupby("source_id")["amount_mvnd"].sum()
    after = out.table("funding").groupby("source_id")["amount_mvnd"].sum()
    assert after["NTM_TW_TINH"] == pytest.approx(0.8 * before["NTM_TW_TINH"])
    assert after["HUYEN"] == pytest.approx(before["HUYEN"])
    # the user's plan is untouched
    assert plan.table("funding")["amount_mvnd"].sum() == pytest.approx(before.sum())


def test_residents_late_delays_every_residents_tranche_by_a_quarter(plan) -> None:
    out = apply(plan, load_scenario("residents_late")).table("funding")
    base = plan.table("funding")
    d0 = base.loc[base["source_id"] == "DAN", "date_available"].tolist()
    d1 = out.loc[out["source_id"] == "DAN", "date_available"].tolist()
    assert [b - a for a, b in zip(d0, d1)] == [dt.timedelta(days=92)] * len(d0)


def test_second_team_and_hard_deadlines_reach_the_plan(plan) -> None:
    out = apply(plan, load_scenario("second_inspection_team"))
    assert out.agency("BCD_HUYEN").weekly_capacity == 10
    assert apply(plan, load_scenario("all_hard")).setting("hard_deadlines") == "true"


def test_lien_chung_support_adds_an_earmarked_tranche(plan) -> None:
    out = apply(plan, load_scenario("lien_chung_support")).table("funding")
    extra = out[(out["source_id"] == "HUYEN_LC") & (out["date_available"] == dt.date(2019, 10, 1))]
    assert extra["amount_mvnd"].tolist() == [3000] and extra["commune_code"].tolist() == ["07357"]


def _scenario_dir(tmp_path: Path, text: str) -> Path:
    d = tmp_path / "scen"
    d.mkdir()
    (d / "base.yaml").write_text(f"plan: {ROOT / 'data' / 'tan_yen_2019'}\n", encoding="utf-8")
    (d / "bad.yaml").write_text(text, encoding="utf-8")
    return d


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("funding:\n  scale: {NOPE: 0.5}\n", "unknown source ['NOPE']"),
        ("capacity:\n  set: {NOBODY: 2}\n", "unknown agency ['NOBODY']"),
        ("deadlines:\n  shift_days: {'99999': 10}\n", "unknown commune code ['99999']"),
    ],
)
def test_unknown_ids_in_overrides_are_errors(tmp_path, plan, text: str, needle: str) -> None:
    sc = load_scenario("bad", scenario_dir=_scenario_dir(tmp_path, text))
    with pytest.raises(ScenarioError) as e:
        apply(plan, sc)
    assert "bad.yaml" in str(e.value) and needle in str(e.value)


def test_deadline_shift_moves_every_target(plan, tmp_path) -> None:
    sc = load_scenario("bad", scenario_dir=_scenario_dir(tmp_path, "deadlines:\n  shift_days: 30\n"))
    out = apply(plan, sc)
    for col in ("target_works_done", "target_inspection", "target_submission", "target_recognition"):
        assert getattr(out.commune("07357"), col) == getattr(plan.commune("07357"), col) + dt.timedelta(days=30)
    assert out.commune("07357").target_appraisal is None  # no target stays no target
    assert out.task("07345-road").due_date == plan.task("07345-road").due_date + dt.timedelta(days=30)
    assert out.setting_date("district_target_works_done") == dt.date(2020, 6, 30)  # 31/05/2020 + 30 days


def test_missing_scenario_file_is_a_clear_error() -> None:
    with pytest.raises(ScenarioError, match="no such scenario file"):
        load_scenario("does_not_exist")
