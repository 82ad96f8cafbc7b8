"""Benchmark: the cut table's step 2 (the others' lateness, the set held) per level, in CP-SAT's deterministic units.

``budget cuts`` answers step 2 with :func:`ntm_sched.engine.lateness_search.lateness_search` (the joint bound's
rounds beside the chain LNS, then the LNS again, then the final solve). Measuring a change to the bound or to the LNS
with the whole table takes about 7 minutes and its seconds depend on the machine's load; this script measures the
parts on the problems themselves, in deterministic units (the same figures at any load, only the seconds change):

* ``capture``: runs ``budget_cuts`` on the shipped plan (own money, ``--levels``), step 1 as usual, and stores each
  level's step-2 problem (the set held) instead of solving it: the problem, the level's problem for the relaxation,
  the deadlines held, the LNS's groups and its start (the steady schedule), in a pickle (``--store``, by default
  ``outputs/benchmarks/step2_problems.pkl``; a file there that this script did not write is never replaced);
* ``bound``: :func:`~ntm_sched.engine.joint_bound.joint_lateness_bound` per level with ``--units`` (the cut table
  gives it ``JOINT_BOUND_TIME + GUIDED_TIME`` = 17 where its rounds do not converge): the bound, each round's bound,
  the units used;
* ``lns``: the chain LNS as step 2 runs it at 70-50 % (the guided schedule is not asked there, the bound stays below
  the schedules): ``--early`` units (17) then ``--late`` (4), two moves side by side, one unit a move, from the steady
  schedule: the lateness after each phase and the moves kept by kind;
* ``converge``: the bound's rounds with ``--units`` (as many as they need to converge: about 470 at 60 %), then,
  when they end on times the money allows, the schedule generator in the order of those times, the held chains
  pinned at the steady schedule (:func:`~ntm_sched.engine.guided.schedule_from_times`, what the cut table's thorough
  mode does), and the chain LNS from it (``--early`` then ``--late``): the lateness against the bound.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/step2_units.py capture [--levels 1,0.9,0.8,0.7,0.6,0.5]
    PYTHONPATH=$PWD .venv/bin/python benchmarks/step2_units.py bound --levels 0.6,0.5 [--units 17]
    PYTHONPATH=$PWD .venv/bin/python benchmarks/step2_units.py lns --levels 0.6,0.5 [--early 17 --late 4]
    PYTHONPATH=$PWD .venv/bin/python benchmarks/step2_units.py converge --levels 0.6 --units 600 [--early 17 --late 4]

The figures of ``bound`` and ``lns`` are those of ``budget_cuts`` at the same commit (``benchmarks/README.md``, issue
23: 4,934,000 and 7,128,000 for the bound at 60 % and 50 %, 6,510,000 and 8,241,000 for the LNS), the final solve
aside (at 60 % it lowers the LNS's 6,510,000 to 6,501,000).
"""

from __future__ import annotations

import argparse
import copyreg
import os
import pickle
import time
import types
from pathlib import Path
from typing import Any

from ntm_sched.engine import chain_lns as cl
from ntm_sched.engine.guided import schedule_from_times
from ntm_sched.engine.heuristic import lateness_value
from ntm_sched.engine.joint_bound import joint_lateness_bound
from ntm_sched.engine.relaxation import Relaxation
from ntm_sched.scenario import load_scenario, load_scenario_plan
from ntm_sched.studies import budget
from ntm_sched.studies.budget import cuts
from ntm_sched.studies.budget import cuts_work as work

STORE = Path(__file__).resolve().parents[1] / "outputs" / "benchmarks" / "step2_problems.pkl"
"""Where ``capture`` stores the problems by default (the project's output folder)."""

WRITTEN_BY = "benchmarks/step2_units.py"
"""Mark of a store this script wrote: ``capture`` replaces only such a file, never another."""


def _proxy(d: dict[Any, Any]) -> types.MappingProxyType[Any, Any]:
    return types.MappingProxyType(d)


copyreg.pickle(types.MappingProxyType, lambda m: (_proxy, (dict(m),)))  # the problem holds some (read-only maps)


class _Captured(Exception):
    """Raised in place of step 2 once its problem is stored."""


def capture(levels: list[float], store: Path) -> None:
    """Run step 1 of ``budget_cuts`` and store every level's step-2 problem (module docstring)."""
    got: dict[float, dict[str, Any]] = {}
    level_now: list[float] = []

    def record(problem: Any, relaxation: Relaxation, deadlines: Any, groups: Any, start: Any, options: Any,
               **kw: Any) -> Any:
        got[level_now[-1]] = dict(problem=problem, level_problem=relaxation.problem, deadlines=dict(deadlines),
                                  groups={g: tuple(ts) for g, ts in groups.items()}, start=start,
                                  kw={k: v for k, v in kw.items() if k != "then"})
        raise _Captured

    real_row = cuts._level_row

    def row(level_plan: Any, model: Any, gs: Any, ans: Any, level: float, *a: Any, **k: Any) -> dict[str, Any]:
        level_now.append(level)
        try:
            return real_row(level_plan, model, gs, ans, level, *a, **k)
        except _Captured:
            return {}

    cuts.lateness_search = record  # type: ignore[assignment]
    cuts._level_row = row  # type: ignore[assignment]
    plan = load_scenario_plan(load_scenario("base"))
    budget.budget_cuts(plan, levels, time_limit=10, workers=2, seed=0)
    _write_store(store, got)
    print(f"stored the step-2 problems of {sorted(got, reverse=True)} in {store}")


