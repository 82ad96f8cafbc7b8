"""Run a risk analysis on Dask: solve the plan once, sample it many times, aggregate.

:func:`run_risk` is the one entry point (the CLI verb and the report notebook call it).
Samples run on Dask distributed: a :class:`distributed.LocalCluster` sized to the machine
(or ``jobs`` workers), an existing cluster (``scheduler`` address; its workers need
``ntm_sched`` installed), or a client the caller owns. Each Dask task computes a chunk of
sample indices; a sample depends only on ``(setup, seed, index)``, and the results are
sorted by index before aggregation, so the answer is the same whatever the number of
workers.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ntm_sched.i18n import using_lang
from ntm_sched.studies.risk import analysis
from ntm_sched.studies.risk.overrides import scenario_uncertainty
from ntm_sched.studies.risk.sampling import Outcome, RiskSetup, make_setup, simulate_chunk
from ntm_sched.studies.risk.uncertainty import Uncertainty

DEFAULT_SAMPLES = {"fixed": 1000, "replan": 40}
DEFAULT_CHECK_EVERY = 10
DEFAULT_REPLAN_TIME = 1.0


class RiskError(RuntimeError):
    """The analysis cannot run (no plan schedule, broken data, ...); the message says why."""


@dataclass
class RiskResult:
    """A finished risk analysis: its tables, summary and the setup it ran on."""

    scenario: Any
    plan: Any
    plan_result: Any
    uncertainty: Uncertainty
    setup: RiskSetup | None
    summary: dict[str, Any]
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    def write(self, out_dir: str | Path, figures: bool = True, lang: str = "vi") -> Path:
        """Write every table (CSV), ``risk.xlsx``, ``summary.json`` and the figures into ``out_dir``
        atomically (see :func:`ntm_sched.studies.risk.outputs.write_result`)."""
        from ntm_sched.studies.risk.outputs import write_result

        with using_lang(lang):
            return write_result(self, out_dir, figures=figures)


def plan_extra_cube(setup: RiskSetup) -> np.ndarray:
    """The deterministic plan's money from unlimited sources, by month (cause ``EXTRA``)."""
    ex = np.zeros((len(setup.month_starts), len(setup.causes)), dtype=np.int64)
    rt = setup.rt
    sidx = {nm: k for k, nm in enumerate(rt.sources)}
    for p in setup.reference.payments:
        k = sidx[p.source]
        if rt.unlimited[k]:
            ex[setup.month_of[min(p.time, len(setup.month_of) - 1)], setup.cause_of_source[k]] += p.amount
    return ex


def _chunks(n: int, size: int) -> list[list[int]]:
    return [list(range(i, min(n, i + size))) for i in range(0, n, size)]


def run_samples(setup: RiskSetup, samples: int, client: Any = None, jobs: int | None = None,
                scheduler: str | None = None, processes: bool = True, chunk: int | None = None,
                progress: Callable[[int, int], None] | bool | None = None) -> tuple[list[Outcome], dict[str, Any]]:
    """Compute ``samples`` samples on Dask; returns the outcomes sorted by index and run facts.

    Parameters
    ----------
    client
        A ``distributed.Client`` owned by the caller (kept open).
    jobs
        Workers of the local cluster (default: the machine's CPU count). Ignored with ``client``
        or ``scheduler``.
    scheduler
        Address of an existing Dask scheduler (``tcp://host:8786``).
    processes
        Local cluster of processes (default) or threads (tests).
    chunk
        Samples per Dask task (default: about 8 tasks per worker, at most 50 samples; 1 for replan).
    progress
        ``True``: a console progress bar on stderr; a callable ``f(done, total)``; ``None``/``False``: quiet.

    The client (and a ``LocalCluster`` it needs) comes from :func:`ntm_sched.report.jobs.dask_client`, the one
    place a run's Dask cluster is made and closed.
    """
    from distributed import as_completed

    from ntm_sched.report.jobs import dask_client, workers_of

    given_client = client is not None
    t0 = time.perf_counter()
    with dask_client(jobs, scheduler, processes, client) as client:
        nworkers = workers_of(client)
        t_start = time.perf_counter()
        if chunk is None:
            chunk = 1 if setup.policy == "replan" else max(1, min(50, math.ceil(samples / (8 * nworkers))))
        # hash=False: a key of its own per call. With the default content hash, a second call on
        # the same client scattered the same key while the first call's copy was being released,
        # and its tasks failed with "lost dependencies" (seen with benchmarks/risk.py, 2 workers)
        [fut_setup] = client.scatter([setup], broadcast=True, hash=False)
        futs = [client.submit(simulate_chunk, fut_setup, idx, pure=False) for idx in _chunks(samples, chunk)]
        bar = None
        if progress is True:
            from tqdm import tqdm

            bar = tqdm(total=samples, unit="sample", file=sys.stderr, dynamic_ncols=True,
                       disable=False, mininterval=0.5)
        done = 0
        outs: list[Outcome] = []
        try:
            for fut in as_completed(futs):
                part = fut.result()
                outs.extend(part)
                done += len(part)
                if bar is not None:
                    bar.update(len(part))
                elif callable(progress):
                    progress(done, samples)
        finally:
            if bar is not None:
                bar.close()
        t_end = time.perf_counter()  # before the cluster is closed
    outs.sort(key=lambda o: o.index)
    facts = {"workers": nworkers, "chunk": chunk, "cluster_s": round(t_start - t0, 3),
             "sampling_s": round(t_end - t_start, 3),
             "scheduler": scheduler or ("caller's client" if given_client else "LocalCluster")}
    return outs, facts


