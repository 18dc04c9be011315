# Two commands do all set-up (see README "Quick start"):
#   make run   — install, migrate, load demo data if empty, serve on 127.0.0.1:$(PORT) with the scheduler
#   make test  — install what the tests need (PostgreSQL, Chromium), run `ruff check`, then the
#                whole suite twice: on SQLite and on a throwaway PostgreSQL
#
# Python packages come from the hashed lock files in requirements/ (uv pip compile, see
# `make lock`), installed by plain pip with --require-hashes: runtime.txt for `make run`,
# test.txt (runtime + test tools: pytest, Playwright, ruff…) for `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
DEMO_CHILDREN ?= 300
REQ := requirements
PIP_QUIET := 2>&1 | { grep -v 'WARNING: Location' || true; }
UV_VERSION := 0.13.9

.PHONY: run test install install-test assets wheel lock lint bench clean

install: $(VENV)/.installed-runtime
install-test: $(VENV)/.installed-test
assets: tracker/static/govuk/VERSION

$(VENV)/.installed-runtime: pyproject.toml setup.py $(REQ)/build.txt $(REQ)/runtime.txt tracker/static/govuk/VERSION
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install -q --require-hashes -r $(REQ)/build.txt -r $(REQ)/runtime.txt $(PIP_QUIET)
	@$(BIN)/pip install -q --no-deps --no-build-isolation -e . $(PIP_QUIET)
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed-runtime $(REQ)/test.txt
	@$(BIN)/pip install -q --require-hashes -r $(REQ)/test.txt $(PIP_QUIET)
	@touch $@

node_modules/.installed: package.json package-lock.json
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# GOV.UK Frontend from node_modules into tracker/static/govuk (git-ignored; in the wheel).
tracker/static/govuk/VERSION: node_modules/.installed assets/govuk-frontend.scss scripts/build_assets.sh
	@bash scripts/build_assets.sh

run: install
	@PORT=$(PORT) DEMO_CHILDREN=$(DEMO_CHILDREN) bash scripts/run.sh

test:
	@bash scripts/test.sh

# dist/tracker-<version>-py3-none-any.whl: what the Dockerfile installs.
wheel: install
	@rm -rf build
	@$(BIN)/pip wheel -q --no-deps --no-build-isolation -w dist . $(PIP_QUIET)
	@rm -rf build
	@ls dist/*.whl

# Re-pin every Python dependency (after changing pyproject.toml's ranges). uv resolves for
# every Python from 3.11 to 3.13 at once (--universal); pip installs the result.
lock:
	@test -x $(VENV)-lock/bin/uv || { $(PYTHON) -m venv $(VENV)-lock && $(VENV)-lock/bin/pip install -q uv==$(UV_VERSION) $(PIP_QUIET); }
	$(VENV)-lock/bin/uv pip compile -q --universal --python-version 3.11 --generate-hashes pyproject.toml -o $(REQ)/runtime.txt
	$(VENV)-lock/bin/uv pip compile -q --universal --python-version 3.11 --generate-hashes pyproject.toml --extra test -c $(REQ)/runtime.txt -o $(REQ)/test.txt
	$(VENV)-lock/bin/uv pip compile -q --universal --python-version 3.11 --generate-hashes $(REQ)/build.in -o $(REQ)/build.txt

lint: install-test
	$(BIN)/ruff check tracker tests bench migrations

bench: install-test
	$(BIN)/python -m bench.run_all
