# Two commands on a fresh machine: `make build` builds the dataset into out/, `make test` runs
# every check. Each creates the virtual environment it needs first, from the lock file.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
UV_VERSION := 0.13.9

.PHONY: build test lint venv system-packages lock upgrade clean docs

# Exact versions with hashes from requirements.lock; the project itself without build isolation, so
# that the build backend comes from the lock too. The lock is complete, so nothing is resolved
# (--no-deps): pips before 23.3 would otherwise read a locked package's extra, such as justext's
# lxml[html_clean], as a new unpinned requirement. `pip check` then proves the lock is whole.
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --no-deps --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/pip check
	touch $(STAMP)

venv: $(STAMP)

build: $(STAMP)
	$(BIN)/peacegraph build --collection seeds

# Graphviz, Virtuoso, Chromium and Apache httpd for the tests that use the real thing.
system-packages:
	scripts/system-packages

lint: $(STAMP)
	$(BIN)/ruff check src tests $(wildcard bench)
	$(BIN)/ruff format --check src tests $(wildcard bench)
	$(BIN)/mypy

test: system-packages lint
	$(BIN)/pytest -n auto --maxprocesses 4 --dist loadfile

# The documentation site (mkdocs.yml, docs/) into site-docs/; --strict: a broken link or anchor fails it.
docs: $(STAMP)
	$(BIN)/mkdocs build --strict

# After editing the dependencies in pyproject.toml: pin what is new, keep every other pin.
# `make upgrade` is the deliberate upgrade: every dependency to its newest allowed version; then `make test`.
LOCK = $(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes --quiet \
	--python-version 3.11 --python-platform x86_64-manylinux_2_28 --custom-compile-command "make lock" \
	-o requirements.lock

# Only the venv, not the install: a dependency just added to pyproject.toml is not in the lock yet.
lock:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet uv==$(UV_VERSION)
	$(LOCK)

upgrade: $(STAMP)
	$(BIN)/pip install --quiet uv==$(UV_VERSION)
	$(LOCK) --upgrade

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache site-docs
