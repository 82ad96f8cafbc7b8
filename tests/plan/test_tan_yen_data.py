"""The plan's facts (116/KH-BCĐ, 05/08/2019) against data/tan_yen_2019."""

from __future__ import annotations

import datetime as dt
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


def test_ngoc_thiens_dossier_under_way_is_a_marked_assumption_citing_the_plan(plan) -> None:
    """Plan II.1.1: 'Đã cơ bản hoàn thành 19/19 tiêu chí, đang hoàn thiện hồ sơ chứng minh tiêu chí': the
    dossier is under way on 05/08/2019; how much is left the plan does not say, so the row says it assumes,
    where the words are, and which share would let the inspection make its 31/08/2019 target."""
    [row] = plan.step_progress
    assert (row.commune_code, row.step, row.share_remaining) == ("07360", "dossier", 0.5)
    assert row.source.startswith("ASSUMPTION") and "II.1.1" in row.source
    assert "đang hoàn thiện hồ sơ chứng minh tiêu chí" in row.source and "Ngọc Thiệp" in row.source
    assert "at most 0.2" in row.source and "31/08/2019" in row.source
    note = plan.commune("07360").note or ""
    assert "step_progress.csv" in note and "Not modelled" not in note


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


# (works done, inspection, submitted to the province, appraisal finished, decision): the plan dates
# the district's submission ("thẩm tra và trình BCĐ tỉnh thẩm định"), not a finished appraisal
TARGETS = {
    "07360": (None, "2019-08-31", "2019-09-30", None, "2019-12-31"),  # 2019 group (II.1.1)
    "07321": ("2019-09-30", "2019-10-31", "2019-10-31", None, "2019-12-31"),
    "07303": ("2019-09-30", "2019-10-31", "2019-10-31", None, "2019-12-31"),
    "07330": ("2019-11-15", "2019-11-30", "2019-11-30", None, "2020-02-29"),
    "07309": ("2019-11-15", "2019-11-30", "2019-11-30", None, "2020-02-29"),
    "07336": ("2019-11-30", "2019-12-31", "2019-12-31", None, "2020-02-29"),
    "07345": ("2019-11-30", "2019-12-31", "2019-12-31", None, "2020-02-29"),
    "07357": ("2020-01-31", "2020-02-29", "2020-02-29", None, "2020-02-29"),
}


@pytest.mark.parametrize("code", sorted(TARGETS))
def test_target_dates_of_the_plan(plan, code: str) -> None:
    c = plan.commune(code)
    got = (c.target_works_done, c.target_inspection, c.target_submission, c.target_appraisal, c.target_recognition)
    assert got == tuple(dt.date.fromisoformat(d) if d else None for d in TARGETS[code])
    # the reading is written beside the dates, in the plan's words
    assert "II.1" in c.note and "'" in c.note


def test_an_duong_and_lan_gioi_reading_is_documented(plan) -> None:
    for code in ("07321", "07303"):
        note = plan.commune(code).note
        assert "Dự kiến tháng 10/2019 huyện thẩm tra, đề nghị tỉnh thẩm định, quyết định công nhận" in note
        assert "Reading chosen" in note and "Strict reading" in note


def test_district_completes_its_criteria_before_june_2020(plan) -> None:
    # "trước tháng 6 năm 2020" = by 31/05/2020, like every other "trước tháng N" of the data
    assert plan.setting_date("district_target_works_done") == dt.date(2020, 5, 31)
    assert plan.setting_date("communes_target") == dt.date(2020, 2, 29)
    assert plan.task("D5.1-dossier").due_date == dt.date(2020, 1, 31)  # "trước tháng 2 năm 2020"
    assert plan.task("D7-dossier").due_date == dt.date(2020, 3, 31)  # "trước tháng 4 năm 2020"


def test_the_chain_has_the_submission_milestone_between_inspection_and_appraisal() -> None:
    st = pd.read_csv(DATA / "recognition_steps.csv", dtype=str, keep_default_na=False)
    c = st[st["chain"] == "commune"].set_index("step")
    assert c.loc["submission", "milestone"] == "submission" and c.loc["submission", "duration_days"] == "0"
    order = {s: int(o) for s, o in c["order"].items()}
    assert order["inspection"] < order["submission"] < order["appraisal"] < order["decision"]
    # posting beside the survey is a choice, marked as such
    assert order["public_posting"] == order["survey"]
    assert "assumption" in c.loc["public_posting", "source"] and "sequence" in c.loc["public_posting", "source"]


