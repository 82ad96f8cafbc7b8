"""Unattended batch runs: many scenarios' reports, N at a time, and a comparison index.

With no scenario named, every shipped plan's scenarios run (``data/plans.csv`` order, each plan's
``base`` first); the index and ``summary.csv`` name each scenario's unit, code and period.
``outputs/<run>/`` gets one folder per scenario (see :mod:`ntm_sched.report.runner`),
``index.html`` (links, headline figures side by side, a comparison chart, failures with
their errors), ``summary.csv`` (one row per scenario) and ``batch.log``. Re-running a run
name replaces it: old scenario folders of the previous batch are removed at the end.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd

from ntm_sched.errors import signal_name
from ntm_sched.i18n import current_lang, label, status_label, unit_title, using_lang
from ntm_sched.io import (
    OutputTargetError,
    check_output_target,
    child_of,
    is_our_output,
    mark_output,
    remove_output,
)
from ntm_sched.report.jobs import Where, run_jobs
from ntm_sched.report.runner import DEFAULT_TIMEOUT, ReportError, check_kernel, run_report, scenario_name
from ntm_sched.scenario import list_scenarios, scenario_groups
from ntm_sched.units import format_date, format_money

SUMMARY_COLUMNS = ["scenario", "unit", "unit_code", "period", "invented", "ok", "status", "communes_on_time",
                   "communes_late", "district_recognition_date",
                   "total_cost_mvnd", "extra_funding_mvnd", "runtime_s", "wall_time_s", "error"]


def _one(scenario: str, run: str, lang: str | None, time_limit: float | None, outputs_dir: str,
         timeout: float, workers: int | None, seed: int | None = None) -> dict[str, Any]:
    """Run one report (in a worker process); never raises."""
    name = scenario_name(scenario)
    t0 = time.perf_counter()
    row: dict[str, Any] = {"scenario": name, "ok": False}
    try:
        out = run_report(scenario, run=run, lang=lang, time_limit=time_limit, outputs_dir=outputs_dir,
                         timeout=timeout, workers=workers, seed=seed)
        summ = json.loads((out / "summary.json").read_text(encoding="utf-8"))
        row.update({k: summ.get(k) for k in SUMMARY_COLUMNS if k in summ})
        unit = summ.get("unit") or {}
        if unit:  # whose plan: the unit as titled in the report's language, its code and period
            row.update({"unit": unit_title(unit, lang or "vi"), "unit_code": unit.get("code"),
                        "period": unit.get("period"), "invented": unit.get("invented")})
        row["ok"] = summ.get("verified") is not False  # an answer the plan-level verifier rejects is a failure
        if not row["ok"]:
            row["error"] = "the answer disagrees with the plan: " + "; ".join(summ.get("verifier_findings") or [])
    except ReportError as exc:
        err = ""
        if exc.failed_dir is not None and (exc.failed_dir / "error.txt").exists():
            err = (exc.failed_dir / "error.txt").read_text(encoding="utf-8").split("\n\ntraceback:")[0]
        row["error"] = (err or str(exc)).strip()
    except Exception as exc:  # noqa: BLE001 - a batch goes on
        row["error"] = f"{type(exc).__name__}: {exc}"
    row["wall_time_s"] = round(time.perf_counter() - t0, 2)
    return row


def resolve_scenarios(items: list[str] | None) -> list[str]:
    """Scenario names/paths: none -> every scenario of every shipped plan (``data/plans.csv``); a folder
    -> its YAML files."""
    if not items:
        return [str(f) for _, files in scenario_groups() for f in files]
    out: list[str] = []
    for it in items:
        p = Path(it)
        if p.is_dir():
            out += [str((p / f"{n}.yaml").resolve()) for n in list_scenarios(p)]
        else:
            out.append(str(p.resolve()) if p.suffix in (".yaml", ".yml") else it)
    return out


def run_batch(scenarios: list[str] | str | os.PathLike[str] | None = None, run: str = "batch", jobs: int = 2,
              lang: str | None = None, time_limit: float | None = None, outputs_dir: str | os.PathLike[str] = "outputs",
              timeout: float = DEFAULT_TIMEOUT, workers: int | None = None,
              progress: bool | None = None, seed: int | None = None, dask: bool = False,
              scheduler: str | None = None) -> pd.DataFrame:
    """Run every scenario's report, ``jobs`` at a time; write the index, summary and log.

    Where the reports run (:mod:`ntm_sched.report.jobs`): ``jobs`` local processes (default), a Dask
    ``LocalCluster`` of ``jobs`` workers (``dask``) or an existing Dask cluster (``scheduler``); each report is
    one job, and the files written are the same wherever it ran. Returns the summary DataFrame (``ok`` column
    False for failures). Never raises for a failing scenario; Ctrl-C/SIGTERM stops the running reports (each
    records ``<scenario>.failed/``) and propagates.
    """
    check_kernel()
    if isinstance(scenarios, (str, os.PathLike)):
        scenarios = [str(scenarios)]
    items = resolve_scenarios(list(scenarios) if scenarios else None)
    names = [scenario_name(s) for s in items]
    outputs = Path(outputs_dir).resolve()
    run_dir = child_of(outputs, run, what="run name")  # one plain name, inside outputs
    _check_run_dir(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    mark_output(run_dir, "batch")
    log_path = run_dir / "batch.log"
    log = open(log_path, "w", encoding="utf-8")  # noqa: SIM115
    progress = sys.stderr.isatty() if progress is None else progress

    def say(msg: str) -> None:
        line = f"{dt.datetime.now().isoformat(timespec='seconds')} {msg}"
        log.write(line + "\n")
        log.flush()
        if not progress:
            print(line, file=sys.stderr, flush=True)

    where = Where(jobs=jobs, dask=dask, scheduler=scheduler)
    say(f"batch {run}: {len(items)} scenarios, {jobs} at a time ({where.describe()}): {', '.join(names)}")
    rows: list[dict[str, Any]] = []
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(items), desc=f"batch {run}", unit="scenario", file=sys.stderr)
    t0 = time.perf_counter()
    if workers is None and (jobs > 1 or where.on_dask):
        # share the cores: N reports at once each get cores // N solver workers, so that a
        # batch does not oversubscribe the machine (each report would otherwise use the
        # scenario's own worker count); the same on Dask, so that its files are a local run's
        workers = max(1, (os.cpu_count() or 1) // jobs)
        say(f"solver workers per scenario: {workers} ({os.cpu_count()} cores / {jobs} jobs)")
    args = (run, lang, time_limit, str(outputs), timeout, workers, seed)
    if jobs <= 1 and not where.on_dask:
        say(f"start {scenario_name(items[0])}" if items else "nothing to run")

    def finished(i: int, row: dict[str, Any]) -> None:
        rows.append(row)
        say(_line(row))
        if bar:
            bar.update(1)
        if jobs <= 1 and not where.on_dask and i + 1 < len(items):
            say(f"start {scenario_name(items[i + 1])}")

    def crashed(i: int, exc: BaseException) -> dict[str, Any]:  # a worker that died, a lost Dask task
        return {"scenario": names[i], "ok": False, "error": f"{type(exc).__name__}: {exc}"}

    try:
        run_jobs(_one, [(s, *args) for s in items], where, on_result=finished, on_error=crashed, isolated=True)
    except KeyboardInterrupt as exc:  # the running reports cleaned up and recorded it
        say(f"interrupted by {signal_name(exc)} after {len(rows)} of {len(items)} scenarios; "
            f"index.html and summary.csv not rewritten")
        log.close()
        raise
    if bar:
        bar.close()
    order = {n: i for i, n in enumerate(names)}
    df = pd.DataFrame(rows).reindex(columns=SUMMARY_COLUMNS)
    df = df.sort_values("scenario", key=lambda s: s.map(order)).reset_index(drop=True)
    df.to_csv(run_dir / "summary.csv", index=False, encoding="utf-8")
    # remove the reports a previous batch with this run name left behind (ntm-sched outputs only)
    keep = set(names) | {f"{n}.failed" for n in df.loc[~df["ok"].astype(bool), "scenario"]}
    for p in run_dir.iterdir():
        if p.name not in keep and not p.name.startswith("."):
            remove_output(p)
    with using_lang(lang):  # the index page in the batch's language (the default when None)
        _write_index(run_dir, df, run)
    failed = list(df.loc[~df["ok"].astype(bool), "scenario"])
    say(f"done in {time.perf_counter() - t0:.1f} s: {len(df) - len(failed)} ok, {len(failed)} failed"
        + (f" ({', '.join(failed)})" if failed else ""))
    log.close()
    return df


def _check_run_dir(run_dir: Path) -> None:
    """A batch writes ``index.html``, ``summary.csv``, ``batch.log`` and ``figures/`` into its run
    folder: it must be new, empty, a previous batch's, or hold only ntm-sched reports (a run of
    ``ntm-sched report``); else :class:`OutputTargetError` before anything is written."""
    if not run_dir.is_dir() or run_dir.is_symlink() or is_our_output(run_dir):
        check_output_target(run_dir)  # a file or a link is refused
        return
    foreign = sorted(p.name for p in run_dir.iterdir() if not p.name.startswith(".") and not is_our_output(p))
    if foreign:
        raise OutputTargetError(f"{run_dir}: holds files or folders that are not ntm-sched outputs "
                                f"({', '.join(foreign[:5])}{', ...' if len(foreign) > 5 else ''}); refusing to "
                                f"write a batch there: choose another run name, or move them away yourself")


def _line(row: dict[str, Any]) -> str:
    if row.get("ok"):
        return (f"ok {row['scenario']}: status={row.get('status')} on_time={row.get('communes_on_time')} "
                f"district={row.get('district_recognition_date')} ({row.get('wall_time_s')} s)")
    first = str(row.get("error", "")).splitlines()
    return f"FAILED {row['scenario']}: {' | '.join(first[:2])}"


def _unit_cell(r: Any) -> str:
    """'Huyện Mẫu (ví dụ) (999), 2021-2025' from a summary row (``-`` when the plan names no unit)."""
    if not isinstance(r.get("unit"), str) or not r.get("unit"):
        return "-"
    return f"{r['unit']} ({r['unit_code']}), {r['period']}"


def _write_index(run_dir: Path, df: pd.DataFrame, run: str) -> None:
    lang = current_lang()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ntm_sched.report import plots  # here, not at import: a batch's workers draw nothing

    figs = run_dir / "figures"
    figs.mkdir(exist_ok=True)
    ok = df[df["ok"].astype(bool)]
    ax = plots.scenario_comparison(ok)
    plots.save(ax.figure, figs / "comparison.png")
    plt.close(ax.figure)
    e = html.escape
    head = [label("scenario", lang), label("plan_unit", lang), label("h_status", lang), label("h_on_time", lang),
            label("h_district_date", lang),
            label("h_total_cost", lang), label("h_extra", lang), label("runtime_s", lang), label("report", lang)]
    rows = []
    for _, r in ok.iterrows():
        d = r["district_recognition_date"]
        dd = format_date(dt.date.fromisoformat(str(d))) if isinstance(d, str) and d else "-"

        def money(v: Any) -> str:
            return format_money(float(v), lang) if pd.notna(v) else "-"

        rows.append("<tr>" + "".join(f"<td>{e(str(x))}</td>" for x in (
            r["scenario"], _unit_cell(r), status_label(str(r["status"]), lang),
            "-" if pd.isna(r["communes_on_time"]) else int(r["communes_on_time"]), dd,
            money(r["total_cost_mvnd"]), money(r["extra_funding_mvnd"]),
            "-" if pd.isna(r["runtime_s"]) else f"{float(r['runtime_s']):.1f}"))
            + f'<td><a href="{e(str(r["scenario"]))}/report.html">report.html</a></td></tr>')
    fails = "".join(f"<li><b>{e(str(r['scenario']))}</b> (<a href=\"{e(str(r['scenario']))}.failed/error.txt\">"
                    f"error.txt</a>)<pre>{e(str(r['error']))[:3000]}</pre></li>"
                    for _, r in df[~df["ok"].astype(bool)].iterrows())
    page = f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{e(label('comparison', lang))}: {e(run)}</title>
<style>body{{font-family:'DejaVu Sans',sans-serif;margin:2em}}table{{border-collapse:collapse}}
td,th{{border:1px solid #ccc;padding:4px 8px}}pre{{background:#fee;padding:6px;white-space:pre-wrap}}</style></head>
<body><h1>{e(label('comparison', lang))}: {e(run)}</h1>
<p>{e(dt.datetime.now().strftime('%d/%m/%Y %H:%M'))}</p>
<table><tr>{''.join(f'<th>{e(h)}</th>' for h in head)}</tr>
{''.join(rows)}</table>
<p><img src="figures/comparison.png" style="max-width:800px"></p>
<h2>{e(label('failed', lang))}</h2>
{'<ul>' + fails + '</ul>' if fails else '<p>-</p>'}
<p><a href="summary.csv">summary.csv</a> · <a href="batch.log">batch.log</a></p>
</body></html>
"""
    (run_dir / "index.html").write_text(page, encoding="utf-8")
