"""The finance office's budget lab: thin functions composing :mod:`ntm_sched.ntm` and the engine.

Questions answered
------------------
:func:`evaluate_allocation`
    "We allocate these amounts (commune x source x quarter): who slips, what stays
    unspent, where is money missing?" The amounts are held fixed (the plan's funding is
    replaced by earmarked tranches released at each quarter's start, extra funding
    off, soft deadlines); optionally a second solve with extra funding on says how
    much more money is needed, where and when.
:func:`minimum_budget`
    "What is the smallest budget that meets every deadline?" Every source becomes an
    unlimited source priced 1 per million VND, deadlines are hard, the total drawn is
    minimised; the answer is reported by source x quarter. Deadlines that no amount of
    money can meet (the recognition procedure takes longer) are found first with free
    unlimited money and held instead to the earliest date reached then; the answer
    says which ones.
:func:`minimum_uniform_scale`
    "By how much may the current budget be scaled (every tranche x s) and still meet
    every achievable deadline?" Bisection on ``s`` with a stated tolerance.
:func:`budget_cuts`
    Per budget level, communes on time and the district's recognition date.
:func:`marginal_value`
    Per commune not yet recognised, the days gained from a further amount of
    earmarked money released at the start.

Every solve is checked by the engine's independent checker; a level or a question
whose solve found no schedule says so (``status``) instead of inventing numbers.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import math
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ntm_sched.engine import Objective, Problem, Result, Solution, Source, Status, Task, Tranche, check, solve
from ntm_sched.ntm import DISTRICT, EXTRA_SOURCE, NtmModel, PlanResult, build, tabulate

OK_STATUSES = (Status.OPTIMAL, Status.FEASIBLE)
OWN_MONEY_SETTING = "budget_lab_extra_funding_from"
"""Setting (data/…/settings.csv) with the date from which money missing from the plan's own
sources can arrive in the lab's questions (reference solve, cuts, marginal value)."""

ALLOCATION_COLUMNS = ("commune_code", "source_id", "quarter", "amount_mvnd")


class AllocationError(ValueError):
    """An allocation file is wrong; the message names the file, the row and the column."""


# ---------------------------------------------------------------------------
# small helpers on plans
# ---------------------------------------------------------------------------
def set_settings(plan: Any, values: dict[str, Any], note: str = "budget lab") -> Any:
    """The plan with settings ``values`` (key -> value) set or added (see :func:`ntm_sched.scenario.set_settings`)."""
    from ntm_sched.scenario import set_settings as _set

    return _set(plan, values, note)


def scale_funding(plan: Any, scale: float | dict[str, float]) -> Any:
    """The plan with every tranche multiplied by ``scale`` (a number, or a factor per source id)."""
    f = plan.table("funding").copy()
    if isinstance(scale, dict):
        factors = [float(scale.get(s, 1.0)) for s in f["source_id"]]
    else:
        factors = [float(scale)] * len(f)
    f["amount_mvnd"] = (f["amount_mvnd"].astype(float) * pd.Series(factors, index=f.index)).round(3)
    return plan.with_table("funding", f)


def restrict_plan(plan: Any, communes: Iterable[str]) -> Any:
    """A smaller plan keeping only the listed not-yet-recognised communes (the others are treated
    as recognised, their works and earmarked money dropped). For quick looks and tests; the
    district's chain then waits only for the communes kept."""
    keep = {str(c) for c in communes}
    c = plan.table("communes").copy()
    drop = set(c.loc[(c["status"] == "not_recognised") & ~c["code"].isin(keep), "code"])
    if not drop:
        return plan
    mask = c["code"].isin(drop)
    c.loc[mask, "status"] = "recognised"
    c.loc[mask, "criteria_met"] = 19
    for col in ("missing_criteria",):
        c[col] = pd.Series([[] if m else v for v, m in zip(c[col], mask)], dtype=object, index=c.index)
    for col in ("target_works_done", "target_inspection", "target_appraisal", "target_recognition"):
        c[col] = pd.Series([None if m else v for v, m in zip(c[col], mask)], dtype=object, index=c.index)
    t = plan.table("tasks")
    t = t[~t["commune_code"].isin(drop)].reset_index(drop=True)
    f = plan.table("funding")
    f = f[~f["commune_code"].isin(drop)].reset_index(drop=True)
    return plan.with_table("tasks", t).with_table("funding", f).with_table("communes", c)


def quarter_start(q: str) -> dt.date:
    """First day of a quarter written ``2019Q4`` (also ``2019-Q4``, ``2019 q4``)."""
    m = re.fullmatch(r"\s*(\d{4})\s*-?\s*[Qq]([1-4])\s*", str(q))
    if not m:
        raise ValueError(f"bad quarter {q!r} (expected like 2019Q4)")
    return dt.date(int(m.group(1)), 3 * (int(m.group(2)) - 1) + 1, 1)


def quarter_of(d: dt.date) -> str:
    """``2019Q4`` for a date."""
    return f"{d.year}Q{(d.month - 1) // 3 + 1}"


def _not_recognised(plan: Any) -> list[str]:
    c = plan.table("communes")
    return [str(x) for x in c.loc[c["status"] == "not_recognised", "code"]]


def _commune_names(plan: Any) -> dict[str, str]:
    c = plan.table("communes")
    return {str(k): str(v) for k, v in zip(c["code"], c["name"])} | {DISTRICT: "Huyện"}


def _recognition(pr: PlanResult) -> dict[str, dt.date]:
    """Scheduled recognition date of every commune (and the district) in a solved plan."""
    if not pr.has_schedule:
        return {}
    ms = pr.milestones
    out = {str(c): d for c, d in zip(ms.loc[ms["milestone"] == "recognition", "commune_code"],
                                      ms.loc[ms["milestone"] == "recognition", "scheduled_date"])}
    sch = pr.schedule
    for code in set(sch["commune_code"]):
        if code not in out:
            steps = sch[(sch["commune_code"] == code) & (sch["kind"] == "step")]
            if len(steps):
                out[str(code)] = max(steps["end_date"])
    return out


