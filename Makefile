# VictimCare: `make run` to try it, `make test` to check it. See README.md.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEV_ENV := DJANGO_DEBUG=true

.PHONY: install run test lint format check-deploy compose-check lock audit clean

$(BIN)/.installed: pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	mkdir -p var/static
	touch $@

install: $(BIN)/.installed

run: install
	$(DEV_ENV) $(BIN)/python manage.py migrate --no-input
	$(DEV_ENV) $(BIN)/python manage.py demo_data
	@echo "VictimCare is starting at http://127.0.0.1:8000 (Ctrl-C stops web, worker and beat)"
	$(DEV_ENV) $(BIN)/honcho --procfile Procfile.dev start

test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# manage.py check --deploy under production settings, as a real deployment would set them.
check-deploy: install
	DJANGO_DEBUG=false SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	ALLOWED_HOSTS=victimcare.example.police.uk \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

compose-check: install
	SECRET_KEY=compose-config-check $(BIN)/docker-compose -f docker-compose.yml config --quiet

# Regenerate the pinned lock from pyproject.toml's ranges.
lock:
	rm -rf var/lock-venv && $(PYTHON) -m venv var/lock-venv
	var/lock-venv/bin/pip install --quiet ".[dev]"
	var/lock-venv/bin/pip freeze --exclude-editable | grep -v '^victimcare' > requirements.lock
	rm -rf var/lock-venv

# Needs the internet: pip-audit cannot reach its vulnerability service from a closed network.
audit: install
	$(BIN)/pip install --quiet pip-audit
	$(BIN)/pip-audit --strict -r requirements.lock

clean:
	rm -rf $(VENV) var .pytest_cache test-artifacts
