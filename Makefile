# docscenter: this repository is itself a documentation center.
#   make html   set up .venv if needed and build this center into build/html
#   make test   set up .venv if needed and run the test suite
PYTHON ?= python3
VENV ?= .venv
VPY := $(VENV)/bin/python
# Building needs docscenter and its dependencies only; the tests and lint add the test extras.
# Each stamp is remade when pyproject.toml changes, so switching between the two works both ways.
STAMP := $(VENV)/.installed-stamp
TEST_STAMP := $(VENV)/.installed-test-stamp
DOCSCENTER := $(VPY) -m docscenter -C .

.PHONY: html check import serve linkcheck clean test test-browser bench lint

$(VPY):
	$(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(VPY)
	$(VPY) -m pip install --quiet -e .
	touch $(STAMP)

$(TEST_STAMP): pyproject.toml $(STAMP)
	$(VPY) -m pip install --quiet -e '.[test]'
	touch $(TEST_STAMP)

html: $(STAMP)
	$(DOCSCENTER) build -b html

check: $(STAMP)
	$(DOCSCENTER) check

import: $(STAMP)
	$(DOCSCENTER) import-wiki --manifest tools/wiki.toml --glossary

serve: $(STAMP)
	$(DOCSCENTER) serve

linkcheck: $(STAMP)
	$(DOCSCENTER) build -b linkcheck

test: $(TEST_STAMP)
	$(VPY) -m pytest -n 2 -m "not browser"

# Headless Chromium against the build/html just made; screenshots in build/screenshots/.
test-browser: $(TEST_STAMP) html
	DOCSCENTER_HTML=build/html $(VPY) -m pytest -m browser tests/browser

bench: $(STAMP)
	$(VPY) bench/build.py

lint: $(TEST_STAMP)
	$(VPY) -m ruff check tools tests bench
	$(VPY) -m mypy

clean:
	rm -rf build
