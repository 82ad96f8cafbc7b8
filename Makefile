# Everything runs in a local virtual environment made from the project's own files.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
KERNEL := ntm-sched

.PHONY: setup report browser test test-long test-install lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@# setuptools' notice on every editable install ("Please be careful with folders ... same name as your
	@# package") is a Python warning of the build backend: not shown, so that a good first run prints none
	PYTHONWARNINGS=ignore $(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m ipykernel install --prefix $(VENV) --name $(KERNEL) --display-name "ntm-sched (Python 3)"
	touch $(STAMP)

setup: $(STAMP)

## The main job: the base scenario's report in outputs/base/base/
report: $(STAMP)
	$(BIN)/ntm-sched report base --run base

## The browser tests drive the system Chromium (Debian package `chromium`, tests/conftest.py).
## The one place that obtains it (`make test` and .ci/run): present, or installed with apt-get
## when run as root; otherwise one line saying what to install, and nothing else runs.
CHROMIUM ?= chromium
browser:
	@if command -v $(CHROMIUM) >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "Chromium is missing (the browser tests drive it): apt-get install chromium"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium \
	    && command -v $(CHROMIUM) >/dev/null 2>&1 \
	    || { echo "error: Chromium is still missing after apt-get install chromium" >&2; exit 1; }; \
	else \
	  echo "error: the browser tests need Chromium: install the Debian package chromium (sudo apt-get install chromium), then run make test again" >&2; \
	  exit 1; \
	fi

## The test suite: lint and import order (ruff), types (mypy), then the tests in two processes
## (pytest-xdist, one module at a time per process, the slow modules first: tests/conftest.py).
## Chromium first (target browser), so a machine without it stops before anything is installed.
## A test process that dies (a native abort, say) fails the run at once (--max-worker-restart=0): with
## pytest-xdist's default of restarting it, --dist loadfile waited for ever (tests/test_packaging.py).
## The install check (a plain `pip install .` into a new venv, then a report) is not part of it:
## it installs every dependency again (about a minute); CI runs it before the suite (test-install).
## Nor are the `long` tests (pyproject.toml's markers: a whole computation done again from scratch only to
## compare the two answers across processes, workers, seeds or schedulers, and the opt-in slow modes):
## target test-long, which CI runs too (.ci/run), so that make test stays within five minutes on 2 cores.
TEST_PROCESSES ?= 2
PYTEST := $(BIN)/python -m pytest -q -n $(TEST_PROCESSES) --dist loadfile --no-loadscope-reorder --max-worker-restart=0
test: browser $(STAMP)
	$(BIN)/ruff check ntm_sched tests benchmarks
	$(BIN)/mypy
	$(PYTEST) -m "not install and not long"

## The long tests only (about 90 s on 2 cores).
test-long: $(STAMP)
	$(PYTEST) -m long

## A plain `pip install .` in a fresh venv (no make setup, no kernel registered) gives the base
## report from any folder (tests/test_plain_install.py).
test-install: $(STAMP)
	$(BIN)/python -m pytest -q -m install tests/test_plain_install.py

lint: $(STAMP)
	$(BIN)/ruff check ntm_sched tests benchmarks
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python benchmarks/psplib_j30.py

clean:
	rm -rf $(VENV) build *.egg-info
