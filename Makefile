# Sinergi: `make run` serves the app on port 8501; `make test` runs every check.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
# Where the server listens: this machine only, unless told otherwise (see README, Security).
ADDRESS ?= 127.0.0.1
PG_BIN := /usr/lib/postgresql/15/bin

.PHONY: run cluster cluster-deps test venv dev-venv fonts system-deps lint layers typecheck pytest synth-large bench clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt requirements.txt $(VENV)/.installed
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed
dev-venv: $(VENV)/.installed-dev

# The font the PDF report is set in (its text needs more than Latin-1), from Debian.
FONT := /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
fonts:
	@test -f $(FONT) || { \
	  echo "Installing from Debian: fonts-dejavu-core"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -q && apt-get install -y -q --no-install-recommends fonts-dejavu-core; \
	}

# Debian packages the tests need: Chromium for the browser tests, the PostgreSQL 15 server binaries,
# nginx for the deployment's test, the report's font, and an emoji font so that Chromium draws the
# status marks (🟢 🟠 🔴 ⚪) as people's browsers do.
EMOJI_FONT := /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf
system-deps: fonts
	@missing=""; \
	test -x /usr/bin/chromium || missing="$$missing chromium"; \
	test -x /usr/sbin/nginx || missing="$$missing nginx"; \
	test -f $(FONT) || missing="$$missing fonts-dejavu-core"; \
	test -f $(EMOJI_FONT) || missing="$$missing fonts-noto-color-emoji"; \
	test -x $(PG_BIN)/initdb || missing="$$missing postgresql-15"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing from Debian:$$missing"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -q && apt-get install -y -q --no-install-recommends $$missing; \
	fi

run: venv fonts
	$(PY) manage.py init-db
	$(PY) manage.py load-demo --if-empty
	$(VENV)/bin/streamlit run app.py --server.port $(PORT) --server.address $(ADDRESS) --server.headless true

# A local deployment on port 8501: nginx in front of two app servers on loopback ports, sharing
# PostgreSQL (a throwaway server deleted on stop, or DATABASE_URL). Ctrl-C stops it all. See README.
cluster: venv fonts cluster-deps
	$(PY) -m deploy.cluster --port $(PORT) --address $(ADDRESS)

# Debian packages of the deployment: nginx, and PostgreSQL 15 unless DATABASE_URL names a database.
cluster-deps:
	@missing=""; \
	test -x /usr/sbin/nginx || missing="$$missing nginx"; \
	test -n "$$DATABASE_URL" || test -x $(PG_BIN)/initdb || missing="$$missing postgresql-15"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing from Debian:$$missing"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -q && apt-get install -y -q --no-install-recommends $$missing; \
	fi

lint: dev-venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# The layer contracts written in pyproject.toml: what each part of the sinergi package may import.
layers: dev-venv
	$(VENV)/bin/lint-imports

typecheck: dev-venv
	$(VENV)/bin/mypy

pytest: dev-venv fonts system-deps
	$(VENV)/bin/pytest

test: lint layers typecheck pytest

synth-large: venv
	$(PY) manage.py synth --scale large --database-url sqlite:///data/synth-large.db

# Builds (or reuses) the small, large and xl synthetic databases under bench/ (and loads them into a
# throwaway PostgreSQL server), measures, prints a table and writes bench/results.json.
bench: dev-venv system-deps
	$(PY) -m bench.run

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
