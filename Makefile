# Veerkracht — two commands do all setup:
#   make run    install, prepare the embedded SQLite database with reference and demo data, serve
#   make test   install and run the whole test suite (SQLite, or DATABASE_URL when set)

PYTHON_BOOT ?= python3
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
MANAGE := $(PY) manage.py

.PHONY: run test install serve setup lint format bench clean help

help:
	@echo "make run    install, prepare var/ (SQLite, reference and demo data) and serve on http://$(HOST):$(PORT)"
	@echo "make test   install and run the whole test suite"
	@echo "make lint   ruff check and format check"
	@echo "make bench  run the benchmarks in benchmarks/"

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: pyproject.toml requirements.lock
	@test -x $(PY) || $(PYTHON_BOOT) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade "pip==26.3"
	$(PY) -m pip install --quiet --disable-pip-version-check -c requirements.lock -e '.[dev]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

setup: install
	$(MANAGE) compile_translations
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(MANAGE) migrate --noinput
	$(MANAGE) import_cbs_areas data/cbs-gemeenten-2023.geojson --level gemeente
	$(MANAGE) load_reference
	$(MANAGE) seed_demo
	$(MANAGE) seed_initiatives
	$(MANAGE) seed_support
	$(MANAGE) seed_forum
	$(MANAGE) seed_knowledge
	$(MANAGE) load_monitor_framework
	$(MANAGE) import_cbs_observations
	$(MANAGE) build_index --years 2023 --province PV30 --publish --if-missing
	$(MANAGE) seed_dialogues
	$(MANAGE) generate_survey --respondents 10000 --seed 1 --fit --publish --if-missing
	$(MANAGE) rebuild_search_index

serve:
	$(VENV)/bin/gunicorn veerkracht.wsgi:application --pythonpath src \
		--bind $(HOST):$(PORT) --workers $(WORKERS) --access-logfile - --log-level warning

run: setup serve

test: install
	$(MANAGE) compile_translations --verbosity 0
	VEERKRACHT_ENV=test $(PY) -m pytest $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install
	VEERKRACHT_ENV=test $(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) node_modules var
