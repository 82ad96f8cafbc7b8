"""Plant the four domain-layer bugs of issue 15, one at a time, and show which tests catch each.

Each bug is a one-line edit applied to a scratch copy of the project (never to the repository);
the copy's test subset runs against it and the failing tests are listed. A bug no test catches
makes the script exit 1.

1. ``break_day_early``   a holiday break ends a day early in the engine calendars (domain build);
2. ``advance_ignored``   the ``advance_share`` setting is ignored (the engine default 30 % is used);
3. ``late_from_inspection`` late communes are read from the inspection milestone only (summary);
4. ``capacity_changes_ignored`` ``capacity_changes.csv`` is not read (domain build).

Usage::

    .venv/bin/python benchmarks/planted_bugs.py [--tests "tests/domain"] [BUG ...]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD = "ntm_sched/domain/build.py"
TABLES = "ntm_sched/domain/tables.py"

# bug name -> (file, exact text, replacement)
BUGS: dict[str, tuple[str, str, str]] = {
    "break_day_early": (BUILD, "date_to_period(self.origin, b_rec.end_date) + 1",
                        "date_to_period(self.origin, b_rec.end_date)"),
    "advance_ignored": (BUILD, "advance_share=st.advance_share,", "advance_share=0.3,"),
    "late_from_inspection": (TABLES, 'ms = milestones[milestones["milestone"].isin(CHAIN_MILESTONES)',
                             'ms = milestones[(milestones["milestone"] == "inspection")'),
    "capacity_changes_ignored": (BUILD, "for ch in self.plan.capacity_changes:", "for ch in ():"),
}
DEFAULT_TESTS = "tests/domain"


def plant(name: str, work: Path) -> None:
    """Copy the project into ``work`` and apply bug ``name`` there."""
    for d in ("ntm_sched", "tests", "data", "notebooks"):
        shutil.copytree(ROOT / d, work / d, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy2(ROOT / "pyproject.toml", work / "pyproject.toml")
    rel, old, new = BUGS[name]
    path = work / rel
    text = path.read_text(encoding="utf-8")
    if text.count(old) != 1:
        raise SystemExit(f"{name}: the text to change occurs {text.count(old)} times in {rel}: {old!r}")
    path.write_text(text.replace(old, new), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("bugs", nargs="*", help=f"bugs to plant (default: all of {', '.join(BUGS)})")
    ap.add_argument("--tests", default=DEFAULT_TESTS, help=f"test subset (default: {DEFAULT_TESTS!r})")
    args = ap.parse_args(argv)
    args.bugs = args.bugs or list(BUGS)
    unknown = [b for b in args.bugs if b not in BUGS]
    if unknown:
        ap.error(f"unknown bug(s) {unknown}; known: {', '.join(BUGS)}")
    missed = []
    for name in args.bugs:
        with tempfile.TemporaryDirectory(prefix=f"ntm-bug-{name}-") as tmp:
            work = Path(tmp)
            plant(name, work)
            t0 = time.perf_counter()
            r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args.tests.split()],
                               cwd=work, capture_output=True, text=True)
            failed = sorted(set(re.findall(r"^FAILED (\S+)", r.stdout, flags=re.M)))
            errors = sorted(set(re.findall(r"^ERROR (\S+)", r.stdout, flags=re.M)))
            tail = r.stdout.strip().splitlines()[-1] if r.stdout.strip() else r.stderr[-300:]
            print(f"\n== {name}: {BUGS[name][0]}: {BUGS[name][1]!r} -> {BUGS[name][2]!r}")
            print(f"   {tail}  ({time.perf_counter() - t0:.0f} s)")
            for f in failed + errors:
                print(f"   caught by {f}")
            if not failed and not errors:
                missed.append(name)
                print("   NOT CAUGHT")
    print(f"\n{len(args.bugs) - len(missed)} of {len(args.bugs)} planted bugs caught"
          + (f"; missed: {', '.join(missed)}" if missed else ""))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
