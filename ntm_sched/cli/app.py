"""``ntm-sched app [SCENARIO] [--port P] [--lang vi|en] [--time-limit S] [--scenario-dir DIR]``:
the planners' and finance office's web app, served by Voilà on 127.0.0.1 (no code visible)."""

from __future__ import annotations

import argparse

from ntm_sched.app.server import DEFAULT_PORT, run_app
from ntm_sched.cli.common import (
    Subparsers,
    lang_parent,
    load,
    options_of,
    scenario_of,
    scenario_parent,
    solver_parent,
)

HELP = "serve the planners' and finance office's web app on localhost (Voilà)"


def add_parser(sub: Subparsers) -> None:
    p = sub.add_parser("app", help=HELP, parents=[scenario_parent(positional=True), lang_parent("vi"),
                                                  solver_parent()])
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port on localhost (default: {DEFAULT_PORT})")
    p.add_argument("--scenario-dir", default=None,
                   help="where 'save as a scenario' writes (default: the scenario's own plan's scenarios/ folder, "
                        "which the nightly batch runs)")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    """Serve until interrupted (Ctrl+C); 2 when the scenario or its plan is wrong (nothing served)."""
    sc, _ = load(args)
    opts = options_of(args, sc)
    return run_app(scenario_of(args), port=args.port, lang=args.lang, time_limit=opts.time_limit,
                   workers=opts.workers, seed=opts.seed, scenario_dir=args.scenario_dir)
