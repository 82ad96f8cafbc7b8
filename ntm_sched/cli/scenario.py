"""``ntm-sched scenario schema [--out FILE] | list [--lang en] | check SCENARIO``: scenario files.

``list`` shows the shipped plans of ``data/plans.csv``, each with its unit, period and (for an invented
example) the warning, and under it the names its scenarios answer to, with their descriptions."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ntm_sched.cli.common import Subparsers, fail, lang_parent, load
from ntm_sched.i18n import current_lang
from ntm_sched.io import publish_file
from ntm_sched.scenario import json_schema, load_scenario, scenario_groups, scenario_name

HELP = "scenario files: JSON schema, list, check"
SCHEMA_TITLE = "ntm-sched scenario"


def add_parser(sub: Subparsers) -> None:
    p = sub.add_parser("scenario", help=HELP)
    ssub = p.add_subparsers(dest="scenario_verb", required=True)
    q = ssub.add_parser("schema", help="print (or write with --out) the JSON schema of scenario files")
    q.add_argument("--out", help="file to write (default: standard output)")
    ssub.add_parser("list", parents=[lang_parent("vi")], help="the shipped scenarios, grouped by plan")
    q = ssub.add_parser("check", help="validate a scenario file and apply it to its plan")
    q.add_argument("scenario_arg", metavar="scenario", help="scenario name or YAML file")
    p.set_defaults(func=main)


def _is_schema(path: Path) -> bool:
    """A scenario schema written by this command (its JSON title)."""
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("title") == SCHEMA_TITLE
    except (ValueError, UnicodeDecodeError, AttributeError, OSError):
        return False


def write_schema(out: Path, text: str) -> None:
    """Write the schema to ``out`` atomically; replace only a schema this command wrote (the
    one file-publishing helper, :func:`ntm_sched.io.publish_file`)."""
    publish_file(out, text, _is_schema)


def list_text() -> str:
    """The shipped scenarios grouped by plan: a line per plan (folder, unit, code, period; the warning of an
    invented example), then one indented line per scenario (the name it answers to, its description)."""
    lang = current_lang()
    from ntm_sched.i18n import invented_banner, label, unit_title
    from ntm_sched.plan import load_plan
    from ntm_sched.plan.issues import PlanValidationError

    lines: list[str] = []
    for plan, files in scenario_groups():
        try:
            unit = load_plan(plan.folder).unit
        except PlanValidationError as exc:
            lines.append(f"{plan.name}: {exc}".splitlines()[0])
            unit = None
        else:
            head = unit_title(unit, lang) if unit is None else (
                f"{label('unit_period', lang, unit=unit_title(unit, lang), period=unit.period)} ({unit.code})")
            lines.append(f"{plan.name}: {head}")
        banner = invented_banner(unit, lang)
        if banner:
            lines.append(f"  ! {banner}")
        names = [scenario_name(f) for f in files]
        width = max(map(len, names), default=0)
        for f, name in zip(files, names):
            lines.append(f"  {name:<{width}}  {load_scenario(f).description(lang)}")
    return "\n".join(lines)


def main(args: argparse.Namespace) -> int:
    if args.scenario_verb == "schema":
        text = json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
        if not args.out:
            sys.stdout.write(text)
            return 0
        try:
            write_schema(Path(args.out), text)
        except ValueError as exc:
            return fail(str(exc))
        print(f"written: {args.out}")
        return 0
    if args.scenario_verb == "list":
        print(list_text())
        return 0
    sc, _ = load(args)
    print(f"{sc.name}: valid ({sc.description('vi')})")
    return 0
