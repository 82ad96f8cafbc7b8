"""``ntm-sched validate PATH [--lang vi|en]``: check a plan and print a readable report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from ntm_sched.cli.common import Subparsers, lang_parent
from ntm_sched.i18n import current_lang, in_lang, invented_banner, label, name_field, unit_title
from ntm_sched.plan import Issue, Plan, format_issues, load_plan_with_issues, validate_path
from ntm_sched.units import format_money

HELP = "check a plan folder or workbook and print a report"


def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("path", type=Path, help="plan folder of CSV files or .xlsx workbook")
    return parser


def add_parser(sub: Subparsers) -> None:
    p = sub.add_parser("validate", help=HELP, parents=[lang_parent("vi")])
    add_arguments(p)
    p.set_defaults(func=main)


def plan_summary(plan: Plan) -> str:
    """Counts of the plan's communes, tasks and money, in ``lang``."""
    lang = current_lang()
    s = plan.summary()
    lines = []
    unit = plan.unit
    if unit is not None:  # whose plan it is, and which catalogue set and procedure it follows
        lines.append(label("cli_unit", lang, unit=unit_title(unit, lang), code=unit.code, period=unit.period,
                           criteria_set=unit.criteria_set or "criteria.csv",
                           procedure=unit.procedure or "recognition_steps.csv"))
        banner = invented_banner(unit, lang)
        if banner:  # a made-up example plan says so here as on every page
            lines.append(f"! {banner}")
    lines += [label("cli_communes", lang, **s), label("cli_tasks", lang, **s)]
    owners = [(c.code, c.name) for c in plan.communes] + [("DISTRICT", unit_title(unit, lang) if unit else
                                                           label("cli_district_owner", lang))]
    for code, name in owners:
        n = len(plan.tasks_of(code))
        if n:
            lines.append(f"  {code} {name}: {n}")
    if plan.step_progress:  # steps the plan says are partly or wholly done: each shortens that commune's chain
        lines.append(label("cli_step_progress", lang, n=len(plan.step_progress)))
        lines += [label("cli_step_left", lang, code=p.commune_code, name=plan.commune(p.commune_code).name,
                        step=p.step, share=p.share_remaining) for p in plan.step_progress]
    lines.append(label("cli_funding", lang, sources=s["sources"], tranches=s["tranches"],
                       total=format_money(s["funding_mvnd"], lang)))
    col = name_field(lang)
    for src in plan.sources:
        amount = sum(t.amount_mvnd for t in plan.funding if t.source_id == src.source_id)
        lines.append(f"  {src.source_id} ({getattr(src, col)}): {format_money(amount, lang)}")
    return "\n".join(lines)


def main(args: argparse.Namespace, out: TextIO | None = None) -> int:
    """Print the report; 0 when the plan is valid (warnings allowed), 1 otherwise."""
    out = out or sys.stdout
    lang = getattr(args, "lang", "vi") or "vi"
    path = Path(args.path)
    plan: Plan | None = None
    issues: list[Issue]
    try:
        plan, issues = load_plan_with_issues(path)
    except Exception:  # unreadable input: validate_path turns it into an issue
        issues = validate_path(path)
    print(format_issues(issues, lang=lang, title=label("cli_checking", lang, path=path)), file=out)
    if plan is not None and not any(i.is_error for i in issues):
        print(in_lang(lang, plan_summary, plan), file=out)
        print(label("cli_valid", lang), file=out)
        return 0
    print(label("cli_invalid", lang), file=out)
    return 1
