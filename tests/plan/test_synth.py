"""The synthetic province (``ntm-sched plan synth``, :mod:`ntm_sched.plan.synth`): a valid province plan
drawn from the shipped plan, SYNTHETIC in every file, the same files for the same seed, and never
written over a user's folder."""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

import pytest

from ntm_sched.plan import load_plan, load_plan_with_issues
from ntm_sched.plan.synth import (
    MARK,
    NOTE_FILE,
    SESSION_CAPACITY,
    SynthError,
    SynthSpec,
    shift_months,
    synth_plan,
    write_synth,
)

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def shipped():
    return load_plan(ROOT / "data" / "tan_yen_2019")


@pytest.fixture(scope="module")
def small(tmp_path_factory, shipped) -> Path:
    return write_synth(SynthSpec(12, 3, seed=5), tmp_path_factory.mktemp("synth") / "p12", shipped)


def test_the_province_is_a_valid_plan_with_its_districts_and_sessions(small) -> None:
    plan, issues = load_plan_with_issues(small)
    assert plan is not None, [str(i) for i in issues if i.is_error]
    assert plan.unit is not None and plan.unit.level == "province" and plan.unit.invented
    assert len(plan.communes) == 12 and len(plan.districts) == 3
    assert {c.district_code for c in plan.communes} == {d.code for d in plan.districts}
    assert all(c.code >= "90001" and len(c.code) == 5 for c in plan.communes)
    assert plan.council_sessions and all(s.capacity == SESSION_CAPACITY for s in plan.council_sessions)
    dates = [s.date for s in plan.council_sessions]
    assert dates == sorted(set(dates))
    # each district's communes are led by their district's own offices
    own = {a.agency_id for a in plan.agencies if a.agency_id[-3:] in {d.code for d in plan.districts}}
    led = [t for t in plan.tasks if t.lead_agency in own]
    assert led and all(t.lead_agency.endswith(plan.commune(t.commune_code).district_code) for t in led)
    assert any(tr.district_code for tr in plan.funding) and any(tr.earmark is None for tr in plan.funding)


def test_every_file_says_synthetic_and_names_are_nfc(small) -> None:
    files = sorted(small.iterdir())
    assert NOTE_FILE in {f.name for f in files}
    for f in files:
        text = f.read_text(encoding="utf-8")
        assert MARK in text, f.name
        assert unicodedata.normalize("NFC", text) == text, f.name


def test_no_name_a_report_shows_is_a_place_of_the_shipped_plan(small, shipped) -> None:
    """Communes, districts, agencies and money sources of the synthetic province are named without the
    shipped plan's places (a district's special support for one of its communes was named after it)."""
    plan = load_plan(small)
    places = {c.name for c in shipped.communes} | {shipped.unit.name.removeprefix("Huyện ").strip()}
    shown = ([c.name for c in plan.communes] + [d.name for d in plan.districts]
             + [a.name_vi for a in plan.agencies] + [s.name_vi for s in plan.sources]
             + [s.name_en for s in plan.sources])
    assert not [(n, p) for n in shown for p in places if p in n]


def test_the_same_seed_gives_the_same_bytes_and_another_seed_other_files(tmp_path, shipped, small) -> None:
    again = write_synth(SynthSpec(12, 3, seed=5), tmp_path / "again", shipped)
    other = write_synth(SynthSpec(12, 3, seed=6), tmp_path / "other", shipped)
    for f in small.iterdir():
        assert (again / f.name).read_bytes() == f.read_bytes(), f.name
    assert (other / "tasks.csv").read_bytes() != (small / "tasks.csv").read_bytes()


def test_it_never_writes_into_a_folder_it_did_not_make(tmp_path, shipped) -> None:
    user = tmp_path / "mine"
    user.mkdir()
    (user / "notes.csv").write_text("keep me", encoding="utf-8")
    with pytest.raises(SynthError, match="not made by 'plan synth'"):
        write_synth(SynthSpec(4, 2, seed=1), user, shipped)
    assert (user / "notes.csv").read_text(encoding="utf-8") == "keep me"
    assert sorted(p.name for p in user.iterdir()) == ["notes.csv"]
    a_file = tmp_path / "file"
    a_file.write_text("x", encoding="utf-8")
    with pytest.raises(SynthError, match="not a folder"):
        write_synth(SynthSpec(4, 2, seed=1), a_file, shipped)


