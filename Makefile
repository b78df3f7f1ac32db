# The two commands of the README: `make verify` and `make test`.
# Each creates .venv when it is missing and installs the project with everything it needs,
# pinned by constraints.txt.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.iegn-installed
PYTEST_ARGS ?=

.PHONY: verify test test-thorough docs bench clean install

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade "pip==$$(sed -n 's/^pip==//p' constraints.txt)"
	$(BIN)/python -m pip install --quiet -c constraints.txt hatchling editables
	$(BIN)/python -m pip install --quiet --no-build-isolation -c constraints.txt -e ".[jax,test,docs]"
	touch $(STAMP)

install: $(STAMP)

verify: $(STAMP)
	$(BIN)/iegn verify

test: $(STAMP)
	HYPOTHESIS_PROFILE=ci $(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

test-thorough: $(STAMP)
	HYPOTHESIS_PROFILE=thorough $(BIN)/python -m pytest -n 2 --run-slow $(PYTEST_ARGS)

docs: $(STAMP)
	rm -rf docs/_build/html
	$(BIN)/python -m sphinx -W --keep-going -b html docs docs/_build/html

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf docs/_build docs/_generated docs/api/generated .pytest_cache .hypothesis
