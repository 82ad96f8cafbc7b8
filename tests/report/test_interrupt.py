"""A report stopped by SIGTERM or SIGINT cleans up (kernel stopped, staging folder removed, a
.failed/error.txt saying it was interrupted); after SIGKILL the next run removes the staging
folder the killed run left. Black-box: the ``ntm-sched`` command in a child process."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ntm_sched.cli import main

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
CLI = Path(sys.executable).with_name("ntm-sched")


def _children(pid: int) -> list[int]:
    kids = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                if int((d / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    kids.append(int(d.name))
    return kids


def _alive(pid: int) -> bool:
    try:
        return (Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]) != "Z"
    except (OSError, IndexError):
        return False


def _start_report(outputs: Path) -> tuple[subprocess.Popen, list[int]]:
    """A report that runs long enough; returns once its kernel runs the notebook in staging."""
    proc = subprocess.Popen([str(CLI), "report", "base", "--run", "r", "--outputs", str(outputs),
                             "--time-limit", "120", "--workers", "1"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    t0 = time.monotonic()
    kids: list[int] = []
    while time.monotonic() - t0 < 180:
        kids = _children(proc.pid)
        if kids and list(outputs.glob(".r/base.tmp-*/report.ipynb")):
            break
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.3)
    time.sleep(2)  # inside the notebook's cells
    return proc, _children(proc.pid)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_an_interrupted_report_stops_its_kernel_and_leaves_only_a_failed_record(tmp_path, sig) -> None:
    outputs = tmp_path / "outputs"
    proc, kids = _start_report(outputs)
    assert kids, "the kernel runs as a child of the report"
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 128 + sig, err
    assert f"interrupted by {sig.name}" in err
    time.sleep(0.5)
    assert not [k for k in kids if _alive(k)], "the kernel outlived the report"
    assert not (outputs / ".r").exists() or not any((outputs / ".r").iterdir())  # no staging left
    assert not (outputs / "r" / "base").exists()  # nothing half-written published
    error = (outputs / "r" / "base.failed" / "error.txt").read_text(encoding="utf-8")
    assert f"interrupted by {sig.name}" in error


def test_after_sigkill_the_next_run_removes_the_stale_staging_folder(tmp_path, capsys) -> None:
    outputs = tmp_path / "outputs"
    proc, kids = _start_report(outputs)
    proc.kill()
    proc.communicate(timeout=60)
    for k in kids:  # the orphaned kernel of the killed run (started by this test)
        with contextlib.suppress(ProcessLookupError):
            os.kill(k, signal.SIGKILL)
    stale = list(outputs.glob(".r/base.tmp-*"))
    assert stale, "SIGKILL leaves the staging folder behind"
    # a live run's staging folder (this process) is never taken for a stale one
    live = outputs / ".r" / f"other.tmp-{os.getpid()}-abcdefgh"
    live.mkdir()
    assert main(["report", "no_such_scenario", "--run", "r", "--outputs", str(outputs)]) == 2
    assert not any(p.exists() for p in stale)
    assert live.is_dir()


def test_a_batch_stopped_by_sigterm_stops_its_running_reports(tmp_path) -> None:
    """The nightly batch runs reports in worker processes; SIGTERM to the batch reaches them."""
    outputs = tmp_path / "outputs"
    proc = subprocess.Popen([str(CLI), "batch", "base", "programme_cut_20", "--run", "n", "--jobs", "2",
                             "--outputs", str(outputs), "--time-limit", "120", "--workers", "1"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    t0 = time.monotonic()
    while time.monotonic() - t0 < 240 and len(list(outputs.glob(".n/*.tmp-*/report.ipynb"))) < 2:
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.3)
    time.sleep(2)
    workers = _children(proc.pid)
    kernels = [k for w in workers for k in _children(w)]
    assert kernels, "each worker runs a kernel"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=180)
    assert proc.returncode == 143, err
    assert "had not stopped" not in err  # each worker ended with its report, none waited for SIGKILL
    time.sleep(0.5)
    assert not [p for p in workers + kernels if _alive(p)]
    left = sorted(str(p.relative_to(outputs)) for p in (outputs / ".n").rglob("*")) if (outputs / ".n").exists() else []
    assert left == [], err
    for name in ("base", "programme_cut_20"):
        assert "interrupted by SIGTERM" in (outputs / "n" / f"{name}.failed" / "error.txt").read_text()
        assert not (outputs / "n" / name).exists()
    assert "interrupted by SIGTERM" in (outputs / "n" / "batch.log").read_text(encoding="utf-8")
