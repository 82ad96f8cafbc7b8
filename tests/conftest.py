"""Shared fixtures: a headless system Chromium driven by Playwright, and where screenshots go."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """``outputs/browser/``: screenshots of every browser step, for a person to look at."""
    d = ROOT / "outputs" / "browser"
    d.mkdir(parents=True, exist_ok=True)
    return d


@pytest.fixture(scope="session")
def browser():
    """The system Chromium (Debian package ``chromium``; ``.ci/run`` installs it) under Playwright."""
    sync_api = pytest.importorskip("playwright.sync_api")
    exe = shutil.which("chromium") or CHROMIUM
    if not Path(exe).exists():
        pytest.fail("Chromium is not installed: apt-get install -y chromium (.ci/run does it)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        yield b
        b.close()
