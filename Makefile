# variatlas: `make demo` (synthetic Norway in, atlas out) and `make test`.
# Each target creates or reuses .venv and installs what it needs.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
DEMO ?= demo

.PHONY: demo test test-slow lint bench clean java

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,spark]'
	touch $@

# Spark needs a Java runtime: install Debian's headless JRE where java is missing.
java:
	@command -v java >/dev/null 2>&1 || { \
	  echo "java is missing: installing openjdk-17-jre-headless"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq openjdk-17-jre-headless; }

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

test: $(INSTALLED) java lint
	$(BIN)/pytest -q

test-slow: $(INSTALLED)
	$(BIN)/pytest -q -m slow

bench: $(INSTALLED) java
	$(BIN)/python bench/run.py --engines duckdb,spark

clean:
	rm -rf $(DEMO) .pytest_cache .mypy_cache .ruff_cache
