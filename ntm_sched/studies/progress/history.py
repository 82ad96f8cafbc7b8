"""A scenario's history: its baseline and one dated snapshot per re-plan, as folders people can open.

Layout (default root ``history/``, beside ``outputs/``)::

    history/<scenario>/baseline/          the plan the committee approved
    history/<scenario>/2019-10-07/        the re-plan with status date 07/10/2019
    history/<scenario>/2019-10-07.2/      a second re-plan for the same date (never overwrites)

Each folder holds the five files of ``solve`` (``schedule.csv``, ``milestones.csv``,
``allocation.csv``, ``agency_load.csv``, ``summary.json``), ``payments.csv`` (every
payment by day), ``progress.csv`` and ``disbursements.csv`` (the progress recorded
up to its status date), ``variance.csv`` and ``checker.txt`` (re-plans) and
``meta.json`` (kind, status date, creation time, the inputs' SHA-256).

A snapshot is written into a hidden temporary folder and renamed into place in one
step; the rename refuses an existing name, so a snapshot is never overwritten and a
half-written one never carries a snapshot's name (a crashed write leaves only a
hidden ``.tmp-*`` folder, which listing ignores).
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

DEFAULT_ROOT = Path("history")
BASELINE = "baseline"


class HistoryError(RuntimeError):
    """A snapshot is missing or cannot be written."""


@dataclass(frozen=True)
class Snapshot:
    """One stored plan of a scenario."""

    path: Path
    meta: dict[str, Any]

    @property
    def name(self) -> str:
        return self.path.name

    @property
    def kind(self) -> str:
        return str(self.meta.get("kind", ""))

    @property
    def status_date(self) -> dt.date:
        return dt.date.fromisoformat(str(self.meta["status_date"]))

    def table(self, name: str) -> pd.DataFrame:
        """A CSV of the snapshot (``schedule``, ``milestones``, ``payments``, ...), dates parsed."""
        p = self.path / f"{name}.csv"
        if not p.exists():
            return pd.DataFrame()
        df = pd.read_csv(p, dtype={"commune_code": str, "task_id": str, "source": str, "source_id": str,
                                   "earmark": str, "engine_source": str}, keep_default_na=False, na_values=[""])
        for c in df.columns:
            if c.endswith("_date") or c in ("date", "period_start", "week_start", "actual_start", "actual_finish",
                                            "baseline_start", "baseline_finish", "current_start", "current_finish",
                                            "previous_finish"):
                df[c] = pd.to_datetime(df[c], errors="coerce").dt.date
        return df

    def summary(self) -> dict[str, Any]:
        return json.loads((self.path / "summary.json").read_text(encoding="utf-8"))


def scenario_dir(root: str | os.PathLike[str] | None, scenario: str) -> Path:
    return Path(root or DEFAULT_ROOT) / scenario


def list_snapshots(root: str | os.PathLike[str] | None, scenario: str) -> list[Snapshot]:
    """Baseline first, then snapshots by status date and creation time (hidden temporary folders ignored)."""
    d = scenario_dir(root, scenario)
    out: list[Snapshot] = []
    if not d.is_dir():
        return out
    for p in d.iterdir():
        if p.name.startswith(".") or not (p / "meta.json").exists():
            continue
        out.append(Snapshot(p, json.loads((p / "meta.json").read_text(encoding="utf-8"))))
    out.sort(key=lambda s: (s.kind != BASELINE, s.status_date, str(s.meta.get("created", "")), s.name))
    return out


def baseline(root: str | os.PathLike[str] | None, scenario: str) -> Snapshot | None:
    """The baseline, or ``None``."""
    for s in list_snapshots(root, scenario):
        if s.kind == BASELINE:
            return s
    return None


def latest_before(root: str | os.PathLike[str] | None, scenario: str, status: dt.date,
                  inclusive: bool = False) -> Snapshot | None:
    """The newest snapshot (or the baseline) with a status date before ``status`` (or on it)."""
    best = None
    for s in list_snapshots(root, scenario):
        if s.status_date < status or (inclusive and s.status_date == status):
            best = s
    return best


def history_table(root: str | os.PathLike[str] | None, scenario: str) -> pd.DataFrame:
    """One row per stored plan: name, kind, status date, created, solver status, late communes, district date."""
    rows = []
    for s in list_snapshots(root, scenario):
        summ = s.summary() if (s.path / "summary.json").exists() else {}
        rows.append({"name": s.name, "kind": s.kind, "status_date": s.status_date,
                     "created": s.meta.get("created"), "status": summ.get("status"),
                     "checker_ok": summ.get("checker_ok"), "communes_late": summ.get("communes_late"),
                     "district_recognition_date": summ.get("district_recognition_date"),
                     "progress_sha256": str(s.meta.get("progress_sha256", ""))[:12]})
    return pd.DataFrame(rows, columns=["name", "kind", "status_date", "created", "status", "checker_ok",
                                       "communes_late", "district_recognition_date", "progress_sha256"])


def write_snapshot(root: str | os.PathLike[str] | None, scenario: str, name: str, meta: dict[str, Any],
                   fill: Callable[[Path], None], unique: bool = True) -> Snapshot:
    """Write a new snapshot atomically: ``fill(tmp)`` writes the files, then one rename publishes them.

    With ``unique`` a taken ``name`` becomes ``name.2``, ``name.3``...; without it a taken name
    raises :class:`HistoryError` (the baseline). Nothing existing is ever replaced.
    """
    d = scenario_dir(root, scenario)
    d.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".tmp-{name}-", dir=d))
    try:
        fill(tmp)
        meta = dict(meta, created=dt.datetime.now().isoformat(timespec="seconds"))
        (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2, default=str) + "\n",
                                       encoding="utf-8")
        k = 1
        while True:
            target = d / (name if k == 1 else f"{name}.{k}")
            try:
                if target.exists():
                    raise FileExistsError(target)
                os.rename(tmp, target)  # fails on an existing non-empty folder: never overwrites
                break
            except OSError as exc:
                if not (isinstance(exc, FileExistsError) or exc.errno in (errno.EEXIST, errno.ENOTEMPTY)):
                    raise
                if not unique:
                    raise HistoryError(f"{target} exists already; a stored plan is never overwritten") from None
                k += 1
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return Snapshot(target, meta)
