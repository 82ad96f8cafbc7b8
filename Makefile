# Everything runs in a local virtual environment made from the project's own files.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
KERNEL := ntm-sched

.PHONY: setup report test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m ipykernel install --prefix $(VENV) --name $(KERNEL) --display-name "ntm-sched (Python 3)"
	touch $(STAMP)

setup: $(STAMP)

## The main job: the base scenario's report in outputs/base/base/
report: $(STAMP)
	$(BIN)/ntm-sched report base --run base

## The test suite: lint and import order (ruff), types (mypy), then the tests in two processes
## (pytest-xdist, one module at a time per process, the slow modules first: tests/conftest.py)
TEST_PROCESSES ?= 2
test: $(STAMP)
	$(BIN)/ruff check ntm_sched tests benchmarks
	$(BIN)/mypy
	$(BIN)/python -m pytest -q -n $(TEST_PROCESSES) --dist loadfile --no-loadscope-reorder

lint: $(STAMP)
	$(BIN)/ruff check ntm_sched tests benchmarks
	$(BIN)/mypy

bench: $(STAMP)
	$(BIN)/python benchmarks/psplib_j30.py

clean:
	rm -rf $(VENV) build *.egg-info
