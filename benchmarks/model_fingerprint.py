"""Fingerprints of the CP-SAT models the builder makes: the proof that a refactor of the builder
changed nothing.

Builds the model of several problems with every ``build_model`` flag combination the code uses
(default, ``money=False``, ``cash_flow=True/False``, ``deadline_assumptions`` alone and with each
``relax`` key, ``soften_hard_deadlines``, ``redundant=False``, a warm-start ``hint``) and hashes
``bm.model.proto.SerializeToString()`` (its binary export on OR-Tools versions without it); the
problems are the shipped plan (scenario ``base``), the PSPLIB instances of ``tests/data/psplib``,
and the engine tests' small problem with variants that reach every branch of the builder
(multi-mode tasks across calendar breaks, soft deadlines with tardiness and late counts, a
reference schedule, fixed starts, extra money from a date, a problem whose bounds are
infeasible). The warm-start hint is the money-aware serial schedule
(:func:`ntm_sched.engine.heuristic.money_sgs`). The answers of both serial schedule generators are
hashed too (:func:`sgs_fingerprints`: the warm start's with several seeds, the risk analysis'
re-timing of random samples), so a change to either shows.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/model_fingerprint.py --save /tmp/before.json
    # ... change the code ...
    PYTHONPATH=$PWD .venv/bin/python benchmarks/model_fingerprint.py --compare /tmp/before.json

``--compare`` prints every model whose hash differs and exits 1 when one does (or when a model
is missing on either side). Without ``--skip-plan`` the shipped plan takes a few seconds.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from ortools.sat.python import cp_model

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "engine"))

from engine_helpers import small_problem, valid_solution  # noqa: E402

from ntm_sched.engine import (  # noqa: E402
    Calendar,
    Mode,
    Objective,
    Precedence,
    Problem,
    Resource,
    Solution,
    Source,
    Task,
    Tranche,
)
from ntm_sched.engine.builder import build_model  # noqa: E402
from ntm_sched.engine.heuristic import money_sgs  # noqa: E402
from ntm_sched.engine.psplib import read_psplib  # noqa: E402


def _variants() -> dict[str, Problem]:
    """The engine tests' small problem and variants reaching every branch of the builder."""
    base = small_problem()
    multi = Task("M", (Mode(3, {"R": 1}, cost=6, nonrenewable={"N": 1}), Mode(1, {"R": 2}, cost=9)),
                 calendar="C", sources=frozenset({"S", "X"}), due=14, tardiness_weight=2, late_weight=3)
    soft = Task("D", (Mode(2, {"R": 1}, cost=3),), due=9, tardiness_weight=1, late_weight=1, end_weight=1)
    out = {
        "small": base,
        "small_soft": small_problem(
            tasks=(*base.tasks, multi, soft),
            precedences=(*base.precedences, Precedence("A", "M", "SS", 1), Precedence("M", "D")),
            objective=Objective(tardiness=1, late_count=2, cost=1, makespan=1)),
        "small_lex_reference": small_problem(
            tasks=(*base.tasks[:2], dataclasses.replace(base.tasks[2], fixed_start=3), multi),
            objective=Objective(lexicographic=True, makespan=1), reference_starts={"A": 2, "B": 8, "M": 5}),
        "small_extra_from": small_problem(
            sources=(Source("S", (Tranche(0, 3), Tranche(3, 20))),
                     Source("X", unlimited=True, unit_price=2, available_from=5))),
        "breaks_everywhere": Problem(
            tasks=(Task("a", (Mode(4, {"R": 1}, cost=5), Mode(2, {"R": 2}, cost=8)), calendar="W"),
                   Task("b", (Mode(3, {"R": 2}),), calendar="W", due=12, due_hard=True),
                   Task("c", (Mode(0),), calendar="W"),
                   Task("d", (Mode(5, {"R": 1}),), release=2)),
            precedences=(Precedence("a", "b"), Precedence("c", "d", "SS", 2)),
            resources=(Resource("R", 2, profile=((3, 5, 1),)),),
            calendars=(Calendar("W", ((2, 4), (7, 9), (15, 40))),),
            sources=(Source("S", (Tranche(0, 4), Tranche(6, 10))),),
            horizon=30, objective=Objective(makespan=1)),
        "bounds_infeasible": small_problem(
            tasks=(*base.tasks[:1], dataclasses.replace(base.tasks[1], due=3), base.tasks[2])),
    }
    return out


def problems(skip_plan: bool) -> Iterator[tuple[str, Problem]]:
    if not skip_plan:
        from ntm_sched.domain.build import build
        from ntm_sched.scenario.apply import load_scenario_and_plan

        yield "plan_base", build(load_scenario_and_plan("base")[1]).problem
    for path in sorted((ROOT / "tests" / "data" / "psplib").glob("*.[sm]m")):
        yield f"psplib_{path.name}", read_psplib(path)
    yield from _variants().items()


