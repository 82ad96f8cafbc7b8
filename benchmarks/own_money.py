"""Benchmark: the base plan with the plan's own money (issue 10), before and after side by side.

    .venv/bin/python benchmarks/own_money.py [--seeds 0 1 2 3 4] [--time-limit 30] [--workers 2]
        [--formulations tranche,auto] [--cuts] [--levels 1,0.9,0.8,0.7,0.6,0.5] [--no-tier] [--small]
        [--marginal] [--amount 500] [--thorough]

* tier: ``budget.own_money(plan)`` (extra money only from ``budget_lab_extra_funding_from``),
  ``engine.solve(time_limit, workers, seed)`` for every seed and every money formulation
  (``tranche``: the engine before issue 10; ``auto``: bucketed cash flow + money-aware
  warm start + deadline-pattern search, whose note is printed under the run). Per run:
  status, lateness tier value, its bound and gap, wall time, the late communes (the reports'
  definition: a milestone with a target date missed) with their recognition dates, the
  district's recognition date and the extra money the schedule needs.
* ``--small``: restricted own-money plans (:data:`SMALL_CASES`), 1 worker, seed 0, both
  formulations: status, value and bound of the lateness tier.
* ``--marginal``: ``budget.marginal_value`` per seed (each commune's days gained, with the most
  it could gain when a date is not proven; rows proven; the same answer on every seed?); every
  earliest-date question gets ``--time-limit``.
* ``--cuts``: ``budget.budget_cuts`` at every level (own money) for every seed: per level and seed
  the largest set of communes that can make every dated milestone, proven or with its unsettled
  sets, the others' lateness status and gap, the time of the search and of the solve, and the processor seconds
  of the solve (every thread of the process: ``getrusage``; with 2 cores, a level whose solve needs more than 120
  processor seconds cannot take less than 60 s of wall); whether every seed gives the same set at every level.
  With ``--thorough``, step 2 in the thorough mode (``budget_cuts(..., thorough=True)``: the bound's rounds until
  they converge, then a schedule in their order).

The machine's load (``/proc/loadavg``) is printed before and after each block: on a shared
machine the times are noisy; re-run on an idle machine for the reference figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import time
from collections.abc import Callable

import pandas as pd

from ntm_sched import domain as ntm
from ntm_sched.engine import solve
from ntm_sched.scenario import load_scenario, load_scenario_plan
from ntm_sched.studies import budget
from ntm_sched.studies.budget.cuts import CutsProgress


def load() -> str:
    """The 1-, 5- and 15-minute load averages."""
    with open("/proc/loadavg") as fh:
        return " ".join(fh.read().split()[:3]) + f" ({os.cpu_count()} cores)"


def tier_runs(plan, seeds, time_limit, workers, formulations) -> None:
    model = ntm.build(budget.own_money(plan))
    print(f"own money: {len(model.problem.tasks)} tasks; time limit {time_limit} s, {workers} workers")
    print("formulation seed status    lateness   bound      gap     wall  late communes (recognition date), district "
          "recognition, extra money")
    for form in formulations:
        for seed in seeds:
            t = time.perf_counter()
            r = solve(model.problem, time_limit=time_limit, workers=workers, seed=seed, explain=False,
                      money_formulation=form)
            wall = time.perf_counter() - t
            pr = ntm.tabulate(model, r)
            tier = r.tiers[0] if r.tiers else None
            val, bnd = (tier.value, tier.bound) if tier else (None, None)
            gap = (val - bnd) / val if val and bnd is not None else None
            s = pr.summary
            rec = budget.recognition_dates(pr)
            # late as the reports say it (one definition: a targeted milestone of the chain missed)
            late = ", ".join(f"{model.commune_names.get(c, c)} {rec[c]:%d/%m/%Y}" if c in rec else str(c)
                             for c in (s["late_communes"] or []))
            district = s["district_recognition_date"]
            district = f"{dt.date.fromisoformat(district):%d/%m/%Y}" if district else "-"
            print(f"{form:11s} {seed:4d} {r.status.value:9s} {val if val is None else f'{val:10,.0f}'} "
                  f"{bnd if bnd is None else f'{bnd:10,.0f}'} {'-' if gap is None else f'{gap:6.1%}'} "
                  f"{wall:6.1f} s  late: {late or '-'}; district {district}; extra {s['extra_funding_mvnd']:,.0f} M; "
                  f"checker {'ok' if r.check is not None and r.check.ok else 'n/a'}",
                  flush=True)
            for n in r.notes:
                if n.startswith("deadline-pattern"):
                    print(f"{'':17s}{n}", flush=True)


SMALL_CASES = ((("07321",), 0.8), (("07321",), 0.6), (("07303", "07321"), 0.8))
"""Restricted plans (communes kept, funding level) for ``--small``."""


def small_runs(plan, time_limit, formulations) -> None:
    """Restricted own-money plans, 1 worker, seed 0: where each formulation proves the lateness tier."""
    print(f"restricted plans, own money, {time_limit} s, 1 worker, seed 0")
    print("communes          level formulation status    lateness   bound      wall")
    for communes, level in SMALL_CASES:
        p = budget.set_settings(budget.own_money(budget.scale_funding(budget.restrict_plan(plan, communes), level)),
                                {"hard_deadlines": False})
        model = ntm.build(p)
        for form in formulations:
            t = time.perf_counter()
            r = solve(model.problem, time_limit=time_limit, workers=1, seed=0, explain=False, money_formulation=form)
            tier = r.tiers[0] if r.tiers else None
            print(f"{'+'.join(communes):17s} {level:5.2f} {form:11s} {tier.status.value if tier else '-':9s} "
                  f"{tier.value if tier else '-'} {tier.bound if tier else '-'} {time.perf_counter() - t:6.1f} s",
                  flush=True)


def solve_cpu(cpu: dict[float, float]) -> Callable[[CutsProgress], None]:
    """A ``budget_cuts`` progress callback that puts in ``cpu`` the processor seconds of the whole process (every
    thread) between each level's ``"solve"`` and ``"done"`` (steps 2 and 3)."""
    def on(p: CutsProgress) -> None:
        if p.phase in ("solve", "done"):
            ru = resource.getrusage(resource.RUSAGE_SELF)
            cpu[p.level] = ru.ru_utime + ru.ru_stime - cpu.get(p.level, 0.0)

    return on


