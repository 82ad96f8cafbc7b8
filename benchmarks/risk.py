"""Risk analysis speed: samples per second of the fixed and replan policies with 1 and 2 Dask
workers, and 1,000 fixed samples of the base plan end to end.

Goals (issue 12): speed-up with 2 workers >= 1.8x for ``fixed``; 1,000 ``fixed`` samples of the
base plan (solve + cluster + samples) within 60 s on a 2-core machine.

Every figure is printed with the machine's load average (``os.getloadavg``) beside it: on a
shared machine the speed-up is depressed by the other processes. Re-run on an idle machine::

    .venv/bin/python benchmarks/risk.py                     # everything (a few minutes)
    .venv/bin/python benchmarks/risk.py --fixed-samples 400 --replan-samples 4
    .venv/bin/python benchmarks/risk.py --skip-replan --skip-e2e
"""

from __future__ import annotations

import argparse
import logging
import os
import time


def load() -> str:
    a, b, c = os.getloadavg()
    return f"load {a:.2f} {b:.2f} {c:.2f} on {os.cpu_count()} CPUs"


def _busy(n: int) -> float:
    t = time.perf_counter()
    x = 0
    for i in range(n):
        x += i * i % 7
    return time.perf_counter() - t


def available_speedup(n: int = 6_000_000) -> float:
    """What two processes gain over one on this machine right now (plain CPU loops, no Dask):
    about 2 on an idle 2-core machine, about 1 when other jobs take a core."""
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(2) as ex:
        list(ex.map(_busy, [1000, 1000]))
        t = time.perf_counter()
        ex.submit(_busy, n).result()
        one = time.perf_counter() - t
        t = time.perf_counter()
        list(ex.map(_busy, [n, n]))
        two = time.perf_counter() - t
    return 2 * one / two


def rate(setup, samples: int, n_workers: int) -> tuple[float, float]:
    """Samples per second on a fresh local cluster of ``n_workers`` processes (after a warm-up)."""
    from distributed import Client, LocalCluster

    from ntm_sched.studies.risk.run import run_samples

    with LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=logging.ERROR) as cl, Client(cl) as client:
        run_samples(setup, 2 * n_workers, client=client, chunk=1)  # warm-up: imports in the workers
        t = time.perf_counter()
        outs, facts = run_samples(setup, samples, client=client)
        dt = time.perf_counter() - t
    assert len(outs) == samples
    return samples / dt, dt


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--fixed-samples", type=int, default=600)
    ap.add_argument("--replan-samples", type=int, default=6)
    ap.add_argument("--replan-time", type=float, default=1.0, help="CP-SAT deterministic time per sample")
    ap.add_argument("--skip-replan", action="store_true")
    ap.add_argument("--skip-e2e", action="store_true")
    args = ap.parse_args()

    from ntm_sched.domain import solve_plan
    from ntm_sched.scenario import load_scenario_and_plan
    from ntm_sched.studies.risk.overrides import scenario_uncertainty
    from ntm_sched.studies.risk.run import DEFAULT_CHECK_EVERY, run_risk
    from ntm_sched.studies.risk.sampling import make_setup

    print(f"# benchmarks/risk.py  ({load()})")
    sc, plan = load_scenario_and_plan("base")
    t = time.perf_counter()
    res = solve_plan(plan, time_limit=30, workers=2, seed=0)
    print(f"base plan solved: {res.status} in {time.perf_counter() - t:.1f} s  ({load()})")
    unc = scenario_uncertainty(sc, plan)
    fixed = make_setup(res, unc, seed=0, policy="fixed", check_every=DEFAULT_CHECK_EVERY)
    rates = {}
    for w in (1, 2):
        r, dt = rate(fixed, args.fixed_samples, w)
        rates[w] = r
        print(f"fixed  {w} worker(s): {args.fixed_samples} samples in {dt:.1f} s = {r:.1f} samples/s  ({load()})")
    print(f"fixed  speed-up with 2 workers: {rates[2] / rates[1]:.2f}x (goal >= 1.8x); what two plain processes "
          f"gain over one on this machine now: {available_speedup():.2f}x  ({load()})")
    if not args.skip_replan:
        replan = make_setup(res, unc, seed=0, policy="replan", replan_time=args.replan_time)
        rr = {}
        for w in (1, 2):
            r, dt = rate(replan, args.replan_samples, w)
            rr[w] = r
            print(f"replan {w} worker(s): {args.replan_samples} samples in {dt:.1f} s = {r:.2f} samples/s "
                  f"(deterministic time {args.replan_time} per sample)  ({load()})")
        print(f"replan speed-up with 2 workers: {rr[2] / rr[1]:.2f}x; two plain processes gain "
              f"{available_speedup():.2f}x now  ({load()})")
    if not args.skip_e2e:
        t = time.perf_counter()
        out = run_risk("base", samples=1000, jobs=2, workers=2)
        dt = time.perf_counter() - t
        s = out.summary
        print(f"end to end: 1000 fixed samples of the base plan in {dt:.1f} s (goal <= 60 s): solve "
              f"{s['plan_solve_s']} s, cluster {s['cluster_s']} s, samples {s['sampling_s']} s, "
              f"{s['samples_checked']} checked, {s['checker_failures']} rejected  ({load()})")


if __name__ == "__main__":
    main()
