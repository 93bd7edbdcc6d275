# VictimCare: `make run` to try it, `make test` to check it. See README.md.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEV_ENV := DJANGO_DEBUG=true

.PHONY: install messages run test lint format bandit check-deploy compose-check lock audit clean faults faults-short

$(BIN)/.installed: pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.lock
	mkdir -p var/static
	touch $@

# Welsh for the victim pages: the .po files are in the repository, the .mo files are compiled
# here (msgfmt, from Debian's gettext package) and never committed.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))

locale/%.mo: locale/%.po
	msgfmt --check-format -o $@ $<

install: $(BIN)/.installed $(MO_FILES)

# After adding or changing a victim-facing string: gather every marked string into the .po files,
# then write the Welsh (tests/victim/test_welsh.py fails while one is missing or fuzzy).
messages: install
	$(DEV_ENV) $(BIN)/python manage.py makemessages -l cy --add-location=file --no-obsolete --no-wrap \
		--ignore=var --ignore=.venv --ignore=tests --ignore=test-artifacts

run: install
	$(DEV_ENV) $(BIN)/python manage.py migrate --no-input
	$(DEV_ENV) $(BIN)/python manage.py demo_data
	@echo "VictimCare is starting at http://127.0.0.1:8000 (Ctrl-C stops web, worker and beat)"
	$(DEV_ENV) $(BIN)/honcho --procfile Procfile.dev start

test: install
	$(BIN)/pytest -n auto --dist loadfile

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Security lint of all the project's code, a new app included by itself (pyproject.toml's
# [tool.bandit] skips tests, migrations and installed packages): medium and high findings fail.
bandit: install
	$(BIN)/bandit -c pyproject.toml -r . -ll

# manage.py check --deploy under production settings, as a real deployment would set them.
check-deploy: install
	DJANGO_DEBUG=false SECRET_KEY="$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
	ALLOWED_HOSTS=victimcare.example.police.uk \
	$(BIN)/python manage.py check --deploy --fail-level WARNING

compose-check: install
	SECRET_KEY=compose-config-check $(BIN)/docker-compose -f docker-compose.yml config --quiet

# Faults survived (README): a private PostgreSQL and Redis on loopback, gunicorn, worker and beat;
# the worker killed mid-delivery, Redis stopped under API writes, PostgreSQL restarted under load.
# Needs PostgreSQL's server binaries and redis-server installed, not running. faults-short is CI's.
faults: install
	$(BIN)/python -m tools.faults.harness

faults-short: install
	$(BIN)/python -m tools.faults.harness --short

# Regenerate the pinned lock from pyproject.toml's ranges.
lock:
	rm -rf var/lock-venv && $(PYTHON) -m venv var/lock-venv
	var/lock-venv/bin/pip install --quiet ".[dev]"
	var/lock-venv/bin/pip freeze --exclude-editable | grep -v '^victimcare' > requirements.lock
	rm -rf var/lock-venv

# Known vulnerabilities in the pinned dependencies. Needs the internet: offline, pip-audit skips
# every package, and --strict turns that skip into a failure rather than a false pass. Run by
# .github/workflows/audit.yml (weekly and on push), not by .ci/run, whose network is closed.
# The lock pins every package (production's lock is a subset), so no resolution is needed.
audit: install
	$(BIN)/pip install --quiet "pip-audit>=2.7,<3"
	$(BIN)/pip-audit --strict --progress-spinner off --no-deps --disable-pip -r requirements.lock

clean:
	rm -rf $(VENV) var .pytest_cache test-artifacts
