# The two commands of the README: `make run` and `make test`. Everything else is what they need.
VENV    ?= .venv
PY      := $(VENV)/bin/python
KB      := $(VENV)/bin/kb
STAMP   := $(VENV)/.installed
PORT    ?= 8501

.PHONY: run test check install index serve browser ocr eval bench vectors clean

run: ocr index serve

# A fresh machine: create the venv, take the CPU build of torch first (so nothing resolves a CUDA build), install.
$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet torch==2.13.0
	$(PY) -m pip install --quiet -e '.[st,test]'
	touch $(STAMP)

install: $(STAMP)

index: install
	$(KB) ingest corpus/ --prune

serve: install
	$(KB) app --port $(PORT)

# Debian's Chromium for the browser tests (Playwright cannot download its own browsers here).
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# Debian's Tesseract with the Spanish and English models, for `kb ingest --ocr` (scanned PDFs). Without root the
# run goes on and a scanned file is skipped with a reason that names these packages.
ocr:
	@command -v tesseract >/dev/null 2>&1 && tesseract --list-langs 2>/dev/null | grep -q '^spa$$' && \
	  tesseract --list-langs 2>/dev/null | grep -q '^osd$$' || \
	  { [ "$$(id -u)" = 0 ] && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    tesseract-ocr tesseract-ocr-osd tesseract-ocr-spa tesseract-ocr-eng >/dev/null || \
	    echo "note: OCR needs: apt-get install tesseract-ocr tesseract-ocr-osd tesseract-ocr-spa tesseract-ocr-eng (as root)"; }

# Lint, format and types first (seconds), then the suite.
check: install
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

test: check browser ocr
	$(PY) -m pytest

eval: index
	$(KB) eval

# After changing corpus/: ship the passage vectors with it (a fresh clone's `make run` then embeds nothing).
vectors: index
	$(PY) scripts/ship_vectors.py corpus/

bench: install
	$(PY) -m bench.run_all

clean:
	rm -rf $(VENV) store .pytest_cache .ruff_cache .mypy_cache test-artifacts
