"""Plan records, lookups, derived plans, round trips and the validate command."""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import io
import math
import unicodedata

import pytest

from ntm_sched.cli.common import lang_parent
from ntm_sched.cli.validate import add_arguments as add_validate_arguments
from ntm_sched.cli.validate import main as validate_main
from ntm_sched.plan import (
    Commune,
    Plan,
    PlanTask,
    PlanValidationError,
    format_issues,
    load_plan,
    validate_path,
    write_plan,
)
from ntm_sched.plan.schema import TABLES
from tests.plan.plan_fixture import tree_hash, write_tables


@pytest.fixture
def plan(plan_dir) -> Plan:
    return load_plan(plan_dir)


def test_records_are_typed(plan):
    c = plan.commune("07111")
    assert isinstance(c, Commune)
    assert c.criteria_met == 17 and c.missing_criteria == ("2", "17")
    assert c.target_recognition == dt.date(2020, 12, 31) and c.target_inspection is None
    assert c.disadvantaged is False and plan.commune("07114").disadvantaged is True
    t = plan.task("T3")
    assert isinstance(t, PlanTask)
    assert t.quantity == 1.0 and isinstance(t.quantity, float) and t.quantity_estimated is True
    assert t.release_date == dt.date(2019, 9, 5)
    assert plan.work_type("road").support_norm_mvnd == 900.5
    assert plan.work_type("dossier").support_norm_mvnd is None
    assert plan.agency("PHONG_NN").weekly_capacity == 12.5
    assert [t.task_id for t in plan.tasks_of("07111")] == ["T1", "T2"]
    assert [t.task_id for t in plan.tasks_of("DISTRICT")] == ["T4"]
    assert plan.tasks_of("07117") == ()
    assert [c.code for c in plan.not_recognised()] == ["07111", "07114"]
    assert plan.lead_agency_of(plan.task("T2")) == "UBND_XA"
    assert plan.lead_agency_of(plan.task("T1")) == "UBND_XA"
    assert plan.source("NTM").may_pay("road")
    assert plan.breaks[0].calendar == "construction"
    assert plan.source_path is not None and plan.source_path.is_dir()


def test_plan_and_records_are_immutable(plan):
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.tasks = ()  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan.tasks[0].quantity = 3  # type: ignore[misc]
    with pytest.raises(TypeError):
        plan.settings["start_date"] = "2020-01-01"  # type: ignore[index]
    hash(plan)


def test_settings_accessors(plan):
    assert plan.settings["start_date"] == "2019-08-01"
    assert plan.setting("start_date") == "2019-08-01"
    assert plan.setting("nope", "x") == "x"
    assert plan.setting_date("start_date") == dt.date(2019, 8, 1)
    assert plan.setting_int("horizon_days") == 500
    assert plan.setting_float("advance_share") == 0.3
    assert plan.setting_float("missing", 1.5) == 1.5
    with pytest.raises(KeyError):
        plan.setting_date("missing")
    with pytest.raises(ValueError, match="start_date"):
        plan.setting_int("start_date")


def test_table_is_a_fresh_copy_in_schema_order(plan):
    for t in TABLES:
        frame = plan.table(t.name)
        assert list(frame.columns) == [c.name for c in t.columns]
        assert len(frame) == len(plan.records(t.name))
    tasks = plan.table("tasks")
    assert tasks.loc[0, "due_date"] == dt.date(2020, 6, 30)
    assert isinstance(tasks.loc[0, "due_date"], dt.date)
    tasks.loc[0, "quantity"] = 99
    assert plan.table("tasks").loc[0, "quantity"] == 2.5


def test_with_table_derives_a_checked_plan(plan):
    tasks = plan.table("tasks")
    tasks.loc[tasks["task_id"] == "T1", "quantity"] = 4.0
    derived = plan.with_table("tasks", tasks)
    assert derived.task("T1").quantity == 4.0
    assert plan.task("T1").quantity == 2.5
    assert derived != plan
    assert plan.with_table("tasks", plan.table("tasks")) == plan
    # settings too
    settings = plan.table("settings")
    settings.loc[settings["key"] == "horizon_days", "value"] = "600"
    assert plan.with_table("settings", settings).setting_int("horizon_days") == 600


