"""Helpers of the progress tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "data" / "examples" / "progress"


def on_baseline_progress(history_root: Path, as_of: dt.date, folder: Path) -> Path:
    """Progress and disbursements exactly as the baseline planned them up to ``as_of`` (CSV folder)."""
    from ntm_sched.domain import build
    from ntm_sched.scenario import load_scenario_and_plan
    from ntm_sched.studies.progress import history as hist
    from ntm_sched.studies.progress.replan import progress_as_planned

    _, plan = load_scenario_and_plan("base")
    return progress_as_planned(build(plan), hist.baseline(history_root, "base"), as_of, folder)
