"""Problem data of the generic scheduling engine.

Size (~560 lines): the data classes and the semantics they promise (this docstring) are one
contract; each class validates itself, and about half the file is that validation.

The engine knows tasks, modes, renewable resources with capacity profiles,
non-renewable budgets, calendars, deadlines and money sources with tranches.
It knows nothing of communes or criteria: the NTM domain layer (:mod:`ntm_sched.domain`)
translates a plan into these objects.

Time is an integer number of periods counted from 0 (the NTM layer uses one
period = one calendar day). Money is an integer number of money units (the NTM
layer uses one unit = one million VND).

Semantics (the builder and the independent checker both follow them)
--------------------------------------------------------------------
Intervals
    A task occupies ``[start, end)``. ``end - start`` is its *elapsed* duration.
Calendars and pauses
    A :class:`Calendar` lists non-working breaks ``[begin, end)``. A task on a
    calendar may not start inside a break. When it runs across a break its work
    pauses: the elapsed duration is the mode's duration plus the length of every
    break lying strictly inside the task (``start < begin`` and ``end > end_of_break``).
    A task never ends inside a break. While paused the task keeps its renewable
    resources (the crew stays assigned), so capacities are checked over the whole
    elapsed interval. Tasks without a calendar run on every period.
Precedences
    ``FS``: ``start(succ) >= end(pred) + lag``. ``SS``: ``start(succ) >= start(pred) + lag``.
Renewable resources
    In every period the summed demand of the tasks running then is at most the
    resource's capacity in that period (``capacity`` overridden by ``profile``).
Non-renewable budgets
    The summed ``nonrenewable`` demand of the chosen modes is at most the budget.
Money
    A task's cost (of its chosen mode) is paid in two instalments: an advance of
    ``floor(advance_share * cost)`` at its start and the rest at its end. Each
    instalment is split, by the model's choice, among the sources the task may use
    (:attr:`Task.sources`). For every source and at every period ``t``, the sum of
    payments made at periods ``<= t`` is at most the sum of tranches released at
    periods ``<= t``. A source with ``unlimited=True`` (extra funding) has no
    tranche limit; each unit drawn from it costs ``unit_price`` in the objective;
    it pays nothing at periods before its ``available_from``.
Fixed starts
    A task with ``fixed_start`` starts exactly at that period (its release is
    then irrelevant). Used to pin work that has already happened or is under way.
Advance share per task
    ``Task.advance_share`` (when not ``None``) replaces ``Problem.advance_share``
    for that task (e.g. 0 for the rest of a task whose advance was already paid).
Reference schedule (stability)
    ``Problem.reference_starts`` gives a previous start per task. With a
    lexicographic objective a last tier ``stability`` minimises the summed
    distance ``|start - reference|``: among schedules equally good in every other
    tier, the one closest to the reference is chosen (a re-plan moves nothing
    that need not move). Without a lexicographic objective it is ignored.
Deadlines
    ``due`` bounds a task's end. A hard due date must hold; a soft one is
    penalised by ``tardiness_weight`` per period late and ``late_weight`` once
    if late at all.
Sessions
    A :class:`Session` is a sitting of a body that handles tasks of one ``kind`` in batches
    (an appraisal council). When ``Problem.sessions`` holds sessions of a kind, every task of
    that :attr:`Task.kind` without a ``fixed_start`` starts at exactly one of them (its start
    is the session's period), a session takes at most ``capacity`` such tasks, and every FS
    predecessor of the task (its dossier) ends at or before the session's period minus its
    ``cutoff``. Tasks with a fixed start (already done) are outside the rule. Without sessions
    of a kind, tasks of that kind are ordinary tasks.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal


class ProblemError(ValueError):
    """Raised when engine problem data are inconsistent."""


def _frozen_map(m: Mapping[str, int] | None) -> Mapping[str, int]:
    return MappingProxyType(dict(m or {}))


@dataclass(frozen=True)
class Mode:
    """One way of carrying out a task.

    Parameters
    ----------
    duration
        Working periods needed (>= 0; 0 makes a milestone).
    demands
        Per-period demand on renewable resources, by resource name.
    cost
        Money (units) the task costs in this mode.
    nonrenewable
        Consumption of non-renewable budgets, by budget name (PSPLIB ``N`` resources).
    name
        Optional label ("normal", "accelerated").
    """

    duration: int
    demands: Mapping[str, int] = field(default_factory=dict)
    cost: int = 0
    nonrenewable: Mapping[str, int] = field(default_factory=dict)
    name: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "demands", _frozen_map(self.demands))
        object.__setattr__(self, "nonrenewable", _frozen_map(self.nonrenewable))
        if self.duration < 0:
            raise ProblemError(f"mode {self.name!r}: negative duration {self.duration}")
        if self.cost < 0:
            raise ProblemError(f"mode {self.name!r}: negative cost {self.cost}")
        for k, v in {**self.demands, **self.nonrenewable}.items():
            if v < 0:
                raise ProblemError(f"mode {self.name!r}: negative demand {v} on {k!r}")

    def __reduce__(self) -> tuple:
        # read-only mappings do not pickle; rebuild from plain dicts (problems travel to Dask workers)
        return (Mode, (self.duration, dict(self.demands), self.cost, dict(self.nonrenewable), self.name))


@dataclass(frozen=True)
class Task:
    """A task with one or more modes.

    Parameters
    ----------
    id
        Unique identifier.
    modes
        At least one :class:`Mode`; the solver picks exactly one.
    release
        Earliest start period.
    due
        Period by which the task should end (``None``: no deadline).
    due_hard
        If true the due date is a hard constraint.
    tardiness_weight
        Objective weight per period of lateness (soft due dates).
    late_weight
        Objective weight paid once when the task ends after ``due``.
    calendar
        Name of a :class:`Calendar` (``None``: works every period).
    sources
        Names of the money sources allowed to pay this task; ``None`` means any.
        A task with positive cost and an empty set of sources is an error.
    label
        Free text for reports and explanations.
    fixed_start
        When not ``None`` the task starts exactly at this period.
    advance_share
        When not ``None``, this task's share of cost paid at its start (overrides
        :attr:`Problem.advance_share`).
    end_weight
        Objective weight per period of the task's end, in the last tier (with cost and
        makespan): "as early as the other goals allow". It makes a date that no deadline
        pins (e.g. a milestone met with slack) part of the question, so that the answer does
        not depend on which optimal schedule the solver returns.
    """

    id: str
    modes: tuple[Mode, ...]
    release: int = 0
    due: int | None = None
    due_hard: bool = False
    tardiness_weight: int = 0
    late_weight: int = 0
    calendar: str | None = None
    sources: frozenset[str] | None = None
    label: str = ""
    fixed_start: int | None = None
    advance_share: float | None = None
    end_weight: int = 0
    kind: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "modes", tuple(self.modes))
        if self.fixed_start is not None and self.fixed_start < 0:
            raise ProblemError(f"task {self.id!r}: negative fixed start {self.fixed_start}")
        if self.advance_share is not None and not 0 <= self.advance_share <= 1:
            raise ProblemError(f"task {self.id!r}: advance_share {self.advance_share} outside [0, 1]")
        if self.sources is not None:
            object.__setattr__(self, "sources", frozenset(self.sources))
        if not self.modes:
            raise ProblemError(f"task {self.id!r} has no mode")
        if self.release < 0:
            raise ProblemError(f"task {self.id!r}: negative release {self.release}")
        if self.tardiness_weight < 0 or self.late_weight < 0 or self.end_weight < 0:
            raise ProblemError(f"task {self.id!r}: negative weight")


@dataclass(frozen=True)
class Precedence:
    """``succ`` may start only ``lag`` periods after ``pred`` finishes (FS) or starts (SS)."""

    pred: str
    succ: str
    kind: Literal["FS", "SS"] = "FS"
    lag: int = 0

    def __post_init__(self) -> None:
        if self.kind not in ("FS", "SS"):
            raise ProblemError(f"precedence {self.pred}->{self.succ}: unknown kind {self.kind!r}")


@dataclass(frozen=True)
class Resource:
    """A renewable resource.

    Parameters
    ----------
    name
        Unique name.
    capacity
        Capacity per period, used where ``profile`` says nothing.
    profile
        ``(begin, end, capacity)`` triples, periods ``[begin, end)``, non-overlapping,
        overriding ``capacity`` there (e.g. a weekly capacity calendar).
    """

    name: str
    capacity: int
    profile: tuple[tuple[int, int, int], ...] = ()

    def __post_init__(self) -> None:
        prof = tuple(sorted((int(b), int(e), int(c)) for b, e, c in self.profile))
        object.__setattr__(self, "profile", prof)
        if self.capacity < 0:
            raise ProblemError(f"resource {self.name!r}: negative capacity")
        prev_end = -math.inf
        for b, e, c in prof:
            if e <= b or b < prev_end or c < 0:
                raise ProblemError(f"resource {self.name!r}: bad profile entry {(b, e, c)}")
            prev_end = e

    def capacity_at(self, t: int) -> int:
        """Capacity in period ``t``."""
        for b, e, c in self.profile:
            if b <= t < e:
                return c
        return self.capacity

    @property
    def max_capacity(self) -> int:
        """Largest capacity over all periods."""
        return max([self.capacity, *(c for _, _, c in self.profile)])


@dataclass(frozen=True)
class Budget:
    """A non-renewable resource: the chosen modes' consumption sums to at most ``amount``."""

    name: str
    amount: int


