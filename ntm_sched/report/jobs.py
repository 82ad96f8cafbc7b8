"""Where a run's jobs run: one after the other, in local processes, or on Dask distributed: the one home of it.

Every batch (scenario reports, a province's district reports), the province sweep and the risk analysis
hand their jobs to this module:

* :class:`Where` says where: ``jobs`` local processes (the default: a :class:`~concurrent.futures.ProcessPoolExecutor`;
  one job runs in this process), a Dask ``LocalCluster`` of ``jobs`` workers (``dask``) or an existing
  Dask cluster (``scheduler``, whose workers need ``ntm_sched`` installed). Dask is imported only then:
  the nightly ``batch --jobs 2`` does not need it.
* :func:`dask_client` is the one place a Dask client is made (a caller's client, an existing scheduler or a
  ``LocalCluster`` of one thread per worker) and the cluster it started is closed, also on Ctrl-C.
* :func:`run_jobs` runs ``func(*args)`` for every argument tuple, reports each result as it comes and
  returns them in the order given, so a run's files never depend on which job finished first.

A job that writes files and starts kernels (a report) runs ``isolated``: on Dask, the task starts the job in
a process of its own (``python -m ntm_sched.report.jobs``), in whose main thread SIGTERM works as in a local
worker process. On Ctrl-C or SIGTERM the batch sets a Dask ``Event``; every running task then sends
SIGTERM to its job, which stops its report, shuts its kernel down and records ``<name>.failed/error.txt``
exactly as a local worker does (:func:`stop_workers`); tasks not started return at once. The futures are
then cancelled and a cluster we started is closed. A job that only computes (a sweep point) runs in the Dask
worker itself; an interrupt cancels it (a point still running on an existing cluster finishes there and its
answer is dropped).
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import pickle
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from multiprocessing.connection import wait as wait_for_processes
from pathlib import Path
from typing import Any

from ntm_sched.errors import InputError, Interrupted, signals_held, sigterm_raises

STOP_WAIT = 60.0
"""Seconds an interrupted run waits for its workers to stop their reports (kernel shut down, ``.failed/``
written) before it kills them."""

POLL = 0.5
"""Seconds between two looks of an isolated Dask task at its job and at the run's stop event."""


@dataclass(frozen=True)
class Where:
    """Where a run's jobs run.

    Attributes
    ----------
    jobs
        Jobs at the same time: local processes, or the workers of the Dask ``LocalCluster``.
    dask
        Run on a Dask ``LocalCluster`` of ``jobs`` workers (one thread each) started for the run.
    scheduler
        Address of an existing Dask scheduler (``tcp://host:8786``); implies Dask.
    processes
        A ``LocalCluster`` of processes (default) or of threads (tests).
    """

    jobs: int = 1
    dask: bool = False
    scheduler: str | None = None
    processes: bool = True

    def __post_init__(self) -> None:
        if int(self.jobs) < 1:
            raise InputError(f"jobs must be >= 1, got {self.jobs!r}")

    @property
    def on_dask(self) -> bool:
        """Whether the jobs run on Dask."""
        return self.dask or bool(self.scheduler)

    def describe(self) -> str:
        """One line for a log: ``2 local processes``, ``Dask LocalCluster (2 workers)``, ``Dask scheduler tcp://...``."""
        if self.scheduler:
            return f"Dask scheduler {self.scheduler}"
        if self.dask:
            return f"Dask LocalCluster ({self.jobs} worker{'s' if self.jobs > 1 else ''})"
        return "this process" if self.jobs <= 1 else f"{self.jobs} local processes"


@contextlib.contextmanager
def dask_client(jobs: int | None = None, scheduler: str | None = None, processes: bool = True,
                client: Any = None) -> Iterator[Any]:
    """A ``distributed.Client``: ``client`` itself (kept open), one connected to ``scheduler``, or one of a new
    ``LocalCluster`` of ``jobs`` workers (default: the CPU count), one thread each. What this made is closed
    when the block ends, also on an exception or a signal."""
    if client is not None:
        yield client
        return
    from distributed import Client, LocalCluster

    if scheduler:
        own = Client(scheduler)
        try:
            yield own
        finally:
            own.close()
        return
    n = int(jobs or os.cpu_count() or 1)
    # no dashboard; the scheduler's HTTP server (health, metrics) on a free port: on its default, 8787, a second run
    # at the same time (two batches, a risk run beside a province batch) warned "Port 8787 is already in use"
    cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=processes, dashboard_address=None,
                           scheduler_kwargs={"dashboard_address": ":0"}, silence_logs=logging.ERROR)
    try:
        own = Client(cluster)
        try:
            yield own
        finally:
            own.close()
    finally:
        with signals_held():  # the cluster's worker processes are stopped whole, not left behind
            cluster.close()


