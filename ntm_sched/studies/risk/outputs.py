"""Risk analysis files: written atomically into one folder, read back for the report.

``<out>/`` holds ``commune_risk.csv``, ``district_distribution.csv``, ``extra_money.csv``,
``criticality.csv``, ``tornado.csv``, ``samples.csv``, ``recognition_samples.csv`` (every owner's
recognition date per sample: the S-curves), ``assumptions.csv`` (the uncertainty data
with their sources), ``risk.xlsx`` (the same tables, one sheet each), ``summary.json`` and
``figures/*.png``. Dates are ISO in the files.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd

from ntm_sched.i18n import current_lang
from ntm_sched.io import atomic_dir, write_json

TABLES = ("commune_risk", "district_distribution", "extra_money", "criticality", "tornado", "samples",
          "recognition_samples", "assumptions")


def write_tables(folder: Path, tables: dict[str, pd.DataFrame], summary: dict[str, Any]) -> None:
    """CSV files, the workbook and ``summary.json`` into an existing (temporary) folder."""
    for name in TABLES:
        tables[name].to_csv(folder / f"{name}.csv", index=False, encoding="utf-8", date_format="%Y-%m-%d")
    with pd.ExcelWriter(folder / "risk.xlsx", engine="openpyxl") as xw:
        for name in TABLES:
            tables[name].to_excel(xw, sheet_name=name[:31], index=False)
    write_json(folder / "summary.json", summary)


def write_figures(folder: Path, tables: dict[str, pd.DataFrame], summary: dict[str, Any],
                  names: dict[str, str] | None = None, others: dict[str, str] | None = None) -> list[Path]:
    """Every figure of :data:`ntm_sched.studies.risk.figures.FIGURES` as PNG under ``folder/figures``."""
    from ntm_sched.report.plots import plt, save
    from ntm_sched.studies.risk.figures import FIGURES, figure

    d = folder / "figures"
    d.mkdir(parents=True, exist_ok=True)
    out = []
    for name in FIGURES:
        fig = figure(name, tables, summary, names, others)
        save(fig, d / f"{name}.png")
        plt.close(fig)
        out.append(d / f"{name}.png")
    return out


def write_result(result: Any, out_dir: str | Path, figures: bool = True,
                 extra: Any = None) -> Path:
    """Write a :class:`~ntm_sched.studies.risk.run.RiskResult` into ``out_dir`` atomically (a
    temporary folder beside it, renamed at the end; ``out_dir`` is replaced only then).

    ``extra(tmp_folder)`` may add files (the report notebook) before the rename.
    """
    lang = current_lang()
    from ntm_sched.i18n import agency_names, commune_names, source_names

    out = Path(out_dir)
    with atomic_dir(out) as tmp:
        write_tables(tmp, result.tables, result.summary)
        if figures:
            write_figures(tmp, result.tables, result.summary, commune_names(result.plan, lang),
                          {**agency_names(result.plan, lang), **source_names(result.plan, lang)})
        if extra is not None:
            extra(tmp)
    return out


def read_tables(folder: str | Path) -> tuple[dict[str, pd.DataFrame], dict[str, Any]]:
    """The tables and summary of a finished run (as written by :func:`write_result`)."""
    folder = Path(folder)
    if not (folder / "summary.json").exists():
        raise FileNotFoundError(f"{folder}: no risk analysis here (summary.json missing)")
    tables = {}
    for name in TABLES:
        p = folder / f"{name}.csv"
        if not p.exists():
            tables[name] = pd.DataFrame()
        elif name == "recognition_samples":  # columns are commune codes: keep them as text
            tables[name] = pd.read_csv(p, dtype=str)
        else:
            tables[name] = pd.read_csv(p, dtype={"commune_code": str}, keep_default_na=True)
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    return tables, summary