@dataclass(frozen=True)
class Calendar:
    """Non-working breaks ``[begin, end)`` (sorted, non-overlapping after construction)."""

    name: str
    breaks: tuple[tuple[int, int], ...] = ()

    def __post_init__(self) -> None:
        brk = tuple(sorted((int(b), int(e)) for b, e in self.breaks))
        prev = -math.inf
        for b, e in brk:
            if e <= b or b < prev:
                raise ProblemError(f"calendar {self.name!r}: bad or overlapping break {(b, e)}")
            prev = e
        object.__setattr__(self, "breaks", brk)


@dataclass(frozen=True)
class Tranche:
    """``amount`` money units become available at period ``time``."""

    time: int
    amount: int

    def __post_init__(self) -> None:
        if self.amount < 0:
            raise ProblemError(f"tranche at {self.time}: negative amount {self.amount}")


@dataclass(frozen=True)
class Source:
    """A money source.

    Parameters
    ----------
    name
        Unique name.
    tranches
        Releases over time; ignored when ``unlimited``.
    unlimited
        Extra funding: any amount at any time, priced by ``unit_price``.
    unit_price
        Objective weight per money unit drawn from this source.
    available_from
        Unlimited sources only: no payment from this source before this period
        (e.g. extra funding that can only come with the next budget round).
        Limited sources express the same with their tranches and must leave it 0.
    """

    name: str
    tranches: tuple[Tranche, ...] = ()
    unlimited: bool = False
    unit_price: int = 0
    available_from: int = 0

    def __post_init__(self) -> None:
        object.__setattr__(self, "tranches", tuple(sorted(self.tranches, key=lambda t: t.time)))
        if self.available_from < 0:
            raise ProblemError(f"source {self.name!r}: negative available_from {self.available_from}")
        if self.available_from and not self.unlimited:
            raise ProblemError(f"source {self.name!r}: available_from is for unlimited sources "
                               "(a limited source's tranches say when its money comes)")

    @property
    def total(self) -> int:
        """Sum of all tranches."""
        return sum(t.amount for t in self.tranches)

    def released_by(self, t: int) -> int:
        """Cumulative release at period ``t`` (tranches with ``time <= t``)."""
        return sum(tr.amount for tr in self.tranches if tr.time <= t)


