"""``ntm-sched progress template|check``: the weekly progress workbook officers fill in.

    ntm-sched progress template [SCENARIO] --as-of DATE --out FILE.xlsx [--history DIR]
    ntm-sched progress check [SCENARIO] --progress FILE --as-of DATE [--lang vi|en] [--history DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys

from ntm_sched.cli.common import Subparsers, fail, lang_parent, scenario_of, scenario_parent
from ntm_sched.plan.cells import CellError, parse_date

HELP = "the weekly progress workbook: template, check"


def status_date(text: str) -> dt.date:
    """A status date from the command line (``dd/mm/yyyy`` or ``yyyy-mm-dd``)."""
    try:
        return parse_date(text)
    except CellError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def progress_parent(required: bool = True) -> argparse.ArgumentParser:
    """``--as-of DATE``, ``--history DIR`` and (when ``required``) ``--progress FILE``."""
    p = argparse.ArgumentParser(add_help=False)
    if required:
        p.add_argument("--progress", required=True,
                       help="progress workbook (.xlsx), progress.csv, or a folder with progress.csv and "
                            "disbursements.csv")
    p.add_argument("--as-of", type=status_date, required=True, help="status date (dd/mm/yyyy or yyyy-mm-dd)")
    p.add_argument("--history", default=None, help="history folder of baselines and snapshots (default: history/)")
    return p


def add_parser(sub: Subparsers) -> None:
    """Mount ``progress template|check``."""
    parser = sub.add_parser("progress", help=HELP)
    psub = parser.add_subparsers(dest="progress_verb", required=True)
    t = psub.add_parser("template", help="write the workbook officers fill in (never overwrites a file)",
                        parents=[scenario_parent(positional=True), progress_parent(required=False)])
    t.add_argument("--out", required=True, help="the .xlsx file to write")
    t.set_defaults(func=template_main)
    c = psub.add_parser("check", help="check a progress file; every problem with sheet, row and column",
                        parents=[scenario_parent(positional=True), progress_parent(), lang_parent("vi")])
    c.set_defaults(func=check_main)


def template_main(args: argparse.Namespace) -> int:
    """0 when written, 2 when the file exists or the scenario is unreadable."""
    from ntm_sched.studies.progress.template import write_template

    try:
        out = write_template(scenario_of(args), args.as_of, args.out, args.history)
    except FileExistsError as exc:
        return fail(str(exc))
    print(f"written: {out}")
    return 0


def check_main(args: argparse.Namespace) -> int:
    """0 when the file has no error (warnings are printed), 1 listing every problem otherwise."""
    from ntm_sched.domain import build
    from ntm_sched.plan.issues import format_issues
    from ntm_sched.scenario import load_scenario_and_plan
    from ntm_sched.studies.progress import history as hist
    from ntm_sched.studies.progress.files import ProgressValidationError
    from ntm_sched.studies.progress.progress_state import load_progress

    try:
        sc, plan = load_scenario_and_plan(scenario_of(args))
        model = build(plan)
        _, issues = load_progress(model, args.progress, args.as_of,
                                  hist.latest_before(args.history, sc.name, args.as_of))
    except ProgressValidationError as exc:  # an InputError, but listed in the user's language, exit 1
        print(format_issues(exc.issues, args.lang), file=sys.stderr)
        return 1
    except FileNotFoundError as exc:
        return fail(str(exc))
    print(format_issues(issues, args.lang))
    return 0
