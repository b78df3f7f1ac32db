# The two commands of the README: `make verify` and `make test`.
# Each creates .venv when it is missing and installs the project with everything it needs,
# pinned by constraints.txt.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.iegn-installed
PYTEST_ARGS ?=

.PHONY: verify test test-thorough docs bench bench-env clean install mutation repeat

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

# The benchmarks' peer (GraphRicciCurvature 0.6.1 pins an older SciPy) gets its own venv,
# pinned by benchmarks/requirements-grc.txt; only `make bench` needs it.
GRC_VENV := .venv-grc
GRC_STAMP := $(GRC_VENV)/.grc-installed

$(GRC_VENV)/bin/python:
	$(PYTHON) -m venv $(GRC_VENV)

$(GRC_STAMP): benchmarks/requirements-grc.txt | $(GRC_VENV)/bin/python
	$(GRC_VENV)/bin/pip install --quiet -r benchmarks/requirements-grc.txt
	touch $(GRC_STAMP)

bench-env: $(GRC_STAMP)

bench: $(STAMP) $(GRC_STAMP)
	$(BIN)/python benchmarks/run.py

# Mutation testing of the core modules, each in a temporary copy (tools/mutation.py); e.g.
# make mutation MUTATION_ARGS="--module thermo --sample 150 --fail-under 85"
MUTATION_ARGS ?=
mutation: $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt mutmut
	$(BIN)/python tools/mutation.py $(MUTATION_ARGS)

# Flakiness: the suite N times under the ci profile, outcomes compared (tools/repeat.py); e.g.
# make repeat REPEAT_ARGS="--runs 20 --exclude tests/test_docs.py"
REPEAT_ARGS ?= --runs 20
repeat: $(STAMP)
	$(BIN)/python tools/repeat.py $(REPEAT_ARGS)

clean:
	rm -rf docs/_build docs/_generated docs/api/generated .pytest_cache .hypothesis
