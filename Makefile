# Two commands on a fresh machine:
#   make serve   set everything up, then serve the site at http://127.0.0.1:8000
#   make test    set everything up, then run the whole test suite
# Both are idempotent: a second run installs nothing when nothing changed.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PY_STAMP := $(VENV)/.installed
NPM_STAMP := node_modules/.installed
DATA_STAMP := data/FashionMNIST/raw/t10k-labels-idx1-ubyte
CHROMIUM ?= /usr/bin/chromium
CJK_FONT ?= /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
ADDR ?= 127.0.0.1:8000
PYTEST_ARGS ?=

# Debian packages: apt as root, else through sudo when it asks no password.
APT := $(shell if [ "$$(id -u)" = 0 ]; then echo apt-get; \
	elif sudo -n true 2>/dev/null; then echo "sudo -n apt-get"; fi)

.PHONY: setup serve build test lint bench figures data offline clean help

help:
	@echo "make serve   set up, then serve the site at http://$(ADDR)"
	@echo "make test    set up, then run the whole test suite"
	@echo "make build   set up, then write the static site to site/"
	@echo "make bench   quality and speed benchmarks (quick profile)"
	@echo "make offline set up, then write site-offline.zip: the site to open from disk"
	@echo "make setup   only set up (.venv, node + MathJax, dataset, chromium, CJK font)"
	@echo "make data    prepare Fashion-MNIST again (e.g. after deleting a damaged file)"
	@echo "make lint    ruff: formatting and lint"

setup: $(PY_STAMP) $(NPM_STAMP) $(DATA_STAMP) $(CHROMIUM) $(CJK_FONT)

$(PY_STAMP): requirements.lock pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install -q --disable-pip-version-check --no-deps -e .
	touch $@

# Node runs MathJax at build time (gen_src/website/math_svg.js): Debian's
# nodejs and npm when node is missing and apt is usable.
$(NPM_STAMP): package.json package-lock.json
	@if ! command -v node >/dev/null || ! command -v npm >/dev/null; then \
	  if [ -z "$(APT)" ]; then \
	    echo "error: node and npm are missing and apt-get is not usable" \
	         "here; install Node.js 18 or newer (it typesets the math)"; \
	    exit 1; fi; \
	  $(APT) install -y -q nodejs npm \
	  || { $(APT) update -q && $(APT) install -y -q nodejs npm; }; \
	fi
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The dataset: the Debian package when it is missing and apt is usable,
# then torchvision's raw layout under data/ (or the network, if online).
define prepare_data
	@if [ ! -d /usr/share/datasets/fashion-mnist ] && [ -z "$$GEN_DATA_DIR" ] \
	    && [ -n "$(APT)" ]; then \
	  $(APT) install -y -q dataset-fashion-mnist \
	  || { $(APT) update -q && $(APT) install -y -q dataset-fashion-mnist; } \
	  || echo "warning: could not install dataset-fashion-mnist; trying the network"; \
	fi
	$(PY) -m gen_src data
endef

$(DATA_STAMP): | $(PY_STAMP)
	$(prepare_data)

# Debian's Chromium, for the browser tests.
$(CHROMIUM):
	@if [ -z "$(APT)" ]; then \
	  echo "error: $(CHROMIUM) is missing and apt-get is not usable here;" \
	       "install Debian's chromium package, or set CHROMIUM=/path/to/chromium"; \
	  exit 1; fi
	$(APT) install -y -q chromium || { $(APT) update -q && $(APT) install -y -q chromium; }

# A CJK font: the Chinese figures' words (matplotlib) and the browser
# tests' pictures of Chinese pages. Debian's fonts-noto-cjk.
$(CJK_FONT):
	@if [ -z "$(APT)" ]; then \
	  echo "error: $(CJK_FONT) is missing and apt-get is not usable here;" \
	       "install Debian's fonts-noto-cjk (Noto Sans CJK SC), or set CJK_FONT=/path/to/it"; \
	  exit 1; fi
	$(APT) install -y -q fonts-noto-cjk || { $(APT) update -q && $(APT) install -y -q fonts-noto-cjk; }

serve: setup
	$(VENV)/bin/mkdocs serve --dev-addr $(ADDR)

build: setup
	$(VENV)/bin/mkdocs build --strict

test: setup lint
	$(PY) -m pytest --cov=gen_src --cov=snippets --cov-report=term $(PYTEST_ARGS)

# ruff, pinned in requirements.lock: formatting and lint (line length 79)
lint: $(PY_STAMP)
	$(VENV)/bin/ruff format --check --quiet .
	$(VENV)/bin/ruff check --quiet .

bench: setup
	$(PY) -m gen_src bench

# Prepare and check Fashion-MNIST again (after deleting a damaged file).
data: $(PY_STAMP)
	$(prepare_data)

# SHARD=I/N (or judge): train that shard of the runs only, FROM=CACHE
# merged in first, OUT=CACHE to copy its runs into (the publishing workflow)
figures: setup
	$(PY) -m gen_src figures $(if $(SHARD),--shard $(SHARD)) \
	  $(if $(FROM),--from $(FROM)) $(if $(OUT),--out $(OUT))

# The whole site as one archive to open from disk (file://): a second build
# of the same pages with Material's offline plugin (its training is the
# build's cache), zipped and read back (gen_src/builder/offline_zip.py).
# `make build` after it links the archive and copies it into site/.
offline: setup
	rm -rf site-offline
	GEN_OFFLINE=true $(VENV)/bin/mkdocs build --strict --site-dir site-offline
	$(PY) -m gen_src zip site-offline site-offline.zip

clean:
	rm -rf site site-offline site-offline.zip .cache .pytest_cache .coverage
