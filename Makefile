# Two commands do all set-up (see README "Quick start"):
#   make run   — install, migrate, load demo data if empty, serve on 127.0.0.1:$(PORT) with the scheduler
#   make test  — install what the tests need (PostgreSQL, Chromium) and run the whole suite twice:
#                on SQLite and on a throwaway PostgreSQL
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
DEMO_CHILDREN ?= 300

.PHONY: run test install assets lint bench clean

install: $(VENV)/.installed
assets: node_modules/.installed

$(VENV)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install -q -e '.[test]' 2>&1 | { grep -v 'WARNING: Location' || true; }
	@touch $@

node_modules/.installed: package.json package-lock.json
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

run: install assets
	@PORT=$(PORT) DEMO_CHILDREN=$(DEMO_CHILDREN) bash scripts/run.sh

test:
	@bash scripts/test.sh

lint: install
	$(BIN)/ruff check tracker tests bench migrations

bench: install
	$(BIN)/python -m bench.run_all
