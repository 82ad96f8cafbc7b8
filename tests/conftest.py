"""Shared fixtures: a headless system Chromium driven by Playwright, and where screenshots go; the
order of the tests when pytest-xdist runs them in several processes (``make test``: two); one
solve cache for the whole run."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from ntm_sched.engine.solve_cache import ENV as SOLVE_CACHE

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
    """The system Chromium (Debian package ``chromium``; ``make test`` installs it: target ``browser``)
    under Playwright."""
    sync_api = pytest.importorskip("playwright.sync_api")
    exe = shutil.which("chromium") or CHROMIUM
    if not Path(exe).exists():
        pytest.fail("Chromium is not installed: apt-get install -y chromium (make test does it as root)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        yield b
        b.close()


# ``make test`` runs the tests in two processes (pytest-xdist, ``--dist loadfile``): each test module
# is one unit of work, so that its module-scoped fixtures are computed once. Modules that share a
# session fixture too slow to compute twice are one unit together (they run in the same process).
SAME_PROCESS = (
    # tests/studies/progress/conftest.py::two_weeks: the worked example's week-1 re-plan, about a minute
    ("tests/studies/progress/test_giao_ban.py", "tests/studies/progress/test_replan.py"),
)


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist: unknown without it
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """``--dist loadfile`` with the modules of each :data:`SAME_PROCESS` set as one file.

    (``--dist loadgroup`` and ``xdist_group`` marks would say the same, but pytest 9.2 ignores
    the node ids pytest-xdist 3.8 rewrites for them: pytest-xdist issue 1386.)
    """
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    together = {module: group[0] for group in SAME_PROCESS for module in group}

    class Scheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            module = nodeid.split("::", 1)[0]
            return together.get(module, module)

    return Scheduling(config, log)


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    """In a pytest-xdist worker, the modules holding ``slow`` tests first (each module kept whole).

    The processes take the next module from one queue (``make test`` passes
    ``--no-loadscope-reorder`` so that the queue keeps this order): with the long modules
    (notebooks, the plain install, the reports) at the end of it, one process ran the last of them
    alone while the other had finished. Started first, the short modules fill the end. A plain
    ``pytest`` run keeps the collection order.
    """
    if not hasattr(config, "workerinput"):
        return
    slow = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow)  # stable: the order inside each module is kept


# One solve cache for the run (ntm_sched/engine/solve_cache.py): the base plan and a few others are
# solved in dozens of tests, by the package, by the CLI, by the app and in the notebooks' kernels. A
# proven, canonical answer is a function of the problem, so solving it once per run is enough; the
# tests that are about the search itself, its repeatability or its interruption solve afresh.
FRESH_SOLVES = (
    "tests/engine/",  # the engine's own tests
    "tests/report/test_interrupt.py",  # interrupted in the middle of a solve
)

_OWN_CACHE = pytest.StashKey[str]()


def pytest_configure(config: pytest.Config) -> None:
    """The run's solve cache: made by the first process (pytest-xdist's workers inherit the
    variable, and so do the kernels and commands the tests start); one set beforehand is kept."""
    if SOLVE_CACHE not in os.environ and not hasattr(config, "workerinput"):
        folder = tempfile.mkdtemp(prefix="ntm-solve-cache-")
        os.environ[SOLVE_CACHE] = folder
        config.stash[_OWN_CACHE] = folder


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = config.stash.get(_OWN_CACHE, None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        os.environ.pop(SOLVE_CACHE, None)


@pytest.fixture(autouse=True)
def _fresh_solves_where_the_search_is_tested(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """No solve cache in the modules of :data:`FRESH_SOLVES` and in tests marked ``fresh_solves``."""
    rel = Path(str(request.node.path)).resolve().relative_to(ROOT).as_posix()
    if request.node.get_closest_marker("fresh_solves") or rel.startswith(FRESH_SOLVES):
        monkeypatch.delenv(SOLVE_CACHE, raising=False)
