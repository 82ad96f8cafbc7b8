"""The batch of a province: one report per district, then the province report linking to them.

:func:`run_province_batch` runs ``notebooks/province_report.ipynb`` once per district (the province
plan restricted to that district's communes, :func:`ntm_sched.report.province.district_plan`),
``jobs`` at a time (local processes, or Dask: :mod:`ntm_sched.report.jobs`), into
``outputs/<run>/district_<code>/``, then once for the whole province
into ``outputs/<run>/province/``, whose district rows link to ``../district_<code>/report.html``
(only the districts whose report was published); district reports a previous run of the same name
made for districts the plan no longer has are removed (ntm-sched outputs only). Every report goes through
:func:`ntm_sched.report.runner.publish_notebook` (atomic folders, ``.failed/`` on failure).
The plan's folder is only read.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from ntm_sched.engine import SolveOptions
from ntm_sched.i18n import check_lang, label, unit_title, using_lang
from ntm_sched.io import project_root, remove_output
from ntm_sched.plan import load_plan
from ntm_sched.report.jobs import Where, run_jobs
from ntm_sched.report.province import district_names
from ntm_sched.report.runner import DEFAULT_TIMEOUT, ReportError, check_kernel, input_failed, publish_notebook

PROVINCE = "province"


def district_folder(code: str) -> str:
    """The folder name of a district's report inside the run (``district_<code>``)."""
    return f"district_{code}"


def notebook() -> Path:
    """The province report notebook."""
    return project_root() / "notebooks" / "province_report.ipynb"


def _params(plan_dir: str, district: str, links: dict[str, str], time_limit: float | None,
            workers: int | None, seed: int | None, deterministic: bool = False) -> dict[str, Any]:
    """The notebook's parameters but its language (the caller adds ``lang``); solver options not given are
    :class:`~ntm_sched.engine.SolveOptions`' defaults (the one home of them); one worker when ``deterministic``."""
    back = f"../{PROVINCE}/report.html" if district else ""
    o = SolveOptions().with_(time_limit=time_limit, workers=workers, seed=seed)
    o = o.counting_work() if deterministic else o
    return {"plan": plan_dir, "district": district, "links": links, "back": back, "time_limit": float(o.time_limit),
            "workers": o.workers, "seed": o.seed, "deterministic": bool(deterministic)}


def _district(plan_dir: str, code: str, title: str, run: str, lang: str, time_limit: float | None, workers: int | None,
              seed: int | None, outputs_dir: str, timeout: float,
              deterministic: bool = False) -> tuple[str, str | None]:
    """One district's report (in a worker process): (code, error or ``None``); never raises."""
    try:
        publish_notebook(notebook(), district_folder(code),
                         _params(plan_dir, code, {}, time_limit, workers, seed, deterministic) | {"lang": lang},
                         run=run, outputs_dir=outputs_dir, timeout=timeout, title=title,
                         record={"plan": plan_dir, "district": code})
    except ReportError as exc:
        return code, str(exc)
    except Exception as exc:  # noqa: BLE001 - the batch goes on
        return code, f"{type(exc).__name__}: {exc}"
    return code, None


def run_province_batch(plan: str | os.PathLike[str], run: str = PROVINCE, jobs: int = 2, lang: str | None = None,
                       time_limit: float | None = None, outputs_dir: str | os.PathLike[str] = "outputs",
                       timeout: float = DEFAULT_TIMEOUT, workers: int | None = None, seed: int | None = None,
                       districts: bool = True, dask: bool = False, scheduler: str | None = None,
                       deterministic: bool = False) -> tuple[Path, dict[str, str | None]]:
    """The district reports, then the province report linking to them.

    Parameters
    ----------
    plan
        A province plan's folder (read only).
    run
        The run's folder name: ``outputs/<run>/``.
    jobs
        District reports run at the same time (local processes, or the workers of a Dask ``LocalCluster``).
    dask, scheduler
        Run the district reports on a Dask ``LocalCluster`` of ``jobs`` workers, or on the existing Dask cluster at
        ``scheduler`` (:mod:`ntm_sched.report.jobs`); the files are those of a local run. The province report
        itself runs here, once the district reports are in.
    lang
        ``vi`` (default) or ``en``.
    time_limit, workers, seed
        Solver options of every report (``workers`` default: the cores shared between the jobs).
    outputs_dir
        The outputs folder.
    timeout
        Seconds per notebook cell.
    districts
        Make the district reports (``False``: the province report alone, without links).
    deterministic
        Every report's ``time_limit`` counts CP-SAT's deterministic time on one worker: the same reports at any
        load, locally or on Dask (:func:`ntm_sched.report.province_context.build_province_context`).

    Returns
    -------
    tuple
        The province report's folder, and district code -> error (``None`` when published).

    Raises
    ------
    ReportError
        The plan cannot be loaded (``<run>/province.failed/error.txt``) or the province report failed.
    """
    check_kernel()
    lang = check_lang(lang)
    plan_dir = str(Path(plan).resolve())
    try:
        full = load_plan(plan_dir)
    except Exception as exc:  # an invalid plan: recorded like a failed cell
        raise input_failed(PROVINCE, run, outputs_dir, exc) from exc
    names = district_names(full)
    outputs = str(Path(outputs_dir).resolve())
    if workers is None:
        workers = max(1, (os.cpu_count() or 1) // max(1, min(jobs, len(names) or 1)))
    with using_lang(lang):
        province_title = f"{label('pv_title')}: {unit_title(full.unit)}"
        titles = {c: label("pv_district_title", district=n) for c, n in names.items()}
    errors: dict[str, str | None] = {}
    if districts and names:
        args = [(plan_dir, c, titles[c], run, lang, time_limit, workers, seed, outputs, timeout, deterministic)
                for c in names]
        results = run_jobs(_district, args, Where(jobs=jobs, dask=dask, scheduler=scheduler), isolated=True,
                           on_error=lambda i, exc: (args[i][1], f"{type(exc).__name__}: {exc}"))
        for code, err in results:
            errors[code] = err
            print(f"{'ok' if err is None else 'FAILED'} {district_folder(code)}" + (f": {err}" if err else ""),
                  file=sys.stderr)
    # a district report a previous run of this name left for a district the plan no longer has (ours only)
    keep = {district_folder(c) for c in names} | {f"{district_folder(c)}.failed" for c in names}
    for old in Path(outputs, run).glob("district_*"):
        if old.name not in keep:
            remove_output(old)
    links = {c: f"../{district_folder(c)}/report.html" for c, e in errors.items() if e is None}
    params = _params(plan_dir, "", links, time_limit, workers, seed, deterministic) | {"lang": lang}
    out = publish_notebook(notebook(), PROVINCE, params, run=run, outputs_dir=outputs, timeout=timeout,
                           title=province_title, record={"plan": plan_dir, "district": None})
    return out, errors