def test_with_table_rejects_bad_data(plan):
    tasks = plan.table("tasks")
    tasks.loc[0, "quantity"] = -1.0
    tasks.loc[1, "work_type"] = "bridge"
    with pytest.raises(PlanValidationError) as info:
        plan.with_table("tasks", tasks)
    where = {(i.row, i.column) for i in info.value.errors}
    assert where == {(1, "quantity"), (2, "work_type")}
    assert "DataFrame 'tasks'" in str(info.value)
    with pytest.raises(PlanValidationError, match="missing column 'unit'"):
        plan.with_table("tasks", plan.table("tasks").drop(columns=["unit"]))


def test_replace_revalidates(plan):
    t = plan.task("T1")
    assert dataclasses.replace(t, quantity=3).quantity == 3.0
    with pytest.raises(ValueError, match="minimum"):
        dataclasses.replace(t, quantity=-3)
    with pytest.raises(ValueError, match="not one of"):
        dataclasses.replace(plan.commune("07111"), status="nearly")
    bad = dataclasses.replace(t, work_type="bridge")
    with pytest.raises(PlanValidationError, match="unknown work type 'bridge'"):
        dataclasses.replace(plan, tasks=(bad,) + plan.tasks[1:])
    cyc = dataclasses.replace(t, predecessors=("T2",))
    with pytest.raises(PlanValidationError, match="cycle"):
        dataclasses.replace(plan, tasks=(cyc,) + plan.tasks[1:])
    with pytest.raises(PlanValidationError, match="misses criterion '17', but tasks has no work for it"):
        dataclasses.replace(plan, tasks=plan.tasks[:1])  # a criterion still owed loses its works
    ok = dataclasses.replace(plan, tasks=plan.tasks[:3])  # the district owes nothing in this plan
    assert len(ok.tasks) == 3


def test_round_trip_csv_xlsx_csv(tmp_path, plan, plan_dir):
    before = tree_hash(plan_dir)
    xlsx = write_plan(plan, tmp_path / "out" / "plan.xlsx")
    from_xlsx = load_plan(xlsx)
    assert from_xlsx == plan
    csv_dir = write_plan(from_xlsx, tmp_path / "again")
    again = load_plan(csv_dir)
    assert again == plan
    xlsx_hash = tree_hash(xlsx)
    write_plan(again, tmp_path / "twice")
    assert tree_hash(tmp_path / "twice") == tree_hash(csv_dir)  # writing is deterministic
    assert tree_hash(xlsx) == xlsx_hash
    assert tree_hash(plan_dir) == before
    assert not [p for p in tmp_path.rglob("*.tmp")]


def test_round_trip_keeps_awkward_values(tmp_path, tables):
    tables["tasks"][0]["description_vi"] = '=SUM(A1) "quoted", với dấu; và xuống\ndòng'
    tables["tasks"][0]["quantity"] = "0.1"
    tables["tasks"][1]["quantity"] = "1e-7"
    tables["communes"][2]["note"] = "00123"
    plan = load_plan(write_tables(tmp_path / "p", tables))
    assert plan.task("T1").quantity == 0.1
    for target in (tmp_path / "x.xlsx", tmp_path / "c"):
        write_plan(plan, target)
        assert load_plan(target) == plan
    assert load_plan(tmp_path / "x.xlsx").commune("07117").note == "00123"


