"""Results of a solve: status, schedule, payments, and the checker's and explainer's report types.

The report types live here (not beside :func:`~ntm_sched.engine.checker.check` and
:func:`~ntm_sched.engine.explain.explain_infeasibility`) so that the result, the checker and the
explainer import in one direction: problem <- result <- builder/checker <- explain <- solve.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from ntm_sched.engine.problem import Problem


class CheckError(AssertionError):
    """Raised by :meth:`CheckReport.raise_if_failed`."""


@dataclass(frozen=True)
class Violation:
    """One broken rule.

    ``kind`` is one of ``schedule``, ``type``, ``mode``, ``release``, ``duration``, ``calendar``,
    ``precedence``, ``capacity``, ``budget``, ``payment``, ``source``, ``deadline``, ``horizon``
    (``type``: a time or amount that is not a whole number).
    """

    kind: str
    message: str
    task: str | None = None
    resource: str | None = None
    source: str | None = None
    period: int | None = None

    def __str__(self) -> str:
        return f"[{self.kind}] {self.message}"


@dataclass
class CheckReport:
    """All violations found (empty when the schedule is valid)."""

    violations: list[Violation] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True if no rule is broken."""
        return not self.violations

    def kinds(self) -> set[str]:
        """The set of violation kinds found."""
        return {v.kind for v in self.violations}

    def __str__(self) -> str:
        if self.ok:
            return "schedule OK"
        head = f"{len(self.violations)} violation(s):"
        return "\n".join([head, *(f"  {v}" for v in self.violations[:50])]) + (
            f"\n  ... and {len(self.violations) - 50} more" if len(self.violations) > 50 else ""
        )

    def raise_if_failed(self) -> CheckReport:
        """Return ``self`` if OK, else raise :class:`CheckError` listing the violations."""
        if not self.ok:
            raise CheckError(str(self))
        return self


@dataclass(frozen=True)
class ConflictItem:
    """One member of a conflict: ``kind`` is ``deadline``, ``resource``, ``budget``, ``source``,
    ``calendar`` (``name`` the calendar, ``periods`` its break ``[begin, end)``) or ``structure``."""

    kind: str
    name: str
    detail: str = ""
    periods: tuple[int, int] | None = None


@dataclass
class Explanation:
    """Why no schedule exists.

    Attributes
    ----------
    items
        The conflicting deadlines (a minimal set that cannot all hold) and the
        resources, budgets and sources whose limit alone makes them infeasible.
    extra_periods
        Smallest relaxation found: task id to the periods its hard deadline must move.
    sentence
        A readable summary.
    shortfall
        When money alone makes the problem infeasible (found without CP-SAT): the
        least the works cost (``cost``) and what the limited sources they may use
        release in all (``released``), both in money units.
    """

    items: tuple[ConflictItem, ...] = ()
    extra_periods: dict[str, int] = field(default_factory=dict)
    sentence: str = ""
    shortfall: dict[str, int] = field(default_factory=dict)

    def names(self, kind: str) -> list[str]:
        """Names of the items of one kind."""
        return [i.name for i in self.items if i.kind == kind]

    def __str__(self) -> str:
        return self.sentence


class Status(enum.Enum):
    """Outcome of a solve."""

    OPTIMAL = "OPTIMAL"
    FEASIBLE = "FEASIBLE"
    INFEASIBLE = "INFEASIBLE"
    UNKNOWN = "UNKNOWN"
    MODEL_INVALID = "MODEL_INVALID"


class NotSolvedError(RuntimeError):
    """Raised by :meth:`Result.raise_if_not_solved` when there is no valid schedule."""


@dataclass(frozen=True)
class TaskSchedule:
    """Where a task sits: ``[start, end)`` in mode index ``mode`` (into ``Task.modes``)."""

    task_id: str
    start: int
    end: int
    mode: int = 0


@dataclass(frozen=True)
class Payment:
    """``amount`` money units paid for ``task_id`` from ``source`` at period ``time``."""

    task_id: str
    source: str
    time: int
    amount: int


@dataclass(frozen=True)
class Solution:
    """A schedule and its payments.

    Parameters
    ----------
    tasks
        Schedule of every task, by task id.
    payments
        Every positive payment.
    """

    tasks: dict[str, TaskSchedule]
    payments: tuple[Payment, ...] = ()

    @property
    def makespan(self) -> int:
        """End of the last task (0 if there is none)."""
        return max((ts.end for ts in self.tasks.values()), default=0)

    def resource_usage(self, problem: Problem) -> dict[str, list[int]]:
        """Per-period demand on every renewable resource.

        Returns
        -------
        dict
            Resource name to a list of ``max(horizon, makespan)`` per-period usages.
        """
        n = max(problem.horizon, self.makespan)
        use = {r.name: [0] * n for r in problem.resources}
        for t in problem.tasks:
            ts = self.tasks.get(t.id)
            if ts is None or not 0 <= ts.mode < len(t.modes):
                continue
            for r, q in t.modes[ts.mode].demands.items():
                row = use[r]
                for p in range(max(0, ts.start), min(ts.end, n)):
                    row[p] += q
        return use

    def payments_of(self, task_id: str) -> list[Payment]:
        """Payments made for one task."""
        return [p for p in self.payments if p.task_id == task_id]


@dataclass(frozen=True)
class TierResult:
    """One tier of a lexicographic solve.

    Attributes
    ----------
    name
        ``lateness``, ``extra_funding`` or ``rest`` (see :data:`ntm_sched.engine.builder.TIERS`).
    status
        CP-SAT status of this tier's solve.
    value
        The tier's weighted value in the final schedule (``None`` without one). It equals
        the tier's optimum when the tier is OPTIMAL; otherwise it is at most the best
        value the tier's own solve found (a later tier may still improve it).
    bound
        CP-SAT's proven lower bound for the tier, given the earlier tiers' constraints.
    runtime_s
        Wall time of this tier.
    """

    name: str
    status: Status
    value: float | None
    bound: float | None
    runtime_s: float