def _solve_model(model: NtmModel, time_limit: float, workers: int, seed: int,
                 hint: Solution | None = None, explain: bool = False) -> PlanResult:
    res = solve(model.problem, time_limit=time_limit, workers=workers, seed=seed, hint=hint, explain=explain)
    return tabulate(model, res)


def _with_problem(model: NtmModel, problem: Problem) -> NtmModel:
    return dataclasses.replace(model, problem=problem)


def _result_from(model: NtmModel, solution: Solution) -> PlanResult | None:
    """Tabulate a known schedule against ``model`` if the checker accepts it there."""
    rep = check(model.problem, solution)
    if not rep.ok:
        return None
    res = Result(status=Status.FEASIBLE, runtime_s=0.0, solution=solution)
    res.check = rep
    return tabulate(model, res)


def own_money(plan: Any) -> Any:
    """The plan as the lab reads it: extra funding allowed (so every question has an answer)
    but only from the ``budget_lab_extra_funding_from`` setting on (e.g. the next budget
    year), so that money the plan's own sources lack delays works instead of being drawn
    early. The objective is lexicographic (lateness first, then extra funding)."""
    return set_settings(plan, {"allow_extra_funding": True,
                               "extra_funding_from": plan.setting(OWN_MONEY_SETTING, "") or ""})


def _write_tables(out: Path, tables: dict[str, pd.DataFrame], summary: dict[str, Any] | None = None) -> None:
    """Write each table as CSV and all of them in one XLSX workbook, atomically."""
    from ntm_sched.io_utils import atomic_dir, write_json

    with atomic_dir(out) as tmp:
        for name, df in tables.items():
            df.to_csv(tmp / f"{name}.csv", index=False, encoding="utf-8", date_format="%Y-%m-%d")
        with pd.ExcelWriter(tmp / "budget.xlsx", engine="openpyxl") as xw:
            for name, df in tables.items():
                df.to_excel(xw, sheet_name=name[:31], index=False)
        if summary is not None:
            write_json(tmp / "summary.json", summary)


def base_solve(plan: Any, *, time_limit: float = 10.0, workers: int = 1, seed: int = 0) -> PlanResult:
    """The plan solved as the lab's reference: its own money (extra funding only from the
    ``budget_lab_extra_funding_from`` date, see :func:`own_money`), soft deadlines. Pass it as
    ``base`` to :func:`evaluate_allocation` and :func:`marginal_value` to solve it once."""
    return _solve_model(build(own_money(plan)), time_limit, workers, seed)


# ---------------------------------------------------------------------------
# allocation files
# ---------------------------------------------------------------------------
def read_allocation(path_or_df: str | Path | pd.DataFrame, plan: Any) -> pd.DataFrame:
    """Read and check an allocation table (CSV or XLSX, or a DataFrame).

    Columns ``commune_code, source_id, quarter, amount_mvnd``; one row per commune x source x
    quarter (repeated rows are added up). ``commune_code`` is a commune of the plan, ``DISTRICT``
    (district works) or empty (a pool any commune's works may use).

    Raises
    ------
    AllocationError
        Naming the file, the row (as numbered in a spreadsheet: the header is row 1) and the
        column of every problem found: missing column, unknown commune or source, bad
        quarter, negative or non-numeric amount.
    """
    if isinstance(path_or_df, pd.DataFrame):
        name = "<allocation table>"
        raw = path_or_df.astype(str).where(path_or_df.notna(), "")
    else:
        p = Path(path_or_df)
        name = str(p)
        if not p.exists():
            raise AllocationError(f"{name}: file not found")
        try:
            if p.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
                raw = pd.read_excel(p, dtype=str, keep_default_na=False)
            else:
                raw = pd.read_csv(p, dtype=str, keep_default_na=False, skip_blank_lines=False,
                                  encoding="utf-8-sig")
        except Exception as exc:  # noqa: BLE001 - any reader failure is bad input
            raise AllocationError(f"{name}: cannot read the file: {exc}") from exc
    raw.columns = [str(c).strip() for c in raw.columns]
    missing = [c for c in ALLOCATION_COLUMNS if c not in raw.columns]
    if missing:
        raise AllocationError(f"{name}: row 1 (header): missing column(s) {', '.join(missing)} "
                              f"(expected {', '.join(ALLOCATION_COLUMNS)})")
    codes = set(plan.table("communes")["code"]) | {DISTRICT}
    sources = set(plan.table("sources")["source_id"])
    errors: list[str] = []
    rows = []
    for i, r in enumerate(raw.itertuples(index=False)):
        rownum = i + 2
        rec = {c: str(getattr(r, c)).strip() for c in ALLOCATION_COLUMNS}
        if not any(rec.values()):
            continue  # blank line
        code = rec["commune_code"]
        if code and code.isdigit() and len(code) < 5:
            code = code.zfill(5)  # a spreadsheet ate the leading zero
        if code and code not in codes:
            errors.append(f"{name}: row {rownum}, column commune_code: unknown commune code {rec['commune_code']!r}")
        if rec["source_id"] not in sources:
            errors.append(f"{name}: row {rownum}, column source_id: unknown source {rec['source_id']!r} "
                          f"(expected one of {', '.join(sorted(sources))})")
        try:
            qs = quarter_start(rec["quarter"])
        except ValueError:
            errors.append(f"{name}: row {rownum}, column quarter: bad quarter {rec['quarter']!r} (expected like 2019Q4)")
            qs = None
        try:
            amt = float(rec["amount_mvnd"].replace(",", ""))
            if math.isnan(amt) or amt < 0:
                errors.append(f"{name}: row {rownum}, column amount_mvnd: negative or missing amount {rec['amount_mvnd']!r}")
        except ValueError:
            errors.append(f"{name}: row {rownum}, column amount_mvnd: not a number {rec['amount_mvnd']!r}")
            amt = float("nan")
        rows.append({"commune_code": code, "source_id": rec["source_id"],
                     "quarter": quarter_of(qs) if qs else rec["quarter"], "quarter_start": qs,
                     "amount_mvnd": amt, "row": rownum})
    if errors:
        raise AllocationError("\n".join(errors))
    if not rows:
        raise AllocationError(f"{name}: no allocation rows")
    df = pd.DataFrame(rows)
    return (df.groupby(["commune_code", "source_id", "quarter", "quarter_start"], as_index=False)["amount_mvnd"]
            .sum().sort_values(["quarter_start", "source_id", "commune_code"]).reset_index(drop=True))


