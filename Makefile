# The two commands of the README, and a few for working on the templates.
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
# The venv's tools (uv, ruff, copier) come first for every recipe and the projects they make.
export PATH := $(BIN):$(PATH)
DEMO ?= build/todo-api
TOOLS := $(CURDIR)/.tools
# The versions the generated projects' Dockerfiles and CI install (extensions/specmodel/managers.py).
POETRY_VERSION := 2.5.1
PIPENV_VERSION := 2026.10.3

.PHONY: help demo test test-all format dist

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  %-8s %s\n", $$1, $$2}'

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --editable '.[test]'
	# poetry and pipenv, each in a venv of its own (as their docs advise), for the generated
	# projects that use them: the tests put only the one a project uses on its PATH.
	for tool in poetry==$(POETRY_VERSION) pipenv==$(PIPENV_VERSION); do \
		name=$${tool%%=*}; rm -rf $(TOOLS)/$$name; python3 -m venv $(TOOLS)/$$name \
		&& $(TOOLS)/$$name/bin/python -m pip install --quiet $$tool \
		&& mkdir -p $(TOOLS)/bin-$$name && ln -sf $(TOOLS)/$$name/bin/$$name $(TOOLS)/bin-$$name/$$name || exit 1; \
	done
	touch $@

demo: $(VENV)/.installed ## Generate the default project (FastAPI, SQLite) into $(DEMO) and serve it
	rm -rf $(DEMO)
	$(BIN)/copier copy --trust --defaults --vcs-ref HEAD . $(DEMO)
	$(MAKE) -C $(DEMO) install migrate run

test: $(VENV)/.installed ## Run the whole test suite (needs PostgreSQL on 127.0.0.1:5432)
	$(BIN)/pytest -n 3 --dist loadgroup

test-all: $(VENV)/.installed ## The whole suite on every combination of offered options and 300 fuzzed specs
	MATRIX=full FUZZ_COUNT=300 $(BIN)/pytest -n 3 --dist loadgroup

format: $(VENV)/.installed ## Format this repository's code and the templates' plain .py files
	$(BIN)/ruff format src extensions tests hooks
	$(BIN)/ruff check --fix src extensions tests hooks
	find template-* -name '*.py' -print0 | xargs -0 $(BIN)/ruff format --isolated --line-length 100
	find template-* -name '*.py' -print0 | xargs -0 $(BIN)/ruff check --isolated --line-length 100 --select I --fix

dist: $(VENV)/.installed ## Build the wheel (which carries the template) and the sdist into dist/
	rm -rf dist
	$(BIN)/uv build --out-dir dist
