"""What the plan-level verifier (:mod:`.verify`) checks and what it says: an :class:`Answer` in
the plan's terms (tasks, payments, the tables and summary shown), each :class:`Finding`, the
:class:`VerifyReport`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

EXTRA = "EXTRA"
"""The name the answer gives to money drawn beyond ``funding.csv`` (``allocation.csv``'s ``source``)."""

DISTRICT = "DISTRICT"
"""The ``commune_code`` of district tasks and of the district's chain."""

CHAIN_MILESTONES = ("works_done", "inspection", "submission", "appraisal", "recognition")
"""Milestones a chain step may carry (``recognition_steps.csv``), in the communes' column order."""

ALL_CRITERIA = "all"
"""``tasks.criterion`` of work on a commune's whole criteria set (its plan, a review): it does not
hold the commune's recognition chain."""

INVALID_STATUS = "INVALID"
"""Status given to a result the verifier rejects."""

DAY = dt.timedelta(days=1)
TOL = 1e-9


# ---------------------------------------------------------------------------
# what is verified
# ---------------------------------------------------------------------------
@dataclass(frozen=True)
class ScheduledTask:
    """One task of an answer: ``[start, end)`` in days (``end`` is the day after its last working
    day; ``end == start`` for a task that takes no time), its mode and its cost (million VND)."""

    task_id: str
    start: Any
    end: Any
    mode: str = "normal"
    cost_mvnd: Any = 0


@dataclass(frozen=True)
class PlanPayment:
    """``amount_mvnd`` paid on ``date`` for ``task_id`` from ``source_id`` (earmark or ``None``)."""

    task_id: str
    source_id: str
    earmark: str | None
    date: Any
    amount_mvnd: Any


@dataclass(frozen=True)
class Answer:
    """An answer in the plan's terms: the schedule, the payments and, optionally, the tables and
    summary shown to people (each checked when given)."""

    tasks: tuple[ScheduledTask, ...]
    payments: tuple[PlanPayment, ...] = ()
    schedule: Any = None  # schedule.csv as a DataFrame
    milestones: Any = None  # milestones.csv as a DataFrame
    agency_load: Any = None  # agency_load.csv as a DataFrame
    summary: Mapping[str, Any] | None = None
    allocation: Any = None  # allocation.csv as a DataFrame


@dataclass(frozen=True)
class Finding:
    """One disagreement between the answer and the plan.

    ``kind``: ``type``, ``tasks``, ``mode``, ``calendar``, ``duration``, ``release``, ``horizon``,
    ``precedence``, ``session``, ``capacity``, ``cost``, ``payment``, ``source``, ``funding``,
    ``deadline``, ``milestones``, ``schedule``, ``agency_load``, ``allocation``, ``summary``.
    """

    kind: str
    message: str
    task: str | None = None

    def __str__(self) -> str:
        return f"[{self.kind}] {self.message}"


@dataclass
class VerifyReport:
    """Every finding, and the figures the verifier recomputed from the plan (``expected``)."""

    findings: list[Finding] = field(default_factory=list)
    expected: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the answer agrees with the plan in every rule."""
        return not self.findings

    def kinds(self) -> set[str]:
        """The kinds of finding."""
        return {f.kind for f in self.findings}

    def lines(self, limit: int = 50) -> list[str]:
        """The findings as text (at most ``limit``, then how many more)."""
        out = [str(f) for f in self.findings[:limit]]
        if len(self.findings) > limit:
            out.append(f"... and {len(self.findings) - limit} more")
        return out

    def __str__(self) -> str:
        if self.ok:
            return "answer agrees with the plan"
        return "\n".join([f"{len(self.findings)} disagreement(s) with the plan:", *("  " + x for x in self.lines())])
