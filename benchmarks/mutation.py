"""Mutation testing of the modules that decide what an answer means: how many small bugs do the tests catch?

Runs mutmut (a benchmark-only dependency: ``pip install -e '.[mutation]'``; not part of the test
suite) on

* ``ntm_sched/domain/build.py``   the domain bridge (plan -> engine problem),
* ``ntm_sched/domain/tables.py``  the plan's tables and the summary (``summary_dict``, ``on_time_table``),
* ``ntm_sched/engine/checker.py`` the engine's independent checker,
* ``ntm_sched/domain/verify*.py`` the plan-level verifier (``verify``, ``verify_rules``, ``verify_checks``),

(``--modules`` mutates another choice, e.g. ``ntm_sched/domain/explain.py``, infeasibility told
in the plan's terms)

each mutant against a fast subset of the tests (no base-plan solve, no notebooks, no ``slow`` tests:
the checker tests, the verifier tests on small plans, the build, tables and explain tests). It
works in a scratch copy of the project (``--workdir``, default a temporary folder), never in the
repository, and prints per module (and with ``--by-function`` per function): mutants, killed, timed
out, survived, without tests, and the killed share ``(killed + timeout) / (mutants - skipped)``,
also without the survivors listed in ``benchmarks/mutation_equivalent.txt`` (``--equivalent``): mutants
shown equivalent to the code, each under a category that says why.

Usage (CPU-heavy: about a mutant per 1-6 s per child process)::

    .venv/bin/python benchmarks/mutation.py [--max-children 1] [--modules FILE ...] [--workdir DIR] [--keep]
                                            [--survivors] [--by-function] [--equivalent FILE]
    .venv/bin/python benchmarks/mutation.py --workdir DIR --report-only [...]   # an earlier run's results
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

MODULES = ["ntm_sched/domain/build.py", "ntm_sched/domain/tables.py", "ntm_sched/engine/checker.py",
           "ntm_sched/domain/verify.py", "ntm_sched/domain/verify_rules.py", "ntm_sched/domain/verify_checks.py"]

# the fast tests that exercise those modules (each mutant runs the ones that reached its function in
# mutmut's first run: a function called only while a shared fixture is built counts for the first test
# that asked for the fixture, so the tests below build what they check themselves, from solves cached
# per process: tests/solved_plans.py)
TESTS = [
    "tests/engine/test_checker.py",
    "tests/domain/test_verify.py",
    "tests/domain/test_build.py",
    "tests/domain/test_explain.py::test_explanations_are_told_in_the_plans_terms",
    "tests/domain/test_explain.py::test_explanations_word_for_word",
    "tests/domain/test_explain.py::test_a_calendar_break_over_the_whole_horizon_is_named_in_the_explanation",
    "tests/domain/test_tables.py::test_on_time_means_every_dated_chain_milestone_met",
    "tests/domain/test_tables.py::test_on_time_table_of_no_milestones",
    "tests/domain/test_tables.py::test_summary_fields_of_a_small_plan",
    "tests/domain/test_tables.py::test_tables_of_a_small_plan",
    "tests/domain/test_tables.py::test_summary_without_a_schedule",
    "tests/domain/test_tables.py::test_written_files_read_back_equal",
    "tests/domain/test_tables.py::test_summary_of_a_schedule_without_money_district_target_or_check",
    "tests/domain/test_tables.py::test_a_task_on_the_plans_first_day_counts_in_its_weeks_load",
    "tests/domain/test_tables.py::test_tables_without_targets_or_agency_effort_keep_their_columns",
    "tests/domain/test_run.py::test_solve_plan_forwards_the_solver_options_and_verifies",
]
# solves per mutant are what makes this slow: the small plans are solved once per process
# (tests/solved_plans.py; mutmut forks its workers from the process that ran them) and the tests
# that solve again (modified plans, whole scenarios, the command line end to end) are left out here
# (they run in the test suite), as is the import test without OR-Tools (a subprocess no mutant can fail)
DESELECT = "not modified_plan and not invalid_everywhere and not imports_without_cp_sat"


def _config(modules: list[str]) -> str:
    def arr(xs: list[str]) -> str:
        return "[" + ", ".join(f'"{x}"' for x in xs) + "]"

    return (
        "\n[tool.mutmut]\n"
        'source_paths = ["ntm_sched"]\n'
        f"only_mutate = {arr(modules)}\n"
        'also_copy = ["data", "notebooks"]\n'
        f"pytest_add_cli_args_test_selection = {arr(TESTS)}\n"
        f'pytest_add_cli_args = ["-m", "not slow", "-k", "{DESELECT}", "-q", "-p", "no:cacheprovider"]\n'
        "timeout_multiplier = 5.0\n"
        "use_git_change_detection = false\n"
    )


def _copy_project(work: Path) -> None:
    for name in ("ntm_sched", "tests", "data", "notebooks"):
        shutil.copytree(ROOT / name, work / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy2(ROOT / "pyproject.toml", work / "pyproject.toml")


_LINE = re.compile(r"^\s*(?P<name>[\w.]+__mutmut_\d+):\s*(?P<status>.+?)\s*$")


def _module_of(mutant: str) -> str:
    """``ntm_sched.engine.checker.x_check__mutmut_3`` -> ``ntm_sched/engine/checker.py``."""
    dotted = mutant.split(".x")[0] if ".x" in mutant else mutant.rsplit(".", 1)[0]
    parts = mutant.split(".")
    for i in range(len(parts), 0, -1):
        cand = "/".join(parts[:i]) + ".py"
        if (ROOT / cand).exists():
            return cand
    return dotted


def _function_of(mutant: str) -> str:
    """``ntm_sched.domain.verify_rules.xǁRulesǁcapacity__mutmut_3`` -> ``Rules.capacity``."""
    name = mutant.rsplit(".", 1)[-1].split("__mutmut_")[0]
    if name.startswith("xǁ"):
        return ".".join(x for x in name[2:].split("ǁ") if x)
    return name[2:] if name.startswith("x_") else name


EQUIVALENT = ROOT / "benchmarks" / "mutation_equivalent.txt"


def read_equivalent(path: Path) -> dict[str, str]:
    """Mutant name -> category, from a file of ``[category] reason`` headers each followed by the
    names of the mutants it covers (``#`` starts a comment)."""
    out: dict[str, str] = {}
    category = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("["):
            category = line[1:line.index("]")]
        elif category is None:
            raise SystemExit(f"{path}: {line!r} before any [category] line")
        else:
            out[line] = category
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--max-children", type=int, default=1, help="mutants tested at once (default 1)")
    ap.add_argument("--workdir", type=Path, default=None, help="scratch folder (default: a temporary one)")
    ap.add_argument("--keep", action="store_true", help="keep the scratch folder (mutmut's results)")
    ap.add_argument("--report-only", action="store_true", help="report the results already in --workdir")
    ap.add_argument("--survivors", action="store_true", help="list the surviving mutants (with their change)")
    ap.add_argument("--by-function", action="store_true", help="also the figures of each mutated function")
    ap.add_argument("--equivalent", type=Path, default=EQUIVALENT,
                    help=f"survivors shown equivalent, by category with the reason (default {EQUIVALENT.name})")
    ap.add_argument("--modules", nargs="+", default=None, help=f"files to mutate (default: {' '.join(MODULES)})")
    args = ap.parse_args(argv)
    modules = args.modules or MODULES
    unknown = [m for m in modules if not (ROOT / m).is_file()]
    if unknown:
        ap.error(f"no such module: {', '.join(unknown)}")
    if args.report_only and args.workdir is None:
        ap.error("--report-only reads an earlier run: give its --workdir")
    equivalent = read_equivalent(args.equivalent) if args.equivalent.is_file() else {}

    work = args.workdir or Path(tempfile.mkdtemp(prefix="ntm-mutation-"))
    work.mkdir(parents=True, exist_ok=True)
    if not (work / "ntm_sched").exists():
        _copy_project(work)
        with open(work / "pyproject.toml", "a", encoding="utf-8") as f:
            f.write(_config(modules))
    mutmut = [sys.executable, "-m", "mutmut"]
    t0 = time.perf_counter()
    rc = None
    if not args.report_only:
        rc = subprocess.run([*mutmut, "run", "--max-children", str(args.max_children)], cwd=work).returncode
    wall = time.perf_counter() - t0
    out = subprocess.run([*mutmut, "results", "--all", "true"], cwd=work, capture_output=True, text=True)
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    by_function: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    by_category: Counter[str] = Counter()
    survivors: list[str] = []
    for line in out.stdout.splitlines():
        m = _LINE.match(line)
        if not m:
            continue
        status = m["status"]
        if status == "survived" and m["name"] in equivalent:
            status = "equivalent"
            by_category[equivalent[m["name"]]] += 1
        counts[_module_of(m["name"])][status] += 1
        by_function[(_module_of(m["name"]), _function_of(m["name"]))][status] += 1
        if status == "survived":
            survivors.append(m["name"])
    if rc is not None:
        print(f"\nmutation testing: {len(modules)} modules, {args.max_children} children, {wall:.0f} s wall "
              f"(mutmut exit {rc}); scratch copy: {work}")
    print(f"{'module':44} {'mutants':>7} {'killed':>6} {'timeout':>7} {'survived':>8} {'equiv.':>6} "
          f"{'no tests':>8} {'skipped':>7} {'killed share':>12} {'excl. equiv.':>12}")
    total: Counter[str] = Counter()
    for mod in modules:
        c = counts.get(mod, Counter())
        total.update(c)
        _row(mod, c)
    _row("all", total)
    if by_category:
        print("\nsurvivors shown equivalent, by category (" + str(args.equivalent) + "):")
        for cat, n in sorted(by_category.items()):
            print(f"  {n:4d}  {cat}")
    if args.by_function:
        print("\nper function:")
        for (mod, fn), c in sorted(by_function.items()):
            _row(f"{Path(mod).stem}.{fn}", c)
    if args.survivors:
        print("\nsurvivors not shown equivalent:")
        for s in survivors:
            shown = subprocess.run([*mutmut, "show", s], cwd=work, capture_output=True, text=True).stdout
            change = [x for x in shown.splitlines() if x[:1] in "+-" and x[:3] not in ("+++", "---")]
            print(f"  {s}\n" + "".join(f"      {x}\n" for x in change), end="")
    if not args.keep and args.workdir is None:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if total else 1


def _row(mod: str, c: Counter[str]) -> None:
    n = sum(c.values())
    killed, timeout = c.get("killed", 0), c.get("timeout", 0)
    skipped, equiv = c.get("skipped", 0), c.get("equivalent", 0)
    share = (killed + timeout) / max(1, n - skipped)
    share_eq = (killed + timeout) / max(1, n - skipped - equiv)
    print(f"{mod:44} {n:7d} {killed:6d} {timeout:7d} {c.get('survived', 0):8d} {equiv:6d} "
          f"{c.get('no tests', 0):8d} {skipped:7d} {share:11.1%} {share_eq:12.1%}")
    known = ("killed", "timeout", "survived", "equivalent", "no tests", "skipped")
    others = {k: v for k, v in c.items() if k not in known}
    if others:
        print(f"{'':44} other: {others}")


if __name__ == "__main__":
    sys.exit(main())