def allocation_funding(allocation: pd.DataFrame, plan: Any) -> pd.DataFrame:
    """A ``funding`` table made of the allocation: one earmarked tranche per row, released at the
    quarter's start (or the plan's start if that is later)."""
    start = dt.date.fromisoformat(str(plan.setting("plan_start")))
    rows = []
    for i, r in allocation.reset_index(drop=True).iterrows():
        rows.append({"tranche_id": f"ALLOC-{i + 1:04d}", "source_id": r["source_id"],
                     "date_available": max(r["quarter_start"], start), "amount_mvnd": float(r["amount_mvnd"]),
                     "commune_code": r["commune_code"] or None,
                     "source": f"allocation {r['commune_code'] or '(pool)'} {r['quarter']}"})
    f = pd.DataFrame(rows, columns=["tranche_id", "source_id", "date_available", "amount_mvnd",
                                    "commune_code", "source"])
    f["date_available"] = pd.Series(list(f["date_available"]), dtype=object, index=f.index)
    return f


# ---------------------------------------------------------------------------
# evaluate an allocation
# ---------------------------------------------------------------------------
@dataclass
class AllocationReport:
    """What a fixed allocation gives.

    Attributes
    ----------
    communes
        Per commune not yet recognised: target, scheduled recognition (fixed allocation),
        base date, slip vs the target and vs the base schedule.
    unspent
        Per commune x source: allocated, paid, unspent (allocated - paid).
    missing
        Extra money the plan needs on top of the allocation (commune x quarter), from the
        re-solve with extra funding on; empty when not asked or not needed.
    summary
        Headline figures and statuses.
    fixed, with_extra, base
        The underlying solved plans (``with_extra``/``base`` may be ``None``).
    """

    communes: pd.DataFrame
    unspent: pd.DataFrame
    missing: pd.DataFrame
    summary: dict[str, Any]
    fixed: PlanResult
    with_extra: PlanResult | None = None
    base: PlanResult | None = None

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"communes": self.communes, "unspent": self.unspent, "missing": self.missing}


def evaluate_allocation(plan: Any, allocation: str | Path | pd.DataFrame, *, base: PlanResult | None = None,
                        compare_base: bool = True, find_missing: bool = True, time_limit: float = 10.0,
                        workers: int = 1, seed: int = 0) -> AllocationReport:
    """Hold an allocation fixed and say who slips, what stays unspent and what is missing.

    Parameters
    ----------
    plan
        The plan (scenario applied). Its funding is replaced by the allocation.
    allocation
        Path of a CSV/XLSX file or a DataFrame (see :func:`read_allocation`).
    base
        A solved base plan to compare with (:func:`base_solve`); solved here (same limits)
        when ``None`` and ``compare_base`` is true.
    compare_base
        Also report the slip against the base schedule.
    find_missing
        Re-solve with extra funding on (at the plan's ``extra_funding_price``, i.e. with the
        plan's own priorities) to say how much more money, where and when.
    time_limit, workers, seed
        Solver settings of each solve.

    Returns
    -------
    AllocationReport
    """
    alloc = read_allocation(allocation, plan)
    funding = allocation_funding(alloc, plan)
    fixed_plan = set_settings(plan.with_table("funding", funding),
                              {"allow_extra_funding": False, "hard_deadlines": False})
    if base is None and compare_base:
        base = base_solve(plan, time_limit=time_limit, workers=workers, seed=seed)
    fixed = _solve_model(build(fixed_plan), time_limit, workers, seed,
                         hint=base.result.solution if base is not None and base.has_schedule else None)
    with_extra = None
    if find_missing:
        xplan = set_settings(fixed_plan, {"allow_extra_funding": True})
        hint = fixed.result.solution if fixed.has_schedule else None
        with_extra = _solve_model(build(xplan), time_limit, workers, seed, hint=hint)

    names = _commune_names(plan)
    communes = plan.table("communes").set_index("code")
    rec_fixed = _recognition(fixed)
    rec_base = _recognition(base) if base is not None else {}
    rec_extra = _recognition(with_extra) if with_extra is not None else {}
    rows = []
    for code in _not_recognised(plan) + [DISTRICT]:
        tgt = communes.loc[code, "target_recognition"] if code != DISTRICT else None
        if code != DISTRICT and (tgt is None or pd.isna(tgt)):
            s = plan.setting("communes_target", "")
            tgt = dt.date.fromisoformat(s) if s else None
        if code == DISTRICT:
            s = plan.setting("district_target_works_done", "")
            tgt = dt.date.fromisoformat(s) if s else None
        d = rec_fixed.get(code)
        b = rec_base.get(code)
        rows.append({
            "commune_code": code, "name": names.get(code, code), "target_date": tgt,
            "scheduled_date": d,
            "late_days": (d - tgt).days if d and tgt else None,
            "base_date": b,
            "slip_vs_base_days": (d - b).days if d and b else None,
            "date_with_extra_money": rec_extra.get(code),
        })
    comm_df = pd.DataFrame(rows)

    # unspent: allocated - paid, per commune x source -----------------------------
    a = alloc.groupby(["commune_code", "source_id"], as_index=False)["amount_mvnd"].sum()
    a = a.rename(columns={"amount_mvnd": "allocated_mvnd"})
    # from the fixed solve; when the allocation cannot pay every work (no schedule), from the
    # re-solve with extra funding, whose allocated sources are held to the same amounts
    paid_from = fixed if fixed.has_schedule else with_extra
    if paid_from is not None and paid_from.has_schedule and len(paid_from.allocation):
        al = paid_from.allocation[paid_from.allocation["source"] != EXTRA_SOURCE].copy()
        al["commune_code"] = al["earmark"].fillna("")
        paid = al.groupby(["commune_code", "source"], as_index=False)["amount_mvnd"].sum()
        paid = paid.rename(columns={"source": "source_id", "amount_mvnd": "paid_mvnd"})
        un = a.merge(paid, on=["commune_code", "source_id"], how="left")
        un["paid_mvnd"] = un["paid_mvnd"].fillna(0)
    else:
        un = a.assign(paid_mvnd=float("nan"))
    un["unspent_mvnd"] = un["allocated_mvnd"] - un["paid_mvnd"]

    # missing money: EXTRA payments of the re-solve, by commune x quarter ----------
    missing = pd.DataFrame(columns=["commune_code", "quarter", "extra_mvnd"])
    if with_extra is not None and with_extra.has_schedule and len(with_extra.allocation):
        ex = with_extra.allocation[with_extra.allocation["source"] == EXTRA_SOURCE].copy()
        if len(ex):
            ex["quarter"] = [quarter_of(d) for d in ex["period_start"]]
            missing = (ex.groupby(["commune_code", "quarter"], as_index=False)["amount_mvnd"].sum()
                       .rename(columns={"amount_mvnd": "extra_mvnd"}))

    late = comm_df[(comm_df["commune_code"] != DISTRICT) & (comm_df["late_days"].fillna(0) > 0)]
    summary = {
        "status": fixed.status,
        "status_with_extra": with_extra.status if with_extra is not None else None,
        "allocated_mvnd": float(alloc["amount_mvnd"].sum()),
        "paid_mvnd": float(un["paid_mvnd"].sum()) if un["paid_mvnd"].notna().all() else None,
        "unspent_mvnd": float(un["unspent_mvnd"].sum()) if un["paid_mvnd"].notna().all() else None,
        "unspent_from": ("fixed allocation" if fixed.has_schedule else
                         "re-solve with extra funding" if un["paid_mvnd"].notna().all() else None),
        "communes_on_time": fixed.summary["communes_on_time"],
        "late_communes": list(late["commune_code"]),
        "district_recognition_date": fixed.summary["district_recognition_date"],
        "missing_mvnd": float(missing["extra_mvnd"].sum()) if len(missing) else 0.0,
        "explanation": fixed.summary.get("explanation"),
        "checker_ok": fixed.summary.get("checker_ok"),
    }
    if not fixed.has_schedule:
        summary["note"] = ("no schedule within the allocation: " + ("the money cannot pay every work"
                           if fixed.result.status == Status.INFEASIBLE else "the solver found none in the time limit"))
    return AllocationReport(comm_df, un, missing, summary, fixed, with_extra, base)


