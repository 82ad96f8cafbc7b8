"""CLI verbs of the progress study (mounted by :mod:`ntm_sched.cli`)::

    ntm-sched progress template [SCENARIO] --as-of DATE --out FILE.xlsx [--history DIR]
    ntm-sched progress check [SCENARIO] --progress FILE --as-of DATE [--lang vi|en]
    ntm-sched replan [SCENARIO] --progress FILE --as-of DATE [--out DIR] [--history DIR]
    ntm-sched baseline save [SCENARIO] [--history DIR]
    ntm-sched baseline list [SCENARIO] [--history DIR]
    ntm-sched report giao-ban [SCENARIO] --progress FILE --as-of DATE [--run NAME] [--lang vi|en]

Exit codes: 0 success, 1 the job ran but the answer is not a success (invalid progress
file, infeasible re-plan, failed report), 2 wrong usage or unreadable input.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path


def _date(text: str) -> dt.date:
    from ntm_sched.plan.cells import CellError, parse_date

    try:
        return parse_date(text)
    except CellError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _common(p: argparse.ArgumentParser, progress: bool = True) -> None:
    p.add_argument("scenario", nargs="?", default="base", help="scenario name or YAML file (default: base)")
    if progress:
        p.add_argument("--progress", required=True, help="progress workbook (.xlsx), progress.csv or a folder of both")
    p.add_argument("--history", default=None, help="history folder (default: history/)")


def _solver(p: argparse.ArgumentParser) -> None:
    p.add_argument("--time-limit", type=float, default=None, help="seconds (default: the scenario's)")
    p.add_argument("--workers", type=int, default=None)
    p.add_argument("--seed", type=int, default=None)


def add_progress_arguments(p: argparse.ArgumentParser) -> None:
    """``ntm-sched progress template|check``."""
    sub = p.add_subparsers(dest="progress_verb", required=True)
    t = sub.add_parser("template", help="write the workbook officers fill in")
    _common(t, progress=False)
    t.add_argument("--as-of", type=_date, required=True, help="status date (dd/mm/yyyy or yyyy-mm-dd)")
    t.add_argument("--out", required=True, help="the .xlsx file to write (never overwritten)")
    c = sub.add_parser("check", help="check a progress file; list every problem with sheet, row and column")
    _common(c)
    c.add_argument("--as-of", type=_date, required=True)
    c.add_argument("--lang", choices=("vi", "en"), default="vi")


def progress_main(args: argparse.Namespace) -> int:
    from ntm_sched.plan.validate import format_issues
    from ntm_sched.scenario import ScenarioError

    try:
        if args.progress_verb == "template":
            from ntm_sched.studies.progress.template import write_template

            out = write_template(args.scenario, args.as_of, args.out, args.history)
            print(f"written: {out}")
            return 0
        from ntm_sched.ntm import build
        from ntm_sched.scenario import load_scenario_and_plan
        from ntm_sched.studies.progress import history as hist
        from ntm_sched.studies.progress.files import ProgressValidationError
        from ntm_sched.studies.progress.replan import load_progress

        sc, plan = load_scenario_and_plan(args.scenario)
        model = build(plan)
        try:
            _, issues = load_progress(model, args.progress, args.as_of,
                                      hist.latest_before(args.history, sc.name, args.as_of))
        except ProgressValidationError as exc:
            print(format_issues(exc.issues, args.lang), file=sys.stderr)
            return 1
        print(format_issues(issues, args.lang))
        return 0
    except (FileNotFoundError, FileExistsError, ScenarioError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def add_replan_arguments(p: argparse.ArgumentParser) -> None:
    """``ntm-sched replan``."""
    _common(p)
    p.add_argument("--as-of", type=_date, required=True, help="status date (dd/mm/yyyy or yyyy-mm-dd)")
    p.add_argument("--out", default=None, help="output folder (default: outputs/replan/<scenario>/<date>)")
    p.add_argument("--lang", choices=("vi", "en"), default="vi", help="language of the problems listed")
    _solver(p)


def replan_main(args: argparse.Namespace) -> int:
    from ntm_sched.plan.validate import format_issues
    from ntm_sched.scenario import ScenarioError
    from ntm_sched.studies.progress.files import ProgressValidationError
    from ntm_sched.studies.progress.replan import replan, write_outputs

    try:
        rp = replan(args.scenario, args.progress, args.as_of, args.history, args.time_limit, args.workers, args.seed)
    except ProgressValidationError as exc:
        print(format_issues(exc.issues, args.lang), file=sys.stderr)
        return 1
    except (FileNotFoundError, ScenarioError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    s = rp.result.summary
    name = Path(args.scenario).stem if args.scenario.endswith((".yaml", ".yml")) else args.scenario
    out = Path(args.out) if args.out else Path("outputs") / "replan" / name / args.as_of.isoformat()
    write_outputs(rp, out)
    for n in s.get("notes", []):
        print(f"note: {n}")
    if rp.warnings:
        print(format_issues(rp.warnings, args.lang))
    print(f"status: {s['status']}  checker: {'OK' if s.get('checker_ok') else s.get('checker_ok')}  "
          f"late communes: {', '.join(s.get('late_communes') or []) or '-'}  "
          f"district recognition: {s.get('district_recognition_date')}")
    if s.get("explanation"):
        print(f"why: {s['explanation']}")
    print(f"snapshot: {rp.snapshot.path if rp.snapshot else '-'}")
    print(f"written: {out}")
    return 0 if s["status"] in ("OPTIMAL", "FEASIBLE") and s.get("checker_ok") else 1


def add_baseline_arguments(p: argparse.ArgumentParser) -> None:
    """``ntm-sched baseline save|list``."""
    sub = p.add_subparsers(dest="baseline_verb", required=True)
    s = sub.add_parser("save", help="solve the scenario and keep it as its baseline (never overwritten)")
    _common(s, progress=False)
    _solver(s)
    s.add_argument("--note", default="", help="a note kept with the baseline")
    x = sub.add_parser("list", help="the scenario's history: baseline and dated snapshots")
    _common(x, progress=False)


def baseline_main(args: argparse.Namespace) -> int:
    from ntm_sched.scenario import ScenarioError
    from ntm_sched.studies.progress import history as hist

    name = Path(args.scenario).stem if args.scenario.endswith((".yaml", ".yml")) else args.scenario
    if args.baseline_verb == "list":
        df = hist.history_table(args.history, name)
        print(df.to_string(index=False) if len(df) else f"no stored plan for {name} in {args.history or 'history'}/")
        return 0
    from ntm_sched.studies.progress.replan import save_baseline

    try:
        rp = save_baseline(args.scenario, args.history, args.time_limit, args.workers, args.seed, args.note)
    except hist.HistoryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except ScenarioError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"baseline: {rp.snapshot.path if rp.snapshot else '-'}  status: {rp.result.status}")
    return 0


def add_giao_ban_arguments(p: argparse.ArgumentParser) -> None:
    """``ntm-sched report giao-ban``."""
    _common(p)
    p.add_argument("--as-of", type=_date, required=True)
    p.add_argument("--run", default=None, help="outputs/<run>/<scenario>.giao_ban/ (default: giao_ban)")
    p.add_argument("--lang", choices=("vi", "en"), default=None)
    p.add_argument("--outputs", default="outputs")
    _solver(p)


def giao_ban_main(args: argparse.Namespace) -> int:
    from ntm_sched.report.runner import ReportError
    from ntm_sched.studies.progress.report import run_giao_ban

    try:
        out = run_giao_ban(args.scenario, args.progress, args.as_of, run=args.run, lang=args.lang,
                           history_root=args.history, outputs_dir=args.outputs, time_limit=args.time_limit,
                           workers=args.workers, seed=args.seed)
    except ReportError as exc:
        print(f"report failed: {exc}", file=sys.stderr)
        if exc.failed_dir is not None and (exc.failed_dir / "error.txt").exists():
            print((exc.failed_dir / "error.txt").read_text(encoding="utf-8")[:2000], file=sys.stderr)
        return 1
    print(f"{out}/report.html")
    return 0


def add_batch_arguments(p: argparse.ArgumentParser) -> None:
    """``ntm-sched batch``: the scenario reports, then a giao ban report per scenario with progress files."""
    from ntm_sched.report.batch import add_batch_arguments as add_report_batch

    add_report_batch(p)
    p.add_argument("--progress-dir", default="data/progress",
                   help="progress files per scenario: <dir>/<scenario>/<yyyy-mm-dd>/ or <yyyy-mm-dd>.xlsx "
                        "(default: data/progress; none: no giao ban reports)")
    p.add_argument("--history", default=None, help="history folder (default: history/)")


def batch_main(args: argparse.Namespace) -> int:
    """The scenario batch, then the giao ban of every scenario that has progress files (logged, failures counted)."""
    from ntm_sched.report.batch import batch_main as report_batch_main, resolve_scenarios
    from ntm_sched.report.runner import ReportError, scenario_name
    from ntm_sched.studies.progress.files import ProgressValidationError
    from ntm_sched.studies.progress.replan import replan
    from ntm_sched.studies.progress.report import progress_entries, run_giao_ban

    rc = report_batch_main(args)
    failed = []
    for sc in resolve_scenarios(args.scenarios or None):
        entries = progress_entries(args.progress_dir, sc)
        if not entries:
            continue
        name = scenario_name(sc)
        try:
            for d, p in entries[:-1]:  # earlier weeks first, so that the history is complete
                replan(sc, p, d, args.history, args.time_limit, args.workers, reuse=True)
            d, p = entries[-1]
            out = run_giao_ban(sc, p, d, run=args.run, lang=args.lang, history_root=args.history,
                               outputs_dir=args.outputs, time_limit=args.time_limit, workers=args.workers,
                               timeout=args.timeout)
            print(f"{dt.datetime.now().isoformat(timespec='seconds')} ok {name}.giao_ban: {out}", file=sys.stderr)
        except (ReportError, ProgressValidationError, OSError) as exc:
            failed.append(name)
            print(f"{dt.datetime.now().isoformat(timespec='seconds')} FAILED {name}.giao_ban: "
                  f"{str(exc).splitlines()[0]}", file=sys.stderr)
    if failed:
        print(f"failed giao ban reports: {', '.join(failed)}", file=sys.stderr)
        return 1
    return rc
