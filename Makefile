# docscenter: this repository is itself a documentation center.
#   make html   set up .venv if needed and build this center into build/html
#   make test   set up .venv if needed and run the test suite
PYTHON ?= python3
VENV ?= .venv
VPY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
DOCSCENTER := $(VPY) -m docscenter -C .

.PHONY: html check import serve linkcheck clean test test-browser bench lint

$(STAMP): pyproject.toml
	test -x $(VPY) || $(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install --quiet --upgrade pip
	$(VPY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

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

test: $(STAMP)
	$(VPY) -m pytest -n 2 -m "not browser"

# Headless Chromium against the build/html just made; screenshots in build/screenshots/.
test-browser: $(STAMP) html
	DOCSCENTER_HTML=build/html $(VPY) -m pytest -m browser tests/browser

bench: $(STAMP)
	$(VPY) bench/build.py

lint: $(STAMP)
	$(VPY) -m ruff check tools tests bench
	$(VPY) -m mypy

clean:
	rm -rf build
