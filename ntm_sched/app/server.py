"""``ntm-sched app``: serve the app notebook with Voilà on localhost, no code visible.

The notebook ``notebooks/app.ipynb`` gets the command's parameters injected exactly as
papermill does for reports (a copy in a temporary folder, removed on exit), then Voilà
serves that copy with its sources stripped. The kernel is the registered ``ntm-sched``
when present, otherwise Voilà's own interpreter (a plain ``pip install``). The command line (its arguments) is
:mod:`ntm_sched.cli.app`.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from ntm_sched.io import notebooks_dir
from ntm_sched.report.kernel import kernel_registered
from ntm_sched.scenario import load_scenario

DEFAULT_PORT = 8866


def prepare_notebook(folder: Path, scenario: str = "base", lang: str = "vi", time_limit: float | None = None,
                     workers: int | None = None, seed: int | None = None, scenario_dir: str | None = None) -> Path:
    """Write ``folder/app.ipynb``: the app notebook with these parameters injected and the
    kernel to run it (``ntm-sched`` if registered, else ``python3`` = this interpreter).
    ``time_limit`` defaults to the scenario's, ``workers`` and ``seed`` to
    :class:`~ntm_sched.engine.options.SolveOptions`'."""
    import nbformat
    from papermill.parameterize import parameterize_notebook

    from ntm_sched.engine.options import SolveOptions

    sc_arg = str(Path(scenario).resolve()) if Path(scenario).suffix in (".yaml", ".yml") else str(scenario)
    sc = load_scenario(sc_arg)  # a wrong scenario fails here, before a server starts
    opts = SolveOptions().with_(workers=workers, seed=seed)
    params: dict[str, Any] = {"scenario": sc_arg, "lang": lang,
                              "time_limit": float(time_limit if time_limit is not None else sc.time_limit),
                              "workers": opts.workers, "seed": opts.seed,
                              "scenario_dir": str(Path(scenario_dir).resolve()) if scenario_dir else ""}
    nb = nbformat.read(str(notebooks_dir() / "app.ipynb"), as_version=4)
    kernel = "ntm-sched" if kernel_registered("ntm-sched") else "python3"
    nb.metadata["kernelspec"] = {"name": kernel, "display_name": kernel, "language": "python"}
    for cell in nb.cells:  # papermill looks for tags in every cell
        cell.metadata.setdefault("tags", [])
    nb.metadata.setdefault("papermill", {})
    nb = parameterize_notebook(nb, params, kernel_name=kernel, language="python")
    out = folder / "app.ipynb"
    nbformat.write(nb, str(out))
    return out


def voila_command(notebook: Path, port: int) -> list[str]:
    """The Voilà command serving ``notebook`` on 127.0.0.1:``port`` without code.

    Voilà runs the notebook's cells through a kernel client that waits for the kernel's messages in slices
    (:class:`~ntm_sched.report.kernel.IpcKernelClient`, the reports' client): with jupyter_client's own, a reply
    whose wake-up pyzmq missed holds the cell until the client's timeout, and the page stays on "Executing 3 of 4"
    (the browser test's 400-s failures of 29/11 and 07/12/2026, the same stall the reports' notebooks had)."""
    return [sys.executable, "-m", "ntm_sched.app.voila_main", str(notebook), f"--port={port}", "--no-browser",
            "--Voila.ip=127.0.0.1", "--strip_sources=True", "--theme=light", "--show_tracebacks=False",
            f"--Voila.root_dir={notebook.parent}",
            "--AsyncKernelManager.client_factory=ntm_sched.report.kernel.IpcKernelClient"]


def serve(notebook: Path, port: int = DEFAULT_PORT) -> int:
    """Serve ``notebook`` with Voilà until interrupted (Ctrl+C); Voilà's exit code, 0 on Ctrl+C."""
    print(f"ntm-sched app: http://127.0.0.1:{port}/ (Ctrl+C to stop)", flush=True)
    proc = subprocess.Popen(voila_command(notebook, port))
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        return 0


def run_app(scenario: str = "base", port: int = DEFAULT_PORT, lang: str = "vi", time_limit: float | None = None,
            workers: int | None = None, seed: int | None = None, scenario_dir: str | None = None) -> int:
    """Prepare the app notebook in a temporary folder (removed on exit) and serve it.

    Raises
    ------
    ScenarioError
        ``scenario`` cannot be loaded (nothing is served).
    """
    folder = Path(tempfile.mkdtemp(prefix="ntm-app-"))
    try:
        nb = prepare_notebook(folder, scenario, lang, time_limit, workers, seed, scenario_dir)
        return serve(nb, port)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
