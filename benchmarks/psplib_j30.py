"""PSPLIB j30 benchmark: textbook CP-SAT RCPSP model vs the ntm-sched engine.

Usage::

    python benchmarks/psplib_j30.py [DIR] [--reference CSV] [--time-limit 10]
        [--models textbook,engine] [--limit N] [--out-dir benchmarks/results]

Both models run on every instance with one worker and seed 0. For each model
the script prints the number of proven optima, the number of instances at the
reference makespan, the total wall time and the unproven instances. Results
also go to ``OUT_DIR/psplib_j30_<model>.csv`` and ``OUT_DIR/psplib_j30_summary.txt``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pandas as pd
from ortools.sat.python import cp_model

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ntm_sched.engine.problem import Problem  # noqa: E402
from ntm_sched.engine.psplib import read_psplib  # noqa: E402


def textbook(problem: Problem, time_limit: float) -> tuple[int | None, int, bool, float]:
    """The plain model: one interval per job, one cumulative per resource, minimise makespan.

    The time includes building the model (the engine's time includes building and checking).
    """
    t0 = time.perf_counter()
    m = cp_model.CpModel()
    h = problem.horizon
    s, e, iv = {}, {}, {}
    for t in problem.tasks:
        d = t.modes[0].duration
        s[t.id] = m.new_int_var(0, h, f"s{t.id}")
        e[t.id] = m.new_int_var(0, h, f"e{t.id}")
        iv[t.id] = m.new_interval_var(s[t.id], d, e[t.id], f"i{t.id}")
    for p in problem.precedences:
        m.add(s[p.succ] >= e[p.pred])
    for r in problem.resources:
        ts = [t for t in problem.tasks if t.modes[0].demands.get(r.name, 0) > 0]
        m.add_cumulative([iv[t.id] for t in ts], [t.modes[0].demands[r.name] for t in ts], r.capacity)
    cmax = m.new_int_var(0, h, "cmax")
    m.add_max_equality(cmax, list(e.values()))
    m.minimize(cmax)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 0
    st = solver.solve(m)
    dt = time.perf_counter() - t0
    if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return int(solver.objective_value), int(solver.best_objective_bound), st == cp_model.OPTIMAL, dt
    return None, int(solver.best_objective_bound), False, dt


def engine(problem: Problem, time_limit: float) -> tuple[int | None, int, bool, float]:
    """The engine, checker on."""
    from ntm_sched.engine import SolveOptions, check, solve

    t0 = time.perf_counter()
    r = solve(problem, SolveOptions(time_limit=time_limit, workers=1, seed=0, explain=False, canonical=False))
    dt = time.perf_counter() - t0
    if r.solution is None:
        return None, int(r.best_bound or 0), False, dt
    rep = r.check if r.check is not None else check(problem, r.solution)
    if not rep.ok:
        raise RuntimeError(f"engine schedule rejected by checker: {rep}")
    return r.solution.makespan, int(r.best_bound), r.status.name == "OPTIMAL", dt


MODELS = {"textbook": textbook, "engine": engine}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir", nargs="?", default=str(REPO / ".." / "shared" / "benchmarks" / "psplib" / "j30"))
    ap.add_argument("--reference", default=None, help="CSV instance,makespan (default: DIR/../j30_reference.csv)")
    ap.add_argument("--time-limit", type=float, default=10.0)
    ap.add_argument("--models", default="textbook,engine")
    ap.add_argument("--limit", type=int, default=0, help="only the first N instances (0: all)")
    ap.add_argument("--only", default="", help="comma-separated instance names")
    ap.add_argument("--out-dir", default=str(REPO / "benchmarks" / "results"))
    a = ap.parse_args(argv)
    d = Path(a.dir)
    ref_path = Path(a.reference) if a.reference else d.parent / "j30_reference.csv"
    ref = pd.read_csv(ref_path).set_index("instance")["makespan"].to_dict() if ref_path.exists() else {}
    files = sorted(d.glob("*.sm"), key=lambda p: [int(x) for x in p.stem[1:].replace("_", " ").split()])
    if a.only:
        keep = set(a.only.split(","))
        files = [f for f in files if f.stem in keep]
    if a.limit:
        files = files[: a.limit]
    out = Path(a.out_dir)
    out.mkdir(parents=True, exist_ok=True)
    lines = []
    for name in a.models.split(","):
        fn = MODELS[name]
        rows = []
        for f in files:
            p = read_psplib(f)
            mk, lb, opt, dt = fn(p, a.time_limit)
            rows.append(dict(instance=f.stem, makespan=mk, lower_bound=lb, optimal=opt, runtime_s=dt,
                             reference=ref.get(f.stem)))
            print(f"{name:9s} {f.stem:10s} mk={mk} lb={lb} opt={opt} {dt:.2f}s", flush=True)
        df = pd.DataFrame(rows)
        df.to_csv(out / f"psplib_j30_{name}.csv", index=False)
        at_ref = int((df.makespan == df.reference).sum())
        unproven = df.loc[~df.optimal, "instance"].tolist()
        line = (f"{name}: {int(df.optimal.sum())}/{len(df)} proven optimal, {at_ref}/{len(df)} at reference, "
                f"total {df.runtime_s.sum():.1f} s, unproven: {unproven}")
        lines.append(line)
        print(line, flush=True)
    (out / "psplib_j30_summary.txt").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
