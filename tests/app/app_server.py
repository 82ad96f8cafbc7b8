"""Helpers of the browser tests: ``ntm-sched app`` started in its own process group and stopped at the
end, and a wait that fails with what a person would look at."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running_app(scenario: str | Path, scenario_dir: Path, time_limit: float, *extra: str) -> Iterator[str]:
    """``ntm-sched app SCENARIO`` on a free port until the block ends, its solves on one CP-SAT worker (the
    tests run in two processes on two cores); yields its address.

    Parameters
    ----------
    scenario
        The scenario (a name or a file) the app opens.
    scenario_dir
        Where "save as a scenario" writes; the app's log is ``scenario_dir.parent / "app.log"``.
    time_limit
        Seconds per solve.
    extra
        More arguments (``--lang en``).
    """
    port = _free_port()
    log_path = scenario_dir.parent / "app.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen([sys.executable, "-m", "ntm_sched.cli", "app", str(scenario), "--port", str(port),
                                 "--time-limit", str(time_limit), "--workers", "1", "--scenario-dir", str(scenario_dir),
                                 *extra],
                                stdout=log, stderr=subprocess.STDOUT, start_new_session=True, cwd=str(ROOT))
        url = f"http://127.0.0.1:{port}/"
        try:
            for _ in range(240):
                if proc.poll() is not None:
                    raise AssertionError(f"the app stopped: {log_path.read_text()[-3000:]}")
                # the port answering is enough: a request of the page would start a kernel that solves the
                # scenario beside the browser's own (two first solves at once on two cores)
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=2).close()
                    break
                except OSError:
                    time.sleep(0.5)
            else:
                raise AssertionError("the app did not answer within 120 s")
            yield url
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def wait_for(page, selector: str, timeout_ms: int, log: Path, screenshots: Path) -> None:
    """``page.wait_for_selector`` that, on a timeout, fails with what a person would look at: the page's
    text, the app's log and a screenshot (``outputs/browser/app-timeout.png``)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_selector(selector, timeout=timeout_ms)
    except PlaywrightTimeout:
        page.screenshot(path=str(screenshots / "app-timeout.png"), full_page=True)
        text = page.inner_text("body")[-2000:] if page.locator("body").count() else "(no body)"
        raise AssertionError(f"{selector} did not appear within {timeout_ms / 1000:g} s; "
                             f"load average {os.getloadavg()}\n--- page ---\n{text}\n"
                             f"--- app log ---\n{log.read_text(errors='replace')[-4000:]}") from None
