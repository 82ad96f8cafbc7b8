"""``ntm-sched app``: a verb of the CLI with the common options; a wrong scenario exits 2 before serving."""

from __future__ import annotations

from ntm_sched.cli import build_parser, main
from ntm_sched.cli.common import scenario_of


def test_app_is_a_verb_of_the_cli():
    args = build_parser().parse_args(["app", "base", "--port", "8899", "--lang", "en", "--time-limit", "7"])
    assert args.port == 8899 and scenario_of(args) == "base" and args.lang == "en" and args.time_limit == 7
    assert build_parser().parse_args(["app"]).lang == "vi"


def test_wrong_scenario_exits_2_before_serving(capsys):
    assert main(["app", "no_such_scenario_x"]) == 2
    assert "no_such_scenario_x" in capsys.readouterr().err
