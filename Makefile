# The two set-up commands of the README: `make run` and `make test`. Both install what they need.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run once test bench eval clean document-tools fonts
# The status-page test drives Debian's Chromium (Playwright's own browser download is not reachable).
CHROMIUM := /usr/bin/chromium
# Document text (crawler/documents/): poppler's pdftotext/pdftoppm, Tesseract with Vietnamese data,
# antiword and catdoc for legacy .doc. One stamp file stands for the set; apt-installed when missing.
DOCUMENT_TOOLS := /usr/share/tesseract-ocr/5/tessdata/vie.traineddata
DOCUMENT_PACKAGES := poppler-utils tesseract-ocr tesseract-ocr-vie antiword catdoc

# The weekly charts (web/charts.py) draw Vietnamese labels with DejaVu Sans from Debian's fonts-dejavu-core.
CHART_FONT := /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
CHART_FONT_PACKAGES := fonts-dejavu-core

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP) $(DOCUMENT_TOOLS) $(CHART_FONT)
	$(BIN)/portalwatch run

once: $(STAMP) $(DOCUMENT_TOOLS) $(CHART_FONT)
	$(BIN)/portalwatch run --once

$(CHROMIUM):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null

$(DOCUMENT_TOOLS):
	@for tool in pdftotext pdftoppm tesseract antiword catdoc; do command -v $$tool >/dev/null || missing=1; done; \
	if [ -n "$$missing" ] || [ ! -f $@ ]; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DOCUMENT_PACKAGES) >/dev/null; fi

document-tools: $(DOCUMENT_TOOLS)

$(CHART_FONT):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(CHART_FONT_PACKAGES) >/dev/null

fonts: $(CHART_FONT)

# Most tests wait on servers, crawl children and daemons, so four workers (pytest-xdist) keep two
# cores busy; the container tests stay together on one worker (one image build, tests/conftest.py).
PYTEST_WORKERS ?= 4
test: $(STAMP) $(CHROMIUM) $(DOCUMENT_TOOLS) $(CHART_FONT)
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) $(PYTEST_ARGS)

eval: $(STAMP)
	$(BIN)/portalwatch eval
	$(BIN)/python -m tests.eval_monitor

bench: $(STAMP) $(DOCUMENT_TOOLS) $(CHART_FONT)
	$(BIN)/python -m tests.bench

clean:
	rm -rf $(VENV) data/*.db*
