# make run   — install, migrate, load demo data (first time), serve http://127.0.0.1:5000 with
#              the job scheduler beside it
# make test  — install, then the whole test suite on SQLite (browser tests need Debian's chromium,
#              the benchmark's smoke run Debian's wrk)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PORT ?= 5000
PG_TEST_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test

.PHONY: run test test-pg install install-dev translations translations-extract translations-update \
	tools lint bench fonts db-upgrade seed clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

# Compiled message catalogues are build output, not source.
translations: $(VENV)/.runtime
	$(BIN)/pybabel compile -d servicecenter/translations

# After changing user-visible strings: extract them and merge into the Russian catalogue.
# Underscore folders (templates/_macros, _partials) are scanned too, unlike pybabel's default.
# The keywords are Babel's defaults (_, gettext, ngettext, pgettext, N_ …) plus Flask-Babel's lazy ones;
# tests/unit/test_translations.py extracts with the same list.
translations-extract: $(VENV)/.runtime
	$(BIN)/pybabel extract -F babel.cfg -k _ -k gettext -k ngettext:1,2 -k lazy_gettext -k _l -k N_ \
	  -k lazy_ngettext:1,2 -k lazy_pgettext:1c,2 --ignore-dirs ".* __pycache__" \
	  --no-location --sort-output --project servicecenter -o servicecenter/translations/messages.pot .

translations-update: translations-extract
	$(BIN)/pybabel update -i servicecenter/translations/messages.pot -d servicecenter/translations \
	  --no-fuzzy-matching --ignore-obsolete --width 100

db-upgrade: install translations
	$(FLASK) db upgrade

# The PDF font instances are cut once per machine (instance/fonts/), not on the first print.
fonts: install
	$(FLASK) build-fonts

seed: db-upgrade fonts
	$(FLASK) seed-demo --if-empty

# The scheduler runs beside the development server (in production it is one separate process)
# and ends with it, however the server ends: Ctrl-C leaves no scheduler behind.
run: seed
	@$(FLASK) jobs run & scheduler=$$!; \
	trap 'kill $$scheduler 2>/dev/null; wait $$scheduler 2>/dev/null' EXIT; \
	trap 'exit 130' INT TERM; \
	PUBLIC_BASE_URL=$${PUBLIC_BASE_URL:-http://127.0.0.1:$(PORT)} $(FLASK) run --host 127.0.0.1 --port $(PORT)

# The browser tests drive the Chromium of Debian's package, the load benchmark (and its smoke run
# in the suite) Debian's wrk; install them when we can (root).
tools:
	@missing=""; for tool in chromium wrk; do command -v $$tool >/dev/null 2>&1 || missing="$$missing $$tool"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null) \
	    || echo "Could not install$$missing: the tests that need them will be skipped."; \
	  else echo "Missing$$missing: the tests that need them are skipped (apt-get install$$missing)."; fi; fi

test: install-dev translations fonts tools
	$(BIN)/pytest

test-pg: install-dev translations fonts tools
	TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest

# Benchmarks measure speed (tests never time things). Results land in instance/bench/.
# BENCH_DATABASE_URL=postgresql+psycopg://… runs the load benchmark on PostgreSQL too.
# Each benchmark runs even when one before it missed a target (each prints PASS or FAIL).
bench: install-dev translations fonts tools
	-$(BIN)/python -m tests.bench.load
	-@if [ -n "$$BENCH_DATABASE_URL" ]; then $(BIN)/python -m tests.bench.load --database-url "$$BENCH_DATABASE_URL"; fi
	-$(BIN)/python -m tests.bench.documents
	-$(BIN)/python -m tests.bench.stock
	-$(BIN)/python -m tests.bench.partners
	-$(BIN)/python -m tests.bench.dashboard

lint: install-dev
	$(BIN)/ruff check servicecenter tests
	$(BIN)/ruff format --check servicecenter tests

clean:
	rm -rf $(VENV) .pytest_cache test-artifacts
