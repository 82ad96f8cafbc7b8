"""Back-test: the model's recognition dates beside what happened after the plan.

What happened is data, ``data/outcomes/<plan folder name>.csv`` (see ``data/outcomes/README.md``):
per commune code (or ``DISTRICT``) the window of dates the record allows (``earliest_date`` to
``latest_date``, empty when nothing is recorded), the record in words and its source. For each
row the appendix shows

* the plan's target for the decision (``communes.target_recognition``, else the
  ``communes_target`` setting; the district's ``district_target_recognition`` if set),
* the date the model schedules the recognition decision,
* the earliest date the model's assumptions allow at all: releases, precedences, durations and
  calendars only, with every work in its fastest mode and money and agencies unlimited
  (:func:`ntm_sched.engine.bounds.earliest_times`),
* what happened, and the difference in days between the model's date and that window
  (positive: the model is later; 0: within),
* where what happened is earlier than the earliest possible date, the assumed durations that
  history contradicts: the chain of tasks that sets that earliest date
  (:func:`ntm_sched.engine.bounds.driving_chain`), each with its duration (``contradicted``):
  at least one of them is longer than what took place.

A closing paragraph says what the differences say about the default assumptions. The figures are
for the reader's trust, never for tuning durations.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ntm_sched.engine.bounds import driving_chain, earliest_times
from ntm_sched.errors import InputError
from ntm_sched.i18n import check_lang, commune_names, current_lang, in_lang, label
from ntm_sched.io import CsvFileError, read_csv_text
from ntm_sched.plan.settings import read_settings
from ntm_sched.report.context import show_table
from ntm_sched.units import format_date

OUTCOME_COLUMNS = ("code", "name", "event", "earliest_date", "latest_date", "outcome_vi", "outcome_en",
                   "confidence", "source")
EVENTS = ("recognition",)
DISTRICT = "DISTRICT"
RAW_COLUMNS = ["code", "name", "target_date", "model_date", "earliest_possible", "earliest_date", "latest_date",
               "outcome_vi", "outcome_en", "source", "diff_days", "verdict", "contradicted"]


class OutcomesError(InputError):
    """An outcomes file with problems; ``.problems`` lists each as 'file, line N, column 'c': message'."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("invalid outcomes file\n  " + "\n  ".join(problems))


def outcomes_path(plan_path: str | Path) -> Path:
    """Where the outcomes of the plan in folder ``plan_path`` live: ``<parent>/outcomes/<name>.csv``."""
    p = Path(plan_path)
    return p.parent / "outcomes" / f"{p.name}.csv"


def load_outcomes(path: str | Path) -> pd.DataFrame:
    """Read and check an outcomes CSV (UTF-8).

    Raises
    ------
    OutcomesError
        Listing every problem with file, line and column: missing columns, an empty code, event or
        source, a date that is not ISO ``yyyy-mm-dd``, only one end of a window, or an end before its
        start. The file is never modified.
    """
    path = Path(path)
    problems: list[str] = []
    try:
        t = read_csv_text(path)
    except CsvFileError as exc:
        raise OutcomesError([str(exc)]) from None
    header = [h.strip() for h in t.header]
    missing = [c for c in OUTCOME_COLUMNS if c not in header]
    if missing:
        raise OutcomesError([f"{t.where(t.header_line)}: missing column(s) {', '.join(missing)}"])
    rows = []
    for line, cells in t.rows:
        r = {h: (cells[i] if i < len(cells) else "").strip() for i, h in enumerate(header) if h}
        if not any(r.values()):
            continue

        def bad(col: str, msg: str, line: int = line) -> None:
            problems.append(f"{t.where(line, col)}: {msg}")

        for col in ("code", "event", "source"):
            if not r.get(col):
                bad(col, "empty cell in a required column")
        if r.get("event") and r["event"] not in EVENTS:
            bad("event", f"{r['event']!r} is not one of {', '.join(EVENTS)}")
        dates: dict[str, dt.date | None] = {}
        for col in ("earliest_date", "latest_date"):
            text = r.get(col, "")
            dates[col] = None
            if text:
                try:
                    dates[col] = dt.date.fromisoformat(text)
                except ValueError:
                    bad(col, f"{text!r} is not an ISO date (yyyy-mm-dd)")
        e, la = dates["earliest_date"], dates["latest_date"]
        if bool(r.get("earliest_date")) != bool(r.get("latest_date")):
            bad("latest_date" if r.get("earliest_date") else "earliest_date",
                "a window needs both earliest_date and latest_date (or neither: nothing recorded)")
        elif e is not None and la is not None and la < e:
            bad("latest_date", f"latest_date {la} is before earliest_date {e}")
        rows.append({**{c: r.get(c, "") for c in OUTCOME_COLUMNS}, "earliest_date": e, "latest_date": la})
    if problems:
        raise OutcomesError(problems)
    return pd.DataFrame(rows, columns=list(OUTCOME_COLUMNS))