def test_a_folder_it_made_is_rewritten_but_not_one_with_a_user_file_added(tmp_path, shipped) -> None:
    out = write_synth(SynthSpec(4, 2, seed=1), tmp_path / "p", shipped)
    write_synth(SynthSpec(5, 2, seed=2), out, shipped)
    assert len(load_plan(out).communes) == 5
    (out / "my_edit.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(SynthError, match="did not write"):
        write_synth(SynthSpec(4, 2, seed=1), out, shipped)
    assert (out / "my_edit.txt").exists() and len(load_plan(out).communes) == 5
    empty = tmp_path / "empty"
    empty.mkdir()
    assert write_synth(SynthSpec(4, 2, seed=1), empty, shipped) == empty


def test_bad_sizes_are_refused() -> None:
    with pytest.raises(SynthError, match="districts"):
        SynthSpec(10, 21, 0)
    with pytest.raises(SynthError, match="at least"):
        SynthSpec(2, 3, 0)


def test_draws_follow_the_shipped_plan(shipped) -> None:
    plan = synth_plan(SynthSpec(40, 2, seed=3), shipped)
    shipped_types = {t.work_type for t in shipped.tasks}
    assert {t.work_type for t in plan.tasks} <= shipped_types
    templates = {c.code: c for c in shipped.not_recognised()}
    for c in plan.communes:
        tpl = templates[c.note.split("(")[1].split(")")[0]]
        assert c.missing_criteria == tpl.missing_criteria


def test_month_shift_keeps_month_ends() -> None:
    assert shift_months(dt.date(2019, 11, 30), 3) == dt.date(2020, 2, 29)
    assert shift_months(dt.date(2020, 2, 29), 1) == dt.date(2020, 3, 31)
    assert shift_months(dt.date(2019, 11, 15), 2) == dt.date(2020, 1, 15)


def test_the_command_writes_a_province_and_refuses_a_user_folder(tmp_path, capsys) -> None:
    from ntm_sched.cli import main

    out = tmp_path / "prov"
    assert main(["plan", "synth", "--communes", "6", "--districts", "2", "--seed", "4", "--out", str(out)]) == 0
    assert "SYNTHETIC" in capsys.readouterr().out and load_plan(out).unit.level == "province"
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "a.csv").write_text("x", encoding="utf-8")
    assert main(["plan", "synth", "--communes", "6", "--districts", "2", "--out", str(mine)]) == 2
    assert "not made by 'plan synth'" in capsys.readouterr().err
    assert [p.name for p in mine.iterdir()] == ["a.csv"]


def _edit_csv(path: Path, edit) -> None:
    import csv

    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    fields = list(rows[0])
    edit(rows)
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fields)
        w.writeheader()
        w.writerows(rows)


def test_a_province_plans_own_mistakes_are_named(tmp_path, small) -> None:
    """check_rules.check_province: a commune without its district, a tranche earmarked for a commune and a
    district, two council sessions on one day; each said in both languages."""
    import shutil

    folder = tmp_path / "p"
    shutil.copytree(small, folder)

    def no_district(rows):
        rows[0]["district_code"] = ""

    def both(rows):
        rows[0]["district_code"] = "980"

    def same_day(rows):
        rows[1]["date"] = rows[0]["date"]

    _edit_csv(folder / "communes.csv", no_district)
    _edit_csv(folder / "funding.csv", both)
    _edit_csv(folder / "council_sessions.csv", same_day)
    plan, issues = load_plan_with_issues(folder)
    assert plan is None
    errors = {(i.column, i.message, i.message_vi) for i in issues if i.is_error}
    assert ("district_code", "a province plan says which district each commune belongs to",
            "kế hoạch cấp tỉnh phải ghi xã thuộc huyện nào") in errors
    assert ("district_code", "a tranche is earmarked for a commune or for a district, not both",
            "một đợt vốn chỉ dành cho một xã hoặc một huyện, không cả hai") in errors
    assert any(col == "date" and en.startswith("the council already sits on ") and "(line 2)" in en
               and vi.startswith("hội đồng đã họp ngày ") for col, en, vi in errors), errors
