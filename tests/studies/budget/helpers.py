"""Shared pieces of the budget-lab tests: a 3-commune plan keeps solves short."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pandas as pd

TL = 4.0
KW = {"time_limit": TL, "workers": 1, "seed": 0}
COMMUNES = ["07360", "07357", "07321"]


def small_allocation() -> pd.DataFrame:
    return pd.DataFrame([
        {"commune_code": "07357", "source_id": "HUYEN", "quarter": "2019Q4", "amount_mvnd": 3000},
        {"commune_code": "07357", "source_id": "XA", "quarter": "2020Q1", "amount_mvnd": 1000},
        {"commune_code": "07321", "source_id": "HUYEN", "quarter": "2019Q3", "amount_mvnd": 800},
        {"commune_code": "", "source_id": "NTM_TW_TINH", "quarter": "2019Q4", "amount_mvnd": 2000},
    ])


def district_date_a_day_early(real: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    """``real`` (the summary) with a planted bug: the district's recognition reported a day early."""
    def buggy(*args: Any, **kwargs: Any) -> dict[str, Any]:
        out = real(*args, **kwargs)
        if out.get("district_recognition_date"):
            d = dt.date.fromisoformat(out["district_recognition_date"]) - dt.timedelta(days=1)
            out["district_recognition_date"] = d.isoformat()
        return out
    return buggy
