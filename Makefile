# The two commands of the README: `make run` and `make test`. Everything else is what they need.
VENV    ?= .venv
PY      := $(VENV)/bin/python
KB      := $(VENV)/bin/kb
STAMP   := $(VENV)/.installed
PORT    ?= 8501

.PHONY: run test install index serve browser eval bench vectors clean

run: index serve

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

test: install browser
	$(PY) -m pytest

eval: index
	$(KB) eval

# After changing corpus/: ship the passage vectors with it (a fresh clone's `make run` then embeds nothing).
vectors: index
	$(PY) scripts/ship_vectors.py corpus/

bench: install
	$(PY) -m bench.run_all

clean:
	rm -rf $(VENV) store .pytest_cache test-artifacts
