# The two Quick start commands: `make serve` and `make check`. Each installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve check test bot-test lint typecheck bench-nlu clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## Start the server on the embedded defaults with the demo bot loaded.
serve: $(STAMP)
	$(BIN)/oiap serve --demo

## The whole check: lint, type check, the full test suite, the example bot's conversation tests.
check: lint typecheck test bot-test

lint: $(STAMP)
	$(BIN)/ruff check src tests $(wildcard bench) $(wildcard scripts)
	$(BIN)/ruff format --check src tests $(wildcard bench) $(wildcard scripts)

typecheck: $(STAMP)
	$(BIN)/mypy src

test: $(STAMP)
	$(BIN)/python -m pytest -q

bot-test: $(STAMP)
	$(BIN)/oiap bot test examples/bank-hotline

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache oiap.db*
