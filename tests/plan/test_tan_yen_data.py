"""The plan's facts (116/KH-BCĐ, 05/08/2019) against data/tan_yen_2019."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from ntm_sched.plan import load_plan, validate_path

DATA = Path(__file__).resolve().parents[2] / "data" / "tan_yen_2019"

NOT_RECOGNISED = {
    "07360": ("Ngọc Thiện", 19, []),
    "07321": ("An Dương", 17, ["6", "17"]),
    "07303": ("Lan Giới", 17, ["6", "17"]),
    "07330": ("Hợp Đức", 17, ["6", "17"]),
    "07309": ("Tân Trung", 17, ["6", "17"]),
    "07336": ("Cao Xá", 17, ["6", "17"]),
    "07345": ("Song Vân", 16, ["2", "6", "17"]),
    "07357": ("Liên Chung", 15, ["2", "5", "6", "17"]),
}


@pytest.fixture(scope="module")
def plan():
    return load_plan(DATA)


def _qty(plan, code: str, work_type: str) -> float:
    return sum(t.quantity for t in plan.tasks_of(code) if t.work_type == work_type)


def test_the_plan_is_valid_without_errors() -> None:
    issues = validate_path(DATA)
    assert [i for i in issues if i.severity == "error"] == []


def test_22_communes_with_unique_five_digit_codes(plan) -> None:
    codes = [c.code for c in plan.communes]
    assert len(codes) == 22 and len(set(codes)) == 22
    assert all(len(c) == 5 and c.isdigit() for c in codes)


def test_the_8_communes_not_recognised_and_their_missing_criteria(plan) -> None:
    got = {c.code: (c.name, c.criteria_met, list(c.missing_criteria)) for c in plan.not_recognised()}
    assert got == NOT_RECOGNISED


def test_ngoc_thien_keeps_the_plans_spelling_as_alias(plan) -> None:
    c = plan.commune("07360")
    assert c.name == "Ngọc Thiện" and c.alias == "Ngọc Thiệp"


def test_lien_chung_is_the_disadvantaged_commune(plan) -> None:
    assert [c.code for c in plan.communes if c.disadvantaged] == ["07357"]


def test_names_are_nfc(plan) -> None:
    for c in plan.communes:
        assert unicodedata.is_normalized("NFC", c.name)


@pytest.mark.parametrize(
    ("code", "work_type", "quantity"),
    [
        ("07336", "cultural_house_new", 6),
        ("07336", "cultural_house_renovation", 5),
        ("07336", "waste_point", 21),
        ("07336", "cemetery_tidy", 9),
        ("07336", "classroom_finish", 12),
        ("07345", "axis_road", 5.12),
        ("07345", "cultural_house_new", 1),
        ("07345", "cultural_house_renovation", 2),
        ("07345", "waste_point", 6),
        ("07357", "axis_road", 1.7),
        ("07357", "classroom_finish", 6),
        ("07357", "cultural_house_new", 1),
        ("07330", "cultural_house_renovation", 7),
        ("07330", "waste_point_upgrade", 4),
        ("07309", "cultural_house_renovation", 5),
        ("07309", "waste_point", 3),
        ("07309", "cemetery_tidy", 6),
        ("07303", "cultural_house_renovation", 1),
    ],
)
def test_works_and_quantities_of_the_plan(plan, code: str, work_type: str, quantity: float) -> None:
    assert _qty(plan, code, work_type) == pytest.approx(quantity)


def test_every_not_recognised_commune_with_works_has_boundary_markers_where_the_plan_says(plan) -> None:
    for code in ("07330", "07309", "07336", "07345", "07357"):
        assert _qty(plan, code, "boundary_markers") == 1


def test_open_quantities_are_marked_as_estimates_with_a_note(plan) -> None:
    estimated = [t for t in plan.tasks if t.quantity_estimated]
    assert estimated, "the plan leaves some quantities open"
    for t in estimated:
        assert t.estimate_note and "estimate" in t.estimate_note
    # quantities the plan gives are not marked as estimates
    assert not plan.task("07336-waste-points").quantity_estimated


def test_target_dates_of_the_plan(plan) -> None:
    import datetime as dt

    hd = plan.commune("07330")
    assert hd.target_works_done == dt.date(2019, 11, 15) and hd.target_appraisal == dt.date(2019, 11, 30)
    lc = plan.commune("07357")
    assert lc.target_works_done == dt.date(2020, 1, 31) and lc.target_appraisal == dt.date(2020, 2, 29)
    assert plan.setting_date("communes_target") == dt.date(2020, 2, 29)
    assert plan.setting_date("district_target_works_done") == dt.date(2020, 6, 30)


def test_district_packages_of_criteria_1_5_7_with_lead_agencies_and_due_dates(plan) -> None:
    import datetime as dt

    district = plan.tasks_of("DISTRICT")
    crit = {t.criterion for t in district}
    assert {"1", "5.1", "5.2", "5.3", "7"} <= crit
    assert plan.task("D1-regional-plan").due_date == dt.date(2020, 5, 31)
    assert plan.lead_agency_of(plan.task("D1-regional-plan")) == "KT_HT"
    assert plan.lead_agency_of(plan.task("D5.1-dossier")) == "YT"
    assert plan.lead_agency_of(plan.task("D5.3-dossier")) == "GD_DT"
    assert plan.lead_agency_of(plan.task("D7-dossier")) == "TN_MT"
    assert plan.task("D5.2-dossier").due_date == dt.date(2020, 3, 31)


def test_recognised_communes_review_and_model_village_and_advanced_commune(plan) -> None:
    import datetime as dt

    recognised = [c.code for c in plan.communes if c.status == "recognised"]
    assert len(recognised) == 14
    for code in recognised:
        kinds = {t.work_type: t for t in plan.tasks_of(code)}
        assert kinds["criteria_review"].due_date == dt.date(2019, 10, 31)
        assert "model_village" in kinds
    assert plan.task("R-07354-advanced").due_date == dt.date(2020, 6, 30)


def test_every_assumption_names_its_source() -> None:
    for name in ("work_types", "agencies", "funding", "sources", "calendar", "recognition_steps"):
        df = pd.read_csv(DATA / f"{name}.csv", dtype=str, keep_default_na=False)
        assert (df["source"].str.len() > 0).all(), name


def test_funding_calibrated_on_the_2018_mix_says_so() -> None:
    f = pd.read_csv(DATA / "funding.csv", dtype=str, keep_default_na=False)
    xa = f[f["source_id"] == "XA"]
    assert xa["source"].str.contains("2018 mix").all()
    assert set(f["commune_code"]) - {""} <= {c for c in NOT_RECOGNISED} | {"07354"}