def test_write_never_overwrites_unless_asked(tmp_path, plan, plan_dir):
    before = tree_hash(plan_dir)
    with pytest.raises(FileExistsError, match="own source"):
        write_plan(plan, plan_dir)
    assert tree_hash(plan_dir) == before
    xlsx = write_plan(plan, tmp_path / "p.xlsx")
    with pytest.raises(FileExistsError):
        write_plan(plan, xlsx)
    changed = plan.with_table("tasks", plan.table("tasks").iloc[:3])
    write_plan(changed, xlsx, overwrite=True)
    assert len(load_plan(xlsx).tasks) == 3
    write_plan(changed, plan_dir, overwrite=True)
    assert len(load_plan(plan_dir).tasks) == 3


def test_direct_construction_is_checked():
    with pytest.raises(ValueError):
        Commune(code="07111", name="X", status="recognised", criteria_met=-1, disadvantaged=False)
    c = Commune(code="07111", name=" Ngọc ", status="recognised", criteria_met=19, disadvantaged=False,
                missing_criteria=[])
    assert c.name == "Ngọc" and c.missing_criteria == ()
    plan = Plan(communes=(c,))
    assert plan.commune("07111") is c
    with pytest.raises(PlanValidationError, match="duplicate key"):
        Plan(communes=(c, c))


def test_format_issues_languages(tmp_path, tables):
    tables["tasks"][0]["quantity"] = "x"
    issues = validate_path(write_tables(tmp_path / "p", tables))
    vi = format_issues(issues)
    en = format_issues(issues, lang="en")
    assert "1 lỗi, 0 cảnh báo" in vi and "tasks.csv, dòng 2, cột 'quantity'" in vi and "[lỗi]" in vi
    assert "1 error(s), 0 warning(s)" in en and "tasks.csv, line 2, column 'quantity'" in en
    assert "Không có lỗi" in format_issues([]) and "No errors" in format_issues([], "en")


def _run(path, lang="vi"):
    parser = argparse.ArgumentParser(parents=[lang_parent("vi")])
    add_validate_arguments(parser)
    out = io.StringIO()
    rc = validate_main(parser.parse_args([str(path), "--lang", lang]), out=out)
    return rc, out.getvalue()


def test_validate_main_exit_codes(tmp_path, tables, plan_dir):
    before = tree_hash(plan_dir)
    rc, text = _run(plan_dir)
    assert rc == 0 and "Kế hoạch hợp lệ" in text and "Số xã: 3" in text and "4,50 tỷ đồng" in text
    rc, text = _run(plan_dir, "en")
    assert rc == 0 and "Communes: 3 (not recognised: 2)" in text and "07111 Ngọc Châu: 2" in text
    assert tree_hash(plan_dir) == before
    tables["communes"][0]["name"] = unicodedata.normalize("NFD", "Ngọc Châu")  # a warning only
    rc, text = _run(write_tables(tmp_path / "warn", tables), "en")
    assert rc == 0 and "1 warning(s)" in text
    tables["tasks"][0]["quantity"] = "-2"
    bad = write_tables(tmp_path / "bad", tables)
    before = tree_hash(bad)
    rc, text = _run(bad, "en")
    assert rc == 1 and "NOT valid" in text and "tasks.csv, line 2, column 'quantity'" in text
    rc, text = _run(bad)
    assert rc == 1 and "KHÔNG hợp lệ" in text
    assert tree_hash(bad) == before
    assert _run(tmp_path / "missing")[0] == 1


def test_summary_numbers(plan):
    s = plan.summary()
    assert s["communes"] == 3 and s["tasks"] == 4 and math.isclose(s["funding_mvnd"], 4500.25)


def test_a_plan_pickles_to_worker_processes():
    """A province sweep sends the plan to its jobs (local processes, Dask workers): pickled as its records."""
    import pickle
    from pathlib import Path

    from ntm_sched.plan import load_plan

    plan = load_plan(Path(__file__).resolve().parents[2] / "data" / "tan_yen_2019")
    back = pickle.loads(pickle.dumps(plan))
    assert back == plan and back.source_path == plan.source_path
    assert dict(back.settings) == dict(plan.settings)
    assert [c.code for c in back.communes] == [c.code for c in plan.communes]