def _earliest_possible(model: Any) -> tuple[dict[str, dt.date], dict[str, list[dict[str, Any]]]]:
    """Earliest completion date of every recognition decision from durations and calendars alone,
    and the chain of tasks taking time that sets it (first task first), each with its duration in
    days of work (its fastest mode) and its names."""
    es, ee, cyclic = earliest_times(model.problem)
    if cyclic:
        raise ValueError("the precedences form a cycle: no earliest possible date exists")
    out: dict[str, dt.date] = {}
    chains: dict[str, list[dict[str, Any]]] = {}
    for tid, inf in model.info.items():
        if inf.kind == "step" and inf.milestone == "recognition":
            out[inf.commune_code] = model.completion_date(ee[tid], es[tid])
            chain = []
            for t in reversed(driving_chain(model.problem, es, ee, tid)):
                days = min(m.duration for m in model.problem.task(t).modes)
                if days > 0:
                    chain.append({"task_id": t, "name_vi": model.info[t].name_vi, "name_en": model.info[t].name_en,
                                  "duration_days": days})
            chains[inf.commune_code] = chain
    return out, chains


def backtest_rows(res: Any, plan: Any, outcomes: pd.DataFrame) -> pd.DataFrame:
    """One row per outcome: plan target, model date, earliest possible date, the record and the difference.

    ``diff_days`` is the model's date minus ``latest_date`` when later, minus ``earliest_date`` when
    earlier (negative), 0 inside the window, ``None`` when there is no record or no schedule;
    ``verdict`` is ``within``, ``later``, ``earlier``, ``unknown`` (no record) or ``none`` (no schedule).
    ``contradicted``: when what happened (``latest_date``) is before the earliest possible date, the
    tasks of the chain that sets that date (``task_id, name_vi, name_en, duration_days``, first task
    first): durations that history contradicts; else empty.
    """
    st = read_settings(plan)
    communes = {c.code: c for c in plan.communes}
    model_dates: dict[str, dt.date] = {}
    earliest: dict[str, dt.date] = {}
    chains: dict[str, list[dict[str, Any]]] = {}
    if res.has_schedule:
        ms = res.milestones
        for code, d in zip(ms.loc[ms["milestone"] == "recognition", "commune_code"],
                           ms.loc[ms["milestone"] == "recognition", "scheduled_date"]):
            model_dates[str(code)] = pd.Timestamp(d).date()
        if res.summary.get("district_recognition_date"):
            model_dates[DISTRICT] = dt.date.fromisoformat(str(res.summary["district_recognition_date"]))
        earliest, chains = _earliest_possible(res.model)
    rows = []
    for _, o in outcomes.iterrows():
        code = str(o["code"])
        if code == DISTRICT:
            target = st.district_targets.get("recognition")
        elif code in communes:
            target = communes[code].target_recognition or st.communes_target
        else:
            target = None
        m = model_dates.get(code)
        e, la = o["earliest_date"], o["latest_date"]
        if e is None or la is None or pd.isna(e) or pd.isna(la):
            diff, verdict = None, "unknown"
        elif m is None:
            diff, verdict = None, "none"
        elif m > la:
            diff, verdict = (m - la).days, "later"
        elif m < e:
            diff, verdict = (m - e).days, "earlier"
        else:
            diff, verdict = 0, "within"
        rows.append({"code": code, "name": o["name"], "target_date": target, "model_date": m,
                     "earliest_possible": earliest.get(code), "earliest_date": e, "latest_date": la,
                     "outcome_vi": o["outcome_vi"], "outcome_en": o["outcome_en"], "source": o["source"],
                     "diff_days": diff, "verdict": verdict,
                     "contradicted": chains.get(code, []) if _contradicted(earliest.get(code), la) else []})
    return pd.DataFrame(rows, columns=RAW_COLUMNS)


def _contradicted(earliest: Any, latest: Any) -> bool:
    """History contradicts the assumed durations: it happened before the earliest date they allow."""
    return isinstance(earliest, dt.date) and isinstance(latest, dt.date) and latest < earliest


def backtest_table(rows: pd.DataFrame, plan: Any = None) -> pd.DataFrame:
    """The rows of :func:`backtest_rows` for people: localized headings, dd/mm/yyyy dates; names from
    ``plan`` when given (the district in ``lang``), else the outcomes file's."""
    lang = current_lang()
    lang = check_lang(lang)
    names = commune_names(plan, lang) if plan is not None else {}
    keys = ("bt_unit", "bt_target", "bt_model", "bt_earliest", "bt_outcome", "bt_diff", "bt_verdict", "bt_source")
    cols = [label(k, lang) for k in keys]

    def fd(d: Any) -> str:
        return "—" if d is None or (not isinstance(d, dt.date) and pd.isna(d)) else format_date(d)

    out = []
    for _, r in rows.iterrows():
        window = ""
        if isinstance(r["earliest_date"], dt.date) and isinstance(r["latest_date"], dt.date):
            window = f" ({fd(r['earliest_date'])}–{fd(r['latest_date'])})"
        out.append({
            cols[0]: names.get(str(r["code"]), r["name"]),
            cols[1]: fd(r["target_date"]),
            cols[2]: fd(r["model_date"]),
            cols[3]: fd(r["earliest_possible"]),
            cols[4]: str(r[f"outcome_{lang}"]) + window,
            cols[5]: "—" if r["diff_days"] is None or pd.isna(r["diff_days"]) else (
                f"{int(r['diff_days']):+d}" if int(r["diff_days"]) else "0"),
            cols[6]: label(f"bt_v_{r['verdict']}", lang),
            cols[7]: r["source"],
        })
    return pd.DataFrame(out, columns=cols)


