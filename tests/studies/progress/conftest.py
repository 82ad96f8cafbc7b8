"""A baseline of the base scenario shared by the progress tests (one worker, fixed seed)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "data" / "examples" / "progress"
SOLVER = {"time_limit": 60.0, "workers": 1, "seed": 0}


@pytest.fixture(scope="session")
def baseline_history(tmp_path_factory):
    """A history folder holding only the base scenario's baseline."""
    from ntm_sched.studies.progress.replan import save_baseline

    root = tmp_path_factory.mktemp("history")
    save_baseline("base", root, **SOLVER)
    return root


@pytest.fixture
def history(baseline_history, tmp_path):
    """A fresh copy of the baseline-only history for one test."""
    root = tmp_path / "history"
    shutil.copytree(baseline_history, root)
    return root


