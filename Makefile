# The two set-up commands are `make demo` and `make test` (README).
# Everything they need is installed from the package registries on first use.

SHELL := /bin/bash
PYTHON ?= python3
UV := $(shell command -v uv 2>/dev/null || echo .tools/bin/uv)
VENV := .venv/bin
SHUZHENG := $(VENV)/shuzheng
PORT ?= 8000

.PHONY: demo test install lint typecheck migrations-check pytest browser-deps bench messages clean

# The background worker (ingestion runs, checks, notifications, and with --beat the scheduled
# pipelines and daily reminders) lives as long as the web server; the demo's notifications are
# printed by it as well as kept as in-site messages.
demo: export SHUZHENG_NOTIFY_CHANNELS ?= console
demo: install
	$(SHUZHENG) migrate --no-input
	$(SHUZHENG) seed-demo
	$(SHUZHENG) worker --beat & trap 'kill $$!' EXIT; $(SHUZHENG) serve --port $(PORT)

test: install browser-deps lint typecheck migrations-check pytest

install: .venv/.installed node_modules/.installed
	$(SHUZHENG) collectstatic --no-input -v 0

# uv itself, when the machine has none: a private copy from PyPI.
.tools/bin/uv:
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv

.venv/.installed: $(UV) pyproject.toml uv.lock
	$(UV) sync --locked
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

lint: install
	$(VENV)/ruff check .
	$(VENV)/ruff format --check .
	PYTHONPATH=tools $(VENV)/lint-imports

typecheck: install
	$(VENV)/mypy src tools

migrations-check: install
	$(SHUZHENG) makemigrations --check --dry-run

# One worker per core; a file's tests stay together on one worker (they share fixtures and,
# for the Celery worker tests, one Redis database).
PYTEST_ARGS ?= -n auto --dist loadfile

pytest: install
	$(VENV)/pytest $(PYTEST_ARGS)

# Chromium and a CJK font for the browser tests, from Debian's packages.
browser-deps:
	@tools/browser-deps.sh

# The peers the benchmarks compare against (Great Expectations, pandera, Presidio) are a separate
# group; the sharing benchmark drives its server with Debian's wrk.
bench: install
	$(UV) sync --locked --group bench
	@command -v wrk >/dev/null 2>&1 || tools/debian-packages.sh "sharing benchmark" wrk
	$(VENV)/python -m bench

# After changing user-facing text: refresh and compile the English catalog.
messages: install
	cd src/shuzheng && ../../$(SHUZHENG) makemessages -l en --no-obsolete --add-location file
	cd src/shuzheng && ../../$(SHUZHENG) compilemessages -l en

clean:
	rm -rf .venv .tools node_modules var build
