"""``ntm-sched plan new --unit NAME --code CODE --level LEVEL --period P [--communes FILE|CODES] --out FILE``:
start a plan from the Excel template (:mod:`ntm_sched.plan.template`).

``ntm-sched plan synth --communes N --districts K --seed S --out DIR``: a SYNTHETIC province drawn from
the shipped plan (:mod:`ntm_sched.plan.synth`)."""

from __future__ import annotations

import argparse

from ntm_sched.cli.common import Subparsers, lang_parent
from ntm_sched.plan.schema import UNIT_LEVELS
from ntm_sched.plan.template import new_plan_workbook, read_commune_codes

HELP = "start a plan: the Excel workbook to fill (plan new); a synthetic province (plan synth)"


def add_parser(sub: Subparsers) -> None:
    p = sub.add_parser("plan", help=HELP)
    psub = p.add_subparsers(dest="plan_verb", required=True)
    q = psub.add_parser("new", help="write the workbook of a new plan (never replaces a file)",
                        parents=[lang_parent("vi")])
    q.add_argument("--unit", required=True, help="the owning unit's name, e.g. the district's name")
    q.add_argument("--code", required=True, help="its administrative code (province 2, district 3, commune 5 digits)")
    q.add_argument("--level", required=True, choices=UNIT_LEVELS, help="province, district or commune")
    q.add_argument("--period", required=True, help="programme period, e.g. 2021-2025")
    q.add_argument("--communes", default="", help="commune codes (comma separated) or a file of codes")
    q.add_argument("--out", required=True, help="the .xlsx file to create")
    y = psub.add_parser("synth", help="write a SYNTHETIC province plan drawn from the shipped plan (a folder of "
                                      "CSV files; never into a folder it did not make)")
    y.add_argument("--communes", type=int, required=True, help="number of communes")
    y.add_argument("--districts", type=int, required=True, help="number of districts (1-20)")
    y.add_argument("--seed", type=int, default=0, help="random seed (the same seed gives the same files)")
    y.add_argument("--out", required=True, help="the folder to create")
    p.set_defaults(func=main)


def synth(args: argparse.Namespace) -> int:
    """Write the synthetic province (a :class:`~ntm_sched.plan.synth.SynthError` exits 2, nothing written)."""
    from ntm_sched.plan.synth import SynthSpec, write_synth

    out = write_synth(SynthSpec(args.communes, args.districts, args.seed), args.out)
    print(f"written: {out} (SYNTHETIC: {args.communes} communes, {args.districts} districts, seed {args.seed})")
    return 0


def main(args: argparse.Namespace) -> int:
    if args.plan_verb == "synth":
        return synth(args)
    codes = read_commune_codes(args.communes) if args.communes else []
    out = new_plan_workbook(args.out, unit=args.unit, code=args.code, level=args.level, period=args.period,
                            communes=codes, lang=args.lang)
    print(f"written: {out}")
    return 0
