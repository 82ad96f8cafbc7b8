"""A province's plan at scale: SYNTHETIC provinces of 50-400 communes, solved and verified.

::

    PYTHONPATH=$PWD .venv/bin/python benchmarks/province.py [--sizes 50 100 200 400] [--methods sgs cpsat sgs+cpsat]
        [--time-limit 60] [--long] [--workers 2] [--seed 0]

For each size N (``K = max(1, round(N / 20))`` districts) the province is drawn by
:func:`ntm_sched.plan.synth.write_synth` (seed ``--seed``) into a temporary folder, loaded and built;
each method then runs in a fresh subprocess (so that the peak memory, ``ru_maxrss``, is its own):

``sgs``
    The session-aware serial schedule generator (:func:`ntm_sched.engine.heuristic.money_sgs`:
    every appraisal at the first council session with room whose cut-off its dossier meets), then
    the engine's checker and the plan-level verifier. No CP-SAT.
``cpsat``
    The engine's own solve (:func:`ntm_sched.domain.run.solve_model`, lexicographic tiers) with the
    time limit, then the verifier.
``sgs+cpsat``
    ``sgs``, then the engine's solve hinted with it for the rest of the time limit; the better of
    the two plans is kept (the hinted solve may find nothing in its time).
``sgs+lns``
    ``sgs``, then districts as large neighbourhoods (:func:`ntm_sched.engine.neighbourhoods.group_lns`:
    one district's tasks re-solved by CP-SAT with every other district held, the council's seats and
    the pooled agencies' capacity they leave, passes while one improves) for the rest of the time
    limit, then the checker and the verifier again.

Every plan of ``sgs`` and ``sgs+lns`` is paid by :func:`ntm_sched.engine.heuristic.cheapest_payments`
(the least priced extra funding for its schedule).

Columns: tasks; seconds to load and build; seconds (from the start of the load) to the first plan
that passes the checker and the verifier; that plan's full objective (the engine's weighted sum,
recomputed from the schedule: lateness, extra funding, cost, dates); the objective at the time limit;
a lower bound; the gap ``(objective - bound) / objective``; late communes; the peak memory of the
method's process (MB, ``ru_maxrss``, the bound's CP-SAT run included).

The **bound** (the best of every method's at that size: it holds for the problem) is the engine
solve's ``best_bound`` where it has one, else ``lateness bound + cost bound + makespan bound``:
the larger of the seat-counting lateness bound
(:func:`ntm_sched.engine.session_bound.session_lateness_bound`: earliest times, sessions assigned by
a min-cost flow under their capacities) and the CP-SAT bound of the lateness tier on the model
without money (a relaxation) after ``--bound-time`` seconds (0: not run), plus the cheapest mode
of every task times the cost weight, plus the critical-path bound of the last end times the
makespan weight, plus what the limited sources cannot pay at all times the extra-funding price
(:func:`ntm_sched.engine.session_bound.extra_funding_bound`, times ignored).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

METHODS = ("sgs", "cpsat", "sgs+cpsat", "sgs+lns")


def objective_of(problem, solution) -> float:
    """The engine's full weighted objective of ``solution`` (lateness, extra funding, cost, end weights, makespan)."""
    from ntm_sched.engine.heuristic import lateness_value

    o = problem.objective
    v = float(lateness_value(problem, solution))
    prices = {s.name: s.unit_price for s in problem.sources if s.unlimited}
    v += o.extra_funding * sum(prices[p.source] * p.amount for p in solution.payments if p.source in prices)
    for t in problem.tasks:
        ts = solution.tasks[t.id]
        v += o.cost * t.modes[ts.mode].cost + t.end_weight * ts.end
    if o.makespan:
        v += o.makespan * max(ts.end for ts in solution.tasks.values())
    return v


def lower_bound(problem, seconds: float, workers: int, seed: int) -> float:
    """The bound of the module docstring."""
    from ntm_sched.engine.bounds import earliest_times
    from ntm_sched.engine.builder import build_model
    from ntm_sched.engine.cpsat import make_solver

    o = problem.objective
    fixed = o.cost * sum(min(m.cost for m in t.modes) for t in problem.tasks)
    if o.makespan:
        _, ef, _ = earliest_times(problem)
        fixed += o.makespan * max(ef.values())
    from ntm_sched.engine.session_bound import extra_funding_bound, session_lateness_bound

    fixed += extra_funding_bound(problem)
    late = float(session_lateness_bound(problem))
    if seconds > 0:
        light = build_model(problem, money=False)
        light.model.minimize(light.tier_expr("lateness"))
        solver = make_solver(seconds, workers, seed, False)
        solver.solve(light.model)
        late = max(late, float(solver.best_objective_bound))
    return fixed + late


