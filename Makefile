# The two commands of the README, and a few more for development.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test install web lint format schema bench

$(BIN)/brandhub: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/brandhub

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
run: install web
	$(BIN)/brandhub serve --demo

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
