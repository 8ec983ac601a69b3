# The two commands of the README: `make demo` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test install install-test lint bench messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install only when pyproject.toml changed, so a second `make demo` is quick.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

demo: install
	$(BIN)/samverkan migrate --noinput
	$(BIN)/samverkan collectstatic --noinput -v0
	$(BIN)/samverkan load_demo
	@echo "Startar webbservern (gunicorn) och bakgrundsarbetaren på http://$(HOST):$(PORT)/"
	$(BIN)/samverkan serve --bind $(HOST):$(PORT)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

test: install-test lint
	$(BIN)/python tools/run_tests.py

bench: install-test
	$(BIN)/python -m pip install --quiet -e ".[test,bench]"
	$(BIN)/python -m benchmarks

# Refresh the catalogs after changing UI text (needs GNU gettext), translate the new
# entries in samverkan/locale/{en,nb}, then compile; tests/core/test_translations.py checks.
messages:
	cd samverkan && ../$(BIN)/samverkan makemessages -l en -l nb --ignore "demo_data/*"
	cd samverkan && ../$(BIN)/samverkan compilemessages

clean:
	rm -rf $(VENV) samverkan-data
