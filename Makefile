# The two commands in the README: `make demo` and `make test`. Each creates .venv and installs
# what it needs by itself.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench system-deps clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null && $(PYTHON) -c 'import ensurepip' 2>/dev/null || ./scripts/system-deps.sh
	PYTHON=$(PYTHON) ./scripts/install.sh $(VENV) dev
	@touch $(STAMP)

# make demo PORT=8091 serves the dashboard on another port (8081 is often Redis Commander's).
PORT ?= 8081
demo: $(STAMP)
	$(BIN)/sidecar demo --port $(PORT)

system-deps:
	./scripts/system-deps.sh

# -n auto: one pytest worker per CPU plus one, at most 4, serial on one CPU (tests/conftest.py says why); --dist loadfile
# keeps a file on one worker, so its module fixtures (Prometheus) start once. `pytest -q` alone still runs serially.
# HYPOTHESIS_PROFILE=ci: property tests draw the same examples every run (tests/conftest.py says why).
test: $(STAMP) system-deps
	$(BIN)/ruff check .
	$(BIN)/mypy sidecar
	HYPOTHESIS_PROFILE=ci $(BIN)/python -m pytest -q -p no:cacheprovider -n auto --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check .

bench: $(STAMP)
	@echo "see bench/RESULTS.md for each benchmark's command"

clean:
	rm -rf $(VENV) data .pytest_cache
