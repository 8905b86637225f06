# The two commands of the course: `make demo` and `make test`.
# Each one creates (or refreshes) .venv on its own, so a fresh machine needs
# nothing but Python 3.11+ and make.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
# The stamp's name carries a checksum of the checkout's path: editable installs
# point at absolute paths, so a moved or copied checkout must install again (or
# it would test the original's code).
CHECKOUT_ID := $(shell printf '%s' "$(CURDIR)" | cksum | cut -d' ' -f1)
STAMP  := $(VENV)/.installed-$(CHECKOUT_ID)

# mkdocs-material's banner about its successor is noise in every build.
export NO_MKDOCS_2_WARNING := 1

# Every stage that exists so far; stages 4 and 5 join by simply appearing.
STAGES := $(sort $(dir $(wildcard stage*/pyproject.toml)))
# Their import packages, e.g. stage1_tensors/src/stage1_tensors, for the doctests.
PACKAGES := $(foreach s,$(STAGES),$(s)src/$(notdir $(patsubst %/,%,$(s))))

.PHONY: demo test unit doctest notebooks notebooks-execute docs-build browser-check docs figures bench venv lab tensorboard clean

demo: $(STAMP)
	$(PY) demo.py

test: unit doctest docs-build browser-check notebooks proof

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
	$(PY) -m mkdocs build --strict --site-dir site
	$(PY) docs/check_site.py site

# The built site opened page by page in headless Chromium: no request leaves
# localhost, none fails, no console error, every image and notebook output shows.
# Uses the system's chromium (apt-get install chromium); without one it says
# "skipped" and passes, so make test never needs a browser.
browser-check: docs-build
	$(PY) docs/browser_check.py site

# The docs' figures that code draws (stage 5's graph pictures); commit the SVGs.
figures: $(STAMP)
	$(PY) docs/make_figures.py

docs: $(STAMP)
	$(PY) -m mkdocs serve --dev-addr localhost:8000

# --- the course's tools (grading/) -------------------------------------------
# The student repo: every stage (or STAGES="2 3") with its task functions blanked.
STAGES_TO_BLANK ?=
exercises: $(STAMP)
	$(PY) -m grading exercises --out exercises $(if $(STAGES_TO_BLANK),--stages $(STAGES_TO_BLANK))

# Score a submission: make grade STAGE=2 [SUBMISSION=../student-repo]
STAGE ?= 1
SUBMISSION ?= .
grade: $(STAMP)
	$(PY) -m grading grade --stage $(STAGE) --submission $(SUBMISSION) --json grade-report.json

# Each stage's tasks can be done in their numbered order (part of make test).
# Two proofs at a time: each is a chain of single-core pytest runs, and this
# machine (like CI's) has two cores; it fails if either fails.
proof: $(STAMP)
	$(PY) -m grading proof --stages 1 3 5 & first=$$!; \
	$(PY) -m grading proof --stages 2 4; second=$$?; \
	wait $$first && exit $$second

bench: $(STAMP)
	$(PY) bench/run.py --write $(BENCH_ARGS)
	$(PY) bench/distribute.py --write

venv: $(STAMP)

# The walk-through notebooks in JupyterLab, on this checkout's .venv (its kernel
# imports the stages as installed here).
lab: $(STAMP)
	$(VENV)/bin/jupyter-lab --notebook-dir notebooks

# The event files that tf.summary wrote under LOGDIR, shown by TensorBoard on
# http://localhost:6006 (make tensorboard LOGDIR=/tmp/run1 for another folder).
LOGDIR ?= logs
tensorboard: $(STAMP)
	$(PY) -m tensorboard.main --logdir $(LOGDIR) --host localhost

# Re-run only when the tool list or a stage's pyproject.toml changes, a new
# stage appears, or the checkout has moved; otherwise the stamp makes a second
# `make test` start at once. Each stage uses the src/ layout, so no folder of
# the repo root shadows an installed package.
$(STAMP): requirements-dev.txt $(addsuffix pyproject.toml,$(STAGES))
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else \
	  "Python 3.11 or newer is needed, found " + sys.version.split()[0] + \
	  "; run make PYTHON=/path/to/python3.11")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	rm -f $(VENV)/.installed*
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt $(addprefix -e ./,$(STAGES))
	touch $@

clean:
	rm -rf $(VENV) site .hypothesis