@dataclass(frozen=True)
class Session:
    """A sitting that handles tasks of one ``kind`` in a batch (module docstring, "Sessions").

    Parameters
    ----------
    name
        Unique name.
    time
        Period of the sitting: a task handled there starts at this period.
    capacity
        The most tasks the sitting takes.
    cutoff
        Periods before ``time`` by which a task's FS predecessors (its dossier) must have ended.
    kind
        The :attr:`Task.kind` it handles.
    """

    name: str
    time: int
    capacity: int
    cutoff: int = 0
    kind: str = "appraisal"

    def __post_init__(self) -> None:
        if self.time < 0 or self.capacity < 0 or self.cutoff < 0:
            raise ProblemError(f"session {self.name!r}: negative time, capacity or cut-off")
        if not self.kind:
            raise ProblemError(f"session {self.name!r}: empty kind")

    @property
    def deadline(self) -> int:
        """The last period at which a dossier for this session may end (``time - cutoff``)."""
        return self.time - self.cutoff


@dataclass(frozen=True)
class Objective:
    """Weights of the objective (all integers, minimised).

    ``tardiness`` and ``late_count`` multiply each task's own ``tardiness_weight``
    and ``late_weight``; ``cost`` multiplies the total cost of the chosen modes;
    ``extra_funding`` multiplies the priced draw on unlimited sources;
    ``makespan`` multiplies the end of the last task.

    With ``lexicographic=True`` the solver optimises in tiers instead of one
    weighted sum: first lateness (the tardiness and late-count terms), then the
    priced extra funding, then the rest (cost, makespan); each tier keeps the
    previous tiers at their optimal (or best found) values. The weights still
    define each tier's expression, and the reported objective is the same full
    weighted sum, so values stay comparable. See :func:`ntm_sched.engine.solve`.
    """

    tardiness: int = 1
    late_count: int = 1
    cost: int = 0
    extra_funding: int = 1
    makespan: int = 0
    lexicographic: bool = False


