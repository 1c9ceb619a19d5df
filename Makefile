# Sinergi: `make run` serves the app on port 8501; `make test` runs every check.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
PG_BIN := /usr/lib/postgresql/15/bin

.PHONY: run test venv dev-venv system-deps lint typecheck pytest synth-large bench clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt $(VENV)/.installed
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed
dev-venv: $(VENV)/.installed-dev

# Debian packages the tests need: Chromium for the browser tests, the PostgreSQL 15 server binaries.
system-deps:
	@missing=""; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	test -x $(PG_BIN)/initdb || missing="$$missing postgresql-15"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing from Debian:$$missing"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -q && apt-get install -y -q --no-install-recommends $$missing; \
	fi

run: venv
	$(PY) manage.py init-db
	$(PY) manage.py load-demo --if-empty
	$(VENV)/bin/streamlit run app.py --server.port $(PORT) --server.headless true

lint: dev-venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

typecheck: dev-venv
	$(VENV)/bin/mypy

pytest: dev-venv system-deps
	$(VENV)/bin/pytest

test: lint typecheck pytest

synth-large: venv
	$(PY) manage.py synth --scale large --database-url sqlite:///data/synth-large.db

# Builds (or reuses) the small and large synthetic databases under bench/, measures, prints a table
# and writes bench/results.json.
bench: dev-venv system-deps
	$(PY) -m bench.run

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