def _ours(store: Path) -> bool:
    """Whether ``store`` is a file this script wrote (a user's file is never replaced)."""
    try:
        with store.open("rb") as fh:
            return bool(pickle.load(fh).get("written_by") == WRITTEN_BY)
    except Exception:  # noqa: BLE001 - any other content is not ours
        return False


def _write_store(store: Path, problems: dict[float, dict[str, Any]]) -> None:
    """Write ``problems`` to ``store`` atomically, replacing only a store of this script's."""
    if store.exists() and not _ours(store):
        raise SystemExit(f"error: {store} exists and was not written by {WRITTEN_BY}: not replaced (give --store)")
    store.parent.mkdir(parents=True, exist_ok=True)
    tmp = store.with_name(f".{store.name}.{os.getpid()}.tmp")
    with tmp.open("wb") as fh:
        pickle.dump({"written_by": WRITTEN_BY, "problems": problems}, fh)
    os.replace(tmp, store)


def bound(problems: dict[float, dict[str, Any]], levels: list[float], units: float) -> None:
    """The joint bound per level in ``units`` (module docstring)."""
    print("| level | bound | rounds' bounds | units used | wall s |")
    print("| --- | --- | --- | --- | --- |")
    for level in levels:
        c = problems[level]
        rounds: list[int] = []
        used: list[float] = []
        t0 = time.perf_counter()
        value = joint_lateness_bound(Relaxation(c["level_problem"]), c["deadlines"], units, 0, deterministic=True,
                                     used=used, on_bound=rounds.append)
        print(f"| {level:.2f} | {value:,} | {', '.join(f'{r:,}' for r in rounds)} | {used[0]:.2f} | "
              f"{time.perf_counter() - t0:.1f} |", flush=True)


def lns(problems: dict[float, dict[str, Any]], levels: list[float], early: float, late: float) -> None:
    """The chain LNS's two phases per level from the steady schedule (module docstring)."""
    print("| level | start | after phase 1 (moves kept) | after phase 2 (moves kept) | wall s |")
    print("| --- | --- | --- | --- | --- |")
    for level in levels:
        c = problems[level]
        t0 = time.perf_counter()
        one, log1 = cl.chain_lns(c["problem"], c["start"], c["groups"], early, move_work=work.LNS_MOVE_WORK,
                                 seed=work.STEP2_SEED, parallel=work.LNS_PARALLEL)
        _, log2 = cl.chain_lns(c["problem"], one, c["groups"], late, move_work=work.LNS_MOVE_WORK,
                               seed=work.STEP2_SEED, parallel=work.LNS_PARALLEL)
        print(f"| {level:.2f} | {lateness_value(c['problem'], c['start']):,} | {log1.after:,} ({log1.kinds}) | "
              f"{log2.after:,} ({log2.kinds}) | {time.perf_counter() - t0:.1f} |", flush=True)


def converge(problems: dict[float, dict[str, Any]], levels: list[float], units: float, early: float,
             late: float) -> None:
    """The bound's rounds to convergence, then a schedule from their times (module docstring)."""
    print("| level | bound (units, converged) | generator | after the LNS | gap | wall s |")
    print("| --- | --- | --- | --- | --- | --- |")
    for level in levels:
        c = problems[level]
        used: list[float] = []
        times: dict[str, tuple[int, int]] = {}
        t0 = time.perf_counter()
        value = joint_lateness_bound(Relaxation(c["level_problem"]), c["deadlines"], units, 0, deterministic=True,
                                     used=used, times=times)
        problem = c["problem"]
        pinned = {t: c["start"].tasks[t] for t in problem.ancestors(c["deadlines"])}
        first = schedule_from_times(problem, times, pinned) if times else None
        start = None if first is None else (lateness_value(problem, first), first)
        after = None
        if start is not None:
            one, _ = cl.chain_lns(c["problem"], start[1], c["groups"], early, move_work=work.LNS_MOVE_WORK,
                                  seed=work.STEP2_SEED, parallel=work.LNS_PARALLEL)
            _, log2 = cl.chain_lns(c["problem"], one, c["groups"], late, move_work=work.LNS_MOVE_WORK,
                                   seed=work.STEP2_SEED, parallel=work.LNS_PARALLEL)
            after = log2.after
        gap = f"{(after - value) / after:.1%}" if after else "-"
        print(f"| {level:.2f} | {value:,} ({used[0]:.0f}, {'yes' if times else 'no'}) | "
              f"{f'{start[0]:,}' if start else '-'} | {f'{after:,}' if after is not None else '-'} | {gap} | "
              f"{time.perf_counter() - t0:.0f} |", flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("what", choices=["capture", "bound", "lns", "converge"])
    ap.add_argument("--levels", default="1,0.9,0.8,0.7,0.6,0.5")
    ap.add_argument("--store", type=Path, default=STORE)
    ap.add_argument("--units", type=float, default=work.JOINT_BOUND_TIME + work.GUIDED_TIME)
    ap.add_argument("--early", type=float, default=work.JOINT_BOUND_TIME + work.GUIDED_TIME)
    ap.add_argument("--late", type=float, default=work.LNS_WORK)
    args = ap.parse_args(argv)
    levels = sorted((float(x) for x in args.levels.split(",")), reverse=True)
    print("load average", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    if args.what == "capture":
        capture(levels, args.store)
        return 0
    if not _ours(args.store):
        raise SystemExit(f"error: {args.store} is not a store of {WRITTEN_BY}: run 'capture' first")
    with args.store.open("rb") as fh:
        problems = pickle.load(fh)["problems"]
    if args.what == "bound":
        bound(problems, levels, args.units)
    elif args.what == "lns":
        lns(problems, levels, args.early, args.late)
    else:
        converge(problems, levels, args.units, args.early, args.late)
    print("load average", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
