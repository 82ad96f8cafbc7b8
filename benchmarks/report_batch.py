"""Report and batch timings.

1. One report's wall time against its solve time (goal: at most solve time + 15 s).
2. A batch of every scenario with ``--jobs 2`` against one after another (goal: >= 1.8x faster).

Usage::

    .venv/bin/python benchmarks/report_batch.py [--time-limit 10] [--outputs /tmp/ntm-bench]

Each solve uses ``workers=1`` so two reports at a time fit two cores.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

from ntm_sched.report.batch import run_batch
from ntm_sched.report.runner import run_report


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--time-limit", type=float, default=10.0)
    ap.add_argument("--outputs", default=None, help="outputs folder (default: a temporary one)")
    ap.add_argument("--skip-batch", action="store_true")
    a = ap.parse_args()
    out = Path(a.outputs or tempfile.mkdtemp(prefix="ntm-bench-"))

    t0 = time.perf_counter()
    d = run_report("base", run="bench_one", time_limit=a.time_limit, workers=1, outputs_dir=out)
    wall = time.perf_counter() - t0
    solve = float(json.loads((d / "summary.json").read_text(encoding="utf-8"))["runtime_s"])
    print(f"one report (base, time limit {a.time_limit:g} s): wall {wall:.1f} s, solve {solve:.1f} s, "
          f"overhead {wall - solve:.1f} s (goal <= 15 s: {'ok' if wall - solve <= 15 else 'MISSED'})")
    if not a.skip_batch:
        t0 = time.perf_counter()
        s1 = run_batch(None, run="bench_seq", jobs=1, time_limit=a.time_limit, workers=1, outputs_dir=out,
                       progress=False)
        seq = time.perf_counter() - t0
        t0 = time.perf_counter()
        s2 = run_batch(None, run="bench_par", jobs=2, time_limit=a.time_limit, workers=1, outputs_dir=out,
                       progress=False)
        par = time.perf_counter() - t0
        print(f"batch of {len(s1)} scenarios: one after another {seq:.1f} s ({int(s1['ok'].sum())} ok), "
              f"--jobs 2 {par:.1f} s ({int(s2['ok'].sum())} ok), speed-up {seq / par:.2f}x "
              f"(goal >= 1.8x: {'ok' if seq / par >= 1.8 else 'MISSED'})")
    if a.outputs is None:
        shutil.rmtree(out, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
