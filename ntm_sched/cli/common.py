"""What the verbs share: the common options, declared once in parent parsers, checked
command-line values, and loading a scenario with its plan (bad input: a located message on
stderr, exit 2).

Exit codes of every verb: see :func:`ntm_sched.cli.run_verb`.

The value types (``positive_int``, ``positive_float``, ...) are ``argparse`` ``type=``
functions: a value out of range is a usage error (exit 2) naming the option and what was
expected, never a silent default (``--workers 0`` used every core) or an unexplained solver
status (``--time-limit -5`` ended in UNKNOWN).
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path
from typing import TypedDict

from ntm_sched.engine import SolveOptions
from ntm_sched.i18n import LANGS
from ntm_sched.io import check_output_target
from ntm_sched.plan import Plan
from ntm_sched.scenario import Scenario, load_scenario_and_plan

OK_STATUSES = ("OPTIMAL", "FEASIBLE")
Subparsers = argparse._SubParsersAction  # type of ``parser.add_subparsers()``, where each verb mounts itself
DEFAULT_SCENARIO = "base"


def _number(text: str, kind: type) -> float:
    try:
        v = kind(text)
    except (TypeError, ValueError):
        raise argparse.ArgumentTypeError(f"expected {'a whole number' if kind is int else 'a number'}, "
                                         f"got {text!r}") from None
    if isinstance(v, float) and not math.isfinite(v):
        raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
    return v


def positive_int(text: str) -> int:
    """A whole number >= 1 (workers, jobs)."""
    v = int(_number(text, int))
    if v < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}")
    return v


def non_negative_int(text: str) -> int:
    """A whole number >= 0 (random seed)."""
    v = int(_number(text, int))
    if v < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 0, got {text!r}")
    return v


def positive_float(text: str) -> float:
    """A finite number > 0 (seconds, amounts)."""
    v = float(_number(text, float))
    if v <= 0:
        raise argparse.ArgumentTypeError(f"expected a number > 0, got {text!r}")
    return v


def fraction(text: str) -> float:
    """A number strictly between 0 and 1 (a tolerance)."""
    v = float(_number(text, float))
    if not 0 < v < 1:
        raise argparse.ArgumentTypeError(f"expected a number between 0 and 1 (exclusive), got {text!r}")
    return v


def solver_parent() -> argparse.ArgumentParser:
    """``--time-limit``, ``--workers``, ``--seed`` (default: the scenario's)."""
    p = argparse.ArgumentParser(add_help=False)
    g = p.add_argument_group("solver")
    g.add_argument("--time-limit", type=positive_float, default=None,
                   help="seconds per solve (default: the scenario's)")
    g.add_argument("--workers", type=positive_int, default=None, help="CP-SAT workers (default: the scenario's)")
    g.add_argument("--seed", type=non_negative_int, default=None, help="random seed (default: the scenario's)")
    return p


def lang_parent(default: str | None = None) -> argparse.ArgumentParser:
    """``--lang vi|en``."""
    p = argparse.ArgumentParser(add_help=False)
    shown = default if default is not None else "the scenario's"
    p.add_argument("--lang", choices=LANGS, default=default, help=f"language (default: {shown})")
    return p


def where_parent(what: str, shared_files: bool = True) -> argparse.ArgumentParser:
    """``--jobs N`` and ``--dask | --scheduler ADDRESS``: where a run's jobs (``what``) run
    (:class:`ntm_sched.report.jobs.Where`; without ``--dask``/``--scheduler``: local processes, no Dask);
    ``shared_files``: the jobs read and write the same folders, so a cluster's workers must see them."""
    p = argparse.ArgumentParser(add_help=False)
    g = p.add_argument_group("where the jobs run")
    g.add_argument("--jobs", type=positive_int, default=2,
                   help=f"{what} run at the same time: local processes, or the workers of --dask (default: 2)")
    w = g.add_mutually_exclusive_group()
    w.add_argument("--dask", action="store_true",
                   help=f"run the {what} on a Dask LocalCluster of --jobs workers (the same files as a local run)")
    see = " and must see the same plan and outputs folders" if shared_files else ""
    w.add_argument("--scheduler", default=None, metavar="ADDRESS",
                   help=f"run the {what} on an existing Dask cluster (tcp://host:8786; its workers need "
                        f"ntm-sched installed{see})")
    return p


class WhereArgs(TypedDict):
    """Keyword arguments of the batches and the sweep: where their jobs run."""

    jobs: int
    dask: bool
    scheduler: str | None


def where_of(args: argparse.Namespace) -> WhereArgs:
    """``jobs``, ``dask`` and ``scheduler`` of :func:`where_parent`'s options (keyword arguments of the batches)."""
    return {"jobs": int(getattr(args, "jobs", 2)), "dask": bool(getattr(args, "dask", False)),
            "scheduler": getattr(args, "scheduler", None)}


def scenario_parent(positional: bool = False) -> argparse.ArgumentParser:
    """``--scenario NAME|FILE`` (and, for the verbs that always had it, a positional ``SCENARIO``)."""
    p = argparse.ArgumentParser(add_help=False)
    if positional:
        p.add_argument("scenario_arg", nargs="?", default=None, metavar="SCENARIO",
                       help=f"scenario name or YAML file (default: {DEFAULT_SCENARIO})")
    p.add_argument("--scenario", default=None, help=f"scenario name or YAML file (default: {DEFAULT_SCENARIO})")
    return p


def out_parent(default: str) -> argparse.ArgumentParser:
    """``--out DIR``."""
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--out", default=None, help=f"output folder (default: {default})")
    return p


def scenario_of(args: argparse.Namespace) -> str:
    """The scenario named on the command line (positional or ``--scenario``), else ``base``."""
    return getattr(args, "scenario_arg", None) or getattr(args, "scenario", None) or DEFAULT_SCENARIO


def options_of(args: argparse.Namespace, scenario: Scenario) -> SolveOptions:
    """The scenario's solver options with the command line's taking precedence."""
    return scenario.solver_options(getattr(args, "time_limit", None), getattr(args, "workers", None),
                                   getattr(args, "seed", None))


def out_dir(args: argparse.Namespace, default: Path) -> Path:
    """``--out`` or the verb's default folder, checked before any work is done: a folder that is
    not an earlier ntm-sched output (a user's folder, a file) raises
    :class:`~ntm_sched.io.OutputTargetError` (exit 2) and nothing is touched."""
    out = Path(args.out) if getattr(args, "out", None) else default
    check_output_target(out)
    return out


def fail(message: str) -> int:
    """Print ``error: message`` on stderr; exit code 2 (bad input)."""
    print(f"error: {message}", file=sys.stderr)
    return 2


def load(args: argparse.Namespace) -> tuple[Scenario, Plan]:
    """The scenario and its plan; a bad one raises its located
    :class:`~ntm_sched.errors.InputError`, which :func:`ntm_sched.cli.run_verb` prints (exit 2).
    The scenario's warnings (dates read from ``dd/mm/yyyy``) are printed on stderr."""
    sc, plan = load_scenario_and_plan(scenario_of(args))
    for line in sc.warnings:  # a date read from dd/mm/yyyy, located
        print(f"warning: {line}", file=sys.stderr)
    return sc, plan
