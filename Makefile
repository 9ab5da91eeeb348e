# Effektspor: `make demo` sets up and starts the demo; `make test` runs the test suite.
# Both create the virtual environment from .python-version (Python 3.12) and install requirements-dev.txt
# (the runtime in requirements.txt, plus the test and development tools).
PYTHON ?= python
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: demo test venv messages lint deadcode deadcode-report

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

# Dead code (vulture) in the app packages; migrations are not scanned. The gate (CI) fails on what vulture is sure
# of; names Django and the libraries use by convention are in .vulture_whitelist.py (each with who uses it).
APPS := tracker outcomes figures common dashboards api exchange imports improvement publications selfservice devtools
VULTURE := $(PY) -m vulture $(APPS) .vulture_whitelist.py --exclude "*/migrations/*"

deadcode: venv
	$(VULTURE) --min-confidence 80

# For review, not a gate: the less certain findings, without Django's conventional names (most of what is left is
# used by templates or tests; see docs/architecture.md, Dead code).
deadcode-report: venv
	-$(VULTURE) --min-confidence 60 --exclude "*/migrations/*,tracker/settings.py,*/formats/*" \
	  --ignore-names "render_*,value_*,clean_*,get_*,validate_*,filter_*,has_*_permission,add_arguments,help,Meta,*Admin,*Config,*Middleware,*Backend,list_*,search_fields,readonly_fields,fields,ordering,model,template_name,urlpatterns,app_name,read_only_fields,ready,sender"
