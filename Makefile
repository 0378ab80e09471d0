# Crackdown — `make run` serves the demo, `make test` runs every check. See README.md.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/crackdown
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/crackdown_bench
BENCH_REDIS_URL ?= redis://127.0.0.1:6379/14
# A throwaway key, only to run `check --deploy` with production settings.
DEPLOY_CHECK_ENV := DEBUG=false SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(50))') \
	ALLOWED_HOSTS=crackdown.example DATABASE_URL=$(TEST_DATABASE_URL)

# The catalogues (locale/, docs/glossary.md). `make messages` refreshes the .po files from the
# marked strings; the .mo files are compiled at install (gettext's msgfmt), never committed.
LOCALES := ko th vi id ms
MESSAGES_OPTS := --no-obsolete --add-location file --ignore=.venv --ignore=node_modules \
	--ignore=staticfiles --ignore=var --ignore=tests --ignore=bench --ignore=docs
PO_FILES := $(wildcard locale/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)

.PHONY: run test lint check bench profile install clean messages compilemessages system-packages

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@# Evidence file types come from libmagic, a system package (README "Evidence storage").
	@$(PY) -c "import magic" 2>/dev/null || { echo "python-magic cannot load libmagic: install it (Debian/Ubuntu: apt-get install libmagic1; macOS: brew install libmagic)"; exit 1; }
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian packages (.ci/apt-packages): WeasyPrint's Pango, libmagic, gettext, poppler's pdftotext.
system-packages:
	@bash .ci/install-system-packages

locale/%.mo: locale/%.po
	msgfmt --check --output-file=$@ $<

compilemessages: system-packages $(MO_FILES)

install: system-packages $(VENV)/.installed node_modules/.installed compilemessages

messages: $(VENV)/.installed
	$(PY) manage.py makemessages $(addprefix -l ,$(LOCALES)) --domain django $(MESSAGES_OPTS)

run: install
	PORT=$(PORT) $(PY) -m crackdown.launcher

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/lint-imports --no-cache
	$(PY) -m crackdown.i18n_check

check: install
	$(PY) manage.py makemigrations --check --dry-run
	$(DEPLOY_CHECK_ENV) $(PY) manage.py check --deploy --fail-level WARNING
	@if command -v docker-compose >/dev/null 2>&1; then SECRET_KEY=compose-check ALLOWED_HOSTS=crackdown.example POSTGRES_PASSWORD=compose-check docker-compose config -q && echo "docker-compose.yml is valid"; \
	else echo "docker-compose not installed: compose file not checked"; fi

test: install
	@$(PY) -m crackdown.preflight $(TEST_DATABASE_URL) $(TEST_REDIS_URL)
	$(MAKE) --no-print-directory lint check
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) CRACKDOWN_TESTING=true \
		$(VENV)/bin/pytest -n 2 $(PYTEST_ARGS)

bench: install
	@$(PY) -m crackdown.preflight $(BENCH_DATABASE_URL) $(BENCH_REDIS_URL)
	DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) DEBUG=true \
		$(PY) -m bench $(BENCH_ARGS)

# Where one request's time goes, on the bench's data: make profile PROFILE_PATH=/api/v1/seizures/
PROFILE_PATH ?= /api/v1/seizures/
profile: install
	@$(PY) -m crackdown.preflight $(BENCH_DATABASE_URL) $(BENCH_REDIS_URL)
	DATABASE_URL=$(BENCH_DATABASE_URL) REDIS_URL=$(BENCH_REDIS_URL) DEBUG=true \
		$(PY) -m bench.profile $(PROFILE_PATH)

clean:
	rm -rf $(VENV) node_modules staticfiles var .pytest_cache .ruff_cache .mypy_cache
