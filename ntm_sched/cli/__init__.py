"""The ``ntm-sched`` command: the only place that parses arguments; one module per verb.

Verbs::

    ntm-sched validate PATH [--lang vi|en]
    ntm-sched solve [SCENARIO] [--out DIR] [--time-limit S] [--workers N] [--seed N]
    ntm-sched report SCENARIO [--run NAME] [--lang vi|en] [--time-limit S] [--outputs DIR]
    ntm-sched batch [SCENARIO ...|DIR] [--run NAME] [--jobs N] [--dask | --scheduler ADDRESS] [--time-limit S]
    ntm-sched province-report PLAN [--run NAME] [--jobs N] [--dask | --scheduler ADDRESS] [--lang vi|en]
    ntm-sched province-sweep PLAN --vary NAME=V1,V2,... [--vary ...] [--run NAME] [--jobs N]
                             [--dask | --scheduler ADDRESS] [--work W]
    ntm-sched budget evaluate|minimum|cuts|marginal ...
    ntm-sched scenario schema [--out FILE] | list | check SCENARIO
    ntm-sched risk [SCENARIO] --samples N [--seed S] [--policy fixed|replan] [--jobs N | --scheduler ADDRESS]
                   [--spread-scale X] [--out DIR]
    ntm-sched app [SCENARIO] [--port P] [--lang vi|en] [--time-limit S] [--scenario-dir DIR]
    ntm-sched bench psplib DIR [--reference CSV] [--time-limit S] [--workers N] [--out CSV]
    ntm-sched progress template|check [SCENARIO] --as-of DATE ...
    ntm-sched replan [SCENARIO] --progress FILE --as-of DATE [--out DIR] [--history DIR]
    ntm-sched baseline save|list [SCENARIO] [--history DIR]
    ntm-sched report giao-ban [SCENARIO] --progress FILE --as-of DATE [--run NAME] [--lang vi|en]
    ntm-sched plan new --unit NAME --code CODE --level LEVEL --period P [--communes FILE|CODES] --out FILE

Each verb module (``validate``, ``solve``, ``report``, ``batch``, ``budget``, ``scenario``, ``risk``, ``app``,
``bench``, ``progress``, ``replan``, ``baseline``, ``plan``, ``province``, ``sweep``; ``giao_ban`` for
``report giao-ban``) has
``add_parser(subparsers)`` and ``main(args)``; the common options (``--scenario``,
``--time-limit``, ``--workers``, ``--seed``, ``--lang``, ``--out``) are declared once in the
parent parsers of :mod:`ntm_sched.cli.common`.

Exit codes (one handler for every verb, :func:`run_verb`): 0 success; 1 the job ran but the
answer is not a success (invalid plan, infeasible or unknown solve, failed scenarios); 2 wrong
usage or bad input (one message naming the file, row/key and what was expected); 3 an
unexpected error, a bug (a short message and the file where the full traceback was logged;
``--debug`` prints it); 130/143 interrupted by SIGINT/SIGTERM (nothing half-written is left).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from ntm_sched.cli import (
    app,
    baseline,
    batch,
    bench,
    budget,
    giao_ban,
    plan,
    progress,
    province,
    replan,
    report,
    risk,
    scenario,
    solve,
    sweep,
    validate,
)

VERBS = (validate, solve, report, batch, budget, scenario, risk, app, bench, progress, replan, baseline, plan,
         province, sweep)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``ntm-sched``."""
    parser = argparse.ArgumentParser(prog="ntm-sched", description=(__doc__ or "").split("\n\n")[0])
    sub = parser.add_subparsers(dest="verb", required=True)
    for verb in VERBS:
        verb.add_parser(sub)
    return parser


def _add_debug(parser: argparse.ArgumentParser, top: bool = False) -> None:
    """``--debug`` on the parser and on every sub-command, so it may come anywhere on the line."""
    parser.add_argument("--debug", action="store_true", default=False if top else argparse.SUPPRESS,
                        help="on an unexpected error, print the full traceback")
    for action in parser._actions:  # noqa: SLF001 - argparse keeps sub-parsers only here
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            for sub in action.choices.values():
                _add_debug(sub)


def crash_log_dir() -> Path:
    """Where tracebacks of unexpected errors go: ``$NTM_SCHED_LOG_DIR`` or ``<tmp>/ntm-sched-logs``."""
    import tempfile

    return Path(os.environ.get("NTM_SCHED_LOG_DIR") or Path(tempfile.gettempdir()) / "ntm-sched-logs")


def _log_traceback(verb: str, argv: Sequence[str] | None) -> Path | None:
    import datetime as dt
    import traceback

    try:
        d = crash_log_dir()
        d.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        path = d / f"{verb.replace(' ', '-')}-{stamp}-{os.getpid()}.log"
        path.write_text(f"ntm-sched {' '.join(map(str, argv if argv is not None else sys.argv[1:]))}\n\n"
                        + traceback.format_exc(), encoding="utf-8")
        return path
    except OSError:
        return None


def run_verb(func: Callable[[argparse.Namespace], int | None], args: argparse.Namespace,
             argv: Sequence[str] | None = None) -> int:
    """Run one verb under the one top-level handler of the command line.

    Known errors print one message and exit 2 (:class:`~ntm_sched.errors.InputError`: bad plan,
    scenario, allocation file, output target, name) or 1 (:class:`~ntm_sched.errors.RunFailed`);
    SIGTERM and SIGINT stop the verb (its clean-up runs: temporary folders removed, kernels
    stopped) and exit 143/130; anything else is a bug: a short message naming the log file that
    holds the traceback, exit 3 (``--debug`` also prints the traceback).
    """
    from ntm_sched.errors import InputError, RunFailed, exit_code_of_signal, signal_name, sigterm_raises
    from ntm_sched.i18n import using_lang

    verb = " ".join(x for x in (getattr(args, "verb", None), getattr(args, "budget_verb", None),
                                getattr(args, "scenario_verb", None), getattr(args, "bench_kind", None),
                                getattr(args, "plan_verb", None))
                    if x) or "ntm-sched"
    try:
        # the run's language, set once (--lang; a verb without it, or without a value, speaks the
        # default, or sets its scenario's own language itself)
        with sigterm_raises(), using_lang(getattr(args, "lang", None)):
            return int(func(args) or 0)
    except KeyboardInterrupt as exc:  # SIGINT, or SIGTERM as Interrupted
        print(f"{verb}: interrupted by {signal_name(exc)}; stopped, nothing half-written was published",
              file=sys.stderr)
        return exit_code_of_signal(exc)
    except InputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except RunFailed as exc:
        print(f"failed: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - the one place that turns a bug into a message
        log = _log_traceback(verb, argv)
        where = f"the full traceback is in {log}" if log else "the traceback could not be written to a log"
        print(f"internal error in '{verb}': {type(exc).__name__}: {exc}\n"
              f"This is a bug in ntm-sched, not in your input; {where}"
              + ("" if getattr(args, "debug", False) else " (run again with --debug to print it)") + ".",
              file=sys.stderr)
        if getattr(args, "debug", False):
            import traceback

            traceback.print_exc()
        return 3


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``ntm-sched`` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:2] == ["report", "giao-ban"]:  # the giao ban report has its own arguments
        gb = giao_ban.parser()
        _add_debug(gb, top=True)
        gb_args = gb.parse_args(argv[2:])
        gb_args.verb = "report giao-ban"
        return run_verb(giao_ban.main, gb_args, argv)
    parser = build_parser()
    _add_debug(parser, top=True)
    args = parser.parse_args(argv)
    return run_verb(args.func, args, argv)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
