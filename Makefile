# Mesoplan: `make run` serves the demo clinic (and sends its messages), `make test` runs the test suite.
PORT ?= 8000
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# XStatic-Bootstrap builds from source with setup tools older than 81 (see the file).
PIP_INSTALL := PIP_CONSTRAINT=$(CURDIR)/.pip-build-constraints.txt $(BIN)/pip install --quiet --disable-pip-version-check
PYTEST_ARGS ?= -n auto
# The browser journeys drive Debian's Chromium (never a browser downloaded by Playwright).
CHROMIUM := /usr/bin/chromium
JAVA := /usr/bin/java
# gettext's tools, for refreshing and checking the French catalogue (serving needs none).
MSGATTRIB := /usr/bin/msgattrib
# poppler's pdftotext, for reading printed documents back in the tests.
PDFTOTEXT := /usr/bin/pdftotext
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: run serve test e2e lint format check translations bench bench-search bench-pdf bench-reminders backup clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Mesoplan needs Python 3.11 or newer as $(PYTHON)"; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(VENV)/.runtime-installed: requirements.txt .pip-build-constraints.txt | $(BIN)/python
	$(PIP_INSTALL) -r requirements.txt
	@touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt .pip-build-constraints.txt | $(BIN)/python
	$(PIP_INSTALL) -r requirements-dev.txt
	@touch $@ $(VENV)/.runtime-installed

$(CHROMIUM):
	@echo "Installing Debian's chromium for the browser journeys (tests/e2e)"
	$(SUDO) apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

# axe-core, which the journeys inject into pages to check accessibility, and the W3C Nu HTML
# checker (vnu-jar). Its install script would download a Java of its own: Debian's is used instead.
node_modules/.installed: package.json package-lock.json
	@command -v npm >/dev/null || { echo "Installing Debian's npm for axe-core"; \
		$(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; }
	npm ci --no-audit --no-fund --silent --ignore-scripts
	@touch $@

$(JAVA):
	@echo "Installing Debian's Java for the Nu HTML checker (tests/nu_checker.py)"
	$(SUDO) apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless

$(PDFTOTEXT):
	@echo "Installing Debian's poppler-utils for reading PDFs back in the tests"
	$(SUDO) apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils

$(MSGATTRIB):
	@echo "Installing Debian's gettext for the French catalogue (make check, make translations)"
	$(SUDO) apt-get update -qq
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gettext

# The links in the demo's emails lead to this server, on whichever port it serves.
run: export CLINIC_SITE_URL ?= http://127.0.0.1:$(PORT)
run: $(VENV)/.runtime-installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_demo
	$(BIN)/python -m messaging.together "manage.py runserver 127.0.0.1:$(PORT)" "manage.py run_huey"

# Production-style: gunicorn, DJANGO_DEBUG=0 (set DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS), static files collected,
# and the job consumer beside it (docs/deploy.md runs them as two systemd services instead).
serve: $(VENV)/.runtime-installed
	DJANGO_DEBUG=0 $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=0 $(BIN)/python manage.py collectstatic --noinput -v0
	DJANGO_DEBUG=0 $(BIN)/python -m messaging.together "$(BIN)/gunicorn clinic.wsgi --workers 2 --bind 127.0.0.1:$(PORT)" "manage.py run_huey"

test: $(VENV)/.dev-installed $(CHROMIUM) $(JAVA) $(PDFTOTEXT) node_modules/.installed
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Only the browser journeys, refreshing their screenshots in docs/screenshots/.
e2e: $(VENV)/.dev-installed $(CHROMIUM) $(JAVA) $(PDFTOTEXT) node_modules/.installed
	MESOPLAN_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -m e2e $(PYTEST_ARGS)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

check: $(VENV)/.dev-installed $(MSGATTRIB)
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python manage.py check_translations

# After changing texts: refresh locale/fr from the code and compile it (needs gettext), then
# translate the new entries in locale/fr/LC_MESSAGES/django.po and run it again.
translations: $(VENV)/.dev-installed $(MSGATTRIB)
	$(BIN)/python manage.py update_translations

# The clinic at scale on PostgreSQL under gunicorn (see bench/run.py and docs/performance.md).
bench: $(VENV)/.dev-installed
	$(BIN)/python bench/run.py $(BENCH_ARGS)

bench-search: $(VENV)/.dev-installed
	$(BIN)/python bench/patient_search.py

bench-pdf: $(VENV)/.dev-installed
	$(BIN)/python bench/pdf.py

# 10,000 due reminders, two job consumers on Redis, an SMTP sink counting them (docs/performance.md).
bench-reminders: $(VENV)/.dev-installed
	$(BIN)/python bench/reminders.py $(BENCH_ARGS)

# A consistent copy into backups/ (owner-only files); restoring: docs/deploy.md, "Backups".
backup: $(VENV)/.runtime-installed
	$(BIN)/python manage.py backup

clean:
	rm -rf $(VENV) staticfiles node_modules
