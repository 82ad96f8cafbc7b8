"""A province scenario sweep: the province plan solved at every combination of a few varied values.

``ntm-sched province-sweep PLAN --vary council_capacity=8,11,14 --vary money=0.8,1.0`` solves the province
once per point of the grid (the product of the ``--vary`` values, in the order given) and writes, atomically,
into ``outputs/<run>/`` only:

* ``sweep.csv``: one row per point: the varied values, the status, the communes on time and late, the
  objective, its bound and gap, the extra funding, the latest commune recognition date, whether the plan-level
  verifier and the engine checker accepted the answer, and whether the answer is repeatable;
* ``summary.md``: the same in words, Vietnamese first, then English (dates ``dd/mm/yyyy``), with the SYNTHETIC
  warning of a synthetic plan;
* ``run.json``: the run's facts (where it ran, seconds per point): the only file that depends on the machine.

**One answer however computed.** Every point is solved with one CP-SAT worker, a fixed seed and a limit of
*deterministic* time (:attr:`SolveOptions.deterministic <ntm_sched.engine.options.SolveOptions>`), so
``sweep.csv`` and ``summary.md`` are the same whatever ``--jobs``, Dask or local, the number of workers or the
machine's load. Wall seconds are measured only for ``run.json``.

The varied values (:data:`AXES`) are plan edits (:class:`ntm_sched.plan.edits.PlanEdit`), applied to the plan
as read and checked like any plan. The points run where :class:`ntm_sched.report.jobs.Where` says (local
processes, or Dask distributed); the plan travels with each job, so Dask workers need no shared folder.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ntm_sched.domain import solve_plan
from ntm_sched.engine import SolveOptions
from ntm_sched.engine.clock import WALL_CUT_NOTE
from ntm_sched.errors import InputError
from ntm_sched.i18n import label, status_label, unit_title, using_lang
from ntm_sched.io import atomic_dir, atomic_write_text, check_output_target, child_of
from ntm_sched.plan import Plan, load_plan
from ntm_sched.plan.edits import PlanEdit
from ntm_sched.report.jobs import Where, run_jobs
from ntm_sched.report.province import banner
from ntm_sched.units import format_date, format_money, format_number

DEFAULT_WORK = 5.0
"""CP-SAT deterministic time per point (about seconds on an idle machine; several times that under load)."""


@dataclass(frozen=True)
class Axis:
    """A value a sweep may vary: its type and what it does to the plan."""

    name: str
    kind: type
    help: str


AXES: dict[str, Axis] = {a.name: a for a in (
    Axis("council_capacity", int, "every council session takes at most N dossiers (council_sessions.csv capacity)"),
    Axis("money", float, "every tranche of funding.csv multiplied by F (1.0: the plan's money)"),
    Axis("deadline_days", int, "every target date D days later (negative: earlier)"),
)}

SWEEP_COLUMNS = ["point", "status", "verified", "checker_ok", "repeatable", "communes_on_time", "communes_late",
                 "objective", "best_bound", "gap", "extra_funding_mvnd", "latest_recognition"]
"""The columns of ``sweep.csv`` after the varied values (``point`` first)."""


def parse_vary(text: str) -> tuple[str, tuple[Any, ...]]:
    """``council_capacity=8,11,14`` -> ``("council_capacity", (8, 11, 14))``.

    Raises
    ------
    InputError
        Naming the option, the axis or the value that is wrong and what was expected.
    """
    name, sep, values = str(text).partition("=")
    name = name.strip()
    if not sep or not values.strip():
        raise InputError(f"--vary {text!r}: expected NAME=V1,V2,... (names: {', '.join(AXES)})")
    axis = AXES.get(name)
    if axis is None:
        raise InputError(f"--vary {text!r}: unknown value {name!r}; expected one of {', '.join(AXES)}")
    out: list[Any] = []
    for k, v in enumerate(values.split(","), start=1):
        v = v.strip()
        try:
            x = axis.kind(v)
        except ValueError:
            raise InputError(f"--vary {text!r}: value {k} ({v!r}) of {name} is not "
                             f"{'a whole number' if axis.kind is int else 'a number'}") from None
        if axis.kind is float and not math.isfinite(x):
            raise InputError(f"--vary {text!r}: value {k} ({v!r}) of {name} is not a finite number")
        if name in ("council_capacity", "money") and x < 0:
            raise InputError(f"--vary {text!r}: value {k} ({v!r}) of {name} must be >= 0")
        if x in out:
            raise InputError(f"--vary {text!r}: value {v!r} of {name} is given twice")
        out.append(x)
    return name, tuple(out)


def grid(axes: Sequence[tuple[str, Sequence[Any]]]) -> list[dict[str, Any]]:
    """Every point of the product of ``axes`` (``(name, values)``, in that order; the last varies fastest).

    Raises
    ------
    InputError
        No axis, or an axis given twice.
    """
    names = [n for n, _ in axes]
    if not names:
        raise InputError("a sweep needs at least one --vary NAME=V1,V2,...")
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise InputError(f"--vary {', '.join(twice)} given twice: give each value once, with all its values")
    return [dict(zip(names, combo)) for combo in itertools.product(*(v for _, v in axes))]


def point_plan(plan: Plan, point: Mapping[str, Any]) -> Plan:
    """``plan`` with the values of ``point`` applied (:data:`AXES`); checked like any plan."""
    edit = PlanEdit(plan)
    note = "province-sweep: " + ", ".join(f"{k}={v}" for k, v in point.items())
    if "council_capacity" in point:
        if not plan.council_sessions:
            raise InputError(f"{plan.source_path or 'the plan'}: council_capacity is varied but the plan has no "
                             f"council sessions (council_sessions.csv)")
        edit.set_council_capacity(int(point["council_capacity"]), note=note)
    if "money" in point:
        edit.scale_funding(float(point["money"]), note=note)
    if "deadline_days" in point:
        edit.shift_deadlines(int(point["deadline_days"]), note=note)
    return edit.done()


def solve_point(plan: Plan, point: dict[str, Any], work: float, seed: int | None) -> dict[str, Any]:
    """One point: the edited plan solved on one worker with ``work`` deterministic time; its ``sweep.csv`` row
    (and ``seconds``, for ``run.json``). A job of :func:`ntm_sched.report.jobs.run_jobs`."""
    t0 = time.perf_counter()
    opts = SolveOptions().with_(time_limit=work, seed=seed).counting_work()
    res = solve_plan(point_plan(plan, point), opts)
    s = res.summary
    latest = None
    ms = res.milestones
    if res.has_schedule and len(ms):
        rec = ms.loc[ms["milestone"] == "recognition", "scheduled_date"].dropna()
        latest = max(pd.Timestamp(d).date() for d in rec).isoformat() if len(rec) else None
    cut = WALL_CUT_NOTE in res.result.notes or "wall_cut" in (s.get("repeatable_reasons") or [])

    def num(key: str, digits: int | None = None) -> Any:
        v = s.get(key)
        if v is None or (isinstance(v, float) and not math.isfinite(v)):
            return None
        return round(float(v), digits) if digits is not None else v

    return {**point, "status": s.get("status"), "verified": s.get("verified"), "checker_ok": s.get("checker_ok"),
            "repeatable": not cut, "communes_on_time": s.get("communes_on_time"),
            "communes_late": s.get("communes_late"), "objective": num("objective"), "best_bound": num("best_bound"),
            "gap": num("gap", 4), "extra_funding_mvnd": s.get("extra_funding_mvnd"), "latest_recognition": latest,
            "seconds": round(time.perf_counter() - t0, 2)}


def _summary_md(df: pd.DataFrame, plan: Plan, axes: Sequence[str], work: float, seed: int) -> str:
    """``summary.md``: the sweep in Vietnamese, then in English."""
    parts = []
    for lang in ("vi", "en"):
        with using_lang(lang):
            warn = banner(plan)
            lines = [f"# {label('sw_title')}: {unit_title(plan.unit)}", ""]
            if warn:
                lines += [f"> ⚠️ **{warn}**", ""]
            lines += [label("sw_intro", points=len(df), axes=", ".join(axes), work=work, seed=seed), ""]
            head = [*axes, label("h_status"), label("sw_on_time"), label("sw_late"), label("h_extra"),
                    label("sw_latest"), label("sw_gap")]
            lines += ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
            for _, r in df.iterrows():
                d = r["latest_recognition"]
                cells = [*(str(r[a]) for a in axes), status_label(str(r["status"])),
                         _int(r["communes_on_time"]), _int(r["communes_late"]),
                         format_money(float(r["extra_funding_mvnd"])) if pd.notna(r["extra_funding_mvnd"]) else "-",
                         format_date(dt.date.fromisoformat(d)) if isinstance(d, str) and d else "-",
                         _percent(float(r["gap"])) if pd.notna(r["gap"]) else "-"]
                lines.append("| " + " | ".join(cells) + " |")
            bad = [str(p) for p in failed_points(df)]
            cut = [str(r["point"]) for _, r in df.iterrows() if not _true(r["repeatable"])]
            lines += ["", label("sw_checked") if not bad else label("sw_rejected", points=", ".join(bad))]
            if cut:
                lines.append(label("sw_cut", points=", ".join(cut)))
            parts.append("\n".join(lines) + "\n")
    return "\n---\n\n".join(parts)


def _true(v: Any) -> bool:
    """A cell of a yes/no column that says yes (missing is no)."""
    return v is not None and not (isinstance(v, float) and math.isnan(v)) and bool(v)


def failed_points(df: pd.DataFrame) -> list[int]:
    """The points of ``sweep.csv`` without a schedule both checks accept (status neither OPTIMAL nor FEASIBLE,
    or the verifier or the checker rejected it)."""
    return [int(r["point"]) for _, r in df.iterrows()
            if r["status"] not in ("OPTIMAL", "FEASIBLE") or not _true(r["verified"]) or not _true(r["checker_ok"])]


def _percent(x: float) -> str:
    """``95,8%`` in Vietnamese, ``95.8%`` in English (:func:`ntm_sched.units.format_number`)."""
    return f"{format_number(100 * x, decimals=1)}%"


def _int(v: Any) -> str:
    return "-" if v is None or pd.isna(v) else str(int(v))


def run_sweep(plan: str | os.PathLike[str], vary: Sequence[tuple[str, Sequence[Any]]], run: str = "sweep",
              jobs: int = 1, dask: bool = False, scheduler: str | None = None, work: float = DEFAULT_WORK,
              seed: int | None = None, outputs_dir: str | os.PathLike[str] = "outputs",
              progress: Callable[[str], None] | None = None, client: Any = None) -> tuple[Path, pd.DataFrame]:
    """Solve the province at every point of ``vary`` and write ``outputs/<run>/`` (module docstring).

    Parameters
    ----------
    plan
        A province plan's folder (read only).
    vary
        ``(name, values)`` per varied value (:data:`AXES`, :func:`parse_vary`).
    run
        The run's folder name inside ``outputs_dir``.
    jobs, dask, scheduler, client
        Where the points run (:class:`ntm_sched.report.jobs.Where`; ``client``: a Dask client of the caller's).
    work
        CP-SAT deterministic time per point.
    seed
        CP-SAT's seed, the same for every point (``None``: :class:`~ntm_sched.engine.SolveOptions`' default).
    progress
        Called with one line per finished point.

    Returns
    -------
    tuple
        The run's folder and the ``sweep.csv`` table.

    Raises
    ------
    InputError
        A bad plan, value or output folder (a folder that is not an ntm-sched output is never replaced), before
        anything is solved.
    """
    if not (work > 0 and math.isfinite(work)):
        raise InputError(f"the work limit must be a number > 0, got {work!r}")
    target = check_output_target(child_of(Path(outputs_dir).resolve(), run, what="run name"))
    points = grid(vary)
    axes = [n for n, _ in vary]
    try:
        full = load_plan(plan)
    except FileNotFoundError as exc:  # a path that is not there: the user's to fix
        raise InputError(str(exc)) from None
    for p in points:  # every edit checked before the first solve
        point_plan(full, p)
    where = Where(jobs=jobs, dask=dask, scheduler=scheduler)
    t0 = time.perf_counter()

    def said(i: int, row: dict[str, Any]) -> None:
        if progress is not None:
            progress(f"point {i + 1}/{len(points)} " + ", ".join(f"{a}={row[a]}" for a in axes)
                     + f": {row['status']}, {row['communes_on_time']} on time ({row['seconds']} s)")

    seed = SolveOptions().with_(seed=seed).seed
    rows = run_jobs(solve_point, [(full, p, float(work), seed) for p in points], where, on_result=said,
                    client=client)
    seconds = [r.pop("seconds") for r in rows]
    df = pd.DataFrame([{"point": i + 1, **r} for i, r in enumerate(rows)])
    df = df.reindex(columns=["point", *axes, *SWEEP_COLUMNS[1:]])
    facts = {"plan": str(Path(plan).resolve()), "vary": {n: list(v) for n, v in vary}, "work": work, "seed": seed,
             "where": where.describe() if client is None else "the caller's Dask client",
             "seconds": dict(zip(range(1, len(points) + 1), seconds)),
             "wall_time_s": round(time.perf_counter() - t0, 2)}
    with atomic_dir(target, kind="province sweep") as tmp:
        atomic_write_text(tmp / "sweep.csv", df.to_csv(index=False))
        atomic_write_text(tmp / "summary.md", _summary_md(df, full, axes, work, seed))
        atomic_write_text(tmp / "run.json", json.dumps(facts, ensure_ascii=False, indent=2) + "\n")
    return target, df
