# The project's commands. Each installs what it needs first (once: a stamp file records the install).
# On these CPU machines torch comes from the local CPU wheel (torch==2.13.0); a GPU user runs
# `make ... TORCH=torch` (a normal CUDA build from PyPI) or installs torch first and then `pip install -e .`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
TORCH ?= torch==2.13.0
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

.PHONY: install test test-slow demo docs docs-check bench export clean-nbs

$(STAMP): settings.ini setup.py
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q "$(TORCH)"
	$(PY) -m pip install -q -e ".[dev]"
	@touch $@

install: $(STAMP)

## the notebook rhythm report (tools/grain.py), then the test suite: sync check + every notebook (slow cells
## skipped). The report comes first so that the output ends with the suite's verdict `N passed, M failed`.
test: $(STAMP)
	-$(PY) tools/grain.py
	$(PY) tools/test_nbs.py

## the same with the `slow` cells too
test-slow: $(STAMP)
	-$(PY) tools/grain.py
	$(PY) tools/test_nbs.py --flags slow

## the main job: the end-to-end demo on the embedded default
demo: $(STAMP)
	$(VENV)/bin/inspect-vl demo

## notebooks -> package and README (then clean the notebooks)
export: $(STAMP)
	$(PY) tools/export.py
	$(VENV)/bin/nbdev-clean

docs: $(STAMP)
	$(PY) tools/build_docs.py

docs-check: $(STAMP)
	$(PY) tools/check_docs.py

## every benchmark as one table; `make bench RUNS=3` repeats it (a gate holds only if it holds every run),
## `make bench BUSY=1` with a CPU-bound process spinning beside it
RUNS ?= 1
bench: $(STAMP)
	$(PY) bench/run.py --runs $(RUNS) $(if $(filter 1 yes true,$(BUSY)),--busy,)
