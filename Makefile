# variatlas: `make demo` (synthetic Norway in, atlas out) and `make test`.
# Each target creates or reuses .venv and installs what it needs.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
DEMO ?= demo

.PHONY: demo test test-slow lint bench clean

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

demo: $(INSTALLED)
	$(BIN)/variatlas synth $(DEMO)/input --years 2019-2024 --scale 0.05 --seed 1
	$(BIN)/variatlas validate $(DEMO)/input --out $(DEMO)/validated
	$(BIN)/variatlas compute $(DEMO)/validated $(DEMO)/results
	$(BIN)/variatlas publish $(DEMO)/results $(DEMO)/site
	@echo "Serving the publication at http://127.0.0.1:8000/ (API docs: /api/docs); Ctrl-C stops."
	$(BIN)/variatlas serve $(DEMO)/site --host 127.0.0.1 --port 8000

lint: $(INSTALLED)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

test: $(INSTALLED) lint
	$(BIN)/pytest -q

test-slow: $(INSTALLED)
	$(BIN)/pytest -q -m slow

bench: $(INSTALLED)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(DEMO) .pytest_cache .mypy_cache .ruff_cache