# ---------------------------------------------------------------------------
# minimum budget
# ---------------------------------------------------------------------------
def _unlimited_sources(problem: Problem, price: int) -> Problem:
    srcs = tuple(Source(s.name, unlimited=True, unit_price=price) for s in problem.sources)
    return dataclasses.replace(problem, sources=srcs)


def _scaled(problem: Problem, s: float) -> Problem:
    """Every limited source's tranches x ``s`` (rounded half up), same dates."""
    srcs = tuple(x if x.unlimited else Source(x.name, tuple(Tranche(tr.time, int(math.floor(tr.amount * s + 0.5)))
                                                             for tr in x.tranches)) for x in problem.sources)
    return dataclasses.replace(problem, sources=srcs)


def _hard(problem: Problem, dues: dict[str, int] | None = None) -> Problem:
    tasks = []
    for t in problem.tasks:
        if t.due is None:
            tasks.append(t)
        else:
            d = max(t.due, (dues or {}).get(t.id, t.due))
            tasks.append(dataclasses.replace(t, due=d, due_hard=True))
    return dataclasses.replace(problem, tasks=tuple(tasks))


@dataclass
class Achievable:
    """Deadlines reachable whatever the money: ``dues`` are the engine due periods to hold
    (the target, or the earliest end found with unlimited money when the target cannot be met);
    ``relaxed`` lists the targets that cannot be met and the date used instead."""

    dues: dict[str, int]
    relaxed: pd.DataFrame
    status: str
    solution: Solution | None


def achievable_deadlines(plan: Any, time_limit: float = 10.0, workers: int = 1, seed: int = 0,
                         funding_scale: float | None = None) -> Achievable:
    """Find the deadlines that money cannot buy, and the earliest dates reachable instead.

    Solves with soft deadlines minimising lateness and relaxes every deadline missed even then
    to the date reached; the relaxed set is met jointly by that schedule (kept as ``solution``).

    Parameters
    ----------
    funding_scale
        ``None``: unlimited free money at any time (what no amount of money can buy). A number:
        the plan's tranches x this factor at their own dates (what no amount of money released
        on the plan's dates can buy: money arriving too late counts too).
    """
    model = build(set_settings(plan, {"allow_extra_funding": False, "hard_deadlines": False}))
    if funding_scale is None:
        prob = _unlimited_sources(model.problem, 0)
    else:
        prob = _scaled(model.problem, funding_scale)
    prob = dataclasses.replace(prob, objective=Objective(tardiness=1, late_count=1, cost=0, extra_funding=0,
                                                         makespan=0))
    res = solve(prob, time_limit=time_limit, workers=workers, seed=seed, explain=False)
    rows, dues = [], {}
    if res.solution is not None:
        for t in prob.tasks:
            if t.due is None:
                continue
            end = res.solution.tasks[t.id].end
            dues[t.id] = max(t.due, end)
            if end > t.due:
                inf = model.info[t.id]
                rows.append({"task_id": t.id, "commune_code": inf.commune_code,
                             "milestone": inf.milestone or f"task:{t.id}", "target_date": inf.target_date,
                             "earliest_date": model.completion_date(end, 0), "days_late": end - t.due})
    relaxed = pd.DataFrame(rows, columns=["task_id", "commune_code", "milestone", "target_date",
                                          "earliest_date", "days_late"])
    return Achievable(dues, relaxed, res.status.value, res.solution)