def test_district_packages_of_criteria_1_5_7_with_lead_agencies_and_due_dates(plan) -> None:
    district = plan.tasks_of("DISTRICT")
    crit = {t.criterion for t in district}
    assert {"1", "5.1", "5.2", "5.3", "7"} <= crit
    assert plan.task("D1-regional-plan").due_date == dt.date(2020, 5, 31)
    assert plan.lead_agency_of(plan.task("D1-regional-plan")) == "KT_HT"
    assert plan.lead_agency_of(plan.task("D5.1-dossier")) == "YT"
    assert plan.lead_agency_of(plan.task("D5.3-dossier")) == "GD_DT"
    assert plan.lead_agency_of(plan.task("D7-dossier")) == "TN_MT"
    assert plan.task("D5.2-dossier").due_date == dt.date(2020, 3, 31)
    # II.3.1 "Thời gian thực hiện xong trong tháng 5 năm 2020" covers the whole item
    for tid in ("D1-review", "D1-centre-plan", "D1-regional-plan"):
        assert plan.task(tid).due_date == dt.date(2020, 5, 31), tid


def test_dossiers_of_the_district_criteria_already_met(plan) -> None:
    # IV.2.1: NN&PTNT completes the dossiers of criteria 3, 6, 9; IV.2.2: KT&HT those of 2, 4
    for crit, agency in (("3", "NN_PTNT"), ("6", "NN_PTNT"), ("9", "NN_PTNT"), ("2", "KT_HT"), ("4", "KT_HT")):
        t = plan.task(f"D{crit}-dossier")
        assert (t.commune_code, t.criterion, t.work_type) == ("DISTRICT", crit, "dossier")
        assert plan.lead_agency_of(t) == agency


def test_lien_chung_criterion_17_works_by_the_end_of_2019(plan) -> None:
    # IV.2.4: communes still owing TN&MT's criteria finish "trước 31/12/2019"; its other works 01/2020
    for t in plan.tasks_of("07357"):
        if t.criterion == "17":
            assert t.due_date == dt.date(2019, 12, 31) and "IV.2.4" in t.estimate_note, t.task_id
    assert plan.commune("07357").target_works_done == dt.date(2020, 1, 31)


def test_communes_detailed_2020_plans_due_in_september_2019(plan) -> None:
    plans = [t for t in plan.tasks if t.task_id.startswith("P-") and t.task_id.endswith("-plan2020")]
    assert sorted(t.commune_code for t in plans) == sorted(c.code for c in plan.communes)
    for t in plans:
        assert t.due_date == dt.date(2019, 9, 30) and plan.lead_agency_of(t) == "UBND_XA"
        assert t.criterion == "all"  # does not hold the commune's recognition chain


def test_model_villages_cultural_villages_and_the_central_route(plan) -> None:
    builds = [t for t in plan.tasks if t.work_type == "model_village_build"]
    assert sum(t.quantity for t in builds) >= 2  # plan I: "Có ít nhất 2 thôn đạt chuẩn thôn NTM kiểu mẫu"
    for t in builds:
        assert t.due_date is not None and t.predecessors == (f"R-{t.commune_code}-model-village",)
        assert "assumption" in t.estimate_note
    cv = plan.task("D-model-cultural-villages")
    assert cv.quantity_estimated and plan.lead_agency_of(cv) == "VH_TT" and cv.plan_ref == "IV.2.3"
    route = plan.task("D-central-route")
    assert plan.lead_agency_of(route) == "NN_PTNT" and route.plan_ref == "IV.2.1"


# finishing items under way: (task, share of the work left); the share scales cost and duration
SHARES = {"07321-waste-points": 0.5, "07321-grounds": 0.5, "07303-commune-house": 0.5, "07303-sports": 0.5,
          "07303-waste-points": 0.5, "07330-grounds": 0.5, "07330-waste-road": 0.5, "07309-commune-house": 0.5}


def test_finishing_work_has_a_share_remaining_marked_as_an_assumption(plan) -> None:
    for t in plan.tasks:
        if t.task_id in SHARES:
            assert t.share_remaining == SHARES[t.task_id]
            assert "share_remaining" in t.estimate_note and "assumption" in t.estimate_note
        else:
            assert t.share_remaining is None, t.task_id
    # the finishing work types are not shared twice
    for tid in ("07321-waste-area", "07303-waste-area", "07336-classrooms", "07357-classrooms"):
        assert plan.task(tid).work_type in ("waste_area_finish", "classroom_finish")
        assert plan.task(tid).share_remaining is None


def test_calendar_has_the_2021_holidays() -> None:
    cal = pd.read_csv(DATA / "calendar.csv", dtype=str, keep_default_na=False)
    for kind in ("construction", "office"):
        rows = cal[cal["calendar"] == kind]
        spans = set(zip(rows["start_date"], rows["end_date"]))
        assert ("2021-04-21", "2021-04-21") in spans  # Giỗ Tổ Hùng Vương, 10/3 lunar
        assert ("2021-04-30", "2021-05-03") in spans  # 30/4-1/5, 01/05 a Saturday: Monday 03/05 off


