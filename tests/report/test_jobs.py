"""Where a run's jobs run (:mod:`ntm_sched.report.jobs`): the same answers in the order given, in this process,
in local processes and on Dask; a failing job handed to ``on_error``; an interrupted Dask run stops its isolated
jobs (each runs its own clean-up, as a report writes ``.failed/``), cancels the futures and closes its cluster."""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from pathlib import Path

import pytest

from ntm_sched.errors import InputError
from ntm_sched.report.jobs import Where, run_jobs


def square_slowly(x: int) -> int:
    """A job: later jobs finish first."""
    time.sleep(0.05 * (3 - x) if x < 3 else 0)
    return x * x


def fail_on_two(x: int) -> int:
    if x == 2:
        raise ValueError("two is bad")
    return x


def wait_for_signal(folder: str) -> str:
    """A job like a report: it says it started, waits, and on SIGTERM/SIGINT records that it was stopped."""
    f = Path(folder)
    (f / f"started-{os.getpid()}").write_text("", encoding="utf-8")
    try:
        time.sleep(120)
    except KeyboardInterrupt:
        (f / f"stopped-{os.getpid()}").write_text("evidence", encoding="utf-8")
        raise
    return "not stopped"


@pytest.mark.parametrize("where", [Where(jobs=1), Where(jobs=2), Where(jobs=2, dask=True, processes=False)],
                         ids=["serial", "processes", "dask"])
def test_answers_come_in_the_order_given_wherever_they_ran(where) -> None:
    seen: list[int] = []
    got = run_jobs(square_slowly, [(x,) for x in range(4)], where, on_result=lambda i, r: seen.append(i))
    assert got == [0, 1, 4, 9]
    assert sorted(seen) == [0, 1, 2, 3]


def test_a_failing_job_goes_to_on_error_or_propagates() -> None:
    got = run_jobs(fail_on_two, [(x,) for x in range(4)], Where(jobs=1), on_error=lambda i, e: f"{i}: {e}")
    assert got == [0, 1, "2: two is bad", 3]
    with pytest.raises(ValueError, match="two is bad"):
        run_jobs(fail_on_two, [(x,) for x in range(4)], Where(jobs=1))


def test_where_says_where() -> None:
    assert Where(jobs=2).describe() == "2 local processes" and not Where(jobs=2).on_dask
    assert Where(jobs=3, dask=True).describe() == "Dask LocalCluster (3 workers)"
    assert Where(scheduler="tcp://h:8786").on_dask
    with pytest.raises(InputError):
        Where(jobs=0)


def test_the_default_runs_without_importing_dask() -> None:
    import subprocess

    code = ("import sys; from ntm_sched.report.jobs import Where, run_jobs; "
            "from tests.report.test_jobs import square_slowly; "
            "assert run_jobs(square_slowly, [(1,), (2,)], Where(jobs=2)) == [1, 4]; "
            "print('distributed' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[2])
    assert out.stdout.strip() == "False"


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_an_interrupted_dask_run_stops_its_jobs_with_their_evidence_and_closes_its_cluster(tmp_path) -> None:
    def interrupt_when_started() -> None:
        deadline = time.monotonic() + 60
        while len(list(tmp_path.glob("started-*"))) < 2 and time.monotonic() < deadline:
            time.sleep(0.1)
        os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=interrupt_when_started, daemon=True).start()
    t0 = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        run_jobs(wait_for_signal, [(str(tmp_path),)] * 3, Where(jobs=2, dask=True, processes=False), isolated=True)
    assert time.monotonic() - t0 < 60
    assert len(list(tmp_path.glob("started-*"))) == 2  # the third job never started
    assert len(list(tmp_path.glob("stopped-*"))) == 2  # each running job ran its clean-up
    for p in tmp_path.glob("started-*"):  # and its process is gone
        pid = int(p.name.split("-")[1])
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_two_local_clusters_at_once_say_nothing() -> None:
    """A run's Dask cluster beside another (here: a socket on the scheduler's default HTTP port, 8787) starts
    without a warning: its HTTP server takes a free port."""
    import socket
    import warnings

    from ntm_sched.report.jobs import dask_client

    with socket.socket() as other:
        try:
            other.bind(("", 8787))
            other.listen()
        except OSError:
            pass  # another process holds it already: the question is the same
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            with dask_client(1, None, False) as client:
                assert client.submit(sum, [1, 2]).result() == 3
    assert not [w for w in seen if "8787" in str(w.message)], [str(w.message) for w in seen]
