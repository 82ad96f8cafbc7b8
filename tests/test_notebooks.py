"""Every notebook in notebooks/ runs headlessly with small parameters (papermill, kernel ntm-sched)."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

SMALL = {"time_limit": 3.0, "workers": 1, "seed": 0, "lang": "vi", "scenario": "base",
         # the budget lab answers several questions, each with several solves: fewer levels and
         # one commune keep it to seconds while every cell still runs
         "cut_levels": [1.0, 0.8], "marginal_communes": ["07357"],
         # the risk report runs a few samples on one local Dask worker
         "samples": 8, "jobs": 1}


@pytest.mark.slow
@pytest.mark.parametrize("nb", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(nb, tmp_path):
    papermill = pytest.importorskip("papermill")
    declared = papermill.inspect_notebook(str(nb))
    params = {k: v for k, v in SMALL.items() if k in declared}
    for key in ("output_dir", "outputs_dir", "out_dir"):
        if key in declared:
            params[key] = str(tmp_path / "out")
    if "history_dir" in declared:  # the giao ban report keeps its baseline and snapshots here
        params["history_dir"] = str(tmp_path / "history")
    for key, spec in declared.items():  # any other time limit-like parameter: keep it small
        if key not in params and "time_limit" in key:
            params[key] = 3.0
    from ntm_sched.report.kernel import IpcKernelManager

    papermill.execute_notebook(str(nb), str(tmp_path / nb.name), parameters=params, kernel_name="ntm-sched",
                               kernel_manager_class=IpcKernelManager,
                               cwd=str(ROOT), execution_timeout=300, progress_bar=False)