@dataclass
class MinimumBudget:
    """The smallest budget meeting every achievable deadline.

    Attributes
    ----------
    by_source_quarter
        ``source_id, earmark, quarter, amount_mvnd``: money drawn from each source in each quarter.
    by_source, by_quarter
        The same summed by source and by quarter.
    relaxed
        Deadlines no money can meet, with the earliest date used instead.
    total_mvnd, plan_total_mvnd
        The minimum found and the plan's own total funding.
    status
        Status of the minimisation (``OPTIMAL`` means proven minimal).
    problem
        The engine problem with hard (achievable) deadlines and unlimited sources; use
        :func:`with_tranches` to test a budget against it.
    """

    by_source_quarter: pd.DataFrame
    by_source: pd.DataFrame
    by_quarter: pd.DataFrame
    relaxed: pd.DataFrame
    total_mvnd: float | None
    plan_total_mvnd: float
    status: str
    problem: Problem
    model: NtmModel
    result: Result | None = None
    summary: dict[str, Any] = field(default_factory=dict)

    def tables(self) -> dict[str, pd.DataFrame]:
        return {"by_source_quarter": self.by_source_quarter, "by_source": self.by_source,
                "by_quarter": self.by_quarter, "unachievable_deadlines": self.relaxed}

    def tranches(self, scale: float = 1.0) -> dict[str, list[Tranche]]:
        """The budget as engine tranches (engine source -> tranches released at each quarter's start)."""
        out: dict[str, list[Tranche]] = defaultdict(list)
        for r in self.by_source_quarter.itertuples(index=False):
            name = r.source_id if not r.earmark else f"{r.source_id}@{r.earmark}"
            t = max(0, self.model.period(quarter_start(r.quarter)))
            out[name].append(Tranche(t, int(math.floor(r.amount_mvnd * scale))))
        return out


def with_tranches(problem: Problem, tranches: dict[str, list[Tranche]]) -> Problem:
    """``problem`` with each source limited to the given tranches (none: an empty source)."""
    srcs = tuple(Source(s.name, tuple(tranches.get(s.name, ()))) for s in problem.sources)
    return dataclasses.replace(problem, sources=srcs)


def minimum_budget(plan: Any, *, time_limit: float = 10.0, workers: int = 1, seed: int = 0,
                   achievable: Achievable | None = None) -> MinimumBudget:
    """The smallest budget, by source and quarter, that meets every achievable deadline.

    Method: (1) :func:`achievable_deadlines` finds, with free unlimited money, which targets
    cannot be met whatever the money and the earliest date reached for them; (2) every source
    becomes unlimited and priced 1 per million VND, deadlines are hard (the unmet ones at the
    date of step 1), and the total drawn is minimised, warm-started from step 1's schedule.
    The split among sources that may pay the same work is one of several equally cheap ones;
    what is fixed is the total, and per quarter when the money is needed by the schedule found.
    """
    ach = achievable or achievable_deadlines(plan, time_limit, workers, seed)
    model = build(set_settings(plan, {"allow_extra_funding": False, "hard_deadlines": False}))
    plan_total = float(sum(s.total for s in model.problem.sources))
    prob = _hard(_unlimited_sources(model.problem, 1), ach.dues)
    prob = dataclasses.replace(prob, objective=Objective(tardiness=0, late_count=0, cost=0, extra_funding=1,
                                                         makespan=0))
    res = solve(prob, time_limit=time_limit, workers=workers, seed=seed, hint=ach.solution, explain=False)
    m2 = _with_problem(model, prob)
    cols = ["source_id", "earmark", "quarter", "amount_mvnd"]
    if res.solution is None:
        empty = pd.DataFrame(columns=cols)
        return MinimumBudget(empty, empty, empty, ach.relaxed, None, plan_total, res.status.value, prob, m2, res,
                             {"status": res.status.value})
    agg: dict[tuple[str, str, str], int] = defaultdict(int)
    for p in res.solution.payments:
        sid, ear = model.source_map[p.source]
        agg[(sid, ear or "", quarter_of(model.date(p.time)))] += p.amount
    bsq = pd.DataFrame([{"source_id": k[0], "earmark": k[1], "quarter": k[2], "amount_mvnd": v}
                        for k, v in sorted(agg.items()) if v > 0], columns=cols)
    by_source = bsq.groupby("source_id", as_index=False)["amount_mvnd"].sum()
    by_quarter = bsq.groupby("quarter", as_index=False)["amount_mvnd"].sum()
    total = float(bsq["amount_mvnd"].sum())
    summary = {"status": res.status.value, "minimum_mvnd": total, "plan_total_mvnd": plan_total,
               "proven_minimal": res.status == Status.OPTIMAL,
               "lower_bound_mvnd": res.best_bound, "unachievable_deadlines": len(ach.relaxed),
               # OPTIMAL: the unmet deadlines are proven unmeetable (lateness minimised); FEASIBLE:
               # only the best found in the time limit, so some may be meetable with a longer solve
               "achievability_status": ach.status,
               "checker_ok": bool(res.check.ok) if res.check is not None else None}
    return MinimumBudget(bsq, by_source, by_quarter, ach.relaxed, total, plan_total, res.status.value, prob, m2,
                         res, summary)


