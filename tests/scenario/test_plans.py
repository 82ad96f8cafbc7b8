"""Each plan keeps its own scenarios (``data/<plan>/scenarios/``), listed in ``data/plans.csv``: bare names are
the default plan's, ``<plan>.<name>`` any other's; no scenario path climbs out of its plan's folder."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from ntm_sched.cli import main
from ntm_sched.report.batch import resolve_scenarios
from ntm_sched.scenario import (
    ScenarioError,
    load_scenario,
    load_scenario_plan,
    scenario_groups,
    scenario_name,
    shipped_plans,
)

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
EXAMPLE = "example_2021_2025"


def test_the_shipped_plans_and_the_names_of_their_scenarios() -> None:
    plans = shipped_plans()
    assert [(p.name, p.default) for p in plans] == [("tan_yen_2019", True), (EXAMPLE, False)]
    base = load_scenario("base")
    assert base.name == "base" and base.plan_path == (DATA / "tan_yen_2019").resolve()
    ex = load_scenario(f"{EXAMPLE}.base")
    assert ex.name == f"{EXAMPLE}.base" and ex.plan_path == (DATA / EXAMPLE).resolve()
    # by path, the same names; the default plan's qualified name is its bare name
    assert scenario_name(DATA / EXAMPLE / "scenarios" / "base.yaml") == f"{EXAMPLE}.base"
    assert load_scenario(DATA / EXAMPLE / "scenarios" / "base.yaml").name == f"{EXAMPLE}.base"
    assert scenario_name("tan_yen_2019.base") == "base" and scenario_name("base") == "base"
    with pytest.raises(ScenarioError, match=r"no such scenario file \(did you mean programme_cut_20\?\)"):
        load_scenario(f"{EXAMPLE}.programme_cut_20")  # a Tân Yên scenario is not the example's
    with pytest.raises(ScenarioError, match=rf"did you mean {EXAMPLE}\.programme_cut_30\?"):
        load_scenario("programme_cut_30")


def test_every_shipped_scenario_belongs_to_its_plan_and_applies_to_it() -> None:
    names = []
    for plan, files in scenario_groups():
        assert files[0].name == "base.yaml" and len(files) >= 4, (plan.name, files)
        for f in files:
            assert "plan" not in yaml.safe_load(f.read_text(encoding="utf-8")), f  # implicit: its folder
            sc = load_scenario(scenario_name(f))
            assert sc.path == f.resolve() and sc.plan_path == plan.folder.resolve()
            load_scenario_plan(sc)  # validated and applied to its own plan
            names.append(sc.name)
    assert len(names) == len(set(names))  # one report folder per scenario in a batch over both plans
    assert resolve_scenarios(None) == [str(f) for _, files in scenario_groups() for f in files]


@pytest.fixture()
def plan_copy(tmp_path: Path) -> Path:
    """A copy of the invented plan with its scenarios, beside a copy of the Tân Yên plan's unit file."""
    dst = tmp_path / "mine"
    shutil.copytree(DATA / EXAMPLE, dst)
    (tmp_path / "other").mkdir()
    shutil.copy(DATA / "tan_yen_2019" / "unit.csv", tmp_path / "other" / "unit.csv")
    return dst


@pytest.mark.parametrize(("text", "key"), [
    ("plan: ../../other\n", "'plan'"),
    (f"plan: {DATA / 'tan_yen_2019'}\n", "'plan'"),
    ("risk:\n  data: ../../other\n", "'risk.data'"),
])
def test_a_scenario_path_that_climbs_out_of_its_plan_is_a_located_error(plan_copy: Path, text: str,
                                                                         key: str) -> None:
    bad = plan_copy / "scenarios" / "climbs.yaml"
    bad.write_text("description:\n  vi: leo ra ngoài\n" + text, encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        load_scenario(bad)
    assert str(bad) in str(err.value) and f"key {key}" in str(err.value), err.value
    assert str(plan_copy) in str(err.value)


def test_paths_inside_the_plan_are_accepted(plan_copy: Path) -> None:
    ok = plan_copy / "scenarios" / "inside.yaml"
    ok.write_text("description:\n  vi: trong\nplan: ..\nrisk:\n  data: ../risk\n", encoding="utf-8")
    sc = load_scenario(ok)
    assert sc.plan_path == plan_copy.resolve() and sc.name == "mine.inside"
    assert sc.config["risk"]["data"] == str((plan_copy / "risk").resolve())


@pytest.mark.parametrize(("rows", "where"), [
    ("tan_yen_2019,true,x\nexample_2021_2025,true,y\n", "column 'default': exactly one"),
    ("tan_yen_2019,true,x\nno_such_plan,false,y\n", "row 3, column 'plan'"),
    ("tan_yen_2019,yes,x\n", "row 2, column 'default'"),
    ("../tan_yen_2019,true,x\n", "row 2, column 'plan'"),
])
def test_plans_csv_errors_are_located(tmp_path: Path, rows: str, where: str) -> None:
    for name in ("tan_yen_2019", EXAMPLE):
        shutil.copytree(DATA / name / "scenarios", tmp_path / name / "scenarios")
    (tmp_path / "plans.csv").write_text("plan,default,note\n" + rows, encoding="utf-8")
    with pytest.raises(ScenarioError, match=where):
        shipped_plans(tmp_path)


def test_scenario_list_groups_the_scenarios_by_plan(capsys) -> None:
    assert main(["scenario", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    heads = [i for i, ln in enumerate(lines) if not ln.startswith(" ")]
    assert [lines[i].split(":")[0] for i in heads] == ["tan_yen_2019", EXAMPLE]
    assert "Huyện Tân Yên" in lines[heads[0]] and "(216)" in lines[heads[0]]
    assert "Huyện Mẫu (ví dụ)" in lines[heads[1]] and "2021-2025" in lines[heads[1]]
    tan_yen, example = lines[heads[0] + 1:heads[1]], lines[heads[1] + 1:]
    assert tan_yen[0].split()[0] == "base" and not any("!" in ln or EXAMPLE in ln for ln in tan_yen)
    assert example[0].startswith("  ! KẾ HOẠCH VÍ DỤ GIẢ ĐỊNH")  # the invented plan says so, the real one not
    assert example[1].split()[0] == f"{EXAMPLE}.base"
    assert all(ln.split()[0].startswith(f"{EXAMPLE}.") for ln in example[1:])
    assert main(["scenario", "list", "--lang", "en"]) == 0
    assert "INVENTED EXAMPLE PLAN" in capsys.readouterr().out
