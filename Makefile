# The two commands of the course: `make demo` and `make test`.
# Each one creates (or refreshes) .venv on its own, so a fresh machine needs
# nothing but Python 3.11+ and make.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

# mkdocs-material's banner about its successor is noise in every build.
export NO_MKDOCS_2_WARNING := 1

# Every stage that exists so far; stages 4 and 5 join by simply appearing.
STAGES := $(sort $(dir $(wildcard stage*/pyproject.toml)))
# Their import packages, e.g. stage1_tensors/stage1_tensors, for the doctests.
PACKAGES := $(foreach s,$(STAGES),$(s)$(notdir $(patsubst %/,%,$(s))))

.PHONY: demo test unit doctest notebooks notebooks-execute docs-build docs bench venv clean

demo: $(STAMP)
	$(PY) demo.py

test: unit doctest docs-build notebooks

unit: $(STAMP)
	$(PY) -m pytest tests -q

# The examples in every docstring, and the code samples of the docs pages.
doctest: $(STAMP)
	$(PY) -m pytest --doctest-modules $(PACKAGES) -q
	$(PY) -m pytest --doctest-glob='*.md' docs -q

notebooks: $(STAMP)
	$(PY) -m pytest --nbval --nbval-current-env notebooks -q

# After editing a notebook: re-run it and store its outputs for nbval.
notebooks-execute: $(STAMP)
	$(PY) notebooks/execute.py notebooks/*.ipynb

docs-build: $(STAMP)
	$(VENV)/bin/mkdocs build --strict --site-dir site

docs: $(STAMP)
	$(VENV)/bin/mkdocs serve --dev-addr localhost:8000

bench: $(STAMP)
	$(PY) bench/run.py --write $(BENCH_ARGS)

venv: $(STAMP)

# Re-run only when the tool list or a stage's pyproject.toml changes (or a new
# stage appears); otherwise the stamp makes a second `make test` start at once.
# Stages install editable, and their folders also go on sys.path through a .pth
# file: setuptools' editable import hook alone loses to the same-named folder
# (a namespace package) whenever the repo root is on sys.path, as it is for
# pytest, `python demo.py` and notebooks started here.
$(STAMP): requirements-dev.txt $(addsuffix pyproject.toml,$(STAGES))
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else \
	  "Python 3.11 or newer is needed, found " + sys.version.split()[0] + \
	  "; run make PYTHON=/path/to/python3.11")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt $(addprefix -e ./,$(STAGES))
	$(PY) -c 'import pathlib, sys, sysconfig; \
	  pathlib.Path(sysconfig.get_path("purelib"), "course_stages.pth").write_text( \
	  "".join(str(pathlib.Path(s).resolve()) + "\n" for s in sys.argv[1:]))' $(STAGES)
	touch $@

clean:
	rm -rf $(VENV) site .hypothesis