def workers_of(client: Any) -> int:
    """The number of workers of a Dask client's cluster (at least 1)."""
    return max(1, len(client.scheduler_info().get("workers", {})) or 1)


def stop_workers(ex: ProcessPoolExecutor) -> None:
    """Stop an interrupted run's worker processes: SIGTERM (each stops its report, shuts its kernel down and
    records ``<name>.failed/``), a bounded wait, SIGKILL for any still alive, then the pool is let go.

    ``ex.shutdown(wait=True)`` is not used here: with a worker that died of the signal while the pool was
    handing out work, Python 3.11's pool can wait forever (a nightly batch stopped by SIGTERM then hung; seen
    once in CI). A report killed here leaves its staging folder, which the next run removes.
    """
    procs = list(getattr(ex, "_processes", {}).values())
    for proc in procs:
        with contextlib.suppress(OSError):
            proc.terminate()
    # a process's sentinel is ready once it has ended, whoever reaps it (the pool's own thread may have:
    # then is_alive() still says True and join() returns at once)
    pending = {proc.sentinel: proc for proc in procs}
    deadline = time.monotonic() + STOP_WAIT
    while pending and (left := deadline - time.monotonic()) > 0:
        for ended in wait_for_processes(list(pending), timeout=left):
            pending.pop(ended)
    stuck = list(pending.values())
    for proc in stuck:
        with contextlib.suppress(OSError):
            proc.kill()
        proc.join(5.0)
    if stuck:  # said, so that a stop that took the whole wait is seen (and a test can tell)
        print(f"{len(stuck)} worker process(es) had not stopped {STOP_WAIT:g} s after SIGTERM: killed",
              file=sys.stderr, flush=True)
    ex.shutdown(wait=False, cancel_futures=True)


def _pool_job(func: Callable[..., Any], *args: Any) -> Any:
    """``func(*args)`` in a process-pool worker; an interrupted job ends its worker.

    A job stopped by :func:`stop_workers`' SIGTERM (or by Ctrl-C) has cleaned up when its
    ``KeyboardInterrupt`` reaches here (kernel stopped, ``.failed/`` written). The pool's own loop
    would catch it, send it back and wait for more work, and the worker then lived until
    :func:`stop_workers` killed it, :data:`STOP_WAIT` seconds later (a batch stopped by SIGTERM took
    69 s instead of 10 in a test run, whenever no second signal happened to reach the worker). The
    run is stopping: the worker exits at once, with the status of the signal.
    """
    try:
        return func(*args)
    except KeyboardInterrupt as exc:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):
                stream.flush()
        os._exit(128 + int(signal.SIGTERM if isinstance(exc, Interrupted) else signal.SIGINT))


def run_jobs(func: Callable[..., Any], args: Sequence[tuple[Any, ...]], where: Where, *,
             on_result: Callable[[int, Any], None] | None = None,
             on_error: Callable[[int, BaseException], Any] | None = None, isolated: bool = False,
             client: Any = None) -> list[Any]:
    """``func(*a)`` for every ``a`` of ``args``, where ``where`` says; the results in the order of ``args``.

    Parameters
    ----------
    func
        A module-level function (pickled to the workers).
    args
        One argument tuple per job.
    where
        Where the jobs run (:class:`Where`).
    on_result
        Called with ``(index, result)`` as each job finishes (in the order they finish), in this process.
    on_error
        ``(index, exception) -> result`` for a job that raised or whose worker died; ``None``: the exception
        propagates. A job interrupted on Ctrl-C/SIGTERM never gets here: the signal propagates.
    isolated
        On Dask, each job runs in a process of its own, stopped by SIGTERM on an interrupt (module docstring).
    client
        A Dask client owned by the caller (kept open), instead of ``where``'s.

    Raises
    ------
    KeyboardInterrupt
        SIGINT, or SIGTERM as :class:`~ntm_sched.errors.Interrupted`: the running jobs were stopped first.
    """
    out: list[Any] = [None] * len(args)

    def done(i: int, get: Callable[[], Any]) -> None:
        try:
            out[i] = get()
        except Exception as exc:
            if on_error is None:
                raise
            out[i] = on_error(i, exc)
        if on_result is not None:
            on_result(i, out[i])

    if client is None and not where.on_dask and where.jobs <= 1:
        for i, a in enumerate(args):
            done(i, functools.partial(func, *a))
    elif client is None and not where.on_dask:
        ex = ProcessPoolExecutor(max_workers=where.jobs)
        try:
            with sigterm_raises():
                futs = {ex.submit(_pool_job, func, *a): i for i, a in enumerate(args)}
                for f in as_completed(futs):
                    done(futs[f], f.result)
        except KeyboardInterrupt:
            stop_workers(ex)
            raise
        except BaseException:  # a job's error without on_error: the jobs not started are dropped
            ex.shutdown(wait=False, cancel_futures=True)
            raise
        ex.shutdown(wait=True)
    else:
        _on_dask(func, args, where, client, isolated, done)
    return out


