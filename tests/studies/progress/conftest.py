"""A baseline of the base scenario, and the worked example re-planned week after week, shared by the
progress tests (one worker, fixed seed; each solved once per session)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any, NamedTuple

import pytest

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "data" / "examples" / "progress"
SOLVER = {"time_limit": 60.0, "workers": 1, "seed": 0}
W1, W2 = dt.date(2019, 10, 7), dt.date(2019, 10, 14)


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




class TwoWeeks(NamedTuple):
    """The worked example re-planned week after week."""

    history: Path  # baseline, week 1, week 2
    after_week1: Path  # the same history before week 2 was re-planned
    w1: Any  # the week-1 re-plan (ntm_sched.studies.progress.replan.Replanned)
    w2: Any


@pytest.fixture(scope="session")
def two_weeks(baseline_history, tmp_path_factory) -> TwoWeeks:
    """The worked example re-planned week after week, once per session.

    The week-1 re-plan is the slowest solve of the progress tests (its stability tier is proven
    optimal in half a minute, so the answer does not depend on the machine's load): the tests
    that read the two weeks share it. Tests that add snapshots work on a copy of a history.
    """
    from ntm_sched.studies.progress.replan import replan

    root = tmp_path_factory.mktemp("two_weeks")
    history = root / "history"
    shutil.copytree(baseline_history, history)
    w1 = replan("base", EXAMPLE / W1.isoformat(), W1, history, **SOLVER)
    shutil.copytree(history, root / "after_week1")
    w2 = replan("base", EXAMPLE / W2.isoformat(), W2, history, **SOLVER)
    return TwoWeeks(history, root / "after_week1", w1, w2)
