"""The ``ntm-sched`` command: parses arguments, calls one function per verb, prints.

Verbs::

    ntm-sched validate PATH [--lang vi|en]
    ntm-sched solve [SCENARIO] [--out DIR] [--time-limit S] [--workers N] [--seed N]
    ntm-sched report SCENARIO [--run NAME] [--lang vi|en] [--time-limit S] [--outputs DIR]
    ntm-sched batch [SCENARIO ...|DIR] [--run NAME] [--jobs N] [--time-limit S]
    ntm-sched budget evaluate|minimum|cuts|marginal ...
    ntm-sched scenario schema [--out FILE] | list | check SCENARIO
    ntm-sched bench psplib DIR [--reference CSV] [--time-limit S] [--workers N] [--out CSV]

Exit codes: 0 success, 1 the job ran but the answer is not a success (invalid plan,
infeasible or unknown solve, failed scenarios), 2 wrong usage or unreadable input.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path


def _solve_main(args: argparse.Namespace) -> int:
    from ntm_sched.ntm import solve_plan
    from ntm_sched.plan import PlanValidationError
    from ntm_sched.scenario import ScenarioError, load_scenario_and_plan

    try:
        sc, plan = load_scenario_and_plan(args.scenario)
    except (ScenarioError, PlanValidationError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    res = solve_plan(plan, **sc.solver_kwargs(args.time_limit, args.workers, args.seed))
    out = Path(args.out) if args.out else Path("outputs") / "solve" / sc.name
    res.write(out)
    s = res.summary
    print(f"status: {s['status']}  objective: {s['objective']}  bound: {s['best_bound']}  "
          f"gap: {s['gap']}  runtime: {s['runtime_s']} s")
    if res.has_schedule:
        print(f"communes on time: {s['communes_on_time']}/{s['communes_on_time'] + s['communes_late']}  "
              f"late: {', '.join(s['late_communes']) or '-'}")
        print(f"district recognition: {s['district_recognition_date']}  "
              f"total cost: {s['total_cost_mvnd']} million VND  extra funding: {s['extra_funding_mvnd']} million VND")
    if s.get("explanation"):
        print(f"why: {s['explanation']}")
    print(f"written: {out}")
    return 0 if s["status"] in ("OPTIMAL", "FEASIBLE") else 1


def _write_schema(out: Path, text: str) -> None:
    """Write the schema to ``out`` atomically; replace only a schema this command wrote."""
    if out.is_dir():
        raise ValueError(f"{out} is a folder: give a file name such as scenario.schema.json")
    if out.exists():
        try:
            ours = json.loads(out.read_text(encoding="utf-8")).get("title") == "ntm-sched scenario"
        except (ValueError, UnicodeDecodeError, AttributeError):
            ours = False
        if not ours:
            raise ValueError(f"{out} exists and is not a scenario schema written by ntm-sched: not replaced")
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.tmp-", dir=out.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _scenario_main(args: argparse.Namespace) -> int:
    from ntm_sched.plan import PlanValidationError
    from ntm_sched.scenario import ScenarioError, json_schema, list_scenarios, load_scenario_and_plan

    if args.scenario_verb == "schema":
        text = json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
        if not args.out:
            sys.stdout.write(text)
            return 0
        try:
            _write_schema(Path(args.out), text)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        print(f"written: {args.out}")
        return 0
    if args.scenario_verb == "list":
        for name in list_scenarios():
            print(name)
        return 0
    try:
        sc, _ = load_scenario_and_plan(args.scenario)
    except (ScenarioError, PlanValidationError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"{sc.name}: valid ({sc.description('vi')})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``ntm-sched`` (sub-commands mounted lazily)."""
    parser = argparse.ArgumentParser(prog="ntm-sched", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="verb", required=True)

    from ntm_sched.plan.cli import add_validate_arguments, validate_main

    p = sub.add_parser("validate", help="check a plan folder or workbook and print a report")
    add_validate_arguments(p)
    p.set_defaults(func=validate_main)

    p = sub.add_parser("solve", help="solve a scenario and write schedule, milestones, allocation, load, summary")
    p.add_argument("scenario", nargs="?", default="base", help="scenario name or YAML file (default: base)")
    p.add_argument("--out", help="output folder (default: outputs/solve/<scenario>)")
    p.add_argument("--time-limit", type=float, default=None, help="seconds (default: the scenario's)")
    p.add_argument("--workers", type=int, default=None, help="CP-SAT workers (default: the scenario's)")
    p.add_argument("--seed", type=int, default=None, help="random seed (default: the scenario's)")
    p.set_defaults(func=_solve_main)

    # verbs implemented next to their layer: (verb, help, module, arguments function, main function)
    for verb, help_, module, add, run in (
        ("report", "run the scenario report notebook with papermill", "ntm_sched.report.runner",
         "add_report_arguments", "report_main"),
        ("batch", "run many scenarios' reports and compare them", "ntm_sched.report.batch",
         "add_batch_arguments", "batch_main"),
        ("budget", "finance office: evaluate, minimum, cuts, marginal", "ntm_sched.budget",
         "add_budget_arguments", "budget_main"),
    ):
        mod = importlib.import_module(module)
        p = sub.add_parser(verb, help=help_)
        getattr(mod, add)(p)
        p.set_defaults(func=getattr(mod, run))

    p = sub.add_parser("scenario", help="scenario files: JSON schema, list, check")
    ssub = p.add_subparsers(dest="scenario_verb", required=True)
    q = ssub.add_parser("schema", help="print (or write with --out) the JSON schema of scenario files")
    q.add_argument("--out", help="file to write (default: standard output)")
    ssub.add_parser("list", help="the scenarios of data/scenarios")
    q = ssub.add_parser("check", help="validate a scenario file and apply it to its plan")
    q.add_argument("scenario", help="scenario name or YAML file")
    p.set_defaults(func=_scenario_main)

    bench = sub.add_parser("bench", help="benchmarks of the engine")
    bsub = bench.add_subparsers(dest="bench_kind", required=True)
    from ntm_sched.engine.bench import add_bench_arguments, bench_main

    p = bsub.add_parser("psplib", help="solve PSPLIB instances and compare with reference optima")
    add_bench_arguments(p)
    p.set_defaults(func=bench_main)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``ntm-sched`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
