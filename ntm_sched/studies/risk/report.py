"""Execute the risk report notebook (``notebooks/risk_report.ipynb``) on a finished run's folder,
through the one notebook runner (:func:`ntm_sched.report.runner.run_notebook`)."""

from __future__ import annotations

from pathlib import Path

from ntm_sched.io import notebooks_dir
from ntm_sched.report.runner import run_notebook


def run_risk_notebook(folder: str | Path, lang: str = "vi", scenario: str = "base", timeout: float = 600,
                      failed: str | Path | None = None) -> Path:
    """Run the risk report on the run in ``folder`` into ``folder/report.ipynb`` and ``folder/report.html``.

    Parameters
    ----------
    folder
        A finished risk run (its tables and ``summary.json``), or the temporary folder of one
        being written.
    lang, scenario
        The report's language and the scenario it names.
    timeout
        Seconds per cell.
    failed
        Where the evidence of a failure goes (default ``<folder>.failed`` beside ``folder``; the
        command line passes ``<out>.failed`` beside the published folder).

    Returns
    -------
    Path
        ``folder/report.html``.

    Raises
    ------
    ReportError
        When a cell fails: ``failed/error.txt`` names the cell, ``failed/report.ipynb`` is the
        executed notebook (the report's ``.failed/`` contract).
    """
    folder = Path(folder).resolve()
    failed = Path(failed).resolve() if failed is not None else folder.with_name(f"{folder.name}.failed")
    return run_notebook(notebooks_dir() / "risk_report.ipynb", folder,
                        {"risk_dir": str(folder), "output_dir": str(folder), "lang": lang, "scenario": scenario},
                        failed, name=f"risk report of {scenario}", timeout=timeout)
