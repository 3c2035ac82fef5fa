# Two commands on a fresh machine: `make run` and `make test`. Each bootstraps .venv from
# pyproject.toml (pinned versions) the first time, and again whenever pyproject.toml changes.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export QT_API := pyside6

.PHONY: run test lint typecheck unit bench clean screenshot

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "GTM Planner needs Python 3.11 or newer; found " + sys.version.split()[0])'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	$(PY) -m gtm_planner $(ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check gtm_planner tests
	$(VENV)/bin/ruff format --check gtm_planner tests
	$(VENV)/bin/lint-imports

typecheck: $(STAMP)
	$(VENV)/bin/mypy

unit: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

test: lint typecheck unit

bench: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m tests.bench.bench

screenshot: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m gtm_planner --screenshot screenshot.png

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache .hypothesis
