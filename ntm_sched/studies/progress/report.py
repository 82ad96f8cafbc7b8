"""Run the giao ban notebook with papermill, and find progress files for the nightly batch.

``outputs/<run>/<scenario>.giao_ban/`` gets the executed notebook, ``report.html`` (no
code), ``figures/*.png``, ``tables/*.csv``, ``report.xlsx`` and the current plan's files;
a failure leaves ``<scenario>.giao_ban.failed/error.txt`` like every report.

Nightly batch: a scenario has progress files when ``data/progress/<scenario>/`` holds
dated entries, ``YYYY-MM-DD/`` folders (``progress.csv``, ``disbursements.csv``) or
``YYYY-MM-DD.xlsx`` workbooks; the newest is reported (the older ones are re-planned
first if their snapshots are missing, so the history is complete).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

from ntm_sched.io import notebooks_dir
from ntm_sched.report.runner import run_report, scenario_name

NOTEBOOK = "giao_ban.ipynb"
DEFAULT_PROGRESS_DIR = Path("data") / "progress"
_DATED = re.compile(r"^(\d{4}-\d{2}-\d{2})(\.xlsx)?$")


def run_giao_ban(scenario: str, progress: str | os.PathLike[str], as_of: dt.date, run: str | None = None,
                 lang: str | None = None, history_root: str | os.PathLike[str] | None = None,
                 outputs_dir: str | os.PathLike[str] = "outputs", time_limit: float | None = None,
                 workers: int | None = None, seed: int | None = None, timeout: float = 900) -> Path:
    """Execute ``notebooks/giao_ban.ipynb`` and publish ``outputs/<run>/<scenario>.giao_ban/``."""
    name = scenario_name(scenario)
    hist_dir = Path(history_root).resolve() if history_root else Path("history").resolve()
    return run_report(scenario, run=run or "giao_ban", lang=lang, time_limit=time_limit, outputs_dir=outputs_dir,
                      timeout=timeout, workers=workers, seed=seed, notebook=notebooks_dir() / NOTEBOOK,
                      extra_params={"progress": str(Path(progress).resolve()), "as_of": as_of.isoformat(),
                                    "history_dir": str(hist_dir)},
                      report_name=f"{name}.giao_ban")


def progress_entries(progress_dir: str | os.PathLike[str], scenario: str) -> list[tuple[dt.date, Path]]:
    """Dated progress entries of ``scenario`` (oldest first); empty when there are none."""
    d = Path(progress_dir) / scenario_name(scenario)
    if not d.is_dir():
        return []
    out = []
    for p in d.iterdir():
        m = _DATED.match(p.name)
        if m and (p.is_dir() or m.group(2)):
            out.append((dt.date.fromisoformat(m.group(1)), p))
    return sorted(out)
