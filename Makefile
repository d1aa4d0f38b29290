# Two commands on a fresh machine: `make run` (the app on the bundled data) and `make test`.
# Both create or reuse .venv and install what it needs; the stamp file re-installs only when
# a requirements file changes.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt requirements-scale.txt requirements-nodeps.txt | sha256sum | cut -c1-12)
PORT ?= 8501
# Every Python folder of the project, and the entry script.
LINT_PATHS := app.py stance_explorer webapp app_pages devtools benchmarks tests deploy

.PHONY: run test test-fast lint bench setup clean-cache
setup: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt requirements-scale.txt requirements-nodeps.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	# torch is pinned (==2.13.0) in requirements.txt so pip takes the CPU build.
	$(PY) -m pip install --quiet -r requirements-dev.txt
	# The Spanish spaCy pipeline declares an older spaCy than it runs on: see requirements-nodeps.txt.
	$(PY) -m pip install --quiet --no-deps -r requirements-nodeps.txt
	rm -f $(VENV)/.installed-*
	touch $@

run: $(STAMP)
	HF_HUB_OFFLINE=1 $(PY) -m streamlit run app.py --server.port $(PORT)

test: $(STAMP)
	HF_HUB_OFFLINE=1 $(PY) -m pytest $(PYTEST_ARGS)

# The edit-run loop: no browser, no Ray, no real-model or slow test (its time is stated in docs/tests.md only).
test-fast: $(STAMP)
	HF_HUB_OFFLINE=1 $(PY) -m pytest -q --ignore=tests/e2e -m "not browser and not slow and not model" $(PYTEST_ARGS)

# lint-imports checks the layers of docs/architecture.md (contracts in pyproject.toml).
lint: $(STAMP)
	$(PY) -m ruff check $(LINT_PATHS)
	$(PY) -m ruff format --check $(LINT_PATHS)
	$(VENV)/bin/lint-imports --no-cache

bench: $(STAMP)
	HF_HUB_OFFLINE=1 $(PY) benchmarks/run_all.py

clean-cache:
	rm -f embeddings/*/cache-*