def run_risk(scenario: str | Path = "base", samples: int | None = None, seed: int | None = None,
             policy: str | None = None, jobs: int | None = None, scheduler: str | None = None,
             spread_scale: float | None = None, time_limit: float | None = None, workers: int | None = None,
             check_every: int | None = None, replan_time: float = DEFAULT_REPLAN_TIME, client: Any = None,
             processes: bool = True, progress: Any = None, plan_result: Any = None) -> RiskResult:
    """Solve ``scenario`` and analyse its risk.

    Parameters
    ----------
    scenario
        Scenario name or YAML file; its ``risk`` key may override the data and the defaults of
        ``samples``, ``seed``, ``policy`` and ``spread_scale``.
    samples, seed, policy, spread_scale
        Monte Carlo settings (``None``: the scenario's, else 1000 fixed / 40 replan samples, the
        solver seed, ``fixed``, 1).
    jobs, scheduler, client, processes
        Where samples run (see :func:`run_samples`).
    time_limit, workers
        The deterministic solve's settings (``None``: the scenario's).
    check_every
        Independent checker on every k-th fixed sample (default 10; 1 = every sample; 0 = none).
    replan_time
        CP-SAT deterministic time per replan sample (repeatable whatever the machine's load).
    plan_result
        An already solved plan of this scenario (skips the solve).

    Raises
    ------
    RiskError
        When the plan has no schedule (infeasible or nothing found in time), or a setting is bad.
    """
    from ntm_sched.domain import solve_plan
    from ntm_sched.scenario import load_scenario_and_plan

    sc, plan = load_scenario_and_plan(scenario)
    cfg = dict(sc.config.get("risk") or {})
    policy = policy or cfg.get("policy") or "fixed"
    if policy not in ("fixed", "replan"):
        raise RiskError(f"policy must be 'fixed' or 'replan', got {policy!r}")
    samples = int(samples if samples is not None else cfg.get("samples") or DEFAULT_SAMPLES[policy])
    if samples <= 0:
        raise RiskError(f"samples must be > 0, got {samples}")
    seed = int(seed if seed is not None else cfg.get("seed", sc.seed))
    spread = float(spread_scale if spread_scale is not None else cfg.get("spread_scale", 1.0))
    if spread < 0 or not math.isfinite(spread):
        raise RiskError(f"spread scale must be >= 0, got {spread}")
    check_every = DEFAULT_CHECK_EVERY if check_every is None else int(check_every)
    unc = scenario_uncertainty(sc, plan)
    t0 = time.perf_counter()
    if plan_result is None:
        plan_result = solve_plan(plan, sc.solver_options(time_limit, workers))
    solve_s = time.perf_counter() - t0
    if not plan_result.has_schedule or plan_result.status not in ("OPTIMAL", "FEASIBLE"):
        expl = plan_result.summary.get("explanation") or ""
        raise RiskError(f"{sc.name}: the plan has no schedule to analyse (status "
                        f"{plan_result.status}){': ' + expl if expl else ''}")
    setup = make_setup(plan_result, unc, seed=seed, policy=policy, spread_scale=spread, check_every=check_every,
                       replan_time=replan_time)
    outs, facts = run_samples(setup, samples, client=client, jobs=jobs, scheduler=scheduler,
                              processes=processes, progress=progress)
    plan_extra = plan_extra_cube(setup)
    summ = analysis.summary(setup, outs, plan_result.summary, plan_extra)
    summ.update({"scenario": sc.name, "unit": plan_result.summary.get("unit"), "plan_solve_s": round(solve_s, 3),
                 **facts,
                 "samples_per_s": round(len(outs) / max(1e-9, facts["sampling_s"]), 2),
                 "plan_gap": plan_result.summary.get("gap")})
    # issue 25: the probabilities are conditional on this baseline (the order the fixed policy
    # keeps): the scenario's canonical schedule, the same whatever the jobs, workers or scheduler
    summ["baseline"] = {"schedule": "canonical (engine.canonical: earliest starts, sources in plan order)",
                        "repeatable": bool(plan_result.summary.get("repeatable")),
                        "reasons": list(plan_result.summary.get("repeatable_reasons") or [])}
    if not summ["baseline"]["repeatable"]:
        summ["notes"].append("the baseline schedule may differ between runs "
                             f"({plan_result.summary.get('repeatable_note')}): so may these probabilities")
    if plan_result.status != "OPTIMAL":
        summ["notes"].append(f"the plan was not proven optimal (status {plan_result.status}, gap "
                             f"{plan_result.summary.get('gap')}): the samples re-time the best plan found")
    tables = {
        "commune_risk": analysis.commune_risk(setup, outs),
        "district_distribution": analysis.district_distribution(setup, outs),
        "extra_money": analysis.extra_money(setup, outs, plan_extra),
        "criticality": analysis.criticality(setup, outs),
        "tornado": analysis.tornado(setup, outs),
        "samples": analysis.samples_table(setup, outs),
        "recognition_samples": analysis.recognition_samples(setup, outs),
        "assumptions": unc.assumptions_table(),
    }
    return RiskResult(sc, plan, plan_result, unc, setup, summ, tables)
