"""The catalogue (criteria sets, recognition procedures) and a plan's unit checked against it."""

from __future__ import annotations

import csv
import dataclasses
import shutil
from pathlib import Path

import pytest

from ntm_sched.plan import load_plan, validate_path
from ntm_sched.plan.catalog import MARKS, criteria_sets, procedures
from ntm_sched.plan.issues import Issue

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data" / "tan_yen_2019"


def _rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _write(path: Path, rows: list[dict[str, str]], header: list[str] | None = None) -> None:
    header = header or list(rows[0])
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, header, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def _copy(tmp_path: Path, **unit: str) -> Path:
    folder = tmp_path / "plan"
    shutil.copytree(DATA, folder)
    rows = _rows(folder / "unit.csv")
    rows[0].update(unit)
    _write(folder / "unit.csv", rows)
    return folder


def _errors(folder: Path) -> list[Issue]:
    return [i for i in validate_path(folder) if i.is_error]


def _plan_2021(tmp_path: Path) -> Path:
    """The shipped plan moved to 2021-2025: the 318/320 set and the 18/2022 procedure from the catalogue."""
    folder = _copy(tmp_path, period="2021-2025", criteria_set="ntm_2021_2025", procedure="qd18_2022")
    (folder / "criteria.csv").unlink()
    (folder / "recognition_steps.csv").unlink()
    # 320/QĐ-TTg as catalogued has no sub-items 5.1-5.3, which the shipped district works are filed under
    settings = _rows(folder / "settings.csv")
    for r in settings:
        if r["key"] == "district_missing_criteria":
            r["value"] = "1;7"
    _write(folder / "settings.csv", settings)
    return folder


def _set_commune(folder: Path, code: str, **cells: str) -> None:
    rows = _rows(folder / "communes.csv")
    header = list(rows[0]) + [k for k in ("target_level", "level_reached") if k not in rows[0]]
    for r in rows:
        r.setdefault("target_level", "")
        r.setdefault("level_reached", "")
        if r["code"] == code:
            r.update(cells)
    _write(folder / "communes.csv", rows, header)


def test_catalogue_sets_have_the_sizes_of_their_decisions() -> None:
    sets = criteria_sets()
    old, new = sets["ntm_2016_2020"], sets["ntm_2021_2025"]
    assert len(old.lists["commune"].codes) == 19 and old.lists["commune"].decision == "1980/QĐ-TTg"
    assert [c for c in old.lists["district"].codes if "." not in c] == [str(i) for i in range(1, 10)]
    assert len(new.lists["commune"].codes) == 19 and len(new.lists["district"].codes) == 9
    assert new.levels("commune") == ("ntm", "nang_cao", "kieu_mau") and old.levels("commune") == ("ntm",)
    assert new.lists["commune_advanced"].requires == "ntm" and new.lists["commune_model"].requires == "nang_cao"
    renamed = {c: (a["name_vi"], b["name_vi"]) for a, b, c in zip(old.lists["commune"].criteria,
                                                                 new.lists["commune"].criteria,
                                                                 new.lists["commune"].codes)
               if a["name_vi"] != b["name_vi"]}
    assert sorted(renamed, key=int) == ["3", "11", "12", "13"]  # FACTS.md: four renamed in 318/QĐ-TTg
    for s in sets.values():
        for lst in s.lists.values():
            assert lst.mark in MARKS and lst.source
            for c in lst.criteria:
                assert c["mark"] in MARKS and c["source"].strip(), (c.file, c.line)
    # what FACTS.md does not give is marked uncertain, never stated as known
    assert {c["mark"] for c in new.lists["district"].criteria if int(c["code"]) >= 6} == {"U"}
    assert {c["mark"] for c in new.lists["commune_advanced"].criteria} == {"U"}


def test_catalogue_procedures_say_which_durations_are_assumed() -> None:
    procs = procedures()
    assert set(procs) >= {"qd2540_2016", "qd18_2022"}
    new = procs["qd18_2022"]
    order = [s["step"] for s in new.steps if s["chain"] == "commune"]
    # FACTS.md (V): district inspection -> public posting -> provincial appraisal -> decision
    assert order.index("inspection") < order.index("public_posting") < order.index("appraisal") \
        < order.index("decision")
    assert all(s["mark"] == "U" for s in new.steps if int(s["duration_days"]) > 0)


def test_shipped_plan_agrees_with_its_catalogue_set_and_procedure(tmp_path: Path) -> None:
    plan = load_plan(DATA)
    assert plan.unit is not None and plan.unit.criteria_set == "ntm_2016_2020"
    folder = tmp_path / "bare"
    shutil.copytree(DATA, folder)
    (folder / "criteria.csv").unlink()
    (folder / "recognition_steps.csv").unlink()
    bare = load_plan(folder)

    def same(rs):
        return [dataclasses.replace(r, source="-") for r in rs]
    # the plan's own files say nothing the catalogue does not: dropping them changes no step or criterion
    assert same(bare.recognition_steps) == same(plan.recognition_steps)
    assert same(bare.criteria) == same(plan.criteria)
    assert all("[" in s.source for s in bare.recognition_steps)  # each taken row carries its mark


