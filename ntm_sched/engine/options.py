"""Solver options: the one home of the defaults of every solve (time limit, workers, seed, ...).

Every caller (scenarios, the command line, notebooks, studies) passes a :class:`SolveOptions`
on, or overrides single fields with :meth:`SolveOptions.with_`; no other module declares a
default time limit, worker count or seed.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any


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
    """

    time_limit: float = 10.0
    workers: int = 1
    seed: int = 0
    log: bool = False
    check: bool = True
    explain: bool = True
    lexicographic: bool | None = None
    money_formulation: str = "auto"
    canonical: bool = True
    canonical_work: float = 10.0
    canonical_wall: float = 120.0

    def __post_init__(self) -> None:
        if self.money_formulation not in ("auto", "tranche"):
            raise ValueError(f"SolveOptions.money_formulation must be 'auto' or 'tranche', "
                             f"got {self.money_formulation!r}")
        if not self.time_limit > 0:
            raise ValueError(f"SolveOptions.time_limit must be > 0, got {self.time_limit!r}")
        if int(self.workers) < 1:
            raise ValueError(f"SolveOptions.workers must be >= 1, got {self.workers!r}")
        object.__setattr__(self, "time_limit", float(self.time_limit))
        object.__setattr__(self, "workers", int(self.workers))
        object.__setattr__(self, "seed", int(self.seed))

    def with_(self, **changes: Any) -> SolveOptions:
        """A copy with the fields given (``None`` values are ignored, so optional CLI or
        keyword arguments can be passed straight through)."""
        given = {k: v for k, v in changes.items() if v is not None}
        return dataclasses.replace(self, **given) if given else self


def resolve_options(options: SolveOptions | None = None, **overrides: Any) -> SolveOptions:
    """``options`` (default :class:`SolveOptions()`) with the non-``None`` ``overrides`` applied."""
    return (options if options is not None else SolveOptions()).with_(**overrides)