def test_work_types_say_which_figures_are_assumptions() -> None:
    wt = pd.read_csv(DATA / "work_types.csv", dtype=str, keep_default_na=False).set_index("work_type")
    for w, src in wt["source"].items():
        if src.startswith("assumption"):
            continue  # the whole row is an assumption
        # a FACTS source for the money only: the time and effort figures are named as assumptions
        for col in ("duration_fixed_days", "duration_per_batch_days", "parallel_per_commune", "effort_per_week"):
            assert col in src, (w, col)
        assert "assumption" in src, w
    assert "commune axis roads only" in wt.loc["waste_access_road", "source"]


def test_sources_notes_agree_with_what_they_pay_for() -> None:
    src = pd.read_csv(DATA / "sources.csv", dtype=str, keep_default_na=False).set_index("source_id")
    dan = src.loc["DAN"]
    pays = set(dan["pays_for"].split(";"))
    village = {"cultural_house_new", "cultural_house_renovation", "cultural_house_tidy", "waste_point",
               "waste_point_upgrade", "cemetery_tidy", "model_village_build"}
    commune = {"commune_grounds", "commune_sports_area", "axis_road", "waste_access_road", "advanced_commune"}
    assert pays == village | commune
    assert "village-level" not in dan["source"] or "commune works" in dan["source"]
    assert "only" not in dan["source"]
    for w in ("commune_cultural_house", "classroom_finish", "waste_area_build", "commune_incinerator"):
        assert w not in pays
    lg = src.loc["LONG_GHEP"]
    env = {"district_waste_infra", "leachate_system", "commune_incinerator"}
    assert env <= set(lg["pays_for"].split(";"))
    assert "environmental works" in lg["source"] and "assumption" in lg["source"]


def test_commune_funding_follows_its_stated_derivation(plan) -> None:
    """XA = 36% x 1.05 of the commune's works cost (halved for Liên Chung), DAN = 41% x 1.05: the figures
    the funding rows say they are, recomputed from the tasks (shares of finishing work included)."""
    wt = {w.work_type: w for w in plan.work_types}
    cost: dict[str, float] = {}
    for t in plan.tasks:
        if t.commune_code != "DISTRICT":
            cost[t.commune_code] = cost.get(t.commune_code, 0.0) + (
                t.quantity * wt[t.work_type].unit_cost_mvnd * (t.share_remaining or 1.0))
    got: dict[tuple[str, str], float] = {}
    for f in plan.funding:
        if f.commune_code and f.source_id in ("XA", "DAN"):
            got[(f.commune_code, f.source_id)] = got.get((f.commune_code, f.source_id), 0.0) + f.amount_mvnd
    assert {c for c, _ in got} == {"07303", "07309", "07321", "07324", "07330", "07336", "07345", "07354", "07357"}
    for (code, sid), amount in got.items():
        share = 0.36 * (0.5 if code == "07357" else 1.0) if sid == "XA" else 0.41
        assert amount == pytest.approx(share * 1.05 * cost[code], abs=3), (code, sid)  # rounding per instalment


def test_recognised_communes_review_and_model_village_and_advanced_commune(plan) -> None:
    recognised = [c.code for c in plan.communes if c.status == "recognised"]
    assert len(recognised) == 14
    for code in recognised:
        kinds = {t.work_type: t for t in plan.tasks_of(code)}
        assert kinds["criteria_review"].due_date == dt.date(2019, 10, 31)
        assert "model_village" in kinds
    assert plan.task("R-07354-advanced").due_date == dt.date(2020, 6, 30)


def test_every_assumption_names_its_source() -> None:
    for name in ("work_types", "agencies", "funding", "sources", "calendar", "recognition_steps", "step_progress"):
        df = pd.read_csv(DATA / f"{name}.csv", dtype=str, keep_default_na=False)
        assert (df["source"].str.len() > 0).all(), name


def test_funding_calibrated_on_the_2018_mix_says_so() -> None:
    f = pd.read_csv(DATA / "funding.csv", dtype=str, keep_default_na=False)
    xa = f[f["source_id"] == "XA"]
    assert xa["source"].str.contains("2018 mix").all()
    assert set(f["commune_code"]) - {""} <= {c for c in NOT_RECOGNISED} | {"07354", "07324"}
    dan = f[f["source_id"] == "DAN"]
    assert not dan["source"].str.contains("capped").any()  # no cap was ever applied: not claimed
