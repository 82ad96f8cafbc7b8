"""Execute the risk report notebook (``notebooks/risk_report.ipynb``) on a finished run's folder."""

from __future__ import annotations

from pathlib import Path

from ntm_sched.io import notebooks_dir, project_root
from ntm_sched.report.runner import KERNEL, _export_html, check_kernel


def run_risk_notebook(folder: str | Path, lang: str = "vi", scenario: str = "base", timeout: float = 600) -> Path:
    """Run the notebook with ``risk_dir=folder`` into ``folder/report.ipynb`` and export
    ``folder/report.html`` (without code). Raises the papermill error when a cell fails."""
    import papermill as pm

    manager = check_kernel()  # the registered kernel, else this interpreter's own (plain pip install)
    folder = Path(folder).resolve()
    nb_out = folder / "report.ipynb"
    pm.execute_notebook(str(notebooks_dir() / "risk_report.ipynb"), str(nb_out), kernel_name=KERNEL,
                        cwd=str(project_root()),
                        parameters={"risk_dir": str(folder), "output_dir": str(folder), "lang": lang,
                                    "scenario": scenario},
                        execution_timeout=timeout, progress_bar=False, log_output=False,
                        kernel_manager_class=manager)
    _export_html(nb_out, folder / "report.html")
    return folder / "report.html"
