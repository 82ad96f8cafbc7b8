"""Stopping CP-SAT searches from another thread (a Cancel button, a signal handler).

A :class:`StopFlag` is made current with :func:`stopping`; every CP-SAT solver the engine
creates while it is current (:func:`ntm_sched.engine.cpsat.make_solver`, the deadline-pattern
solves, the canonical search, the group search) is attached to it. :meth:`StopFlag.set` then
stops every attached search (``CpSolver.stop_search``) and makes every search started afterwards
stop at once: its time limit is set to a millisecond when it is attached, and, because CP-SAT
forgets a stop asked before its search begins and callers may still change a solver's time limit
after creating it, a watcher thread repeats ``stop_search`` on every attached solver every 50 ms
until the flag's block ends. A solve in progress returns within a fraction of a second with what
it has (usually ``UNKNOWN`` or ``FEASIBLE``), and the callers that loop over questions check
:meth:`StopFlag.is_set` between them.

A stopped search is never mistaken for an answer: CP-SAT reports what it proved before the
stop, and the callers report an unfinished question as unsettled.

A search with CP-SAT's ``repair_hint`` (the canonical search's first step,
:mod:`~ntm_sched.engine.canonical`) is stopped only once it has found its first solution: OR-Tools 9.15
aborts the whole process ("Check failed: heuristics.fixed_search != nullptr") when such a search is
stopped at one moment of its start. Stopped at random moments, one search in about forty did so
(``benchmarks/stop_abort.py``), and the test suite lost a worker to it once. Such a search passes
:func:`past_start` as its solution callback; until its first solution (or its own limit) the stop
waits. One attached when the flag is already set drops ``repair_hint`` before it is cut to a
millisecond.

:func:`stopping_here` attaches the searches of one context (a thread started with
``contextvars.copy_context().run``) to a second flag as well, beside the current one: a search started
ahead of its turn (:func:`ntm_sched.engine.lateness_search.lateness_search`'s ``then``) is stopped
when its answer is no longer wanted, without touching the searches of the other threads. Once that flag is set, the
next search asked for in the context raises :class:`Abandoned` instead of starting (and so does
:func:`check_abandoned`, between the steps of the schedule generator): the work ends there rather than running its
remaining steps (the warm start's tries, later tiers, the canonical search, the tables) on searches stopped at once.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any


class Abandoned(BaseException):
    """A search was asked for in a context whose :func:`stopping_here` flag is set: the context's answer is no longer
    wanted, and its work ends at this point.

    A ``BaseException`` (like ``KeyboardInterrupt``), so that no ``except Exception`` on the way takes it for a step
    that failed and goes on; the one who set the flag catches it (or drops the thread's outcome).
    """


class StopFlag:
    """A flag that stops the CP-SAT searches attached to it when set (thread-safe)."""

    def __init__(self) -> None:
        self._event = threading.Event()
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._solvers: list[Any] = []

    def set(self) -> None:
        """Stop every attached search now and every search attached later at once."""
        first = not self._event.is_set()
        self._event.set()
        self._stop_all()
        if first:
            threading.Thread(target=self._watch, name="ntm-stop-watch", daemon=True).start()

    def _stop_all(self) -> None:
        with self._lock:
            solvers = list(self._solvers)
        for s in solvers:
            if stoppable(s):
                s.stop_search()

    def _watch(self) -> None:
        """Repeat the stop on every attached solver until the flag's block ends (a stop before a search began is
        forgotten by CP-SAT)."""
        while not self._done.wait(0.05):
            self._stop_all()

    def is_set(self) -> bool:
        """Whether :meth:`set` was called."""
        return self._event.is_set()

    def attach(self, solver: Any) -> None:
        """Attach a ``cp_model.CpSolver`` before its ``solve``: stopped when the flag is (or gets) set."""
        with self._lock:
            self._solvers.append(solver)
        if self._event.is_set():
            # a stop asked before the solve begins is lost by CP-SAT: make the search end at once instead (without
            # repair_hint, which a search cut at its start may abort the process with: module docstring)
            solver.parameters.repair_hint = False
            solver.parameters.max_time_in_seconds = 0.001
            solver.stop_search()

    def detach_all(self) -> None:
        """Forget the attached solvers (they have finished) and end the watcher."""
        with self._lock:
            self._solvers.clear()
        self._done.set()


def stoppable(solver: Any) -> bool:
    """Whether a running search of ``solver`` may be stopped: not with ``repair_hint`` before its first solution
    (module docstring)."""
    return not solver.parameters.repair_hint or getattr(solver, "_ntm_past_start", False)


def past_start(solver: Any) -> Any:
    """The solution callback of a search of ``solver`` with ``repair_hint``: at its first solution the search is past
    the start that a stop may abort, and :meth:`StopFlag.set` stops it from then on (module docstring)."""
    from ortools.sat.python import cp_model

    class PastStart(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            solver._ntm_past_start = True

    solver._ntm_past_start = False
    return PastStart()


_current: StopFlag | None = None


@contextmanager
def stopping(flag: StopFlag | None) -> Iterator[StopFlag | None]:
    """Make ``flag`` the current one while the block runs (``None``: no flag; the previous one is restored)."""
    global _current
    previous = _current
    _current = flag
    try:
        yield flag
    finally:
        _current = previous
        if flag is not None:
            flag.detach_all()


_local: contextvars.ContextVar[StopFlag | None] = contextvars.ContextVar("ntm_local_stop", default=None)


@contextmanager
def stopping_here(flag: StopFlag) -> Iterator[StopFlag]:
    """While the block runs, the solvers created in this context (and in the contexts copied from it) are attached
    to ``flag`` too, beside the current flag of :func:`stopping` (module docstring); other threads' are not."""
    token = _local.set(flag)
    try:
        yield flag
    finally:
        _local.reset(token)
        flag.detach_all()


def current() -> StopFlag | None:
    """The current flag, if any."""
    return _current


def attach(solver: Any) -> Any:
    """Attach ``solver`` to the current flag (if any), to this context's flag of :func:`stopping_here` (if any) and to
    the solve's clock (:func:`ntm_sched.engine.clock.track`); returns the solver.

    Raises
    ------
    Abandoned
        This context's flag of :func:`stopping_here` is set: no search starts in it any more.
    """
    from ntm_sched.engine.clock import track

    check_abandoned()
    track(solver)
    if _current is not None:
        _current.attach(solver)
    local = _local.get()
    if local is not None:
        local.attach(solver)
    return solver


def check_abandoned() -> None:
    """Raise :class:`Abandoned` when this context's flag of :func:`stopping_here` is set: called before each search
    (:func:`attach`) and between the steps of a long computation that is not a search (the generator's tries)."""
    local = _local.get()
    if local is not None and local.is_set():
        raise Abandoned


def stop_requested() -> bool:
    """Whether the current flag is set."""
    return _current is not None and _current.is_set()


def stopped_here() -> bool:
    """Whether the current flag or this context's flag of :func:`stopping_here` is set: a search may have been cut."""
    local = _local.get()
    return stop_requested() or (local is not None and local.is_set())
