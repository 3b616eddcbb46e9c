# The two commands: `make run` starts the whole system, `make test` runs every test.
# Both set up what they need on a fresh Debian machine (system packages, Kafka jars, the venv).

SHELL := /bin/bash
PY    := .venv/bin/python
STAMP := .venv/.installed

.PHONY: run test test-unit test-clock chaos setup venv stop status lint typecheck token import demo bench bench-quick clean-run

run: setup            ## start PostgreSQL, Kafka and the five services; Ctrl-C stops them
	$(PY) -m deploy.system run

# Court-clock instants the suite must pass at (shared/clock.py): New Year's Eve in Shanghai (the
# run crosses midnight into a new court year), a leap day, and years ahead.
NEW_YEAR := 2026-12-31T23:59:30+08:00
CLOCKS   := $(NEW_YEAR) 2028-02-29T23:59:30+08:00 2030-06-15T10:00:00+08:00

test: setup           ## lint, type-check, the whole suite against the real PostgreSQL and Kafka, then again across New Year
	$(PY) -m ruff check shared services deploy tests
	$(PY) -m mypy shared services
	$(PY) -m pytest -q $(PYTEST_ARGS)
	COURT_CLOCK_AT=$(NEW_YEAR) $(PY) -m pytest -q $(PYTEST_ARGS)

test-unit: venv       ## the pure tests only (no PostgreSQL, Kafka or service process): seconds
	$(PY) -m pytest -q -m unit $(PYTEST_ARGS)

test-clock: setup     ## the whole suite with the court clock moved to each of CLOCKS (~3.5 min each)
	@for at in $(CLOCKS); do echo "== court clock at $$at"; COURT_CLOCK_AT=$$at $(PY) -m pytest -q $(PYTEST_ARGS) || exit 1; done

chaos: setup          ## the long fault drill on a private stack (every fault under load, ~5 min): prints its table
	$(PY) -m tests.chaos --profile chaos $(ARGS)

setup: $(STAMP)
	@bash deploy/setup.sh

venv: $(STAMP)

$(STAMP): pyproject.toml
	@command -v python3 >/dev/null || { echo "python3 (3.11+) is required"; exit 1; }
	@test -x $(PY) || python3 -m venv .venv || { apt-get update && apt-get install -y python3-venv && python3 -m venv .venv; }
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@touch $(STAMP)

stop:                 ## stop the private PostgreSQL and Kafka
	$(PY) -m deploy.stack down

status:
	$(PY) -m deploy.stack status

lint:
	$(PY) -m ruff check shared services deploy tests

typecheck:
	$(PY) -m mypy shared services

token:                ## mint a dev token: make token ARGS="--officer j-001 --role judge --court 黔01"
	$(PY) -m shared.cli token $(ARGS)

import:               ## import existing cases into a running intake (docs/import.md): make import FILE=cases.jsonl [COURT=黔01] [URL=…] [ARGS=…]
	@test -n "$(FILE)" || { echo "usage: make import FILE=cases.jsonl [COURT=黔01] [URL=http://127.0.0.1:8101]"; exit 2; }
	IMPORT_TOKEN="$${IMPORT_TOKEN:-$$($(PY) -m shared.cli token --officer importer-01 --role admin --court $(or $(COURT),黔01))}" \
	  $(PY) -m services.intake.importer "$(FILE)" --url $(or $(URL),http://127.0.0.1:8101) $(ARGS)

demo:                 ## drive cases through their lives against a running `make run`: make demo ARGS="--cases 40 --seed 7"
	$(PY) -m deploy.demo $(ARGS)

bench: setup          ## the benchmark, full size (~30 min with phase 7); results in tests/bench/results/: make bench ARGS="--phases 1,2"
	$(PY) -m pip install -q -e '.[dev,bench]'
	$(PY) -m tests.bench $(ARGS)

bench-quick: setup    ## the benchmark with small workloads (a few minutes)
	$(PY) -m pip install -q -e '.[dev,bench]'
	$(PY) -m tests.bench --quick $(ARGS)

clean-run:            ## delete the private databases and Kafka data (asks nothing: careful)
	$(PY) -m deploy.stack reset --yes
