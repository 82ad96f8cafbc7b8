"""``ntm-sched validate PATH [--lang vi|en]``: check a plan and print a readable report.

The top-level CLI wires it up with::

    sub = subparsers.add_parser("validate", help="check a plan")
    add_validate_arguments(sub)
    sub.set_defaults(func=validate_main)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from . import validate_path
from .io import load_plan_with_issues
from .model import Plan
from .validate import Issue, format_issues
from ntm_sched.units import format_money  # money is formatted in one place


def add_validate_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    parser.add_argument("path", type=Path, help="plan folder of CSV files or .xlsx workbook")
    parser.add_argument("--lang", choices=("vi", "en"), default="vi",
                        help="language of the report (default: vi)")
    return parser


def plan_summary(plan: Plan, lang: str = "vi") -> str:
    vi = lang == "vi"
    s = plan.summary()
    lines = []
    if vi:
        lines.append(f"Số xã: {s['communes']} (chưa đạt chuẩn: {s['not_recognised']})")
        lines.append(f"Số công việc: {s['tasks']}")
    else:
        lines.append(f"Communes: {s['communes']} (not recognised: {s['not_recognised']})")
        lines.append(f"Tasks: {s['tasks']}")
    owners = [(c.code, c.name) for c in plan.communes] + [("DISTRICT", "huyện" if vi else "district")]
    for code, name in owners:
        n = len(plan.tasks_of(code))
        if n:
            lines.append(f"  {code} {name}: {n}")
    total = s["funding_mvnd"]
    if vi:
        lines.append(f"Số nguồn vốn: {s['sources']}; số đợt cấp vốn: {s['tranches']}; "
                     f"tổng vốn: {format_money(total, lang)}")
    else:
        lines.append(f"Sources: {s['sources']}; tranches: {s['tranches']}; "
                     f"total funding: {format_money(total, lang)}")
    for src in plan.sources:
        amount = sum(t.amount_mvnd for t in plan.funding if t.source_id == src.source_id)
        label = src.name_vi if vi else src.name_en
        lines.append(f"  {src.source_id} ({label}): {format_money(amount, lang)}")
    return "\n".join(lines)


def validate_main(args: argparse.Namespace, out: TextIO | None = None) -> int:
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
    title = f"Kiểm tra kế hoạch: {path}" if lang == "vi" else f"Checking plan: {path}"
    print(format_issues(issues, lang=lang, title=title), file=out)
    ok = plan is not None and not any(i.is_error for i in issues)
    if ok:
        print(plan_summary(plan, lang), file=out)
        print("Kế hoạch hợp lệ." if lang == "vi" else "The plan is valid.", file=out)
        return 0
    print("Kế hoạch KHÔNG hợp lệ." if lang == "vi" else "The plan is NOT valid.", file=out)
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ntm-sched validate", description="Check a plan.")
    add_validate_arguments(parser)
    return validate_main(parser.parse_args(argv))


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