def run_one(folder: str, method: str, time_limit: float, workers: int, seed: int, bound_time: float) -> dict:
    """One method on one province (in this process): the row of the table as a dict."""
    from ntm_sched.domain.build import build, district_groups
    from ntm_sched.domain.run import keep_if_valid, solve_keeping, solve_model
    from ntm_sched.domain.verify import verify_result
    from ntm_sched.engine.heuristic import cheapest_payments, money_sgs
    from ntm_sched.engine.neighbourhoods import group_lns
    from ntm_sched.engine.options import SolveOptions
    from ntm_sched.plan import load_plan

    t0 = time.perf_counter()
    plan = load_plan(folder)
    model = build(plan)
    p = model.problem
    t_build = time.perf_counter() - t0
    row: dict = {"method": method, "tasks": len(p.tasks), "sessions": len(p.sessions), "build_s": t_build,
                 "first_s": None, "first_obj": None, "obj": None, "bound": None, "late": None, "status": None}
    sgs = None
    if method.startswith("sgs"):
        sgs = money_sgs(p)
        if sgs is not None and method != "sgs+cpsat":
            sgs = cheapest_payments(p, sgs.tasks) or sgs
        first = keep_if_valid(model, sgs, time.perf_counter() - t0) if sgs is not None else None
        if first is not None:
            first = verify_result(plan, first)
            if first.summary["verified"]:
                row["first_s"] = time.perf_counter() - t0
                row["first_obj"] = row["obj"] = objective_of(p, sgs)
                row["late"] = first.summary["communes_late"]
                row["status"] = "SGS"
    if method == "sgs+lns" and sgs is not None:
        left = max(1.0, time_limit - (time.perf_counter() - t0))
        best, log = group_lns(p, sgs, district_groups(plan, model), left, workers=workers, seed=seed)
        res = keep_if_valid(model, best, time.perf_counter() - t0)
        if res is not None:
            res = verify_result(plan, res)
            if res.summary["verified"]:
                row["obj"] = objective_of(p, best)
                row["late"] = res.summary["communes_late"]
                row["status"] = f"LNS {log.kept}/{log.tried}"
    if method in ("cpsat", "sgs+cpsat"):
        left = max(1.0, time_limit - (time.perf_counter() - t0))
        opts = SolveOptions(time_limit=left, workers=workers, seed=seed)
        if sgs is not None:
            res, kept = solve_keeping(model, sgs, opts,
                                      better=lambda a, b: objective_of(p, a.result.solution)
                                      < objective_of(p, b.result.solution))
        else:
            res, kept = solve_model(model, opts), False
        if res.has_schedule:
            res = verify_result(plan, res)
            if res.summary["verified"]:
                if row["first_s"] is None:
                    row["first_s"] = time.perf_counter() - t0
                    row["first_obj"] = objective_of(p, res.result.solution)
                row["obj"] = objective_of(p, res.result.solution)
                row["late"] = res.summary["communes_late"]
                row["status"] = "SGS kept" if kept else res.summary["status"]
        else:
            row["status"] = row["status"] or res.summary["status"]
        if not kept and res.result.best_bound is not None:
            row["bound"] = float(res.result.best_bound)
    row["total_s"] = time.perf_counter() - t0
    lb = lower_bound(p, bound_time, workers, seed)
    row["bound"] = max(lb, row["bound"] or 0.0)
    row["gap"] = (row["obj"] - row["bound"]) / row["obj"] if row["obj"] else None
    row["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return row


def _fmt(x, spec: str) -> str:
    return "-" if x is None else format(x, spec)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[50, 100, 200, 400])
    ap.add_argument("--methods", nargs="+", default=list(METHODS), choices=METHODS)
    ap.add_argument("--time-limit", type=float, default=60.0)
    ap.add_argument("--long", action="store_true", help="also the 300 s time limit")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--bound-time", type=float, default=20.0, help="seconds of CP-SAT for the lateness bound")
    ap.add_argument("--one", nargs=2, metavar=("FOLDER", "METHOD"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(run_one(args.one[0], args.one[1], args.time_limit, args.workers, args.seed,
                                 args.bound_time)))
        return 0
    import ntm_sched
    from ntm_sched.plan.synth import SynthSpec, write_synth

    print(f"ntm_sched from {Path(ntm_sched.__file__).parent}; workers {args.workers}, seed {args.seed}")
    limits = [args.time_limit] + ([300.0] if args.long else [])
    rows = []
    with tempfile.TemporaryDirectory(prefix="province-bench-") as tmp:
        for n in args.sizes:
            k = max(1, round(n / 20))
            folder = write_synth(SynthSpec(n, k, args.seed), Path(tmp) / f"p{n}")
            for limit in limits:
                for method in args.methods:
                    if method == "sgs" and limit != limits[0]:
                        continue
                    cmd = [sys.executable, __file__, "--one", str(folder), method, "--time-limit", str(limit),
                           "--workers", str(args.workers), "--seed", str(args.seed),
                           "--bound-time", str(args.bound_time)]
                    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
                    if out.returncode != 0:
                        print(out.stderr[-2000:], file=sys.stderr)
                        continue
                    row = json.loads(out.stdout.strip().splitlines()[-1])
                    row.update(n=n, k=k, limit=limit)
                    rows.append(row)
                    print(json.dumps(row), flush=True)
    best: dict[int, float] = {}
    for r in rows:  # a bound holds for the problem, whichever method proved it: the best one per size
        best[r["n"]] = max(best.get(r["n"], 0.0), r["bound"] or 0.0)
    for r in rows:
        r["bound"] = best[r["n"]]
        r["gap"] = (r["obj"] - r["bound"]) / r["obj"] if r["obj"] else None
    print()
    print("| N | K | tasks | method | limit s | build s | first verified s | first objective | objective | bound "
          "| gap | late communes | status | peak MB |")
    print("| " + " | ".join(["---"] * 14) + " |")
    for r in rows:
        print(f"| {r['n']} | {r['k']} | {r['tasks']} | {r['method']} | {r['limit']:g} | {r['build_s']:.1f} | "
              f"{_fmt(r['first_s'], '.1f')} | {_fmt(r['first_obj'], ',.0f')} | {_fmt(r['obj'], ',.0f')} | "
              f"{_fmt(r['bound'], ',.0f')} | {_fmt(r['gap'], '.1%')} | {_fmt(r['late'], 'd')} | {r['status']} | "
              f"{r['peak_mb']:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
