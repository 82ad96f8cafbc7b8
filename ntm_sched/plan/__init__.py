"""Plans: loading, checking and writing the tables of an NTM plan.

``schema`` (the tables, declared once) <- ``cells`` <- ``records`` (one frozen record type per
table) <- ``validate`` (issues; cross-table checks) <- ``model`` (:class:`Plan`) <- ``io``
(CSV/XLSX), ``settings`` (typed settings), ``edits`` (record-level edits, checked once).
The plan layer never imports the engine.

>>> from ntm_sched.plan import load_plan, validate_path, format_issues
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

from .io import load_plan, load_plan_with_issues, read_raw, write_plan
from .issues import Issue, PlanValidationError, format_issues
from .model import Plan
from .records import (
    Agency,
    Break,
    CapacityChange,
    Commune,
    CouncilSession,
    Criterion,
    District,
    PlanTask,
    RecognitionStep,
    Setting,
    Source,
    StepProgress,
    Tranche,
    Unit,
    WorkType,
)


def validate_path(path: str | os.PathLike[str]) -> list[Issue]:
    """Every problem of the plan at ``path`` (errors and warnings); never raises on bad data."""
    p = Path(path)
    try:
        _, issues = load_plan_with_issues(p)
    except FileNotFoundError:
        return [Issue(str(p), None, None, "no such file or folder", "error", None, "không có tệp hay thư mục này")]
    except (ValueError, OSError, zipfile.BadZipFile, KeyError) as exc:
        return [Issue(str(p), None, None, f"cannot read the plan: {exc}", "error", None,
                      f"không đọc được kế hoạch: {exc}")]
    return issues


__all__ = [
    "Agency", "Break", "CapacityChange", "Commune", "CouncilSession", "Criterion", "District", "Issue", "Plan",
    "PlanTask", "PlanValidationError", "RecognitionStep", "Setting", "Source", "StepProgress", "Tranche", "Unit",
    "WorkType", "format_issues", "load_plan", "load_plan_with_issues", "read_raw", "validate_path", "write_plan",
]
