# The README's commands. `make run` and `make test` do all the set-up on a fresh machine with Python 3.11+.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?=

.PHONY: install run demo test test-fast lint bench messages-check clean

# The installer: uv (from PyPI) when it can be had, several times faster than pip (it installs in parallel
# and keeps a cache); pip when not. A uv on the PATH is used as it is; otherwise pip puts uv into the
# virtualenv first (one wheel); if that fails (offline, no wheel for this platform), pip installs everything.
# `make install USE_UV=0` uses pip alone.
USE_UV ?= 1
UV ?= $(shell command -v uv 2>/dev/null)

$(BIN)/biopark: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	@if [ "$(USE_UV)" != 1 ]; then uv=""; \
	elif [ -n "$(UV)" ]; then uv="$(UV)"; \
	elif $(BIN)/pip install --quiet uv; then uv="$(BIN)/uv"; \
	else uv=""; fi; \
	if [ -n "$$uv" ]; then \
	  echo "installing with $$uv"; "$$uv" pip install --quiet --python $(BIN)/python -e ".[dev]"; \
	else \
	  echo "installing with pip"; $(BIN)/pip install --quiet --upgrade pip && $(BIN)/pip install --quiet -e ".[dev]"; \
	fi
	@touch $(BIN)/biopark

install: $(BIN)/biopark

demo: install
	$(BIN)/biopark migrate --noinput -v0
	$(BIN)/biopark compilemessages_py
	$(BIN)/biopark demo

# The web server and one background worker, in the foreground; Ctrl-C stops both.
run: demo
	$(BIN)/biopark collectstatic --noinput -v0
	$(BIN)/biopark serve --with-worker --host $(HOST) --port $(PORT) $(if $(WORKERS),--workers $(WORKERS))

# The whole suite: the index engine (no Django), the platform, and the browser tests, on every core
# (pytest-xdist; `make test TEST_WORKERS=0` runs it in one process). Work stealing: a worker that runs out of
# tests takes pending ones from the other, so the few long crawls do not leave one core idle at the end.
# Compiled bytecode is kept (in $(VENV)/pycache, never beside the sources) even where the environment says
# PYTHONDONTWRITEBYTECODE: without it every test process and every benchmark or worker subprocess compiles
# Django, the project and the test modules from source, about 5 s of CPU each. `TEST_BYTECODE=0` keeps the
# environment's choice.
TEST_WORKERS ?= auto
TEST_BYTECODE ?= 1
TEST_ENV := $(if $(filter 1,$(TEST_BYTECODE)),PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX=$(abspath $(VENV))/pycache)
test: install
	$(BIN)/biopark compilemessages_py
	$(TEST_ENV) $(BIN)/pytest -p no:cacheprovider -n $(TEST_WORKERS) $(if $(filter 0,$(TEST_WORKERS)),,--dist worksteal)

# The quick loop while working: the whole suite but the page and API crawls (marker `crawl`), the browser tests
# and the benchmarks' smoke runs, which together take about 60 % of `make test`'s time. Not a substitute for
# `make test`: CI runs the whole suite.
test-fast: install
	$(BIN)/biopark compilemessages_py
	$(TEST_ENV) $(BIN)/pytest -p no:cacheprovider -n $(TEST_WORKERS) $(if $(filter 0,$(TEST_WORKERS)),,--dist worksteal) \
	  -m "not crawl and not browser and not bench"

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy biopark
	$(BIN)/lint-imports

bench: install
	@for b in bench/[!_]*.py; do echo "== $$b"; $(BIN)/python $$b; done

# Fails on a message marked for translation without a Chinese translation, or on an empty or fuzzy entry.
messages-check: install
	$(BIN)/pytest -p no:cacheprovider -q tests/i18n/test_catalogues.py

clean:
	rm -rf var .pytest_cache .mypy_cache .ruff_cache