def cut_runs(plan, levels, time_limit, workers, seeds, search_time, question_time, thorough=False) -> None:
    """``budget.budget_cuts`` per seed: per level the largest set of communes on time, whether it is proven, the
    others' lateness status and gap, and the time; then whether every seed gives the same set at every level."""
    sets = {}
    for seed in seeds:
        t = time.perf_counter()
        cpu: dict[float, float] = {}
        df = budget.budget_cuts(plan, levels, time_limit=time_limit, workers=workers, seed=seed,
                                search_time=search_time, question_time=question_time, progress=solve_cpu(cpu),
                                thorough=thorough)
        print(f"seed {seed} (load {load()}):")
        for r in df.itertuples():
            n_unsettled = len(r.unsettled_sets.split(" | ")) if isinstance(r.unsettled_sets, str) else 0
            n_other = len(r.other_largest.split(" | ")) if isinstance(r.other_largest, str) else 0
            gap = f"{r.gap:.1%}" if pd.notna(r.gap) else "-"
            print(f"  {r.level:4.2f}  {r.set_size} {r.set_status:9s} {r.on_time_names}"
                  f"{f' (+{n_other} other sets of that size)' if n_other else ''}"
                  f"{f', {n_unsettled} sets unsettled' if n_unsettled else ''}; others {r.status} {r.lateness} "
                  f"(bound {r.bound}) gap {gap}; "
                  f"district {r.district_recognition_date}; missing {r.missing_by_month or 0}; "
                  f"{r.questions} questions, search {r.search_s:.0f} s + solve {r.solve_s or 0:.0f} s "
                  f"({cpu.get(r.level, 0.0):.0f} processor s)", flush=True)
        print(f"  cuts: {len(df)} levels in {time.perf_counter() - t:.1f} s, horizon {df['horizon_end'].iloc[0]}")
        sets[seed] = [(r.level, r.on_time_set, r.other_largest, r.set_status) for r in df.itertuples()]
    same = all(v == sets[seeds[0]] for v in sets.values())
    print(f"same on-time set (and the other largest sets) at every level on every seed: {same}")


