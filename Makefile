# Ground Truth: the two commands a newcomer needs are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

# Test processes (pytest-xdist): one more than the cores, because a browser test spends part of
# its time waiting for Chromium and the server, and the extra process fills that wait. On 2
# cores: 2 processes 331 s, 3 processes 286 s, 4 processes 291 s (the CPU is then saturated).
# `make test WORKERS=0` runs in one process.
WORKERS ?= $(shell $(PYTHON) -c 'import os; print((os.cpu_count() or 1) + 1)')
PYTEST := $(BIN)/python -m pytest -n $(WORKERS) --dist loadgroup
# Each test process keeps the bytecode of the assertion-rewritten test modules it compiles
# (in __pycache__, git-ignored), so the next run does not compile them again.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test test-fast test-deep lint format install install-dev bench screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(VENV)/.runtime $@

install: $(VENV)/.runtime

install-dev: $(VENV)/.dev

run: install
	$(BIN)/streamlit run app.py --server.port $(PORT) --server.address localhost

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Everything: lint, then the whole suite, browser tests included.
test: lint
	$(PYTEST)

# The inner loop: no browser, nothing marked slow (see pyproject.toml's markers).
test-fast: install-dev
	$(PYTEST) -m "not browser and not slow"

# The property tests with many more examples (tests/hypothesis_profiles.py), no browser.
test-deep: install-dev
	HYPOTHESIS_PROFILE=deep $(PYTEST) -m "not browser"

bench: install-dev
	$(BIN)/python cli.py bench

# docs/overview.png and docs/present-watermelons.png, taken in Chromium from the sample, and
# every page on the unusual workbooks, normal and presenting, in tests/artifacts/workbooks/
screenshots: install-dev
	$(BIN)/python -m tools.screenshots --out docs
	GROUNDTRUTH_SCREENSHOTS=1 $(PYTEST) tests/test_browser_workbooks.py -q

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache tests/artifacts
