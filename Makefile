# The README's commands. `make run` and `make test` do all the set-up on a fresh machine with Python 3.11+.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?=

.PHONY: install run demo serve test test-fast lint bench messages messages-check clean

$(BIN)/biopark: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	@touch $(BIN)/biopark

install: $(BIN)/biopark

demo: install
	$(BIN)/biopark migrate --noinput -v0
	$(BIN)/biopark compilemessages_py
	$(BIN)/biopark demo

run: demo
	$(BIN)/biopark collectstatic --noinput -v0
	$(BIN)/biopark serve --host $(HOST) --port $(PORT) $(if $(WORKERS),--workers $(WORKERS))

# The whole suite: the index engine (no Django), the platform, and the browser tests, on every core
# (pytest-xdist; `make test TEST_WORKERS=0` runs it in one process).
TEST_WORKERS ?= auto
test: install
	$(BIN)/biopark compilemessages_py
	$(BIN)/pytest -p no:cacheprovider -n $(TEST_WORKERS)

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
