# The two Quick start commands: `make serve` and `make check`. Each installs what it needs.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CONSOLE := console
CONSOLE_DIST := src/oiap/api/console/dist
CONSOLE_MODULES := $(CONSOLE)/node_modules/.package-lock.json
CONSOLE_SOURCES := $(shell find $(CONSOLE)/src $(CONSOLE)/scripts $(CONSOLE)/index.html \
	$(CONSOLE)/vite.config.ts $(CONSOLE)/tsconfig*.json $(CONSOLE)/package.json \
	-type f 2>/dev/null)

.PHONY: serve check test bot-test lint typecheck console console-check console-screenshots clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

# The console's packages, as package-lock.json pins them. Not `npm ci`: it refuses a lock file
# that leaves out an optional package the registry does not have (Vite's Windows-only
# napi-windows-process-start-time), which `npm install` skips, leaving the lock file as it is.
$(CONSOLE_MODULES): $(CONSOLE)/package-lock.json
	cd $(CONSOLE) && npm install --no-audit --no-fund --loglevel=error
	touch $(CONSOLE_MODULES)

# Built only when its sources changed; the server serves it at /console.
$(CONSOLE_DIST)/index.html: $(CONSOLE_MODULES) $(CONSOLE_SOURCES)
	cd $(CONSOLE) && npm run --silent build
	touch $@

## Build the console (the server serves it at /console).
console: $(CONSOLE_DIST)/index.html

## Start the server on the embedded defaults with the demo bot and the console.
serve: $(STAMP) console
	$(BIN)/oiap serve --demo

## The whole check: lint, type check, the console's checks, the full test suite (browser
## tests included), the example bot's conversation tests.
check: lint typecheck console-check test bot-test

lint: $(STAMP)
	$(BIN)/ruff check src tests $(wildcard bench) $(wildcard scripts)
	$(BIN)/ruff format --check src tests $(wildcard bench) $(wildcard scripts)

typecheck: $(STAMP)
	$(BIN)/mypy src

console-check: console
	cd $(CONSOLE) && npm run --silent typecheck && npm run --silent lint && npm test --silent

test: $(STAMP) console
	$(BIN)/python -m pytest -q

bot-test: $(STAMP)
	$(BIN)/oiap bot test examples/bank-hotline

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache oiap.db* $(CONSOLE)/node_modules \
		$(CONSOLE_DIST)

## Refresh the console guide's screenshots (docs/console/) from the browser tests.
console-screenshots: $(STAMP) console
	OIAP_TEST_SCREENSHOTS=$(CURDIR)/docs/console $(BIN)/python -m pytest -q tests/browser
