"""The ``ntm-sched`` command: the only place that parses arguments; one module per verb.

Verbs::

    ntm-sched validate PATH [--lang vi|en]
    ntm-sched solve [SCENARIO] [--out DIR] [--time-limit S] [--workers N] [--seed N]
    ntm-sched report SCENARIO [--run NAME] [--lang vi|en] [--time-limit S] [--outputs DIR]
    ntm-sched batch [SCENARIO ...|DIR] [--run NAME] [--jobs N] [--time-limit S]
    ntm-sched budget evaluate|minimum|cuts|marginal ...
    ntm-sched scenario schema [--out FILE] | list | check SCENARIO
    ntm-sched bench psplib DIR [--reference CSV] [--time-limit S] [--workers N] [--out CSV]

Each verb module (``validate``, ``solve``, ``report``, ``batch``, ``budget``, ``scenario``, ``bench``) has
``add_parser(subparsers)`` and ``main(args)``; the common options (``--scenario``,
``--time-limit``, ``--workers``, ``--seed``, ``--lang``, ``--out``) are declared once in the
parent parsers of :mod:`ntm_sched.cli.common`.

Exit codes: 0 success, 1 the job ran but the answer is not a success (invalid plan,
infeasible or unknown solve, failed scenarios), 2 wrong usage or unreadable input.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from ntm_sched.cli import batch, bench, budget, report, scenario, solve, validate

VERBS = (validate, solve, report, batch, budget, scenario, bench)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``ntm-sched``."""
    parser = argparse.ArgumentParser(prog="ntm-sched", description=(__doc__ or "").split("\n\n")[0])
    sub = parser.add_subparsers(dest="verb", required=True)
    for verb in VERBS:
        verb.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``ntm-sched`` console script."""
    from ntm_sched.errors import InputError

    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except InputError as exc:  # bad input (a user's folder as output target, ...): one message, exit 2
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
