# The few verbs people need. `make run` and `make test` set everything up themselves.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
DEFAULT_QUESTIONNAIRE := surveys/questionnaires/us-russia-kz.json
# PostgreSQL when it answers, else SQLite with a loud notice (scripts/test_database.py).
ON_TEST_DATABASE = url=$$($(PY) scripts/test_database.py) || exit 1; DATABASE_URL="$$url"

.PHONY: install install-dev run test test-fast ci lint format migrations-check bench

$(PY):
	@$(PYTHON) -c "import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)" || { echo "Python 3.11 is needed: set PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

install: $(VENV)/.runtime
install-dev: $(VENV)/.dev

run: install
	$(MANAGE) migrate --noinput
	$(MANAGE) import_questionnaire $(DEFAULT_QUESTIONNAIRE)
	$(MANAGE) seed_demo --n 600 --if-empty
	@echo
	@$(MANAGE) ensure_admin
	@echo "Questionnaire:  http://$(HOST):$(PORT)/s/us-russia-kz/"
	@echo "Dashboards:     http://$(HOST):$(PORT)/dashboard/us-russia-kz/  (log in as admin)"
	@echo "Admin:          http://$(HOST):$(PORT)/admin/"
	@echo "API docs:       http://$(HOST):$(PORT)/api/docs/"
	@echo
	$(MANAGE) runserver $(HOST):$(PORT)

test: install-dev
	@$(PY) scripts/ensure_chromium.py
	@$(ON_TEST_DATABASE) $(PY) -m pytest $(PYTEST_ARGS)

# All but the tests marked slow: browser, reliability, schemathesis, fuzzing, start-up, matrices.
test-fast: install-dev
	@$(ON_TEST_DATABASE) $(PY) -m pytest -m "not slow" $(PYTEST_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy config core surveys analytics exports api editor

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

migrations-check: install-dev
	$(MANAGE) makemigrations --check --dry-run

ci:
	bash .ci/run
