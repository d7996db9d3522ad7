# Two entry points that work on a fresh machine with only python3 (and make):
#   make demo   set up .venv, generate a demo world (10,000 customers), ingest it, print a
#               summary (about 5 minutes), then serve
#               the dashboard on it at http://127.0.0.1:8000/ with a printed login (Ctrl-C
#               stops it; 'tenure demo --no-serve' only builds the demo)
#   make test   set up .venv, run the linters (ruff, import-linter, mypy) and all tests
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/tenure demo

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/lint-imports
	$(BIN)/mypy

test: lint
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python bench/ingest.py

.PHONY: bench-metrics
bench-metrics: $(STAMP)
	$(BIN)/python bench/metrics.py

clean:
	rm -rf $(VENV) tenure-demo .pytest_cache .mypy_cache .ruff_cache