def backtest_verdict(rows: pd.DataFrame, plan: Any = None) -> str:
    """What the differences say about the default assumptions, in a few sentences."""
    lang = current_lang()
    lang = check_lang(lang)
    names = commune_names(plan, lang) if plan is not None else {}
    known = rows[rows["verdict"].isin(["within", "later", "earlier"])]
    parts: list[str] = []
    if len(known):
        later = known[known["verdict"] == "later"]
        within = int((known["verdict"] == "within").sum())
        earlier = int((known["verdict"] == "earlier").sum())
        if len(later):
            worst = later.sort_values("diff_days", ascending=False).iloc[0]
            parts.append(label("bt_counts", lang, n=len(known), later=len(later), within=within, earlier=earlier,
                               worst=names.get(str(worst["code"]), worst["name"]),
                               worst_days=int(worst["diff_days"])))
        else:
            parts.append(label("bt_counts_no_late", lang, n=len(known), within=within, earlier=earlier))
        # is even the earliest date the assumptions allow later than what happened?
        bound_late = [r for _, r in known.iterrows()
                      if isinstance(r["earliest_possible"], dt.date) and isinstance(r["latest_date"], dt.date)
                      and r["earliest_possible"] > r["latest_date"]]
        parts.append(label("bt_bound_late", lang, k=len(bound_late)) if bound_late else label("bt_bound_ok", lang))
        for r in bound_late:  # which assumed durations history contradicts (issue 22)
            items = "; ".join(label("bt_chain_item", lang, task=c[f"name_{lang}"], days=c["duration_days"])
                              for c in (r.get("contradicted") or []))
            parts.append(label("bt_contradicted", lang, unit=names.get(str(r["code"]), r["name"]),
                               actual=format_date(r["latest_date"]), earliest=format_date(r["earliest_possible"]),
                               items=items or "—"))
        if len(later) > earlier:
            parts.append(label("bt_cautious", lang))
        elif earlier > len(later):
            parts.append(label("bt_optimistic", lang))
        else:
            parts.append(label("bt_consistent", lang) if not len(later) else label("bt_cautious", lang))
    no_schedule = int((rows["verdict"] == "none").sum())
    if no_schedule:
        parts.append(label("bt_no_schedule", lang, k=no_schedule))
    unknown = int((rows["verdict"] == "unknown").sum())
    if unknown:
        parts.append(label("bt_unknown_count", lang, k=unknown))
    return " ".join(parts)


@dataclass
class Backtest:
    """The appendix: raw rows, the table for people and the closing paragraph."""

    path: Path
    rows: pd.DataFrame
    table: pd.DataFrame
    verdict: str


def backtest(res: Any, plan: Any, path: str | Path | None = None) -> Backtest | None:
    """The back-test of a solved plan, or ``None`` when no outcomes file exists for it.

    ``path`` defaults to :func:`outcomes_path` of the plan's folder.
    """
    if path is None:
        if plan.source_path is None:
            return None
        path = outcomes_path(plan.source_path)
    path = Path(path)
    if not path.exists():
        return None
    rows = backtest_rows(res, plan, load_outcomes(path))
    return Backtest(path, rows, backtest_table(rows, plan), backtest_verdict(rows, plan))


def show_backtest_appendix(ctx: Any, path: str | Path | None = None) -> Backtest | None:
    """Display the back-test appendix of a report context (heading, intro, table, verdict)."""
    from IPython.display import Markdown, display

    lang = ctx.lang
    display(Markdown(f"---\n\n## {label('backtest', lang)}"))
    bt = in_lang(lang, backtest, ctx.result, ctx.plan, path)
    where = _shown_path(bt.path if bt else (Path(path) if path else None), ctx.plan)
    if bt is None:
        display(Markdown(label("bt_none", lang, file=where)))
        return None
    display(Markdown(label("bt_intro", lang, file=where)))
    display(in_lang(lang, show_table, bt.table))
    display(Markdown(bt.verdict))
    return bt


def _shown_path(path: Path | None, plan: Any) -> str:
    if path is None:
        path = outcomes_path(plan.source_path) if plan.source_path is not None else Path("outcomes")
    parts = Path(path).parts
    return "/".join(parts[-3:]) if len(parts) >= 3 else str(path)
