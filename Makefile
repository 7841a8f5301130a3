# marginsim: `make demo` and `make test` work on a fresh machine (they build .venv first).
# The virtual environment needs Python >= 3.12; set PYTHON=/path/to/python3.12 to choose one.

VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# first Python >= 3.12 found: $PYTHON, python3.12, python3.13, python3, then pyenv's versions
PYTHON ?= $(shell for p in python3.12 python3.13 python3 $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[2-9]*/bin/python 2>/dev/null | sort -V); do \
	  command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v $$p; break; }; \
	done)

.PHONY: help venv demo dashboard notebooks test test-fast lint bench docs clean

help:
	@echo "make demo    - build .venv and compare the three office organisations into a new results/demo-<time>/ (a few minutes)"
	@echo "make test    - build .venv and run the whole test suite, notebooks included"
	@echo "make test-fast - the tests without the browser and the notebooks"
	@echo "make lint    - ruff (style, imports, bugbear, complexity) and mypy (types); see CONTRIBUTING.md"
	@echo "make dashboard - serve the classroom dashboard (docs/dashboard.md)"
	@echo "make notebooks - run the notebooks headless and write HTML copies to notebooks/html/"
	@echo "make bench   - throughput and scaling benchmarks (minutes)"
	@echo "make docs    - regenerate scenarios/base.toml, docs/scenario-reference.md and the table in docs/indicators.md"
	@echo "make clean   - remove .venv and caches"

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "error: no Python >= 3.12 found; install one or set PYTHON=/path/to/python3.12" >&2; exit 2; }
	@echo "using $(PYTHON) ($$($(PYTHON) --version))"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

# a new folder each time: earlier demos are never deleted or overwritten
demo: $(STAMP)
	@out=results/demo-$$(date +%Y%m%d-%H%M%S); \
	$(BIN)/marginsim compare scenarios/generalist.toml scenarios/specialist.toml scenarios/target_group_teams.toml --out $$out \
	&& echo "open $$out/report.html (one self-contained file; or read $$out/report.md)"

# run the notebooks headless (nbconvert) and write HTML copies to notebooks/html/ (git-ignored)
notebooks: $(STAMP)
	@mkdir -p notebooks/html
	MPLBACKEND=Agg $(BIN)/jupyter nbconvert --to html --execute --ExecutePreprocessor.timeout=900 \
	    --output-dir notebooks/html notebooks/*.ipynb
	@echo "HTML copies in notebooks/html/"

dashboard: $(STAMP)
	$(BIN)/marginsim dashboard

# test files are spread over the cores (-n auto), each file whole on one worker (--dist loadfile:
# a file's shared fixtures are built once, and the browser tests share one server)
test: $(STAMP)
	$(BIN)/python -m pytest -q tests --nbmake notebooks --nbmake-timeout=600 -n auto --dist loadfile

test-fast: $(STAMP)
	$(BIN)/python -m pytest -q tests -m "not browser" -n auto --dist loadfile

lint: $(STAMP)   # both checks run; it fails if either finds something
	@status=0; \
	$(BIN)/ruff check simulation tests benchmarks scripts || status=1; \
	$(BIN)/mypy simulation || status=1; \
	exit $$status

bench: $(STAMP)
	$(BIN)/python benchmarks/scaling.py

docs: $(STAMP)
	$(BIN)/python -c "import simulation.indicators as i; i.update_docs('docs/indicators.md')"
	$(BIN)/python -c "import simulation.scenario as s, pathlib; pathlib.Path('docs/scenario-reference.md').write_text(s.reference_markdown()); pathlib.Path('scenarios/base.toml').write_text(s.template_toml())"

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis build *.egg-info