def test_criteria_table_must_agree_with_the_set(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    rows = _rows(folder / "criteria.csv")
    rows[2]["name_vi"] = "Thủy lợi và phòng, chống thiên tai"  # the 2021 name in a 2016 plan
    rows.append(dict(rows[0], code="20"))
    _write(folder / "criteria.csv", rows)
    errs = _errors(folder)
    assert any(i.file == "criteria.csv" and i.row == 4 and i.column == "name_vi" and "1980" in i.message
               for i in errs), errs
    assert any(i.file == "criteria.csv" and i.column == "code" and "'20'" in i.message for i in errs), errs


@pytest.mark.parametrize(("cells", "column", "words"), [
    ({"criteria_set": "ntm_2099"}, "criteria_set", "unknown criteria set"),
    ({"procedure": "qd1_1999"}, "procedure", "unknown recognition procedure"),
    ({"code": "07"}, "code", "3-digit"),
    ({"period": "2020-2016"}, "period", "yyyy-yyyy"),
])
def test_unit_errors_are_located(tmp_path: Path, cells: dict[str, str], column: str, words: str) -> None:
    errs = _errors(_copy(tmp_path, **cells))
    assert [(i.file, i.row, i.column) for i in errs] == [("unit.csv", 2, column)], errs
    assert words in errs[0].message


def test_a_second_unit_row_is_an_error(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    rows = _rows(folder / "unit.csv")
    _write(folder / "unit.csv", rows + [dict(rows[0], code="217")])
    assert [(i.row, i.column) for i in _errors(folder)] == [(3, None)]


def test_levels_and_prerequisites_under_the_2021_set(tmp_path: Path) -> None:
    folder = _plan_2021(tmp_path)
    assert _errors(folder) == []
    # model level (kiểu mẫu) needs the advanced level first: NTM reached is not enough
    tasks = _rows(folder / "tasks.csv")
    for t in tasks:  # its works now serve the model level's conditions
        if t["commune_code"] == "07303" and t["criterion"] in ("6", "17"):
            t["criterion"] = {"6": "KM2", "17": "KM3"}[t["criterion"]]
    _write(folder / "tasks.csv", tasks)
    _set_commune(folder, "07303", target_level="kieu_mau", level_reached="ntm", criteria_met="1",
                 missing_criteria="KM2;KM3")
    errs = _errors(folder)
    assert [(i.file, i.row, i.column) for i in errs] == [("communes.csv", 2, "level_reached")], errs
    assert "'nang_cao'" in errs[0].message and "not reached" in errs[0].message
    _set_commune(folder, "07303", level_reached="nang_cao")
    assert _errors(folder) == []
    # a criterion of another list in missing_criteria is located
    _set_commune(folder, "07303", missing_criteria="KM2;6")
    errs = _errors(folder)
    assert {(i.row, i.column) for i in errs} == {(2, "missing_criteria")}
    assert any("not in list 'commune_model'" in i.message for i in errs), errs


def test_a_level_the_set_does_not_have_is_an_error(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _set_commune(folder, "07303", target_level="nang_cao", level_reached="ntm")
    errs = _errors(folder)
    assert any(i.row == 2 and i.column == "target_level" and "no commune level 'nang_cao'" in i.message
               for i in errs), errs


def test_a_plan_overrides_only_the_durations_it_gives(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    _write(folder / "recognition_steps.csv", [{"chain": "commune", "step": "appraisal", "duration_days": "30"}])
    plan = load_plan(folder)
    steps = {(s.chain, s.step): s for s in plan.recognition_steps}
    assert len(steps) == 14 and steps[("commune", "appraisal")].duration_days == 30
    assert steps[("commune", "appraisal")].agency_id == "BCD_TINH"
    assert steps[("commune", "survey")].duration_days == 21


def test_a_procedure_step_with_an_unknown_agency_is_located_in_the_catalogue(tmp_path: Path) -> None:
    folder = _copy(tmp_path)
    (folder / "recognition_steps.csv").unlink()
    agencies = [r for r in _rows(folder / "agencies.csv") if r["agency_id"] != "UBND_TINH"]
    _write(folder / "agencies.csv", agencies)
    errs = _errors(folder)
    assert [(i.file, i.column) for i in errs] == [("catalog/procedure_steps.csv", "agency_id")], errs
    assert "UBND_TINH" in errs[0].message and errs[0].row == 9


def test_a_commune_level_plan_has_no_district_chain(tmp_path: Path) -> None:
    folder = _copy(tmp_path, level="commune", code="07303")
    (folder / "recognition_steps.csv").unlink()
    plan = load_plan(folder)
    assert {s.chain for s in plan.recognition_steps} == {"commune"}
