# The two commands of the README, and a few more for development.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test install lint format schema bench

$(BIN)/brandhub: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/brandhub

## Install, then serve GraphQL on http://127.0.0.1:8000/graphql (SQLite, in-process jobs).
run: install
	$(BIN)/brandhub serve --demo

## Install, then lint and run the whole suite on SQLite and PostgreSQL.
test: install
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
