# The two commands of the README, and a few more for development.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# uv installs the locked sets; it is bootstrapped, pinned, into .uv/ with the machine's pip
# (into a plain folder when pip allows it, the quickest; else into a venv of its own).
UV_VERSION := 0.13.9
UV := .uv/bin/uv
# uv reads its own settings (UV_DEFAULT_INDEX, uv.toml), not pip's: it installs from PyPI
# unless told otherwise. It uses $(PYTHON), never a Python it would download.
export UV_PYTHON_DOWNLOADS := never
LOCK_FLAGS := --universal --generate-hashes --python-version 3.11 --quiet

.PHONY: run test install web lint format schema bench lock

$(UV):
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --target .uv "uv==$(UV_VERSION)" \
	  || { rm -rf .uv && $(PYTHON) -m venv .uv && .uv/bin/pip install --quiet "uv==$(UV_VERSION)"; }

$(BIN)/python: | $(UV)
	$(UV) venv --quiet --python $(PYTHON) $(VENV)

# `make run` needs the runtime set only (as locked) and brandhub itself; bytecode is left to
# the first start, which compiles only what it imports (quicker to a first answer).
$(VENV)/.installed-run: requirements.lock pyproject.toml | $(BIN)/python
	$(UV) pip install --quiet --python $(BIN)/python --require-hashes -r requirements.lock
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $@

# Everything else needs the dev tools too: the environment becomes exactly the locked set,
# compiled at install (test runs start faster, even where PYTHONDONTWRITEBYTECODE is set).
$(VENV)/.installed-dev: requirements-dev.lock pyproject.toml | $(BIN)/python
	$(UV) pip sync --quiet --compile-bytecode --python $(BIN)/python --require-hashes requirements-dev.lock
	$(UV) pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $@ $(VENV)/.installed-run

install: $(VENV)/.installed-dev

# The web app (web/): Node packages from the lock file, then a build into web/dist, both
# skipped when up to date.
NPM ?= npm
WEB_SOURCES := $(shell find web/src web/scripts -type f -not -path '*/generated/*' 2>/dev/null) \
	web/index.html web/graphiql.html $(wildcard web/embed/*.html) web/vite.config.ts \
	web/vite.embed.config.ts web/codegen.ts web/tsconfig.json schema.graphql

web/node_modules/.installed: web/package.json web/package-lock.json
	cd web && $(NPM) ci --no-audit --no-fund --loglevel=error
	touch $@

web/dist/index.html: web/node_modules/.installed $(WEB_SOURCES)
	cd web && $(NPM) run build --silent

web: web/dist/index.html

## Install, build the web app, then serve it on http://127.0.0.1:8000/ (SQLite, in-process jobs).
## Webhooks to this machine are allowed here (a local receiver: brandhub webhooks listen).
run: $(VENV)/.installed-run web
	BRANDHUB_WEBHOOK_ALLOW_PRIVATE=$${BRANDHUB_WEBHOOK_ALLOW_PRIVATE:-true} $(BIN)/brandhub serve --demo

## Install, build the web app, then lint and run the whole suite (browser tests included).
test: install web
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

schema: install
	$(BIN)/brandhub schema > schema.graphql

## Re-resolve the locked sets after a change to pyproject.toml's dependencies (then commit them).
lock: $(UV)
	$(UV) pip compile pyproject.toml --extra dev $(LOCK_FLAGS) -o requirements-dev.lock
	$(UV) pip compile pyproject.toml $(LOCK_FLAGS) -c requirements-dev.lock -o requirements.lock
