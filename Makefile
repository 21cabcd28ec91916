# denialdesk: `make run` starts everything with demo data, `make test` runs every check.
# Both install what they need first (virtualenv, Python packages from uv.lock, htmx from npm).

SHELL := /bin/bash
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
HTMX := web/static/htmx.min.js
# Swagger UI for /api/v1/docs, served from here rather than a CDN (closed networks, no tracking).
SWAGGER := web/static/swagger-ui-bundle.js web/static/swagger-ui.css
# Debian's CA bundle, so uv trusts the same registries pip does on this machine.
export SSL_CERT_FILE ?= $(wildcard /etc/ssl/certs/ca-certificates.crt)
export UV_PYTHON_DOWNLOADS := never

.PHONY: run install test lint test-fast bench soak chromium postgresql clean

run: install
	$(VENV)/bin/denialdesk dev

install: $(VENV)/.installed $(HTMX) $(SWAGGER)

$(UV):
	python3 -m pip install --quiet --disable-pip-version-check --target $(TOOLS) uv==$(UV_VERSION)

$(VENV)/.installed: $(UV) pyproject.toml uv.lock
	PYTHONPATH=$(TOOLS) $(UV) sync --frozen --python python3.11
	touch $@

# --ignore-scripts: the assets are plain files; swagger-ui-dist's dependency @scarf/scarf would
# otherwise report the install to a third party.
$(HTMX) $(SWAGGER) &: web/package.json web/package-lock.json
	cd web && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	mkdir -p web/static && cp web/node_modules/htmx.org/dist/htmx.min.js $(HTMX)
	cp web/node_modules/swagger-ui-dist/swagger-ui-bundle.js \
	   web/node_modules/swagger-ui-dist/swagger-ui.css web/static/

# Browser tests drive Debian's Chromium (Playwright's own download is not used).
chromium:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium missing: run 'sudo apt-get install chromium' for the browser tests"; fi; }

# The store suites run on SQLite and on a throwaway cluster of Debian's PostgreSQL 15.
PG_BIN := /usr/lib/postgresql/15/bin
postgresql:
	@test -x $(PG_BIN)/initdb || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >/dev/null; \
	  else echo "PostgreSQL 15 missing: run 'sudo apt-get install postgresql-15' for the store tests"; fi; }

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

# Every suite is required here: one that cannot run (PostgreSQL or Chromium missing) fails the
# run instead of being skipped. Plain `pytest` skips them with the reason.
# -n auto: one pytest process per core (pytest-xdist); each has its own PostgreSQL cluster and
# Temporal test servers, so the run takes a little over half the time it takes in one process.
test: install chromium postgresql lint
	DENIALDESK_REQUIRE_SUITES=postgres,browser $(VENV)/bin/pytest -n auto

bench: install
	$(PY) -m bench

# The long fault run: 200 claims (DENIALDESK_SOAK_CLAIMS) through three worker kills per phase.
soak: install
	$(VENV)/bin/pytest -m soak -p no:cacheprovider -s

clean:
	rm -rf $(VENV) $(TOOLS) web/node_modules $(HTMX) $(SWAGGER) .pytest_cache .ruff_cache
