# Effektspor: `make demo` sets up and starts the demo; `make test` runs the test suite.
# Both create the virtual environment from .python-version (Python 3.12) and install requirements-dev.txt
# (the runtime in requirements.txt, plus the test and development tools).
PYTHON ?= python
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: demo test venv messages lint

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 12), "Python 3.12 or newer is needed (see .python-version)"'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

messages: venv
	DJANGO_DEBUG=1 $(PY) manage.py compilemessages --ignore=.venv -v0

demo: venv
	$(PY) manage.py demo

test: messages
	$(PY) -m pytest $(PYTEST_ARGS)

lint: venv
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
