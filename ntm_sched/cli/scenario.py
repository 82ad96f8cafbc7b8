"""``ntm-sched scenario schema [--out FILE] | list | check SCENARIO``: scenario files."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ntm_sched.cli.common import Subparsers, fail, load
from ntm_sched.io import publish_file
from ntm_sched.scenario import json_schema, list_scenarios

HELP = "scenario files: JSON schema, list, check"
SCHEMA_TITLE = "ntm-sched scenario"


def add_parser(sub: Subparsers) -> None:
    p = sub.add_parser("scenario", help=HELP)
    ssub = p.add_subparsers(dest="scenario_verb", required=True)
    q = ssub.add_parser("schema", help="print (or write with --out) the JSON schema of scenario files")
    q.add_argument("--out", help="file to write (default: standard output)")
    ssub.add_parser("list", help="the scenarios of data/scenarios")
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
        for name in list_scenarios():
            print(name)
        return 0
    sc, _ = load(args)
    print(f"{sc.name}: valid ({sc.description('vi')})")
    return 0