def flag_sets(problem: Problem, hint: Solution | None) -> Iterator[tuple[str, dict[str, Any]]]:
    yield "default", {}
    yield "money=False", {"money": False}
    yield "cash_flow=True", {"cash_flow": True}
    yield "cash_flow=False", {"cash_flow": False}
    yield "redundant=False", {"redundant": False}
    yield "deadline_assumptions", {"deadline_assumptions": True}
    yield "soften_hard_deadlines", {"soften_hard_deadlines": True}
    keys = ([("resource", r.name) for r in problem.resources] + [("budget", b.name) for b in problem.budgets]
            + [("source", s.name) for s in problem.sources])
    for key in keys[:1] + [k for k in keys if k[0] != keys[0][0]][:1] + [k for k in keys if k[0] == "source"][:2]:
        yield f"deadline_assumptions,relax={key}", {"deadline_assumptions": True, "relax": frozenset({key})}
    if keys:
        yield "relax=all", {"relax": frozenset(keys)}
    if hint is not None:
        yield "hint", {"hint": hint}
        yield "hint,money=False", {"hint": hint, "money": False}
        yield "hint,cash_flow=False", {"hint": hint, "cash_flow": False}


def _perturbation(rt: Any, rng: np.random.Generator) -> Any:
    """A random sample: durations, costs, a capacity cut and late, smaller tranches (as the risk tests)."""
    from ntm_sched.studies.risk.retime import Perturbation

    base = np.array(rt.base_duration)
    dur = np.where(base > 0, np.maximum(1, np.round(base * rng.uniform(0.7, 1.8, rt.n))), 0).astype(int)
    cost = np.round(np.array(rt.base_cost) * rng.uniform(0.9, 1.4, rt.n)).astype(int)
    caps = [c.copy() for c in rt.base_capacity]
    if caps:
        r = int(rng.integers(len(caps)))
        t0 = int(rng.integers(0, max(1, rt.horizon // 3)))
        caps[r][t0:t0 + int(rng.integers(2, 60))] = 0
    trs = [[(t + int(rng.integers(0, 120)), int(a * rng.uniform(0.6, 1.0))) for t, a in tr] for tr in rt.tranches]
    return Perturbation(dur, cost, caps or None, trs)


def sgs_fingerprints(skip_plan: bool = False, samples: int = 8) -> dict[str, str]:
    """Hashes of the two serial schedule generators' answers: the warm start's
    (:func:`~ntm_sched.engine.heuristic.money_sgs`, several seeds, noises and accelerations) and
    the risk analysis' re-timing (:func:`~ntm_sched.studies.risk.retime.retime` of random samples,
    with and without holding the plan), with a reference schedule from ``money_sgs``."""
    from ntm_sched.studies.risk.retime import prepare, retime

    out: dict[str, str] = {}
    for name, problem in problems(skip_plan):
        ref = None
        for seed, noise, acc in ((0, 0, 0.0), (1, 20, 0.0), (2, 40, 0.2), (3, 60, 1.0)):
            sol = money_sgs(problem, seed=seed, noise=noise, accelerate=acc)
            ref = ref or sol
            text = "None" if sol is None else repr((sorted(sol.tasks.items()), sol.payments))
            out[f"{name} [money_sgs seed={seed} noise={noise} accelerate={acc}]"] = _h(text.encode())
        if ref is None or not problem.tasks:
            continue
        rt = prepare(problem, ref)
        rng = np.random.default_rng(11)
        for k in range(samples):
            pert = _perturbation(rt, rng)
            for hold in (True, False):
                r = retime(rt, pert, hold_plan=hold)
                text = repr((r.start.tolist(), r.end.tolist(), r.payments, r.extra, r.driver, r.unplaced))
                out[f"{name} [retime sample={k} hold_plan={hold}]"] = _h(text.encode())
    return out


def _h(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def model_bytes(model: cp_model.CpModel) -> bytes:
    """The model's proto serialised in binary (``SerializeToString`` where the proto is a Python
    protobuf; newer OR-Tools wrap it in C++, then ``export_to_file`` writes the same bytes)."""
    proto = model.proto
    if hasattr(proto, "SerializeToString"):
        return proto.SerializeToString()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "model.pb"
        if not model.export_to_file(str(path)):
            raise RuntimeError("export_to_file failed")
        return path.read_bytes()


def fingerprints(skip_plan: bool = False) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, problem in problems(skip_plan):
        hint = valid_solution() if name == "small" else money_sgs(problem)
        for flags, kw in flag_sets(problem, hint):
            bm = build_model(problem, **kw)
            out[f"{name} [{flags}]"] = _h(model_bytes(bm.model))
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--save", type=Path, help="write the fingerprints to this JSON file")
    ap.add_argument("--compare", type=Path, help="compare with the fingerprints saved in this JSON file")
    ap.add_argument("--skip-plan", action="store_true", help="leave out the shipped plan (faster)")
    ap.add_argument("--skip-sgs", action="store_true", help="leave out the serial schedule generators' answers")
    a = ap.parse_args()
    import ntm_sched

    print(f"ntm_sched from {Path(ntm_sched.__file__).parent}")
    got = fingerprints(a.skip_plan)
    if not a.skip_sgs:
        got.update(sgs_fingerprints(a.skip_plan))
    if a.save:
        a.save.write_text(json.dumps(got, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    if a.compare:
        want = json.loads(a.compare.read_text(encoding="utf-8"))
        if a.skip_plan:
            want = {k: v for k, v in want.items() if not k.startswith("plan_")}
        if a.skip_sgs:
            want = {k: v for k, v in want.items() if "[money_sgs " not in k and "[retime " not in k}
        diff = sorted(k for k in set(want) | set(got) if want.get(k) != got.get(k))
        for k in diff:
            print(f"DIFFERS {k}: {want.get(k)} -> {got.get(k)}")
        print(f"{len(got)} models, {len(diff)} differ")
        return 1 if diff else 0
    for k, v in got.items():
        print(v, k)
    print(f"{len(got)} models")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
