# variatlas: `make demo` (synthetic Norway in, atlas out) and `make test`.
# Each target creates or reuses .venv and installs what it needs.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
DEMO ?= demo
VENDOR := src/variatlas/publish/static/vendor
ASSETS := $(VENDOR)/.vendored
# Run as root (CI) or through sudo.
APT = if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq

.PHONY: demo test test-slow lint bench clean java chromium poppler assets ab

$(INSTALLED): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,spark]'
	touch $@

# The atlas's browser libraries (Observable Plot, d3): from the npm registry at build time,
# pinned by frontend/package-lock.json; the parts the pages use bundled by esbuild
# (frontend/bundle.mjs) into the package, with their licences.
$(ASSETS): frontend/package.json frontend/package-lock.json frontend/vendor.mjs \
		frontend/bundle.mjs $(wildcard frontend/entries/*.mjs)
	@command -v npm >/dev/null 2>&1 || { \
	  echo "npm is missing: installing Debian's nodejs and npm"; $(APT) nodejs npm; }
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	node frontend/vendor.mjs
	node frontend/bundle.mjs
	touch $@

assets: $(ASSETS)

# Spark needs a Java runtime: install Debian's headless JRE where java is missing.
java:
	@command -v java >/dev/null 2>&1 || { \
	  echo "java is missing: installing openjdk-17-jre-headless"; $(APT) openjdk-17-jre-headless; }

# The browser tests drive Debian's chromium, and `variatlas publish` prints each atlas to a PDF
# with it; Playwright never downloads a browser here.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "chromium is missing: installing Debian's chromium"; $(APT) chromium; }

# The tests read the atlases' PDFs with pdftotext and pdfinfo, from Debian's poppler-utils.
poppler:
	@command -v pdftotext >/dev/null 2>&1 || { \
	  echo "pdftotext is missing: installing Debian's poppler-utils"; $(APT) poppler-utils; }

demo: $(INSTALLED) $(ASSETS) chromium
	$(BIN)/variatlas synth $(DEMO)/input --years 2019-2024 --scale 0.05 --seed 1
	$(BIN)/variatlas validate $(DEMO)/input --out $(DEMO)/validated
	$(BIN)/variatlas compute $(DEMO)/validated $(DEMO)/results
	$(BIN)/variatlas publish $(DEMO)/results $(DEMO)/site
	$(BIN)/variatlas serve $(DEMO)/site --host 127.0.0.1 --port 8000

lint: $(INSTALLED)
	$(BIN)/ruff check src tests bench tools
	$(BIN)/mypy
	$(BIN)/lint-imports

# Two test processes (pytest-xdist), a test file each at a time: the shared fixtures are
# made once for both (tests/conftest.py).
TEST_PROCESSES ?= 2

test: $(INSTALLED) $(ASSETS) java chromium poppler lint
	VARIATLAS_REQUIRE_BROWSER=1 $(BIN)/pytest -q -n $(TEST_PROCESSES) --dist loadfile

test-slow: $(INSTALLED) $(ASSETS)
	$(BIN)/pytest -q -m slow

# The API's load generator: Apache's ab, from Debian's apache2-utils.
ab:
	@command -v ab >/dev/null 2>&1 || { \
	  echo "ab is missing: installing Debian's apache2-utils"; $(APT) apache2-utils; }

# Lighthouse (npm, in frontend/node_modules by `make assets`) drives Debian's chromium.
bench: $(INSTALLED) $(ASSETS) java ab chromium
	$(BIN)/python bench/national.py --scales 0.25,0.5,1.0 --years 2019-2024 --doc docs/performance.md
	$(BIN)/python bench/run.py --engines duckdb,spark
	$(BIN)/python bench/incremental.py --scale 0.05 --years 2019-2024 --doc docs/performance.md
	$(BIN)/python bench/api.py
	CHROME_PATH=$$(command -v chromium) $(BIN)/python bench/lighthouse.py --runs 3 --doc docs/performance.md

clean:
	rm -rf $(DEMO) .pytest_cache .mypy_cache .ruff_cache frontend/node_modules $(VENDOR)
