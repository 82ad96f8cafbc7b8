"""The clock a solve shares its time by: wall seconds, or CP-SAT's deterministic time (a count of work).

A solve splits its ``time_limit`` between steps by the time left (:class:`~ntm_sched.engine.options.SolveOptions`),
and so by default its answer depends on the machine's speed and load. With
:attr:`SolveOptions.deterministic <ntm_sched.engine.options.SolveOptions>` the solve runs under a
:class:`WorkClock` (:func:`counting_work`): every CP-SAT search's limit is deterministic time
(``max_deterministic_time``, measured by CP-SAT in its own units, about seconds on an idle machine), the
time left is the limit minus the deterministic time the searches so far used, and the Python warm start
makes all its tries. With one CP-SAT worker and a fixed seed the answer is then the same on any machine,
at any load, in any process (``--jobs``, Dask): what the province sweep needs ("one answer however
computed"). A wall-clock limit stays on every search as a safety net only (:attr:`WorkClock.safety`).

Every CP-SAT solver the engine creates is attached (:func:`ntm_sched.engine.stop.attach`), which also
tracks it here; callers set a search's limit with :func:`set_limit` and read the clock with :func:`now`.
The clock is a context variable: concurrent solves in threads of one process each have their own.
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

WALL_CUT_NOTE = ("a search was stopped by its wall-clock safety limit (machine too busy): this answer may differ "
                 "from another run's")
"""The note of a deterministic solve that a wall-clock safety limit cut (:attr:`WorkClock.wall_cut`)."""


class WorkClock:
    """Deterministic time used by the CP-SAT searches of one solve.

    Attributes
    ----------
    safety
        Wall-clock seconds per search, a safety net on a machine that is far too busy (a search it cuts
        makes the answer depend on the load: :attr:`wall_cut` says so).
    """

    def __init__(self, safety: float) -> None:
        self.safety = float(safety)
        self._used = 0.0
        self._solvers: list[list[Any]] = []  # [solver, the last response counted]
        self.wall_cut = False

    def track(self, solver: Any) -> None:
        """Count the deterministic time of ``solver``'s searches."""
        self._solvers.append([solver, None])

    def used(self) -> float:
        """Deterministic time used so far (each search counted once, also when a solver searches twice)."""
        for entry in self._solvers:
            try:
                resp = entry[0].response_proto
            except RuntimeError:  # not solved yet
                continue
            if resp is not entry[1]:
                entry[1] = resp
                self._used += float(resp.deterministic_time)
                limit = entry[0].parameters.max_deterministic_time
                if resp.wall_time >= self.safety * 0.99 and resp.deterministic_time < limit:
                    self.wall_cut = True
        return self._used


_CLOCK: contextvars.ContextVar[WorkClock | None] = contextvars.ContextVar("ntm_work_clock", default=None)


@contextmanager
def counting_work(on: bool, safety: float) -> Iterator[WorkClock | None]:
    """Inside the block, time is deterministic work (``on``) or wall seconds (not ``on``: nothing changes)."""
    if not on:
        yield None
        return
    clock = WorkClock(safety)
    token = _CLOCK.set(clock)
    try:
        yield clock
    finally:
        _CLOCK.reset(token)


def current() -> WorkClock | None:
    """The clock of the solve running in this context, if it counts work."""
    return _CLOCK.get()


def deterministic() -> bool:
    """Whether time is counted as deterministic work here."""
    return _CLOCK.get() is not None


def now() -> float:
    """The time now: deterministic time used by this solve, or ``time.perf_counter()``."""
    clock = _CLOCK.get()
    return clock.used() if clock is not None else time.perf_counter()


def track(solver: Any) -> None:
    """Count ``solver``'s searches on the current clock (no-op on the wall clock)."""
    clock = _CLOCK.get()
    if clock is not None:
        clock.track(solver)


def limit_work(solver: Any, work: float, safety: float) -> Any:
    """Limit ``solver``'s next search to ``work`` units of CP-SAT's deterministic time, with ``safety`` wall seconds
    beside it (a safety net: a search it stops may end elsewhere in another run). Returns the solver."""
    p = solver.parameters
    p.max_deterministic_time = float(work)
    p.max_time_in_seconds = float(safety)
    return solver


def set_limit(solver: Any, seconds: float) -> Any:
    """Limit ``solver``'s next search to ``seconds`` of the current clock: deterministic time (the wall-clock
    safety net beside it), or wall seconds. Returns the solver."""
    clock = _CLOCK.get()
    p = solver.parameters
    if clock is None:
        p.max_time_in_seconds = float(seconds)
    else:
        clock.used()  # a solver searching again: its last search is counted first
        limit_work(solver, seconds, clock.safety)
    return solver