@dataclass
class ScaleAnswer:
    """Result of :func:`minimum_uniform_scale`: the smallest scale shown feasible (``scale``),
    the largest shown or known infeasible (``lower``), and every probe (``trace``)."""

    scale: float | None
    lower: float
    tolerance: float
    trace: pd.DataFrame
    plan_total_mvnd: float
    relaxed: pd.DataFrame
    solution: Solution | None = None

    @property
    def budget_mvnd(self) -> float | None:
        return None if self.scale is None else self.scale * self.plan_total_mvnd


def minimum_uniform_scale(plan: Any, *, tolerance: float = 0.01, max_scale: float = 4.0, time_limit: float = 5.0,
                          workers: int = 1, seed: int = 0, achievable: Achievable | None = None) -> ScaleAnswer:
    """Smallest ``s`` such that the current budget with every tranche x ``s`` (same dates, extra
    funding off) meets every achievable deadline (hard), by bisection.

    Achievable here means reachable with the plan's tranches x ``max_scale`` at their own
    dates (:func:`achievable_deadlines` with ``funding_scale=max_scale``): scaling cannot
    bring money forward, so deadlines that need money before the first tranche are relaxed
    too, and listed in ``relaxed``. That schedule proves ``max_scale`` feasible. The lower
    end starts at ``c / F`` (``c`` the cheapest cost of all works, ``F`` the plan's total
    funding: below it the money cannot pay the works). Bisection stops when the bracket is
    narrower than ``tolerance`` x the upper end. A probe counts as feasible only with a checked
    schedule; a probe that ends without an answer (time limit) counts as not feasible and is
    marked ``UNKNOWN`` in ``trace``, so ``scale`` is always backed by a schedule but may
    overstate the minimum when probes time out.
    """
    ach = achievable or achievable_deadlines(plan, time_limit, workers, seed, funding_scale=max_scale)
    model = build(set_settings(plan, {"allow_extra_funding": False, "hard_deadlines": False}))
    base = _hard(model.problem, ach.dues)
    base = dataclasses.replace(base, objective=Objective(0, 0, 0, 0, 0))
    total = float(sum(s.total for s in base.sources))
    min_cost = float(sum(min(m.cost for m in t.modes) for t in base.tasks))
    trace: list[dict[str, Any]] = []
    best: Solution | None = ach.solution

    def probe(s: float) -> bool:
        nonlocal best
        res = solve(_scaled(base, s), time_limit=time_limit, workers=workers, seed=seed, hint=best, explain=False)
        ok = res.status in OK_STATUSES
        trace.append({"scale": round(s, 6), "budget_mvnd": round(s * total, 1), "status": res.status.value,
                      "feasible": ok, "runtime_s": round(res.runtime_s, 2)})
        if ok:
            best = res.solution
        return ok

    lo = min_cost / total if total else 0.0
    trace.append({"scale": round(lo, 6), "budget_mvnd": round(lo * total, 1), "status": "BOUND (money < cost)",
                  "feasible": False, "runtime_s": 0.0})
    hi = max_scale
    if ach.solution is None or check(_scaled(base, hi), ach.solution).ok is False:
        if not probe(hi):
            return ScaleAnswer(None, lo, tolerance, pd.DataFrame(trace), total, ach.relaxed)
    else:
        trace.append({"scale": hi, "budget_mvnd": round(hi * total, 1), "status": "WITNESS",
                      "feasible": True, "runtime_s": 0.0})
    if lo < 1.0 < hi:  # the current budget first: the most useful single probe
        if probe(1.0):
            hi = 1.0
        else:
            lo = 1.0
    while hi - lo > tolerance * hi:
        mid = (lo + hi) / 2
        if probe(mid):
            hi = mid
        else:
            lo = mid
    return ScaleAnswer(hi, lo, tolerance, pd.DataFrame(trace), total, ach.relaxed, best)


# ---------------------------------------------------------------------------
# budget cuts
# ---------------------------------------------------------------------------
def budget_cuts(plan: Any, levels: Sequence[float] = (1.0, 0.9, 0.8, 0.7, 0.6), *, time_limit: float = 10.0,
                workers: int = 1, seed: int = 0) -> pd.DataFrame:
    """Communes on time and the district's recognition date when every tranche is cut to a level.

    At each level every tranche is multiplied by the level (same dates). Money missing at a
    level can only come from the ``budget_lab_extra_funding_from`` date on (see
    :func:`own_money`), so a cut delays the works it can no longer pay for; a level whose
    money cannot pay every work still gets a schedule and says how much is missing
    (``extra_needed_mvnd``); deadlines are soft.

    Monotone by construction: levels are solved from the smallest to the largest, each one
    warm-started with the schedule of the level below; that schedule is also valid at the
    higher level (every tranche is at least as large), so it is checked there by the engine's
    checker and kept if it is better than the level's own solve, comparing (communes on time,
    then earlier district recognition, then less extra money). Hence more money never gives
    fewer communes on time, nor (at equal count) a later district date. Every row's schedule
    is a checked schedule of its own level.

    Returns
    -------
    pandas.DataFrame
        ``level, budget_mvnd, status, communes_on_time, communes_late, late_communes,
        district_recognition_date, extra_needed_mvnd, source`` (``source`` says whether the
        row's schedule is the level's own solve or the level below's), largest level first.
    """
    lv = sorted({float(x) for x in levels})
    rows = []
    prev: PlanResult | None = None
    for level in lv:
        p = set_settings(own_money(scale_funding(plan, level)), {"hard_deadlines": False})
        model = build(p)
        own = _solve_model(model, time_limit, workers, seed,
                           hint=prev.result.solution if prev is not None and prev.has_schedule else None)
        chosen, origin = own, "own solve"
        if prev is not None and prev.has_schedule:
            carried = _result_from(model, prev.result.solution)
            if carried is not None and (not own.has_schedule or _key(carried) > _key(own)):
                chosen, origin = carried, f"schedule of level {rows[-1]['level']}"
        total = float(sum(s.total for s in model.problem.sources if not s.unlimited))
        s = chosen.summary
        rows.append({
            "level": level, "budget_mvnd": total, "status": own.status if origin == "own solve" else "FEASIBLE",
            "communes_on_time": s["communes_on_time"], "communes_late": s["communes_late"],
            "late_communes": ";".join(s["late_communes"] or []) if chosen.has_schedule else None,
            "district_recognition_date": s["district_recognition_date"],
            "extra_needed_mvnd": s["extra_funding_mvnd"], "source": origin,
        })
        prev = chosen if chosen.has_schedule else prev
    return pd.DataFrame(rows).sort_values("level", ascending=False).reset_index(drop=True)


