"""Reading back what a command or notebook wrote: the files of a solve turned back into the schedule
they describe, checked and re-tabulated by the package, and helpers for tables, workbooks and figures.

A solve's folder (``schedule.csv``, ``milestones.csv``, ``allocation.csv``, ``agency_load.csv``,
``summary.json``) describes one schedule completely: ``schedule.csv`` gives every task's dates and
mode, ``allocation.csv`` every payment by source, task and instalment (the advance is paid on the
task's first day, the rest on the day after its last working day). :func:`solve_folder` rebuilds
that schedule as an engine solution of the plan's problem, runs the engine checker on it, tabulates
it with the package and verifies it against the plan: what was written must be exactly the
package's tables and summary of a schedule both checks accept.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pandas as pd

ENGINE_FILES = ("schedule", "milestones", "allocation", "agency_load")


def read_text_table(path: Path) -> pd.DataFrame:
    """A written CSV as text cells (no type guessing)."""
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")


def csv_text(df: pd.DataFrame) -> str:
    """A table as :func:`ntm_sched.io.write_tables` writes it."""
    return df.to_csv(index=False, date_format="%Y-%m-%d")


def assert_written(path: Path, df: pd.DataFrame, encoding: str = "utf-8") -> None:
    """``path`` holds exactly ``df`` as the package writes it."""
    assert path.is_file(), f"{path} was not written"
    got = path.read_bytes().decode(encoding)
    want = csv_text(df)
    if got != want:  # say where
        g, w = got.splitlines(), want.splitlines()
        first = next((i for i, (a, b) in enumerate(zip(g, w)) if a != b), min(len(g), len(w)))
        raise AssertionError(f"{path.name}: {len(g)} lines written, {len(w)} computed; first difference at line "
                             f"{first + 1}:\n  written:  {g[first] if first < len(g) else '(none)'}\n"
                             f"  computed: {w[first] if first < len(w) else '(none)'}")


def solution_from_files(model: Any, folder: Path) -> Any:
    """The engine solution that ``schedule.csv`` and ``allocation.csv`` in ``folder`` describe."""
    from ntm_sched.engine import Payment, Solution, TaskSchedule
    from ntm_sched.units import month_start

    sch = read_text_table(folder / "schedule.csv")
    tasks: dict[str, TaskSchedule] = {}
    for r in sch.itertuples(index=False):
        task = model.problem.task(r.task_id)
        names = [m.name or model.info[r.task_id].modes[i] for i, m in enumerate(task.modes)]
        assert r.mode in names, f"schedule.csv {r.task_id}: mode {r.mode!r} is none of {names}"
        mode = names.index(r.mode)
        last = model.period(dt.date.fromisoformat(r.end_date))
        if task.modes[mode].duration == 0:  # a zero-length milestone is dated the day before it is reached
            start = end = last + 1
            assert r.start_date == r.end_date, f"schedule.csv {r.task_id}: a milestone on two days"
        else:
            start, end = model.period(dt.date.fromisoformat(r.start_date)), last + 1
        tasks[r.task_id] = TaskSchedule(r.task_id, start, end, mode)
    engine_source = {(sid, earmark or ""): name for name, (sid, earmark) in model.source_map.items()}
    pays = []
    for r in read_text_table(folder / "allocation.csv").itertuples(index=False):
        ts = tasks[r.task_id]
        time = ts.start if r.instalment == "advance" else ts.end
        assert r.period_start == month_start(model.date(time)).isoformat(), (
            f"allocation.csv {r.task_id} {r.instalment}: month {r.period_start}, paid on {model.date(time)}")
        pays.append(Payment(r.task_id, engine_source[(r.source, r.earmark)], time, int(float(r.amount_mvnd))))
    return Solution(tasks, tuple(pays))


def solve_folder(plan: Any, folder: Path) -> Any:
    """The :class:`~ntm_sched.domain.PlanResult` of the schedule written in ``folder``: rebuilt,
    accepted by the engine checker, tabulated by the package and verified against ``plan``; the
    solver's own figures (status, objective, bound, gap, run time) are taken from ``summary.json``."""
    from ntm_sched import domain as ntm
    from ntm_sched.domain.verify import verify_result
    from ntm_sched.engine import Result, Status, check
    from ntm_sched.engine.result import Canonical

    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    model = ntm.build(plan)
    sol = solution_from_files(model, folder)
    res = Result(status=Status(summary.get("solver_status") or summary["status"]), objective=summary["objective"],
                 best_bound=summary["best_bound"], gap=summary["gap"], runtime_s=summary["runtime_s"], solution=sol)
    # how the schedule was chosen (issue 25) is a solver's figure too: taken from the summary
    reasons = tuple(summary.get("repeatable_reasons") or ())
    if reasons != ("not_run",):
        res.canonical = Canonical(applied="no_schedule" not in reasons, repeatable=bool(summary["repeatable"]),
                                  reasons=reasons)
    res.check = check(model.problem, sol)
    assert res.check.ok, f"the written schedule breaks the engine's rules:\n{res.check}"
    return verify_result(plan, ntm.tabulate(model, res))


def assert_workbook(path: Path, tables: dict[str, pd.DataFrame]) -> None:
    """The XLSX workbook at ``path`` has one sheet per table, with its columns and rows."""
    assert path.is_file(), f"{path} was not written"
    book = pd.read_excel(path, sheet_name=None)
    assert sorted(book) == sorted(name[:31] for name in tables), path.name
    for name, df in tables.items():
        sheet = book[name[:31]]
        assert list(sheet.columns) == [str(c) for c in df.columns] and len(sheet) == len(df), (path.name, name)


def assert_figure(path: Path, min_px: int = 200) -> None:
    """``path`` is a PNG image of at least ``min_px`` x ``min_px`` pixels with something drawn on it."""
    import matplotlib.image as mpimg

    assert path.is_file(), f"figure {path} was not written"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    img = mpimg.imread(str(path))
    assert img.shape[0] >= min_px and img.shape[1] >= min_px, (path.name, img.shape)
    assert float(img[..., :3].std()) > 0.01, f"{path.name} is blank"


SHIPPED_COMMUNE_CODE = re.compile(r"(?<![\d.])07[0-9]{3}(?!\d)")
"""A commune code of the shipped plan (Tân Yên's are 07xxx) in an output's text: five digits starting 07, not inside a
longer number nor the decimals of one (a notebook's cell duration ``0.07832`` is not a code)."""


def output_texts(out: Path) -> dict[str, str]:
    """The text of every output file under ``out`` (a workbook's XML parts included, images left out),
    by path: what the renamed- and invented-plan tests search for names that are not the plan's."""
    import zipfile

    texts = {}
    for p in sorted(out.rglob("*")):
        if not p.is_file() or p.suffix in (".png", ".pdf"):
            continue
        if p.suffix == ".xlsx":
            with zipfile.ZipFile(p) as z:
                texts[str(p)] = "\n".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".xml"))
        else:
            texts[str(p)] = p.read_text(encoding="utf-8-sig")
    return texts
