# storycheck developer entry points. `make demo` and `make test` are all a new user needs.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin

.PHONY: setup demo test lint typecheck unit gate bench clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

demo: setup
	$(BIN)/storycheck ingest examples/corpus --db .storycheck/demo.db
	$(BIN)/storycheck analyze examples/corpus --report .storycheck/demo-report.json

lint: setup
	$(BIN)/ruff check src tests bench train
	$(BIN)/ruff format --check src tests bench train

typecheck: setup
	$(BIN)/mypy --strict src

# pytest exits 5 when it collects no test; that is not a failure of the suite.
unit: setup
	$(BIN)/pytest -q; rc=$$?; if [ $$rc -eq 5 ]; then exit 0; else exit $$rc; fi

# The quality gate: fast benchmarks on ../shared/data against bench/baseline.json
# (exits 0 with a message when the data is absent).
gate: setup
	$(PY) -m bench.gate

test: lint typecheck unit gate

bench: setup
	$(PY) -m bench.run --all

clean:
	rm -rf $(VENV) .storycheck .mypy_cache .pytest_cache .ruff_cache