REASONS = {
    "tier_not_proven": "a tier of the objective was not proven optimal within the time limit, so the "
                       "dates and the allocation below it may change between runs",
    "wall_cut": "the canonical search was stopped by its wall-clock limit (machine too busy)",
    "no_schedule": "the canonical search found no schedule within its work limit",
    "not_run": "the canonical search did not run",
}
"""Why an answer may change between runs (keys of :attr:`Canonical.reasons`)."""


@dataclass(frozen=True)
class Canonical:
    """How the shown schedule and allocation were chosen (see :mod:`ntm_sched.engine.canonical`).

    Attributes
    ----------
    applied
        The canonical search ran and its schedule is the one shown.
    repeatable
        The answer shown is the same on every run: ``applied``, every tier proven optimal (so
        the values held are unique) and the canonical search ended by proof or by its
        deterministic work limit (not by the wall-clock safety limit).
    schedule_proven, allocation_proven
        The canonical search proved its step 1 (smallest sum of starts) and step 2 (sources in
        the plan's order) optimal; when not, the answer is still repeatable (a fixed search with
        a fixed amount of work) but another rule-following answer may be smaller.
    reasons
        Why the answer may change between runs, as keys of :data:`REASONS` (empty when
        ``repeatable``).
    runtime_s
        Wall time of the canonical search.
    """

    applied: bool
    repeatable: bool
    schedule_proven: bool = False
    allocation_proven: bool = False
    reasons: tuple[str, ...] = ()
    runtime_s: float = 0.0

    @property
    def reason(self) -> str:
        """The ``reasons`` in words (English; the reports translate :data:`REASONS`' keys)."""
        return "; ".join(REASONS.get(r, r) for r in self.reasons)

    def note(self) -> str:
        """One line for the result's notes."""
        if self.repeatable:
            proven = "proven" if self.schedule_proven and self.allocation_proven else "fixed search, not proven"
            return f"canonical answer (earliest starts, sources in plan order; {proven}) in {self.runtime_s:.2f} s"
        return f"details may change between runs: {self.reason}"


@dataclass
class Result:
    """Outcome of :func:`ntm_sched.engine.solve`.

    Attributes
    ----------
    status
        Solver status; never OPTIMAL/FEASIBLE if the checker rejected the schedule.
    objective, best_bound, gap
        Objective value, proven bound and ``|obj - bound| / max(1, |obj|)`` (``None`` without solution).
        With a lexicographic objective: the full weighted objective of the final schedule
        and a lower bound on that of a lexicographically optimal schedule (see
        :func:`ntm_sched.engine.solve`).
    runtime_s
        Wall time of the solve, in seconds.
    solution
        The schedule, or ``None``.
    explanation
        Why the problem is infeasible (when asked and infeasible).
    check
        The independent checker's report on ``solution``.
    tiers
        Per-tier results of a lexicographic solve (empty otherwise).
    canonical
        How the schedule shown was chosen among those reaching the tiers' values
        (:class:`ntm_sched.engine.canonical.Canonical`); ``None`` when the canonical search
        did not run (no schedule, or ``SolveOptions.canonical`` off).
    """

    status: Status
    objective: float | None = None
    best_bound: float | None = None
    gap: float | None = None
    runtime_s: float = 0.0
    solution: Solution | None = None
    explanation: Explanation | None = None
    check: CheckReport | None = None
    notes: list[str] = field(default_factory=list)
    tiers: list[TierResult] = field(default_factory=list)
    canonical: Canonical | None = None

    @property
    def ok(self) -> bool:
        """True if there is a schedule, the status says so and the checker (if run) accepted it."""
        return (
            self.status in (Status.OPTIMAL, Status.FEASIBLE)
            and self.solution is not None
            and (self.check is None or self.check.ok)
        )

    def summary(self) -> str:
        """One paragraph, status first."""
        parts = [f"{self.status.value}"]
        if self.objective is not None:
            parts.append(f"objective={self.objective:g}")
        if self.best_bound is not None:
            parts.append(f"bound={self.best_bound:g}")
        if self.gap is not None:
            parts.append(f"gap={self.gap:.2%}")
        parts.append(f"time={self.runtime_s:.2f}s")
        if self.solution is not None:
            parts.append(f"makespan={self.solution.makespan}")
        for tr in self.tiers:
            parts.append(f"[{tr.name} {tr.status.value} {tr.value if tr.value is None else f'{tr.value:g}'} "
                         f"{tr.runtime_s:.2f}s]")
        if self.check is not None:
            parts.append("check=OK" if self.check.ok else f"check=FAILED({len(self.check.violations)} violations)")
        s = " ".join(parts)
        if self.check is not None and not self.check.ok:
            s += "\n" + str(self.check)
        if self.explanation is not None:
            s += "\n" + self.explanation.sentence
        for n in self.notes:
            s += "\n" + n
        return s

    def __repr__(self) -> str:
        return f"Result({self.summary()})"

    def raise_if_not_solved(self) -> Result:
        """Return ``self`` if :attr:`ok`, else raise :class:`NotSolvedError` naming the status."""
        if not self.ok:
            msg = f"no valid schedule: status {self.status.value}"
            if self.check is not None and not self.check.ok:
                msg += f"; checker rejected the schedule:\n{self.check}"
            if self.explanation is not None:
                msg += f"; {self.explanation.sentence}"
            raise NotSolvedError(msg)
        return self
