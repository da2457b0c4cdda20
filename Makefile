# One entry point: `make dev` serves the API locally, `make test` runs every test tier.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export SAM_CLI_TELEMETRY := 0

.PHONY: sdk dev test test-unit test-integration test-e2e test-breakit lint-imports install bench fuzz clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.local-installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[local]"
	touch $@

$(VENV)/.dev-installed: pyproject.toml sdk/python/pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	$(BIN)/pip install --quiet -e sdk/python
	touch $@ $(VENV)/.local-installed

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The TypeScript SDK's build and generator (typescript, openapi-typescript, openapi-fetch): sdk/typescript
sdk/typescript/node_modules/.installed: sdk/typescript/package.json sdk/typescript/package-lock.json
	cd sdk/typescript && npm ci --no-audit --no-fund --loglevel=error
	touch $@

install: $(VENV)/.dev-installed node_modules/.installed sdk/typescript/node_modules/.installed

## Regenerate the SDKs from the API's OpenAPI document (commit the result; the tests fail when it is stale)
sdk: install
	$(BIN)/python sdk/python/generate.py
	PYTHON=$(BIN)/python bash sdk/typescript/scripts/generate.sh

## Start DynamoDB Local (data in .ledgerline/) and serve the API on http://127.0.0.1:3000
dev: $(VENV)/.local-installed node_modules/.installed
	$(BIN)/ledgerline dev $(if $(PORT),--port $(PORT))

## Every tier: unit (with the architecture contracts), integration (DynamoDB Local), end-to-end (local
## server over HTTP) and break-it. The tiers one by one: test-unit, test-integration, test-e2e, test-breakit.
test: install
	$(BIN)/pytest

test-unit: install
	$(BIN)/pytest tests/unit

test-integration: install
	$(BIN)/pytest tests/integration

test-e2e: install
	$(BIN)/pytest tests/e2e

test-breakit: install
	$(BIN)/pytest tests/breakit

## The architecture contracts in .importlinter (tests/unit/test_architecture.py runs them too)
lint-imports: install
	$(BIN)/lint-imports

clean:
	rm -rf $(VENV) node_modules sdk/typescript/node_modules sdk/typescript/dist .pytest_cache .hypothesis

## Benchmarks on DynamoDB Local; writes docs/benchmarks.md and docs/benchmarks.json
bench: install
	$(BIN)/python -m bench.run

## Long fuzzing run against the served OpenAPI (make test runs 10 examples per operation)
fuzz: install
	LEDGERLINE_FUZZ_EXAMPLES=$(or $(EXAMPLES),200) $(BIN)/pytest -p no:cacheprovider -o timeout=0 tests/breakit/test_fuzz_openapi.py
