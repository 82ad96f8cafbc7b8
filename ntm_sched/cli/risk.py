"""``ntm-sched risk``: schedule and funding risk, Monte Carlo samples of the plan on Dask.

::

    ntm-sched risk [SCENARIO] --samples N [--seed S] [--policy fixed|replan]
                   [--jobs N | --scheduler ADDRESS] [--spread-scale X] [--out DIR]
                   [--lang vi|en] [--time-limit S] [--workers N] [--check-every K]
                   [--replan-time T] [--no-report]

Writes ``commune_risk.csv`` and the other tables, ``risk.xlsx``, ``summary.json``, ``figures/``
and (unless ``--no-report``) ``report.ipynb`` + ``report.html`` into ``--out`` (default
``outputs/risk/<scenario>``), atomically. Exit 0 on success; 1 when the checker rejected a
sampled schedule or the report failed (the tables are still published; the executed notebook and
``error.txt`` are in ``<out>.failed/``, as for every report); 2 on bad input or a plan without a
schedule.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ntm_sched.cli.common import (
    Subparsers,
    _number,
    lang_parent,
    non_negative_int,
    out_dir,
    out_parent,
    positive_float,
    positive_int,
    scenario_of,
    scenario_parent,
)
from ntm_sched.i18n import using_lang
from ntm_sched.io import check_output_target, child_of, remove_output

HELP = "schedule and funding risk: Monte Carlo samples of the plan on Dask"


def non_negative_float(text: str) -> float:
    """A finite number >= 0 (the spread scale)."""
    v = float(_number(text, float))
    if v < 0:
        raise argparse.ArgumentTypeError(f"expected a number >= 0, got {text!r}")
    return v


def add_parser(sub: Subparsers) -> None:
    """Mount ``risk``."""
    p = sub.add_parser("risk", help=HELP, parents=[scenario_parent(positional=True), lang_parent(),
                                                   out_parent("outputs/risk/<scenario>")])
    p.add_argument("--samples", type=positive_int, default=None,
                   help="Monte Carlo samples (default: the scenario's risk.samples, else 1000 fixed / 40 replan)")
    p.add_argument("--seed", type=non_negative_int, default=None,
                   help="seed of the samples (default: the scenario's risk.seed, else its solver seed)")
    p.add_argument("--policy", choices=("fixed", "replan"), default=None,
                   help="fixed: re-time the optimal plan (fast); replan: re-solve each sample with CP-SAT")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--jobs", type=positive_int, default=None, help="local Dask workers (default: the CPU count)")
    where.add_argument("--scheduler", default=None, help="address of an existing Dask scheduler (tcp://host:8786)")
    p.add_argument("--spread-scale", type=non_negative_float, default=None,
                   help="multiply every spread and event probability (0: the deterministic plan)")
    g = p.add_argument_group("the plan's solve")
    g.add_argument("--time-limit", type=positive_float, default=None, help="seconds (default: the scenario's)")
    g.add_argument("--workers", type=positive_int, default=None, help="CP-SAT workers (default: the scenario's)")
    p.add_argument("--check-every", type=non_negative_int, default=None,
                   help="run the independent checker on every k-th fixed sample (default 10; 1: all)")
    p.add_argument("--replan-time", type=positive_float, default=None,
                   help="CP-SAT deterministic time per replan sample (default 1; repeatable whatever the load)")
    p.add_argument("--no-report", action="store_true", help="write the tables and figures only")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    """``ntm-sched risk``."""
    from ntm_sched.studies.risk.run import DEFAULT_REPLAN_TIME, RiskError, run_risk

    name = scenario_of(args)
    # a user's folder is refused before the (long) analysis; the default stays inside outputs/
    out = out_dir(args, child_of(Path("outputs"), "risk", Path(name).stem if name.endswith((".yaml", ".yml"))
                                 else name, what="scenario name"))
    failed = out.with_name(f"{out.name}.failed")  # the report's evidence when its notebook fails
    check_output_target(failed)
    try:
        res = run_risk(scenario_of(args), samples=args.samples, seed=args.seed, policy=args.policy, jobs=args.jobs,
                       scheduler=args.scheduler, spread_scale=args.spread_scale, time_limit=args.time_limit,
                       workers=args.workers, check_every=args.check_every,
                       replan_time=args.replan_time if args.replan_time is not None else DEFAULT_REPLAN_TIME,
                       progress=True if sys.stderr.isatty() else _log_progress)
    except RiskError as exc:  # bad scenario, plan or risk data: InputErrors, printed by run_verb (exit 2)
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for line in (*res.scenario.warnings, *res.uncertainty.warnings):  # dates read from dd/mm/yyyy, located
        print(f"warning: {line}", file=sys.stderr)
    lang = args.lang or res.scenario.lang
    report_error: list[str] = []

    def add_report(tmp: Path) -> None:
        if args.no_report:
            return
        from ntm_sched.report.runner import ReportError
        from ntm_sched.studies.risk.report import run_risk_notebook

        try:
            run_risk_notebook(tmp, lang=lang, scenario=scenario_of(args), failed=failed)
        except ReportError as exc:  # the tables stand; the failed report is said loudly, evidence in .failed/
            report_error.append(str(exc))

    from ntm_sched.studies.risk.outputs import write_result

    with using_lang(lang):
        write_result(res, out, figures=True, extra=add_report)
    if not args.no_report and not report_error:
        remove_output(failed)  # an earlier failure's evidence, now that the report is published
    s = res.summary
    print(f"scenario {s['scenario']}: {s['samples']} samples, policy {s['policy']}, seed {s['seed']}, "
          f"spread scale {s['spread_scale']}, {s['workers']} worker(s), {s['samples_per_s']} samples/s")
    print(f"district on time: p={s['district_p_on_time']:.3f}  recognition P50 {s['district_p50_date']}  "
          f"P80 {s['district_p80_date']}  (plan {s['district_plan_date']})")
    print(f"extra money: P50 {s['extra_mvnd_p50']}  P80 {s['extra_mvnd_p80']} million VND  "
          f"(plan {s['plan_extra_mvnd']})")
    print(f"checker: {s['samples_checked']} sampled schedules checked, {s['checker_failures']} rejected")
    for n in s.get("notes") or []:
        print(f"note: {n}")
    print(f"written: {out}")
    rc = 0
    if s["checker_failures"]:
        print(f"error: the checker rejected sampled schedules {s['checker_failure_samples']}", file=sys.stderr)
        rc = 1
    if report_error:
        print(f"error: the report failed: {report_error[0]}", file=sys.stderr)
        rc = 1
    return rc


def _log_progress(done: int, total: int, _last: list[int] = [0]) -> None:  # noqa: B006 - remembers the last line
    """Plain log lines for cron (about every 10 %)."""
    if done < _last[0]:
        _last[0] = 0
    if done == total or done - _last[0] >= max(1, total // 10):
        _last[0] = done
        print(f"samples {done}/{total}", file=sys.stderr, flush=True)