def _on_dask(func: Callable[..., Any], args: Sequence[tuple[Any, ...]], where: Where, client: Any, isolated: bool,
             done: Callable[[int, Callable[[], Any]], None]) -> None:
    """The Dask branch of :func:`run_jobs`."""
    from distributed import Event, as_completed, wait

    stop_name = f"ntm-sched-stop-{uuid.uuid4().hex}"
    with dask_client(where.jobs, where.scheduler, where.processes, client) as c, sigterm_raises():
        if isolated:
            futs = [c.submit(_isolated_task, func, a, stop_name, pure=False) for a in args]
        else:
            futs = [c.submit(func, *a, pure=False) for a in args]
        index = {f.key: i for i, f in enumerate(futs)}
        try:
            for f in as_completed(futs):
                done(index[f.key], f.result)
        except KeyboardInterrupt:
            with signals_held():  # the reports' clean-up is not cut short by a second signal
                if isolated:
                    Event(stop_name, client=c).set()
                    with contextlib.suppress(Exception):  # a bounded wait: the jobs' own SIGKILL comes first
                        wait(futs, timeout=STOP_WAIT + 10)
                c.cancel(futs, force=True)
            raise


class JobStopped(RuntimeError):
    """An isolated job's process ended without an answer (killed from outside, out of memory)."""


def _isolated_task(func: Callable[..., Any], args: tuple[Any, ...], stop_name: str) -> Any:
    """A Dask task: ``func(*args)`` in a child process (``python -m ntm_sched.report.jobs``), sent SIGTERM
    when the run's stop event is set (then SIGKILL after :data:`STOP_WAIT`); ``None`` once the run is
    interrupted (quietly: the run no longer reads answers, and a raised error would be logged by Dask)."""
    from distributed import Event

    stop = Event(stop_name)
    if stop.is_set():  # the run was interrupted before this job started; nobody reads the answer any more
        return None
    with tempfile.TemporaryDirectory(prefix="ntm-sched-job-") as d:
        job, result = Path(d) / "job.pkl", Path(d) / "result.pkl"
        job.write_bytes(pickle.dumps((func, args)))
        proc = subprocess.Popen([sys.executable, "-m", "ntm_sched.report.jobs", str(job), str(result)])
        try:
            while proc.poll() is None:
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(POLL)
                if proc.poll() is None and stop.is_set():
                    proc.terminate()
                    try:
                        proc.wait(STOP_WAIT)
                    except subprocess.TimeoutExpired:
                        proc.kill()
                        proc.wait()
                    return None  # stopped with its evidence written; the interrupted run reads no answer
        finally:
            if proc.poll() is None:  # the task itself is being torn down: never leave the job behind
                proc.kill()
                proc.wait()
        if not result.exists():
            raise JobStopped(f"the job's process ended with exit code {proc.returncode} and no answer")
        ok, value = pickle.loads(result.read_bytes())
        if ok:
            return value
        raise value


def _child(job: str, result: str) -> int:
    """The child process of an isolated job: run it in this main thread (SIGTERM raises
    :class:`~ntm_sched.errors.Interrupted`, so the job's clean-up runs) and pickle ``(ok, value)``."""
    func, args = pickle.loads(Path(job).read_bytes())
    try:
        with sigterm_raises():
            value: tuple[bool, Any] = (True, func(*args))
    except KeyboardInterrupt as exc:
        from ntm_sched.errors import exit_code_of_signal

        return exit_code_of_signal(exc)
    except Exception as exc:  # noqa: BLE001 - handed to the parent as the job's error
        value = (False, exc)
    try:
        data = pickle.dumps(value)
    except Exception as exc:  # noqa: BLE001 - an error that does not pickle: its text
        data = pickle.dumps((False, RuntimeError(f"{type(exc).__name__}: {exc}")))
    Path(result).write_bytes(data)
    return 0


if __name__ == "__main__":  # pragma: no cover - run by _isolated_task
    sys.exit(_child(sys.argv[1], sys.argv[2]))
