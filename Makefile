# The two commands: `make demo` and `make test`. Both bootstrap everything from a fresh clone.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: demo test assets browser-deps lint lint-imports typecheck format bench-similarity bench-search serve bench loadtest help

help:
	@echo "make demo   - install, build assets, migrate SQLite, load demo data, serve at http://$(HOST):$(PORT)"
	@echo "make test   - the whole test suite (RESET=1 make demo rebuilds the demo data)"
	@echo "make bench  - gen_data at two sizes, every page beside its SQL floor -> docs/bench.md"
	@echo "make serve  - gunicorn on DATABASE_URL; make loadtest - 50 users against it"

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: $(VENV)/.installed node_modules/.installed
	$(PY) scripts/build_assets.py

# Browser tests drive Debian's chromium; install it when we can (root + apt), else they skip.
browser-deps:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null; then \
		echo "installing chromium for browser tests…"; \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null) || echo "chromium install failed; browser tests will skip"; \
	fi

demo: assets
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py collectstatic --noinput -v0
	@if [ "$(RESET)" = "1" ]; then $(PY) manage.py seed_demo --reset; else $(PY) manage.py seed_demo; fi
	@echo "校本演示：http://$(HOST):$(PORT)  （演示账号见 README）"
	$(PY) manage.py runserver $(HOST):$(PORT)

# Production-like: gunicorn (a real WSGI server; runserver is for development only) on whatever
# DATABASE_URL names (PostgreSQL in production). Workers: 2 × cores + 1 unless WORKERS is set.
WORKERS ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 1) * 2 + 1 )))
serve: $(VENV)/.installed
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py collectstatic --noinput -v0
	$(VENV)/bin/gunicorn xiaoben.wsgi:application --bind $(HOST):$(PORT) --workers $(WORKERS) \
		--timeout 60 --graceful-timeout 30 --max-requests 2000 --max-requests-jitter 200 \
		--access-logfile - --forwarded-allow-ips "$${FORWARDED_ALLOW_IPS:-127.0.0.1}" --no-control-socket

# SPEC §7: two data sets (20 and 200 schools) on DATABASE_URL's server, every figure beside
# its floor, written to docs/bench.md. BENCH_SIZES=20,200 BENCH_REPEAT=15 override.
bench: $(VENV)/.installed
	$(PY) manage.py bench

# 50 signed-in users against `make serve` on 127.0.0.1 for 60 s (LOAD_USERS, LOAD_SECONDS).
LOAD_USERS ?= 50
LOAD_SECONDS ?= 60
loadtest: $(VENV)/.installed
	$(PY) manage.py loadtest --url http://$(HOST):$(PORT) --users $(LOAD_USERS) --seconds $(LOAD_SECONDS)

test: assets browser-deps
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) -m pytest -q -n 2 $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(MAKE) lint-imports

# The layers contract in pyproject.toml (docs/architecture.md): an import upward fails.
lint-imports: $(VENV)/.installed
	$(VENV)/bin/lint-imports --no-cache

# mypy --strict on the door and the service layers listed here (STYLE: mypy with django-stubs);
# a module joins the list once it is clean; core, org and api are typed whole but for CORE_ORG_UNTYPED.
CORE_ORG_UNTYPED := xiaoben/core/bench.py xiaoben/core/gendata.py xiaoben/org/gendata.py
CORE_ORG_TYPED := $(filter-out $(CORE_ORG_UNTYPED),$(wildcard xiaoben/core/*.py xiaoben/org/*.py xiaoben/api/*.py))
TYPED := $(CORE_ORG_TYPED) \
	xiaoben/requirements/services.py xiaoben/requirements/selectors.py xiaoben/requirements/views.py \
	xiaoben/requirements/api.py xiaoben/requirements/forms.py xiaoben/requirements/plan_import.py \
	xiaoben/requirements/starter.py xiaoben/requirements/models.py xiaoben/requirements/predicates.py \
	xiaoben/requirements/home.py xiaoben/requirements/scopes.py xiaoben/requirements/periods.py \
	xiaoben/requirements/urls.py xiaoben/requirements/nav.py xiaoben/requirements/notifications.py \
	xiaoben/assessment/services.py xiaoben/assessment/selectors.py xiaoben/assessment/predicates.py \
	xiaoben/messaging/services.py xiaoben/messaging/selectors.py xiaoben/messaging/predicates.py \
	xiaoben/region/services.py xiaoben/region/selectors.py xiaoben/region/tally.py \
	xiaoben/reports/services.py xiaoben/reports/selectors.py xiaoben/reportkit/*.py \
	xiaoben/research/services.py xiaoben/research/services_achievements.py xiaoben/research/selectors.py \
	xiaoben/plans/services.py xiaoben/plans/services_import.py xiaoben/plans/services_schedule.py \
	xiaoben/plans/selectors.py xiaoben/resources/services.py xiaoben/resources/services_publish.py \
	xiaoben/resources/services_showcase.py xiaoben/resources/selectors.py xiaoben/writings/services.py \
	xiaoben/writings/selectors.py xiaoben/writings/predicates.py xiaoben/observations/services.py \
	xiaoben/observations/predicates.py xiaoben/requirements/engine.py xiaoben/requirements/kept.py \
	xiaoben/requirements/registry.py xiaoben/activities/services.py xiaoben/activities/services_prep.py \
	xiaoben/activities/services_settings.py xiaoben/activities/services_slots.py xiaoben/activities/services_bulk.py xiaoben/activities/selectors.py \
	xiaoben/activities/predicates.py xiaoben/hours/services.py xiaoben/hours/selectors.py xiaoben/hours/predicates.py \
	xiaoben/mentoring/services.py xiaoben/mentoring/selectors.py xiaoben/mentoring/predicates.py \
	xiaoben/observations/selectors.py xiaoben/observations/home.py xiaoben/observations/metrics.py \
	xiaoben/plans/predicates.py xiaoben/region/predicates.py xiaoben/research/predicates.py xiaoben/resources/predicates.py
typecheck: $(VENV)/.installed
	$(VENV)/bin/mypy --strict $(TYPED)

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Copied-text detection against 100,000 stored writings (prints p50/p95 per check).
bench-similarity: assets
	$(PY) manage.py bench_similarity --n 100000 --runs 50

bench-search:  ## full-text search p50/p95 on the database in use (seed the demo first)
	$(PY) manage.py bench_search
