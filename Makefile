# The two set-up commands of the README: `make run` and `make test`. Both install what they need.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run once test bench eval clean
# The status-page test drives Debian's Chromium (Playwright's own browser download is not reachable).
CHROMIUM := /usr/bin/chromium

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/portalwatch run

once: $(STAMP)
	$(BIN)/portalwatch run --once

$(CHROMIUM):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null

# Most tests wait on servers, crawl children and daemons, so four workers (pytest-xdist) keep two
# cores busy; the container tests stay together on one worker (one image build, tests/conftest.py).
PYTEST_WORKERS ?= 4
test: $(STAMP) $(CHROMIUM)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

eval: $(STAMP)
	$(BIN)/portalwatch eval

bench: $(STAMP)
	$(BIN)/python -m tests.bench

clean:
	rm -rf $(VENV) data/*.db*