def _key(pr: PlanResult) -> tuple[int, int, int]:
    s = pr.summary
    d = s["district_recognition_date"]
    dn = dt.date.fromisoformat(d).toordinal() if d else 10**9
    return (int(s["communes_on_time"] or 0), -dn, -int(s["extra_funding_mvnd"] or 0))


def cuts_are_monotone(df: pd.DataFrame) -> bool:
    """True when less money never gives more communes on time in a :func:`budget_cuts` table."""
    d = df.sort_values("level")
    v = [x for x in d["communes_on_time"] if x is not None and not pd.isna(x)]
    return all(a <= b for a, b in zip(v, v[1:]))


def plot_cuts(df: pd.DataFrame, ax: Any = None, lang: str = "en") -> Any:
    """Bar chart of communes on time per budget level, with the district's recognition date
    written on each bar. Returns the axes."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(7, 3.5))
    d = df.sort_values("level")
    x = [f"{lv:.0%}" for lv in d["level"]]
    y = [0 if v is None or pd.isna(v) else int(v) for v in d["communes_on_time"]]
    bars = ax.bar(x, y, color="#4c78a8")
    for b, date, extra in zip(bars, d["district_recognition_date"], d["extra_needed_mvnd"]):
        txt = str(date) if date else "-"
        if extra and not pd.isna(extra) and extra > 0:
            txt += f"\n+{int(extra):,} M" if lang == "en" else f"\n+{int(extra):,} tr"
        ax.annotate(txt, (b.get_x() + b.get_width() / 2, b.get_height()), ha="center", va="bottom", fontsize=8)
    if lang == "vi":
        ax.set_xlabel("Mức ngân sách (so với kế hoạch)")
        ax.set_ylabel("Số xã đạt đúng hạn")
        ax.set_title("Cắt giảm ngân sách: số xã đúng hạn và ngày huyện đạt chuẩn")
    else:
        ax.set_xlabel("Budget level (share of the plan's funding)")
        ax.set_ylabel("Communes recognised on time")
        ax.set_title("Budget cuts: communes on time and district recognition date")
    ax.set_ylim(0, max(y + [1]) * 1.3)
    return ax


# ---------------------------------------------------------------------------
# marginal value of money
# ---------------------------------------------------------------------------
def marginal_value(plan: Any, amount_mvnd: float = 500, *, source_id: str | None = None,
                   communes: Sequence[str] | None = None, base: PlanResult | None = None,
                   time_limit: float = 10.0, workers: int = 1, seed: int = 0) -> pd.DataFrame:
    """Days each commune's recognition comes forward with ``amount_mvnd`` more earmarked money.

    For each commune not yet recognised, one tranche of ``amount_mvnd`` from ``source_id``
    (default: the first source that pays for every work type), earmarked to the commune, is
    released at the plan's start; the plan is re-solved warm-started from the base schedule
    (valid there too) and the commune's recognition date compared with the base solve. Extra
    funding comes only from the ``budget_lab_extra_funding_from`` date in both solves (as in
    :func:`budget_cuts`), so the answer measures the plan's own money. With a time limit the solver may not find the best schedule: a
    negative gain means noise, not harm; the base schedule itself is always kept if better
    (by the commune's own date) so ``days_gained >= 0``.

    Returns
    -------
    pandas.DataFrame
        ``commune_code, name, base_date, date_with_more, days_gained, district_date_base,
        district_date_with_more, status``.
    """
    sources = plan.table("sources")
    if source_id is None:
        star = [s for s, pf in zip(sources["source_id"], sources["pays_for"]) if "*" in list(pf or [])]
        source_id = star[0] if star else str(sources["source_id"].iloc[0])
    xplan = own_money(plan)
    if base is None:
        base = base_solve(plan, time_limit=time_limit, workers=workers, seed=seed)
    rec0 = _recognition(base)
    names = _commune_names(plan)
    start = dt.date.fromisoformat(str(plan.setting("plan_start")))
    rows = []
    for code in (communes or _not_recognised(plan)):
        f = plan.table("funding")
        add = pd.DataFrame([{"tranche_id": f"MARGINAL-{code}", "source_id": source_id, "date_available": start,
                             "amount_mvnd": float(amount_mvnd), "commune_code": code,
                             "source": f"budget lab: +{amount_mvnd} for {code}"}])
        f2 = pd.concat([f, add], ignore_index=True)
        f2["date_available"] = pd.Series(list(f2["date_available"]), dtype=object, index=f2.index)
        model = build(xplan.with_table("funding", f2))
        hint = base.result.solution if base.has_schedule else None
        pr = _solve_model(model, time_limit, workers, seed, hint=hint)
        status = pr.status
        if hint is not None:
            carried = _result_from(model, hint)
            d_own = _recognition(pr).get(code) if pr.has_schedule else None
            if carried is not None and (d_own is None or d_own > rec0.get(code, d_own)):
                pr, status = carried, "base schedule kept"
        rec1 = _recognition(pr)
        b, n = rec0.get(code), rec1.get(code)
        rows.append({"commune_code": code, "name": names.get(code, code), "base_date": b, "date_with_more": n,
                     "days_gained": (b - n).days if b and n else None,
                     "district_date_base": base.summary["district_recognition_date"],
                     "district_date_with_more": pr.summary["district_recognition_date"],
                     "status": status})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------
# command line: ntm-sched budget ...
# ---------------------------------------------------------------------------
def add_budget_arguments(parser: argparse.ArgumentParser) -> None:
    """Mount ``evaluate``, ``minimum``, ``cuts`` and ``marginal`` under ``parser``."""
    sub = parser.add_subparsers(dest="budget_verb", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--scenario", default="base", help="scenario name or YAML file (default: base)")
        p.add_argument("--out", help="output folder (default: outputs/budget/<verb>/<scenario>)")
        p.add_argument("--time-limit", type=float, default=None, help="seconds per solve (default: the scenario's)")
        p.add_argument("--workers", type=int, default=None, help="CP-SAT workers (default: the scenario's)")
        p.add_argument("--seed", type=int, default=None, help="random seed (default: the scenario's)")

    p = sub.add_parser("evaluate", help="hold an allocation (commune x source x quarter) fixed and evaluate it")
    p.add_argument("allocation", help="CSV or XLSX with commune_code, source_id, quarter, amount_mvnd")
    p.add_argument("--no-missing", action="store_true", help="skip the re-solve with extra funding")
    common(p)
    p = sub.add_parser("minimum", help="smallest budget meeting every achievable deadline")
    p.add_argument("--tolerance", type=float, default=0.01, help="tolerance of the uniform-scale bisection")
    common(p)
    p = sub.add_parser("cuts", help="communes on time per budget level")
    p.add_argument("--levels", default="1,0.9,0.8,0.7,0.6", help="comma-separated levels (default 1,0.9,0.8,0.7,0.6)")
    common(p)
    p = sub.add_parser("marginal", help="days gained per commune from more earmarked money")
    p.add_argument("--amount", type=float, default=500, help="million VND per commune (default 500)")
    p.add_argument("--source", default=None, help="source id of the added money (default: first paying for all)")
    common(p)


def budget_main(args: argparse.Namespace) -> int:
    """Run one ``ntm-sched budget`` verb. Exit 0 success, 1 answer not a success, 2 bad input."""
    from ntm_sched.plan import PlanValidationError
    from ntm_sched.scenario import ScenarioError, load_scenario_and_plan

    try:
        sc, plan = load_scenario_and_plan(args.scenario)
    except (ScenarioError, PlanValidationError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    kw = sc.solver_kwargs(args.time_limit, args.workers, args.seed)
    verb = args.budget_verb
    out = Path(args.out) if args.out else Path("outputs") / "budget" / verb / sc.name
    if verb == "evaluate":
        try:
            rep = evaluate_allocation(plan, args.allocation, find_missing=not args.no_missing, **kw)
        except AllocationError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        _write_tables(out, rep.tables(), rep.summary)
        s = rep.summary
        print(f"status: {s['status']}  allocated: {s['allocated_mvnd']:,.0f} M VND  paid: {s['paid_mvnd']}  "
              f"unspent: {s['unspent_mvnd']}")
        print(f"communes on time: {s['communes_on_time']}  late: {', '.join(s['late_communes']) or '-'}  "
              f"district recognition: {s['district_recognition_date']}")
        print(f"missing money (re-solve with extra funding): {s['missing_mvnd']:,.0f} M VND")
        if s.get("note"):
            print(s["note"])
        print(f"written: {out}")
        return 0 if s["status"] in ("OPTIMAL", "FEASIBLE") else 1
    if verb == "minimum":
        mb = minimum_budget(plan, **kw)
        sc_ans = minimum_uniform_scale(plan, tolerance=args.tolerance, **kw)
        summ = dict(mb.summary, uniform_scale=sc_ans.scale, uniform_scale_lower=sc_ans.lower,
                    uniform_budget_mvnd=sc_ans.budget_mvnd, tolerance=args.tolerance)
        _write_tables(out, {**mb.tables(), "uniform_scale_trace": sc_ans.trace}, summ)
        if len(mb.relaxed):
            print("deadlines no money can meet (held to the earliest date reached instead): "
                  + ", ".join(f"{r.commune_code} {r.milestone} {r.target_date} -> {r.earliest_date}"
                              for r in mb.relaxed.itertuples()))
        print(f"minimum budget: {mb.total_mvnd} M VND ({mb.status}) vs the plan's {mb.plan_total_mvnd:,.0f} M VND")
        print(f"smallest uniform scale of the current budget: {sc_ans.scale} (infeasible at {sc_ans.lower:.4f}, "
              f"tolerance {args.tolerance:.0%})")
        print(f"written: {out}")
        return 0 if mb.status in ("OPTIMAL", "FEASIBLE") and sc_ans.scale is not None else 1
    if verb == "cuts":
        try:
            levels = [float(x) for x in args.levels.split(",") if x.strip()]
            if not levels or any(x < 0 for x in levels):
                raise ValueError
        except ValueError:
            print(f"error: --levels: expected comma-separated non-negative numbers, got {args.levels!r}",
                  file=sys.stderr)
            return 2
        df = budget_cuts(plan, levels, **kw)
        _write_tables(out, {"cuts": df})
        print(df[["level", "budget_mvnd", "communes_on_time", "district_recognition_date",
                  "extra_needed_mvnd"]].to_string(index=False))
        print(f"written: {out}")
        return 0 if df["communes_on_time"].notna().all() else 1
    if verb == "marginal":
        if args.amount <= 0:
            print("error: --amount must be positive", file=sys.stderr)
            return 2
        df = marginal_value(plan, args.amount, source_id=args.source, **kw)
        _write_tables(out, {"marginal": df})
        print(df[["commune_code", "name", "base_date", "date_with_more", "days_gained"]].to_string(index=False))
        print(f"written: {out}")
        return 0 if df["days_gained"].notna().all() else 1
    print(f"error: unknown budget verb {verb!r}", file=sys.stderr)  # pragma: no cover
    return 2
