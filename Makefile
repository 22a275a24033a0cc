# Clean Break. `make run` serves the app with demo data; `make test` runs lint and tests.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Seen by every command, so the links in e-mails (CLEANBREAK_SITE_URL's default) use it.
export PORT
# The embedded default for local runs: SQLite under var/, tasks run eagerly.
DEV_ENV := DJANGO_DEBUG=$${DJANGO_DEBUG:-true}

.PHONY: run test lint format worker install dev-install migrate demo seed bench backup restore clean messages translations

# Compiled translations (locale/<language>/LC_MESSAGES/django.mo), rebuilt when their .po
# changes. Babel compiles them, so no system gettext is needed to run or test.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po | $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -l $* -i $< -o $@

## Compile the translations (make run and make test do it).
messages: $(MO_FILES)

## For translators: gather every marked message into locale/*/LC_MESSAGES/django.po (needs
## GNU gettext), then translate the new entries and run `make messages`.
translations: install
	$(DEV_ENV) $(BIN)/python manage.py makemessages -l nl -l it -l hu --no-obsolete --no-location \
	  --ignore 'tests/*' --ignore 'bench/*' --ignore 'demo/*' --ignore 'var/*' --ignore 'static/*'

dev-install: $(VENV)/.installed-dev

migrate: install messages
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput

demo: migrate
	$(DEV_ENV) $(BIN)/python manage.py demo_data

## Serve on http://127.0.0.1:$(PORT) with demo data, in the foreground until Ctrl-C.
run: demo
	@echo "Clean Break on http://127.0.0.1:$(PORT)/  (users manager, lead, staff; password: $${DEMO_PASSWORD:-cleanbreak-demo})"
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## Lint, then the whole test suite.
test: dev-install messages lint
	$(DEV_ENV) $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: dev-install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

format: dev-install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## A Celery worker, with the periodic sweep (--beat), for the broker in CELERY_BROKER_URL.
worker: install
	$(DEV_ENV) $(BIN)/celery -A config worker --beat --schedule var/celerybeat-schedule --loglevel=INFO --concurrency=$${WORKER_CONCURRENCY:-2}

## Back up the database and the private files into var/backups/ (BACKUP=file to choose).
backup: install
	$(DEV_ENV) $(BIN)/python manage.py backup $(if $(BACKUP),--output $(BACKUP))

## Restore BACKUP=file into an empty database and media folder.
restore: install
	@test -n "$(BACKUP)" || (echo "Usage: make restore BACKUP=var/backups/cleanbreak-....tar.gz" && exit 2)
	$(DEV_ENV) $(BIN)/python manage.py restore $(BACKUP)

## Benchmarks (not part of the tests): render times, load and document throughput.
## Seed first: DATABASE_URL=postgres://... make seed (10,000 clients, a million audit events).
seed: migrate
	$(DEV_ENV) $(BIN)/python manage.py seed_volume

bench: dev-install
	PY=$(BIN)/python bash bench/run.sh

clean:
	rm -rf $(VENV) var