@dataclass(frozen=True)
class Problem:
    """A complete scheduling problem.

    Parameters
    ----------
    tasks, precedences, resources, budgets, calendars, sources
        The data; names must be unique and references must resolve.
    horizon
        Every task ends at or before this period.
    advance_share
        Share of a task's cost paid at its start (the rest at its end).
    objective
        The objective weights.
    reference_starts
        Start period of each task in a previous schedule (the stability tier, see
        the module docstring); tasks not listed have no reference.
    sessions
        Sittings that take tasks of their kind in batches (module docstring, "Sessions").
    """

    tasks: tuple[Task, ...]
    precedences: tuple[Precedence, ...] = ()
    resources: tuple[Resource, ...] = ()
    budgets: tuple[Budget, ...] = ()
    calendars: tuple[Calendar, ...] = ()
    sources: tuple[Source, ...] = ()
    horizon: int = 0
    advance_share: float = 0.3
    objective: Objective = field(default_factory=Objective)
    reference_starts: Mapping[str, int] = field(default_factory=dict)
    sessions: tuple[Session, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "reference_starts", _frozen_map(self.reference_starts))
        for name in ("tasks", "precedences", "resources", "budgets", "calendars", "sources", "sessions"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        if not 0 <= self.advance_share <= 1:
            raise ProblemError(f"advance_share {self.advance_share} outside [0, 1]")
        self._check_refs()

    def _check_refs(self) -> None:
        def unique(kind: str, names: list[str]) -> set[str]:
            seen: set[str] = set()
            for n in names:
                if n in seen:
                    raise ProblemError(f"duplicate {kind} {n!r}")
                seen.add(n)
            return seen

        tids = unique("task", [t.id for t in self.tasks])
        rids = unique("resource", [r.name for r in self.resources])
        bids = unique("budget", [b.name for b in self.budgets])
        cids = unique("calendar", [c.name for c in self.calendars])
        sids = unique("source", [s.name for s in self.sources])
        unique("session", [s.name for s in self.sessions])
        unique("session date", [f"{s.kind}@{s.time}" for s in self.sessions])
        for t in self.tasks:
            if t.calendar is not None and t.calendar not in cids:
                raise ProblemError(f"task {t.id!r}: unknown calendar {t.calendar!r}")
            if t.sources is not None:
                unknown = t.sources - sids
                if unknown:
                    raise ProblemError(f"task {t.id!r}: unknown sources {sorted(unknown)}")
            for m in t.modes:
                for r in m.demands:
                    if r not in rids:
                        raise ProblemError(f"task {t.id!r}: unknown resource {r!r}")
                for b in m.nonrenewable:
                    if b not in bids:
                        raise ProblemError(f"task {t.id!r}: unknown budget {b!r}")
                if m.cost > 0 and self.sources and t.sources is not None and not t.sources:
                    raise ProblemError(f"task {t.id!r} costs money but no source may pay it")
        for p in self.precedences:
            for x in (p.pred, p.succ):
                if x not in tids:
                    raise ProblemError(f"precedence {p.pred}->{p.succ}: unknown task {x!r}")
        unknown_ref = set(self.reference_starts) - tids
        if unknown_ref:
            raise ProblemError(f"reference_starts: unknown tasks {sorted(unknown_ref)[:5]}")

    # -- convenience -----------------------------------------------------
    def task(self, task_id: str) -> Task:
        """The task with this id."""
        for t in self.tasks:
            if t.id == task_id:
                return t
        raise KeyError(task_id)

    def calendar(self, name: str | None) -> Calendar | None:
        """The calendar with this name (``None`` for ``None``)."""
        if name is None:
            return None
        for c in self.calendars:
            if c.name == name:
                return c
        raise KeyError(name)

    def resource(self, name: str) -> Resource:
        """The resource with this name."""
        for r in self.resources:
            if r.name == name:
                return r
        raise KeyError(name)

    def source(self, name: str) -> Source:
        """The source with this name."""
        for s in self.sources:
            if s.name == name:
                return s
        raise KeyError(name)

    def advance_of(self, task: Task, cost: int) -> int:
        """Advance instalment of ``task`` for a mode costing ``cost`` (its own share, else the problem's)."""
        share = self.advance_share if task.advance_share is None else task.advance_share
        return advance_payment(cost, share)

    def sessions_for(self, task: Task) -> tuple[Session, ...]:
        """The sessions that may take ``task``, by period (empty when the task is outside the session rule)."""
        if task.fixed_start is not None or not task.kind:
            return ()
        return tuple(sorted((s for s in self.sessions if s.kind == task.kind), key=lambda s: s.time))

    def ancestors(self, task_ids: Iterable[str]) -> frozenset[str]:
        """``task_ids`` and every task preceding one of them, directly or through others (any kind of precedence).

        The one walk of the precedence graph backwards: the tasks a question about some deadlines concerns
        (:meth:`QuestionAsker.reduced <ntm_sched.engine.group_questions.QuestionAsker.reduced>`), a group's chain
        (:func:`~ntm_sched.engine.chain_lns.own_chains`), the chains of the deadlines held
        (:func:`~ntm_sched.engine.lateness_search.lateness_search`).
        """
        preds: dict[str, list[str]] = {}
        for p in self.precedences:
            preds.setdefault(p.succ, []).append(p.pred)
        seen = set(task_ids)
        todo = list(seen)
        while todo:
            for q in preds.get(todo.pop(), ()):
                if q not in seen:
                    seen.add(q)
                    todo.append(q)
        return frozenset(seen)

    def sources_for(self, task: Task) -> tuple[str, ...]:
        """Names of the sources that may pay ``task``, in declaration order."""
        return tuple(s.name for s in self.sources if task.sources is None or s.name in task.sources)


def elapsed_end(start: int, duration: int, calendar: Calendar | None) -> int:
    """End period of a task started at ``start`` with ``duration`` working periods.

    Follows the pause rule of the module docstring: every break lying strictly
    inside the task extends it by the break's length. Raises :class:`ValueError`
    if ``start`` lies inside a break.
    """
    if calendar is None:
        return start + duration
    for b, e in calendar.breaks:
        if b <= start < e:
            raise ValueError(f"start {start} lies inside break [{b}, {e})")
    return pause_end(start, duration, calendar.breaks)


def pause_end(start: int, duration: int, breaks: tuple[tuple[int, int], ...] | None) -> int:
    """The pause rule alone: :func:`elapsed_end` of a start known to lie outside ``breaks`` (sorted).

    The serial schedule generators (:mod:`ntm_sched.engine.sgs`) call it once they have stepped
    the start out of the breaks.
    """
    end = start + duration
    if not breaks:
        return end
    for b, e in breaks:  # sorted
        if start < b and end > b:
            # work reaches into the break: it pauses and resumes at e
            end += e - b
    return end


def advance_payment(cost: int, advance_share: float) -> int:
    """Advance instalment ``floor(advance_share * cost)`` paid at a task's start.

    The share is read as the decimal it prints as (``0.29`` is 29/100), so that
    ``advance_payment(100, 0.29) == 29`` despite binary floating point. The builder
    and the checker both use this function.
    """
    from fractions import Fraction

    return math.floor(Fraction(repr(float(advance_share))) * int(cost))
