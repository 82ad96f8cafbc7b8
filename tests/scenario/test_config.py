"""The scenario schema (pydantic): strict values, located errors, an exported JSON schema that
accepts every shipped scenario and refuses what the loader refuses."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from ntm_sched.cli import main
from ntm_sched.scenario import ScenarioConfig, json_schema, load_scenario
from ntm_sched.scenario.config import validate_file

ROOT = Path(__file__).resolve().parents[2]
SCEN = ROOT / "data" / "tan_yen_2019" / "scenarios"


def _json_validate(data: dict) -> None:
    jsonschema.validate(json.loads(json.dumps(data, default=str)), json_schema(),
                        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def _yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("path", sorted(ROOT.glob("data/*/scenarios/*.yaml")),
                         ids=lambda p: f"{p.parent.parent.name}/{p.stem}")
def test_every_shipped_scenario_fits_the_exported_json_schema(path: Path) -> None:
    data = _yaml(path)
    # YAML dates are date objects; the JSON an editor sees holds them as ISO text
    _json_validate(data)
    validate_file(data, str(path))


@pytest.mark.parametrize(
    ("data", "key", "expected"),
    [
        ({"solver": {"workers": "2"}}, "solver.workers", "a whole number"),
        ({"solver": {"workers": 0}}, "solver.workers", "a number > 0"),
        ({"solver": {"seed": -1}}, "solver.seed", "a number >= 0"),
        ({"solver": {"time_limit": float("nan")}}, "solver.time_limit", "a finite number"),
        ({"accelerated": "yes"}, "accelerated", "true or false"),
        ({"funding": {"scale": {"HUYEN": True}}}, "funding.scale.HUYEN", "a finite number"),
        ({"deadlines": {"shift_days": "x"}}, "deadlines.shift_days", "a whole number or a mapping"),
        ({"deadlines": {"shift_days": {"07357": 1.5}}}, "deadlines.shift_days.07357", "a whole number"),
        ({"funding": {"add": [{"source_id": "HUYEN", "date_available": "2019-13-01", "amount_mvnd": 5}]}},
         "funding.add[0].date_available", "an ISO date yyyy-mm-dd (no such date '2019-13-01')"),
        ({"funding": {"add": [{"source_id": "HUYEN", "date_available": "10/13/2019", "amount_mvnd": 5}]}},
         "funding.add[0].date_available", "an ISO date yyyy-mm-dd ('10/13/2019' is not a date dd/mm/yyyy "
         "(there is no month 13); month/day order is not accepted: write yyyy-mm-dd)"),
        ({"funding": {"add": [{"source_id": "HUYEN", "date_available": 0, "amount_mvnd": 5}]}},
         "funding.add[0].date_available", "an ISO date yyyy-mm-dd"),  # not a Unix time
        ({"funding": {"add": [{"source_id": "HUYEN", "date_available": dt.datetime(2019, 10, 1, 8),
                               "amount_mvnd": 5}]}},
         "funding.add[0].date_available", "an ISO date yyyy-mm-dd"),  # a YAML time stamp has a time
        ({"risk": {"events": {"E": {"window_start": "1/10/19"}}}},
         "risk.events.E.window_start", "an ISO date yyyy-mm-dd (ambiguous date '1/10/19': two-digit year; "
         "write yyyy-mm-dd)"),
        ({"plan": ""}, "plan", "a non-empty text"),
    ],
)
def test_bad_values_are_refused_with_key_and_expectation(data: dict, key: str, expected: str) -> None:
    with pytest.raises(ValueError) as e:
        validate_file(data, "x.yaml")
    assert str(e.value) == f"x.yaml: key '{key}': expected {expected}, got " + repr(_leaf(data, key))
    # and the JSON schema an editor uses refuses it too (JSON itself has no NaN to refuse)
    if key != "solver.time_limit":
        with pytest.raises(jsonschema.ValidationError):
            _json_validate(data)


def _leaf(data: dict, key: str):
    node = data
    for part in key.replace("[", ".").replace("]", "").split("."):
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def test_unknown_key_lists_the_keys_of_its_section() -> None:
    with pytest.raises(ValueError) as e:
        validate_file({"objective": {"weight_cost": 1}}, "x.yaml")
    assert "unknown key 'objective.weight_cost'" in str(e.value)
    assert "weight_cost_mvnd" in str(e.value)


def test_every_field_has_a_description() -> None:
    schema = json_schema()
    missing = [f"{name}.{field}" for name, model in schema["$defs"].items()
               for field, spec in model.get("properties", {}).items() if not spec.get("description")]
    missing += [f for f, spec in schema["properties"].items() if not spec.get("description")]
    assert missing == []


def test_merged_scenario_is_available_as_typed_records() -> None:
    sc = load_scenario("lien_chung_support")
    model = sc.model
    assert isinstance(model, ScenarioConfig)
    assert model.funding is not None and model.funding.add[0].amount_mvnd == 3000
    assert model.solver is not None and model.solver.workers == 2  # from base.yaml


def test_schema_verb_prints_and_writes_and_never_replaces_a_user_file(tmp_path, capsys) -> None:
    assert main(["scenario", "schema"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "ntm-sched scenario"

    out = tmp_path / "scenario.schema.json"
    assert main(["scenario", "schema", "--out", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8")) == json_schema()
    assert main(["scenario", "schema", "--out", str(out)]) == 0  # our own file: replaced

    user = tmp_path / "notes.json"
    user.write_text('{"mine": true}', encoding="utf-8")
    assert main(["scenario", "schema", "--out", str(user)]) == 2
    assert user.read_text(encoding="utf-8") == '{"mine": true}'
    assert main(["scenario", "schema", "--out", str(tmp_path)]) == 2  # a folder
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.json", "scenario.schema.json"]


def test_a_dd_mm_yyyy_date_is_read_with_a_located_warning(tmp_path, capsys) -> None:
    """The one rule of dates in input files: dd/mm/yyyy is read as day/month/year and the
    warning says where and how; the merged scenario holds the date."""
    (tmp_path / "base.yaml").write_text(f"plan: {ROOT / 'data' / 'tan_yen_2019'}\n", encoding="utf-8")
    f = tmp_path / "more.yaml"
    f.write_text("funding:\n  add:\n    - {source_id: HUYEN, date_available: 03/04/2020, amount_mvnd: 5}\n"
                 "risk:\n  events:\n    E1: {window_start: 2020-01-01, window_end: '15/01/2020'}\n",
                 encoding="utf-8")
    sc = load_scenario(f)
    assert sc.config["funding"]["add"][0]["date_available"] == dt.date(2020, 4, 3)
    assert sc.model.funding.add[0].date_available == dt.date(2020, 4, 3)  # type: ignore[union-attr]
    assert sc.warnings == (
        f"{f}: key 'funding.add[0].date_available': 03/04/2020 read as 3 April 2020 (dd/mm/yyyy); "
        "files use ISO yyyy-mm-dd",
        f"{f}: key 'risk.events.E1.window_end': 15/01/2020 read as 15 January 2020 (dd/mm/yyyy); "
        "files use ISO yyyy-mm-dd")
    assert main(["scenario", "check", str(f)]) == 0
    err = capsys.readouterr().err
    assert f"warning: {f}: key 'funding.add[0].date_available': 03/04/2020 read as 3 April 2020" in err


def test_check_verb_names_the_bad_key(tmp_path, capsys) -> None:
    (tmp_path / "base.yaml").write_text(f"plan: {ROOT / 'data' / 'tan_yen_2019'}\n", encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text("solver:\n  workers: 0\n", encoding="utf-8")
    assert main(["scenario", "check", str(bad)]) == 2
    assert "key 'solver.workers': expected a number > 0" in capsys.readouterr().err
    assert main(["scenario", "check", "base"]) == 0
