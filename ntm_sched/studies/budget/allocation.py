"""Allocation files (commune x source x quarter -> amount): read, checked with the plan's
issue machinery (:class:`~ntm_sched.plan.issues.Issue`: file, row, column, in Vietnamese
or English), and turned into earmarked tranches."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from ntm_sched.domain import DISTRICT
from ntm_sched.i18n import label
from ntm_sched.plan import Issue, Plan, PlanValidationError, Tranche, format_issues
from ntm_sched.studies.budget.common import quarter_of, quarter_start

ALLOCATION_COLUMNS = ("commune_code", "source_id", "quarter", "amount_mvnd")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")


class AllocationError(PlanValidationError):
    """An allocation file is wrong; ``.issues`` name the file, the row (as numbered in a
    spreadsheet: the header is row 1) and the column of every problem found."""

    def __init__(self, issues: Any) -> None:
        self.issues = list(issues)
        ValueError.__init__(self, "invalid allocation\n" + format_issues(self.issues, lang="en"))


def _issue(file: str, row: int | None, column: str | None, key: str, **fmt: Any) -> Issue:
    return Issue(file, row, column, label(key, "en", **fmt), "error", None, label(key, "vi", **fmt), "row")


def _read(path_or_df: str | Path | pd.DataFrame) -> tuple[str, pd.DataFrame]:
    if isinstance(path_or_df, pd.DataFrame):
        return "<allocation table>", path_or_df.astype(str).where(path_or_df.notna(), "")
    p = Path(path_or_df)
    name = str(p)
    if not p.exists():
        raise AllocationError([_issue(name, None, None, "al_not_found")])
    try:
        if p.suffix.lower() in EXCEL_SUFFIXES:
            return name, pd.read_excel(p, dtype=str, keep_default_na=False)
        return name, pd.read_csv(p, dtype=str, keep_default_na=False, skip_blank_lines=False, encoding="utf-8-sig")
    except Exception as exc:  # noqa: BLE001 - any reader failure is bad input
        raise AllocationError([_issue(name, None, None, "al_unreadable", error=exc)]) from exc


def read_allocation(path_or_df: str | Path | pd.DataFrame, plan: Plan) -> pd.DataFrame:
    """Read and check an allocation table (CSV or XLSX, or a DataFrame).

    Columns ``commune_code, source_id, quarter, amount_mvnd``; one row per commune x source x
    quarter (a repeated row is an error naming both rows: adding them up silently could hide a
    row pasted twice). ``commune_code`` is a commune of the plan, ``DISTRICT``
    (district works) or empty (a pool any commune's works may use).

    Raises
    ------
    AllocationError
        Listing every problem found with file, row and column: missing column, unknown
        commune or source, bad quarter, negative or non-numeric amount, the same commune x
        source x quarter twice.
    """
    name, raw = _read(path_or_df)
    raw.columns = [str(c).strip() for c in raw.columns]
    missing = [c for c in ALLOCATION_COLUMNS if c not in raw.columns]
    if missing:
        raise AllocationError([_issue(name, 1, None, "al_missing_columns", missing=", ".join(missing),
                                      expected=", ".join(ALLOCATION_COLUMNS))])
    codes = {c.code for c in plan.communes} | {DISTRICT}
    sources = {s.source_id for s in plan.sources}
    issues: list[Issue] = []
    rows = []
    first_row: dict[tuple[str, str, str], int] = {}
    for i, r in enumerate(raw.itertuples(index=False)):
        rownum = i + 2
        rec = {c: str(getattr(r, c)).strip() for c in ALLOCATION_COLUMNS}
        if not any(rec.values()):
            continue  # blank line
        code = rec["commune_code"]
        if code and code.isdigit() and len(code) < 5:
            code = code.zfill(5)  # a spreadsheet ate the leading zero
        if code and code not in codes:
            issues.append(_issue(name, rownum, "commune_code", "al_unknown_commune", value=rec["commune_code"]))
        if rec["source_id"] not in sources:
            issues.append(_issue(name, rownum, "source_id", "al_unknown_source", value=rec["source_id"],
                                 expected=", ".join(sorted(sources))))
        try:
            qs = quarter_start(rec["quarter"])
        except ValueError:
            issues.append(_issue(name, rownum, "quarter", "al_bad_quarter", value=rec["quarter"]))
            qs = None
        try:
            amt = float(rec["amount_mvnd"].replace(",", ""))
            if math.isnan(amt) or amt < 0:
                issues.append(_issue(name, rownum, "amount_mvnd", "al_negative_amount", value=rec["amount_mvnd"]))
        except ValueError:
            issues.append(_issue(name, rownum, "amount_mvnd", "al_not_number", value=rec["amount_mvnd"]))
            amt = float("nan")
        key = (code, rec["source_id"], quarter_of(qs) if qs else rec["quarter"])
        if key in first_row:
            issues.append(_issue(name, rownum, "commune_code, source_id, quarter", "al_duplicate_row",
                                 commune=code or "(pool)", source=key[1], quarter=key[2], first=first_row[key]))
        first_row.setdefault(key, rownum)
        rows.append({"commune_code": code, "source_id": rec["source_id"],
                     "quarter": quarter_of(qs) if qs else rec["quarter"], "quarter_start": qs,
                     "amount_mvnd": amt, "row": rownum})
    if issues:
        raise AllocationError(issues)
    if not rows:
        raise AllocationError([_issue(name, None, None, "al_no_rows")])
    df = pd.DataFrame(rows)
    return (df.groupby(["commune_code", "source_id", "quarter", "quarter_start"], as_index=False)["amount_mvnd"]
            .sum().sort_values(["quarter_start", "source_id", "commune_code"]).reset_index(drop=True))


def allocation_tranches(allocation: pd.DataFrame, plan: Plan) -> list[Tranche]:
    """The allocation as the plan's tranches: one earmarked tranche per row, released at the
    quarter's start (or the plan's start if that is later)."""
    start = plan.setting_date("plan_start")
    return [
        Tranche(tranche_id=f"ALLOC-{i + 1:04d}", source_id=str(r.source_id),
                date_available=max(r.quarter_start, start), amount_mvnd=float(r.amount_mvnd),
                commune_code=str(r.commune_code) or None,
                source=f"allocation {r.commune_code or '(pool)'} {r.quarter}")
        for i, r in enumerate(allocation.reset_index(drop=True).itertuples(index=False))
    ]


def allocation_funding(allocation: pd.DataFrame, plan: Plan) -> pd.DataFrame:
    """:func:`allocation_tranches` as a ``funding`` table (for display)."""
    cols = ["tranche_id", "source_id", "date_available", "amount_mvnd", "commune_code", "source"]
    return pd.DataFrame([{c: getattr(t, c) for c in cols} for t in allocation_tranches(allocation, plan)],
                        columns=cols)
