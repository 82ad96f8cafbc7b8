"""Solver options: the one home of the defaults of every solve (time limit, workers, seed, ...).

Every caller (scenarios, the command line, notebooks, studies) passes a :class:`SolveOptions`
on, or overrides single fields with :meth:`SolveOptions.with_`; no other module declares a
default time limit, worker count or seed (``tests/engine/test_options.py`` scans the package).
Inside the engine the options travel whole: how the time of a solve is shared between its
steps (the payment-free relaxation, the money warm start, the deadline searches, the tiers) is
named here too, as fields whose defaults are the measured values of ``benchmarks/README.md``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Slice:
    """A share of the time left to a step, clamped: ``max(low, min(high, share * left))``.

    Attributes
    ----------
    share
        Fraction of the seconds left.
    low, high
        Least and most seconds (``None``: no bound).
    """

    share: float
    low: float | None = None
    high: float | None = None

    def of(self, left: float) -> float:
        """The seconds of this step when ``left`` seconds are left."""
        t = self.share * left
        if self.high is not None:
            t = min(self.high, t)
        if self.low is not None:
            t = max(self.low, t)
        return t


@dataclass(frozen=True)
class SolveOptions:
    """How to run CP-SAT on a problem.

    Attributes
    ----------
    time_limit
        Seconds for the main solve (all lexicographic tiers together; the explanation of an
        infeasible problem takes extra time).
    workers
        CP-SAT workers; with ``workers=1`` and a fixed ``seed`` the answer is repeatable.
    seed
        Random seed.
    log
        Print the CP-SAT search log.
    check
        Run the independent checker on every schedule found.
    explain
        Explain an infeasible problem (which deadlines, resources or money conflict).
    lexicographic
        ``None``: as the problem's objective says; ``True``/``False`` overrides it (tiers
        lateness, extra funding, rest; or one weighted sum).
    money_formulation
        ``"auto"``: when money can restrict the schedule (not
        :func:`~ntm_sched.engine.builder.money_never_binds`) the money is modelled as a
        bucketed cash flow (:mod:`ntm_sched.engine.cashflow`) and the lateness tier starts from
        the money-aware schedule generation scheme and deadline LNS
        (:mod:`ntm_sched.engine.heuristic`, :mod:`ntm_sched.engine.lns`); otherwise the
        tranche-bucket formulation. ``"tranche"``: always the tranche-bucket formulation without
        warm start (the engine before issue 10; kept for side-by-side benchmarks).

    The time of a solve is shared between its steps as follows (seconds; "left" is the time
    left of ``time_limit`` when the step starts). Changing them changes answers that the time
    limit cuts short: they are measured values (``benchmarks/README.md``), not knobs.

    payment_free
        The lateness tier without money (a lower bound and the deadline searches' targets)
        when money can bind: ``min(5, 0.15 x left)``.
    warm_start_sgs
        The money-aware serial schedule generation scheme's starts
        (:func:`~ntm_sched.engine.heuristic.best_start`): ``max(0.2, 0.05 x left)``.
    complete_money
        Completing a schedule's payments (times and modes fixed) for the warm start:
        ``max(1, min(3, 0.2 x left))``.
    complete_light
        Completing the payments of the light (payment-free) lateness tier's schedule when money
        never binds: ``max(0.1, min(2, 0.2 x left))``.
    pattern_search
        The deadline-pattern search (:mod:`~ntm_sched.engine.patterns`) after the warm start:
        ``0.45 x left``; the final CP-SAT solve, hinted with its best schedule, gets the rest (it
        needs a good schedule to close the bound).
    deadline_lns
        The deadline LNS (:mod:`~ntm_sched.engine.lns`) after the pattern search, only when that
        did not run or improved nothing while deadlines are past their targets: ``0.25 x left``.
    complete_values_time
        Seconds to read back a complete assignment found by the searches (every variable fixed): 5.
    tier_shares
        Share of the time left for a lexicographic tier with 0, 1, 2 or more tiers after it
        (1, 0.85, 0.7): time a tier does not use passes to the next.
    held_tier_start
        The short solve that holds every soft deadline where the tiers so far put it, hinting a
        later tier when money binds: ``min(3, 0.3 x left)``.
    explain_min_time
        Least ``time_limit`` given to the explanation of an infeasible problem: 1.
    explain_probe
        One auxiliary solve of the explanation, from its time limit: ``max(0.5, min(5, tl / 4))``.
    explain_total
        The whole explanation, from its time limit: ``max(10, 3 x tl)``.
    earliest_free
        :func:`~ntm_sched.engine.earliest.earliest_end`'s payment-free bound:
        ``max(0.1, min(3, 0.3 x left))``.
    earliest_first
        :func:`~ntm_sched.engine.earliest.earliest_end`'s first schedule: ``max(0.1, 0.4 x left)``.
    pattern_solve_time
        First time limit of one deadline pattern's solve (doubled when continuing the best): 4.
    lns_solve_time
        Time limit of one LNS move: 1.
    deterministic
        ``time_limit`` and every share above count CP-SAT's deterministic time, not seconds
        (:mod:`ntm_sched.engine.clock`): with ``workers=1`` the answer is the same at any load, in any
        process (the province sweep). Default ``False``: wall seconds.
    deterministic_safety
        With ``deterministic``, the wall-clock safety limit of each search, from ``time_limit``:
        ``max(300, 60 x time_limit)`` seconds (an answer it cuts says so in its notes; a search of a niced
        process on a machine busy with others was seen to take 40 times its idle wall time).

    cache_dir
        A folder of proven, canonical answers to reuse for the same problem
        (:mod:`~ntm_sched.engine.solve_cache`): ``None`` (the default) reads the
        ``NTM_SCHED_SOLVE_CACHE`` environment variable, unset meaning no cache; ``""`` turns the
        cache off.
    """

    time_limit: float = 10.0
    workers: int = 1
    seed: int = 0
    log: bool = False
    check: bool = True
    explain: bool = True
    lexicographic: bool | None = None
    money_formulation: str = "auto"
    payment_free: Slice = Slice(0.15, high=5.0)
    warm_start_sgs: Slice = Slice(0.05, low=0.2)
    complete_money: Slice = Slice(0.2, low=1.0, high=3.0)
    complete_light: Slice = Slice(0.2, low=0.1, high=2.0)
    pattern_search: Slice = Slice(0.45)
    deadline_lns: Slice = Slice(0.25)
    complete_values_time: float = 5.0
    tier_shares: tuple[float, float, float] = (1.0, 0.85, 0.7)
    held_tier_start: Slice = Slice(0.3, high=3.0)
    explain_min_time: float = 1.0
    explain_probe: Slice = Slice(0.25, low=0.5, high=5.0)
    explain_total: Slice = Slice(3.0, low=10.0)
    earliest_free: Slice = Slice(0.3, low=0.1, high=3.0)
    earliest_first: Slice = Slice(0.4, low=0.1)
    pattern_solve_time: float = 4.0
    lns_solve_time: float = 1.0
    canonical: bool = True
    canonical_work: float = 2.0
    canonical_wall: float = 120.0
    deterministic: bool = False
    deterministic_safety: Slice = Slice(60.0, low=300.0)
    cache_dir: str | None = None

    def __post_init__(self) -> None:
        if self.money_formulation not in ("auto", "tranche"):
            raise ValueError(f"SolveOptions.money_formulation must be 'auto' or 'tranche', "
                             f"got {self.money_formulation!r}")
        if not self.time_limit > 0:
            raise ValueError(f"SolveOptions.time_limit must be > 0, got {self.time_limit!r}")
        if int(self.workers) < 1:
            raise ValueError(f"SolveOptions.workers must be >= 1, got {self.workers!r}")
        if self.deterministic and int(self.workers) != 1:
            raise ValueError(f"SolveOptions.deterministic needs workers=1 (several CP-SAT workers share work by "
                             f"thread timing), got workers={self.workers!r}")
        object.__setattr__(self, "time_limit", float(self.time_limit))
        object.__setattr__(self, "workers", int(self.workers))
        object.__setattr__(self, "seed", int(self.seed))

    def tier_share(self, later: int) -> float:
        """Share of the time left for a lexicographic tier with ``later`` tiers after it."""
        return self.tier_shares[min(later, len(self.tier_shares) - 1)]

    def counting_work(self) -> SolveOptions:
        """A copy whose time counts CP-SAT's deterministic time on one worker (:attr:`deterministic`): the same
        answer at any load and in any process."""
        return dataclasses.replace(self, deterministic=True, workers=1)

    def with_(self, **changes: Any) -> SolveOptions:
        """A copy with the fields given (``None`` values are ignored, so optional CLI or
        keyword arguments can be passed straight through)."""
        given = {k: v for k, v in changes.items() if v is not None}
        return dataclasses.replace(self, **given) if given else self


def resolve_options(options: SolveOptions | None = None, **overrides: Any) -> SolveOptions:
    """``options`` (default :class:`SolveOptions()`) with the non-``None`` ``overrides`` applied."""
    return (options if options is not None else SolveOptions()).with_(**overrides)