def marginal_runs(plan, seeds, time_limit, workers, amount) -> None:
    """``budget.marginal_value`` per seed: each commune's days gained (and at most, when not proven), the
    rows proven, and whether every seed gives the same answer."""
    print(f"marginal value of {amount:g} M VND per commune; {time_limit} s per question, {workers} workers")
    answers = []
    for seed in seeds:
        t = time.perf_counter()
        df = budget.marginal_value(plan, amount, time_limit=time_limit, workers=workers, seed=seed)
        cells = []
        for r in df.itertuples():
            gain = f"{r.days_gained:+d}" if pd.notna(r.days_gained) else "?"
            proven = r.status_base == r.status_with_more == "OPTIMAL"
            cells.append(f"{r.name} {gain}" + ("" if proven else f" (at most {r.days_gained_at_most})"))
        n_proven = int(((df["status_base"] == "OPTIMAL") & (df["status_with_more"] == "OPTIMAL")).sum())
        print(f"seed {seed}: {'; '.join(cells)}  ({n_proven}/{len(df)} rows proven; lateness "
              f"{df['lateness_base'].iloc[0]:,.0f} {df['lateness_status_base'].iloc[0]}; "
              f"{time.perf_counter() - t:.0f} s)", flush=True)
        answers.append(sorted(zip(df["commune_code"], df["days_gained"], df["base_date"], df["date_with_more"])))
    print(f"same answer (days gained and dates) on every seed: {all(a == answers[0] for a in answers)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scenario", default="base")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    ap.add_argument("--time-limit", type=float, default=30.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--formulations", default="tranche,auto")
    ap.add_argument("--no-tier", action="store_true", help="skip the own-money tier runs")
    ap.add_argument("--cuts", action="store_true", help="also run budget cuts at --levels")
    ap.add_argument("--levels", default="1,0.9,0.8,0.7,0.6,0.5")
    ap.add_argument("--search-time", type=float, default=30.0, help="--cuts: seconds per level for the set search")
    ap.add_argument("--question-time", type=float, default=6.0, help="--cuts: seconds of one feasibility question")
    ap.add_argument("--thorough", action="store_true", help="--cuts: step 2 in the thorough mode")
    ap.add_argument("--small", action="store_true", help="also the restricted plans (1 worker, --time-limit)")
    ap.add_argument("--marginal", action="store_true", help="also budget marginal per seed (--time-limit per solve)")
    ap.add_argument("--amount", type=float, default=500.0, help="million VND per commune for --marginal")
    args = ap.parse_args()
    plan = load_scenario_plan(load_scenario(args.scenario))
    if not args.no_tier:
        print(f"load before: {load()}")
        tier_runs(plan, args.seeds, args.time_limit, args.workers, args.formulations.split(","))
        print(f"load after: {load()}")
    if args.small:
        print(f"load before small: {load()}")
        small_runs(plan, args.time_limit, args.formulations.split(","))
        print(f"load after small: {load()}")
    if args.marginal:
        print(f"load before marginal: {load()}")
        marginal_runs(plan, args.seeds, args.time_limit, args.workers, args.amount)
        print(f"load after marginal: {load()}")
    if args.cuts:
        print(f"load before cuts: {load()}")
        cut_runs(plan, [float(x) for x in args.levels.split(",")], args.time_limit, args.workers, args.seeds,
                 args.search_time, args.question_time, args.thorough)
        print(f"load after cuts: {load()}")


if __name__ == "__main__":
    main()
