# Beatbook: `make run` starts it with demo data on 127.0.0.1:8000; `make test` runs every test.
# Both set themselves up on first use (virtualenv, Python packages, front-end assets from npm).

SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)
ASSETS := beatbook/static/dist/beatbook.css
HOST ?= 127.0.0.1
PORT ?= 8000

# A Python 3.12 or newer: the one .python-version selects under pyenv, else the newest on PATH.
FIND_PYTHON := for c in python3 python3.14 python3.13 python3.12; do \
	  if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	    command -v $$c; break; fi; done

.PHONY: help run test lint check-types check install assets migrate demo bench clean

help:
	@echo "make run     start Beatbook with demo data on http://$(HOST):$(PORT)/"
	@echo "make test    run the whole test suite (lint, types, import layers, tests)"
	@echo "make bench   run the benchmarks and write docs/performance.md"

$(PY):
	@py="$$($(FIND_PYTHON))"; \
	if [ -z "$$py" ]; then \
	  echo "Beatbook needs Python 3.12 or newer (Django 6 does not run on older ones)."; \
	  echo "Install it (or 'pyenv install 3.12') and run make again."; exit 1; fi; \
	echo "Creating $(VENV) with $$py ($$($$py --version))"; \
	"$$py" -m venv $(VENV)

$(STAMP): $(PY) requirements.txt requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@rm -f $(VENV)/.installed-*; touch $@

node_modules/.package-lock.json: package.json package-lock.json
	@command -v npm >/dev/null || { echo "Beatbook needs Node.js and npm to fetch its front-end packages."; exit 1; }
	npm ci --no-audit --no-fund --loglevel=error

$(ASSETS): node_modules/.package-lock.json frontend/build.mjs $(wildcard frontend/scss/*.scss)
	npm run --silent build

install: $(STAMP)
assets: $(ASSETS)

var/secret_key:
	@mkdir -p var && $(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@ && chmod 600 $@

# The settings `make run` uses: production defaults, but plain HTTP on the loopback address.
RUN_ENV := BEATBOOK_SECRET_KEY_FILE=var/secret_key BEATBOOK_HTTPS=0 DJANGO_SETTINGS_MODULE=config.settings

migrate: install assets var/secret_key
	@$(RUN_ENV) $(PY) manage.py migrate --no-input -v 0

demo: migrate
	@$(RUN_ENV) $(PY) manage.py seed_demo --if-empty

run: demo
	@$(RUN_ENV) $(PY) manage.py collectstatic --no-input -v 0
	@$(RUN_ENV) $(PY) manage.py demo_logins
	@echo "Beatbook is starting on http://$(HOST):$(PORT)/ (Ctrl-C stops it and its job worker)"
	@$(RUN_ENV) $(PY) manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(RUN_ENV) $(VENV)/bin/gunicorn config.wsgi --bind $(HOST):$(PORT) --workers 2 --threads 4 \
	  --access-logfile - --log-level warning

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

check-types: install
	$(VENV)/bin/mypy .

test: install assets lint check-types
	$(VENV)/bin/lint-imports
	DJANGO_SETTINGS_MODULE=config.test_settings $(PY) manage.py makemigrations --check --dry-run -v 0
	$(PY) -m pytest $(PYTEST_ARGS)

bench: install assets
	$(PY) -m bench

clean:
	rm -rf $(VENV) node_modules beatbook/static/dist staticfiles
