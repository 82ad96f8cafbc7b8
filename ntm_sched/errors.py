"""The kinds of failure every layer can raise, and signals turned into exceptions.

The command line maps them to exit codes in one place (:func:`ntm_sched.cli.main`):

* :class:`InputError` (and its subclasses: a bad plan, scenario, allocation file, output
  target or name) -> exit 2, one located message;
* :class:`RunFailed` (a report that failed, a batch with failed scenarios) -> exit 1;
* :class:`Interrupted` (SIGTERM) and ``KeyboardInterrupt`` (SIGINT) -> exit 128 + signal;
* anything else is a bug -> exit 3, a short message and where the traceback was logged.

This module imports nothing from the package (every layer may use it).
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator


class InputError(ValueError):
    """Bad input from the user (a file, a name, a value): the message says where and what."""


class RunFailed(RuntimeError):
    """The job ran but its answer is not a success (e.g. a report notebook failed)."""


class Interrupted(KeyboardInterrupt):
    """The process received a termination signal (SIGTERM) while working.

    A subclass of ``KeyboardInterrupt`` so that ``except Exception`` never swallows it and
    every ``except BaseException`` clean-up (temporary folders, kernels) runs as for Ctrl-C.
    """

    def __init__(self, signum: int = signal.SIGTERM) -> None:
        self.signum = int(signum)
        super().__init__(f"interrupted by {signal.Signals(self.signum).name}")


class Cancelled(Exception):
    """The person who started a long question (a page's Cancel button) asked it to stop; nothing was answered."""


def signal_name(exc: BaseException) -> str:
    """``SIGTERM`` for an :class:`Interrupted`, ``SIGINT`` for a plain ``KeyboardInterrupt``."""
    return signal.Signals(getattr(exc, "signum", signal.SIGINT)).name


def exit_code_of_signal(exc: BaseException) -> int:
    """The shell's convention: 128 + the signal number (143 for SIGTERM, 130 for SIGINT)."""
    return 128 + int(getattr(exc, "signum", signal.SIGINT))


def _raise_interrupted(signum: int, frame: object) -> None:
    # once: the clean-up the first SIGTERM starts is not cut short by a second one (a process pool terminates its
    # workers again as soon as one has exited); :func:`sigterm_raises` restores the handler when its block ends
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise Interrupted(signum)


@contextlib.contextmanager
def sigterm_raises() -> Iterator[None]:
    """Inside the block, SIGTERM raises :class:`Interrupted` (SIGINT already raises
    ``KeyboardInterrupt``), so that clean-up code runs; the previous handler is restored.

    The first SIGTERM raises; the ones after it, until the block ends, are ignored: clean-up code inside the block (an
    ``except`` within it) runs to its end even when a second SIGTERM follows at once.

    Only the main thread can install signal handlers: elsewhere this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_interrupted)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextlib.contextmanager
def signals_held() -> Iterator[None]:
    """Inside the block, SIGINT and SIGTERM are held, so that a clean-up or a publication runs
    to its end; a signal that arrived meanwhile is delivered again, to the handlers that were in
    place, when the block ends.

    A second signal during a clean-up is not rare: a batch stopped by SIGTERM terminates its
    worker processes, and as soon as one of them has exited abruptly the process pool
    (``concurrent.futures``, ``terminate_broken``) terminates the others again; without this, a
    worker in the middle of removing its staging folder was stopped and left the folder behind.
    Handlers are swapped (not masked with ``pthread_sigmask``) because any thread may take a
    process-directed signal while Python runs handlers in the main thread. Only the main thread
    can install handlers: elsewhere this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []

    def hold(signum: int, frame: object) -> None:
        held.append(signum)

    previous = {int(s): signal.signal(s, hold) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, h in previous.items():
            signal.signal(s, h if h is not None else signal.SIG_DFL)  # None: a handler not set from Python
        for s in dict.fromkeys(held):  # each signal once, in the order they came
            signal.raise_signal(s)
