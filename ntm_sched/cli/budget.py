"""``ntm-sched budget evaluate|minimum|cuts|marginal ...``: the finance office's questions (CSV + XLSX)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path

from ntm_sched.cli.common import (
    Subparsers,
    fail,
    fraction,
    load,
    options_of,
    out_dir,
    out_parent,
    positive_float,
    scenario_parent,
    solver_parent,
)
from ntm_sched.io import child_of
from ntm_sched.studies.budget import (
    CUTS_QUESTION,
    MARGINAL_QUESTION,
    MINIMUM_QUESTION,
    AllocationError,
    budget_cuts,
    cuts_are_monotone,
    evaluate_allocation,
    marginal_value,
    minimum_budget,
    minimum_uniform_scale,
    plot_cuts,
    write_budget_tables,
)
from ntm_sched.studies.budget.cuts import DEFAULT_LEVELS
from ntm_sched.studies.budget.cuts_work import METHODS
from ntm_sched.studies.budget.marginal import DEFAULT_AMOUNT
from ntm_sched.studies.budget.verdict import invalid_rows, loud_lines

HELP = "finance office: evaluate, minimum, cuts, marginal"
LEVELS_TEXT = ",".join(f"{x:g}" for x in DEFAULT_LEVELS)


def add_parser(sub: Subparsers) -> None:
    """Mount ``budget evaluate|minimum|cuts|marginal``."""
    parser = sub.add_parser("budget", help=HELP)
    bsub = parser.add_subparsers(dest="budget_verb", required=True)
    parents = [scenario_parent(), solver_parent(), out_parent("outputs/budget/<verb>/<scenario>")]

    p = bsub.add_parser("evaluate", help="hold an allocation (commune x source x quarter) fixed and evaluate it",
                        parents=parents)
    p.add_argument("allocation", help="CSV or XLSX with commune_code, source_id, quarter, amount_mvnd")
    p.add_argument("--no-missing", action="store_true", help="skip the re-solve with extra funding")
    p = bsub.add_parser("minimum", help="smallest budget meeting every achievable deadline", parents=parents)
    p.add_argument("--tolerance", type=fraction, default=0.01, help="tolerance of the uniform-scale bisection")
    p = bsub.add_parser("cuts", help="communes on time per budget level", parents=parents)
    p.add_argument("--levels", default=LEVELS_TEXT, help=f"comma-separated levels (default {LEVELS_TEXT})")
    p.add_argument("--search-time", type=positive_float, default=30.0,
                   help="seconds per level for the search of the largest sets of communes (default 30)")
    p.add_argument("--question-time", type=positive_float, default=6.0,
                   help="seconds of one feasibility question before it is retried or left unsettled (default 6)")
    p.add_argument("--thorough", action="store_true",
                   help="the others' lateness searched until its bound's rounds converge: proven or within a few "
                        "per cent at every level, minutes per level instead of seconds (on the shipped plan 25 "
                        "minutes for the six levels on 2 cores)")
    p = bsub.add_parser("marginal", help="days gained per commune from more earmarked money", parents=parents)
    p.add_argument("--amount", type=positive_float, default=DEFAULT_AMOUNT,
                   help=f"million VND per commune (default {DEFAULT_AMOUNT:g})")
    p.add_argument("--source", default=None, help="source id of the added money (default: first paying for all)")
    parser.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    """Run one ``ntm-sched budget`` verb. Exit 0 success, 1 answer not a success, 2 bad input."""
    sc, plan = load(args)
    opts = options_of(args, sc)
    verb = args.budget_verb
    out = out_dir(args, child_of(Path("outputs"), "budget", verb, sc.name, what="scenario name"))
    if verb == "evaluate":
        try:
            rep = evaluate_allocation(plan, args.allocation, find_missing=not args.no_missing, options=opts)
        except AllocationError as exc:
            return fail(str(exc))
        write_budget_tables(out, rep.tables(), rep.summary)
        s = rep.summary
        print(f"status: {s['status']}  allocated: {s['allocated_mvnd']:,.0f} M VND  paid: {s['paid_mvnd']}  "
              f"unspent: {s['unspent_mvnd']}")
        print(f"communes on time: {s['communes_on_time']}  late: {', '.join(s['late_communes']) or '-'}  "
              f"district recognition: {s['district_recognition_date']}")
        print(f"missing money (re-solve with extra funding): {s['missing_mvnd']:,.0f} M VND")
        if s.get("note"):
            print(s["note"])
        print(f"checked against the plan: {s['verified']}")
        print(f"written: {out}")
        if s["verified"] is False:
            _say_invalid([("allocation", s["verifier_findings"])])
        return 0 if s["status"] in ("OPTIMAL", "FEASIBLE") and s["verified"] is not False else 1
    if verb == "minimum":
        mb = minimum_budget(plan, opts)
        sc_ans = minimum_uniform_scale(plan, opts, tolerance=args.tolerance)
        summ = dict(mb.summary, uniform_scale=sc_ans.scale, uniform_scale_lower=sc_ans.lower,
                    uniform_scale_lower_proven=sc_ans.lower_proven, uniform_scale_question=sc_ans.question,
                    uniform_scale_target_lateness=sc_ans.target_lateness,
                    uniform_scale_target_status=sc_ans.target_status,
                    uniform_budget_mvnd=sc_ans.budget_mvnd, tolerance=args.tolerance,
                    uniform_scale_verified=sc_ans.verified, uniform_scale_verifier_findings=sc_ans.verifier_findings)
        write_budget_tables(out, {**mb.tables(), "uniform_scale_trace": sc_ans.trace}, summ)
        print(f"question 1: {MINIMUM_QUESTION}")
        if len(mb.relaxed):
            print("deadlines missed at that least lateness (date reached): "
                  + ", ".join(f"{r.commune_code} {r.milestone} {r.target_date} -> {r.earliest_date}"
                              for r in mb.relaxed.itertuples()))
        sm = mb.summary
        print(f"minimum budget: {mb.total_mvnd} M VND ({mb.status}; lateness {sm.get('lateness_status')}, money "
              f"{sm.get('money_status')}, money bound {sm.get('lower_bound_mvnd')}) vs the plan's "
              f"{mb.plan_total_mvnd:,.0f} M VND")
        print(f"question 2: {sc_ans.question}")
        print(f"smallest uniform scale of the current budget: {sc_ans.scale} (not feasible at {sc_ans.lower:.4f}"
              f"{'' if sc_ans.lower_proven else ', not proven: a probe timed out'}; target lateness "
              f"{sc_ans.target_lateness} ({sc_ans.target_status}); tolerance {args.tolerance:.0%})")
        print(f"checked against the plan: minimum budget {sm.get('verified')}, uniform scale {sc_ans.verified}")
        print(f"written: {out}")
        _say_invalid([(what, str(findings)) for what, ok, findings in (
            ("minimum budget", sm.get("verified"), sm.get("verifier_findings")),
            ("uniform scale", sc_ans.verified, sc_ans.verifier_findings)) if ok is False])
        return 0 if (mb.status in ("OPTIMAL", "FEASIBLE") and sc_ans.scale is not None
                     and sc_ans.verified is not False) else 1
    if verb == "cuts":
        try:
            levels = [float(x) for x in args.levels.split(",") if x.strip()]
            if not levels or any(x < 0 for x in levels):
                raise ValueError
        except ValueError:
            return fail(f"--levels: expected comma-separated non-negative numbers, got {args.levels!r}")
        df = budget_cuts(plan, levels, opts, search_time=args.search_time, question_time=args.question_time,
                         thorough=args.thorough)
        answered = bool(df["set_size"].notna().all())
        invalid = invalid_rows(df, "level")
        write_budget_tables(out, {"cuts": df}, {"question": CUTS_QUESTION, "levels": levels, "answered": answered,
                                                "method": METHODS[args.thorough],
                                                "monotone": cuts_are_monotone(df), "verified": not invalid,
                                                "invalid_levels": invalid})
        _write_plot(out, df)
        print(f"question: {CUTS_QUESTION}")
        print(df[["level", "set_status", "set_size", "on_time_names", "status", "gap", "late_detail",
                  "district_recognition_date", "missing_by_month", "questions", "search_s", "solve_s",
                  "verified"]].to_string(index=False))
        for r in df.itertuples():
            if isinstance(r.other_largest, str):
                print(f"level {r.level:g}: other sets of {r.set_size}: {r.other_largest}")
            if isinstance(r.unsettled_sets, str):
                print(f"level {r.level:g}: UNSETTLED (a larger or another set may be feasible): {r.unsettled_sets}")
        print(f"written: {out}")
        _say_invalid((f"level {r.level:g}", r.verifier_findings) for r in df.itertuples() if str(r.level) in invalid)
        if not answered:
            return fail(f"no schedule at level(s) {df.loc[df['set_size'].isna(), 'level'].tolist()}")
        return 1 if invalid else 0
    if verb == "marginal":
        if args.amount <= 0:
            return fail("--amount must be positive")
        df = marginal_value(plan, args.amount, opts, source_id=args.source)
        invalid = invalid_rows(df, "commune_code")
        write_budget_tables(out, {"marginal": df}, {"question": MARGINAL_QUESTION, "amount_mvnd": args.amount,
                                                    "verified": not invalid, "invalid_communes": invalid})
        print(f"question: {MARGINAL_QUESTION}")
        print(df[["commune_code", "name", "base_date", "date_with_more", "days_gained", "days_gained_at_most",
                  "status_base", "status_with_more", "lateness_status_base", "verified"]].to_string(index=False))
        print(f"written: {out}")
        _say_invalid((f"commune {r.commune_code}", r.verifier_findings) for r in df.itertuples()
                     if str(r.commune_code) in invalid)
        return 0 if df["days_gained"].notna().all() and not invalid else 1
    return fail(f"unknown budget verb {verb!r}")  # pragma: no cover


def _say_invalid(rows: Iterable[tuple[str, str]]) -> None:
    """Each answer the plan-level verifier rejected, on stderr (the exit status is then 1)."""
    for line in loud_lines(rows):
        print(line, file=sys.stderr)


def _write_plot(out: Path, df) -> None:
    """``cuts.png`` (bars with each level's status and gap) into the folder just written, atomically."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ntm_sched.io import atomic_write_bytes

    ax = plot_cuts(df)
    buf = io.BytesIO()
    ax.figure.savefig(buf, format="png", dpi=120, bbox_inches="tight")
    plt.close(ax.figure)
    atomic_write_bytes(out / "cuts.png", buf.getvalue())
