"""Run report notebooks with papermill: :func:`run_notebook` (the one runner, with the ``.failed/``
contract) and :func:`run_report`, which publishes a scenario's report into ``outputs/<run>/<scenario>/``.

The notebook runs into a temporary folder ``outputs/.<run>/<scenario>.tmp-*``; only when
every cell succeeded and the HTML, tables and workbook are written is that folder renamed
to ``outputs/<run>/<scenario>/`` (replacing an old one). A failure leaves the executed
notebook and ``error.txt`` (failing cell and error) in ``outputs/<run>/<scenario>.failed/``
and never a half report.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ntm_sched.errors import RunFailed, signal_name, signals_held, sigterm_raises
from ntm_sched.io import (
    OutputTargetError,
    check_name,
    check_output_target,
    child_of,
    clean_stale,
    mark_output,
    project_root,
    remove_output,
    replace_dir,
    tmp_prefix,
)
from ntm_sched.report.kernel import kill_kernels
from ntm_sched.scenario import load_scenario
from ntm_sched.scenario import scenario_name as _scenario_name

KERNEL = "ntm-sched"
DEFAULT_TIMEOUT = 900


class ReportError(RunFailed):
    """The report could not be produced; ``failed_dir`` holds the evidence (if any)."""

    def __init__(self, message: str, failed_dir: Path | None = None) -> None:
        super().__init__(message)
        self.failed_dir = failed_dir


def check_kernel(kernel_name: str = KERNEL) -> type:
    """The kernel manager class to run notebooks with: the registered kernel ``kernel_name``
    when it is installed (``make setup`` does it), otherwise this interpreter's own kernel
    (a plain ``pip install``), so the user never has to register one."""
    from ntm_sched.report.kernel import kernel_manager_class

    return kernel_manager_class(kernel_name)


def scenario_name(scenario: str | os.PathLike[str]) -> str:
    """``base`` for ``base`` or ``.../base.yaml``; ``example_2021_2025.base`` for a scenario of a plan other
    than the default (:func:`ntm_sched.scenario.scenario_name`, the one rule); a name that is not one
    plain path component (``../x``, ``/tmp/x``) raises :class:`~ntm_sched.io.OutputTargetError`: names
    are never used as paths."""
    return _scenario_name(scenario)


def _export_html(nb_path: Path, html_path: Path, title: str | None = None) -> None:
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(str(nb_path), as_version=4)
    exporter = HTMLExporter(exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    # the browser tab shows the scenario's description, not the file name "report"
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}} if title else None)
    html_path.write_text(body, encoding="utf-8")


def _error_text(exc: BaseException, nb_path: Path) -> str:
    lines = []
    idx = getattr(exc, "cell_index", None)
    if idx is not None:
        src = ""
        try:
            import nbformat

            nb = nbformat.read(str(nb_path), as_version=4)
            src = nb.cells[idx].source
        except Exception:  # noqa: BLE001 - best effort
            pass
        lines.append(f"failing cell: {idx} (index in the executed report.ipynb, counting from 0, "
                     "after papermill's injected-parameters cell)")
        lines.append(f"error: {getattr(exc, 'ename', type(exc).__name__)}: {getattr(exc, 'evalue', exc)}")
        if src:
            lines += ["", "cell source:", src]
    else:
        lines.append(f"error: {type(exc).__name__}: {exc}")
    tb = getattr(exc, "traceback", None)
    if tb:
        import re

        lines += ["", "traceback:"] + [re.sub(r"\x1b\[[0-9;]*m", "", t) for t in tb]
    return "\n".join(lines) + "\n"


def run_report(scenario: str | os.PathLike[str] = "base", run: str | None = None, lang: str | None = None,
               time_limit: float | None = None, outputs_dir: str | os.PathLike[str] = "outputs",
               timeout: float = DEFAULT_TIMEOUT, workers: int | None = None, seed: int | None = None,
               notebook: str | os.PathLike[str] | None = None, progress: bool = False,
               extra_params: dict[str, Any] | None = None, report_name: str | None = None) -> Path:
    """Execute the report notebook for ``scenario`` and publish ``outputs/<run>/<scenario>/``.

    Returns the published folder. Raises :class:`ReportError` (with ``failed_dir``) on failure.
    ``notebook``, ``extra_params`` and ``report_name`` (the folder name, default the scenario's)
    run another report notebook the same way (e.g. the giao ban report).
    """
    name = report_name or scenario_name(scenario)
    # staging folders of killed runs go first, also when this run's scenario cannot be loaded
    clean_stale(staging_folder(outputs_dir, run or name))
    sc_arg = str(Path(scenario).resolve()) if Path(scenario).suffix in (".yaml", ".yml") else str(scenario)
    try:
        sc = load_scenario(sc_arg)
    except Exception as exc:  # the scenario itself is broken: say so like a failed cell
        raise input_failed(name, run, outputs_dir, exc) from exc
    opts = sc.solver_options(time_limit, workers, seed)
    lang = lang or sc.lang
    params: dict[str, Any] = {
        "scenario": sc_arg, "run_name": run or name, "lang": lang,
        "time_limit": opts.time_limit, "workers": opts.workers, "seed": opts.seed,
    } | dict(extra_params or {})
    return publish_notebook(notebook or project_root() / "notebooks" / "scenario_report.ipynb", name, params,
                            run=run, outputs_dir=outputs_dir, timeout=timeout, progress=progress,
                            title=sc.description(params["lang"]), record={"scenario": name})


def staging_folder(outputs_dir: str | os.PathLike[str], run: str) -> Path:
    """``outputs/.<run>/``, where a run's reports are staged before they are published (checked to stay inside
    ``outputs``: ``run`` is a plain name, a link there is refused)."""
    outputs = Path(outputs_dir).resolve()
    staging = outputs / f".{check_name(run, 'run name')}"
    if not staging.resolve().is_relative_to(outputs):
        raise OutputTargetError(f"{staging}: resolves to {staging.resolve()}, outside {outputs}; refusing to "
                                f"write there")
    return staging


def input_failed(name: str, run: str | None, outputs_dir: str | os.PathLike[str], exc: BaseException) -> ReportError:
    """Record that a report's input could not be loaded, like a failed cell (``<name>.failed/error.txt``),
    and return the :class:`ReportError` to raise (``from exc``, so callers see the input error)."""
    failed = child_of(Path(outputs_dir).resolve(), check_name(run or name, "run name"), f"{name}.failed")
    check_output_target(failed)
    _write_failed(failed, None, f"error: {type(exc).__name__}: {exc}\n")
    return ReportError(f"{name}: {exc}", failed)


def publish_notebook(notebook: str | os.PathLike[str], name: str, params: dict[str, Any], *, run: str | None = None,
                     outputs_dir: str | os.PathLike[str] = "outputs", timeout: float = DEFAULT_TIMEOUT,
                     progress: bool = False, title: str | None = None,
                     record: dict[str, Any] | None = None) -> Path:
    """Run ``notebook`` with ``params`` into a staging folder and publish it as ``outputs/<run>/<name>/``.

    The notebook gets ``output_dir`` (the staging folder) and must write ``summary.json`` there;
    ``run.json`` records the parameters. On failure the ``.failed/`` contract of
    :func:`run_notebook` holds and nothing is published.

    Parameters
    ----------
    notebook
        The report notebook.
    name
        The report's folder name (one plain path component).
    params
        Papermill parameters (``output_dir`` is added).
    run
        The run's folder name (default ``name``).
    outputs_dir
        The outputs folder.
    timeout, progress, title
        As :func:`run_notebook`.
    record
        Extra fields of ``run.json``.

    Returns
    -------
    Path
        The published folder.

    Raises
    ------
    ReportError
        The report failed (``failed_dir`` holds the evidence).
    """
    run = check_name(run or name, "run name")
    outputs = Path(outputs_dir).resolve()
    # every folder written is checked to stay inside ``outputs`` (names, links)
    target = child_of(outputs, run, name)
    failed = child_of(outputs, run, f"{name}.failed")
    # a user's folder in the way is refused before anything is written
    check_output_target(target)
    check_output_target(failed)
    staging = staging_folder(outputs, run)
    clean_stale(staging)  # staging folders of runs that were killed (SIGKILL) and could not clean up
    params = dict(params) | {"run_name": run}
    staging.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=tmp_prefix(name), dir=staging))
    params["output_dir"] = str(tmp)
    t0 = time.perf_counter()

    def record_run() -> None:
        with open(tmp / "run.json", "w", encoding="utf-8") as f:
            json.dump(dict(record or {}) | {"run": run, "parameters": params | {"output_dir": str(target)},
                                             "wall_time_s": round(time.perf_counter() - t0, 2)},
                      f, ensure_ascii=False, indent=2)
        if not (tmp / "summary.json").exists():
            raise ReportError(f"{name}: the notebook wrote no summary.json")

    def discard() -> None:
        shutil.rmtree(tmp, ignore_errors=True)
        _cleanup(staging)

    run_notebook(notebook, tmp, params, failed, name=name, timeout=timeout, progress=progress, title=title,
                 finish=record_run, discard=discard)
    # publish atomically: move the old report aside, rename, drop the old one; a signal meanwhile
    # is held until the report is in place (published whole, nothing left in staging)
    with signals_held():
        target.parent.mkdir(parents=True, exist_ok=True)
        replace_dir(tmp, target, aside=staging, kind="report")
        remove_output(failed)
        _cleanup(staging)
    return target


def run_notebook(notebook: str | os.PathLike[str], folder: Path, parameters: dict[str, Any], failed: Path, *,
                 name: str, timeout: float = DEFAULT_TIMEOUT, progress: bool = False, title: str | None = None,
                 finish: Callable[[], None] | None = None, discard: Callable[[], None] | None = None) -> Path:
    """Execute a report notebook with papermill: the one runner of every notebook report
    (scenario and giao ban reports through :func:`run_report`, the risk report).

    The notebook runs in the kernel ``ntm-sched`` (else this interpreter's own, see
    :func:`check_kernel`) from the project root, into ``folder/report.ipynb``; ``folder/report.html``
    is exported without code. On any failure (a cell, a timeout, ``finish``, SIGINT/SIGTERM) the
    ``.failed/`` contract holds: ``failed/error.txt`` (the failing cell, its source and
    traceback, or the signal) and the executed ``failed/report.ipynb`` are written, ``discard``
    runs, and :class:`ReportError` (with ``failed_dir``) is raised; a signal is raised again
    after the evidence is written (its clean-up is not cut short by a second one). On success
    ``failed`` is left as it is: the caller removes an earlier failure once its output is
    published.

    Parameters
    ----------
    notebook
        The notebook to execute.
    folder
        Existing folder receiving ``report.ipynb`` and ``report.html`` (usually a temporary one).
    parameters
        Papermill parameters.
    failed
        The evidence folder, ``<output>.failed`` beside the output it stands for (checked: never
        a user's folder).
    name
        The report's name in messages.
    timeout
        Seconds per cell.
    progress
        Show papermill's progress bar.
    title
        The HTML page's title.
    finish
        Run after the export, inside the failure handling (e.g. check that the notebook wrote
        what it must).
    discard
        Run after the evidence is written (e.g. remove the temporary folder).

    Returns
    -------
    Path
        ``folder/report.html``.
    """
    import papermill as pm

    check_output_target(failed)  # a user's folder in the way is refused before the notebook runs
    nb_out = folder / "report.ipynb"
    # SIGTERM runs the clean-up below, as Ctrl-C does; the clean-up is inside the block, so that a second SIGTERM
    # (a batch's process pool terminates its workers again) is ignored rather than killing the process before it
    # (sigterm_raises: the first SIGTERM raises, the next ones are ignored until the block ends)
    with sigterm_raises():
        try:
            manager = check_kernel()
            pm.execute_notebook(str(notebook), str(nb_out), parameters=parameters, kernel_name=KERNEL,
                                cwd=str(project_root()), execution_timeout=timeout, progress_bar=progress,
                                log_output=False, kernel_manager_class=manager)
            _export_html(nb_out, folder / "report.html", title=title)
            if finish is not None:
                finish()
        except BaseException as exc:
            # a second signal (a batch's process pool terminates its workers again) must not cut the
            # clean-up short: it is held until the kernel is stopped and the evidence written
            with signals_held():
                if isinstance(exc, KeyboardInterrupt):  # SIGINT, or SIGTERM as Interrupted
                    kill_kernels()
                    error = (f"interrupted by {signal_name(exc)}: the report was stopped (its kernel shut down) and "
                             f"nothing was published; run it again\n")
                else:
                    error = _error_text(exc, nb_out)
                _write_failed(failed, nb_out if nb_out.exists() else None, error)
                if discard is not None:
                    discard()
            if isinstance(exc, KeyboardInterrupt):
                raise
            raise ReportError(f"{name}: report failed, see {failed / 'error.txt'}", failed) from exc
    return folder / "report.html"


def _write_failed(failed: Path, nb: Path | None, error: str) -> None:
    check_output_target(failed)  # never a user's folder
    remove_output(failed)
    failed.mkdir(parents=True, exist_ok=True)
    mark_output(failed, "failed report")
    if nb is not None:
        shutil.copy2(nb, failed / "report.ipynb")
    (failed / "error.txt").write_text(error, encoding="utf-8")


def _cleanup(staging: Path) -> None:
    with contextlib.suppress(OSError):
        staging.rmdir()  # only when empty
