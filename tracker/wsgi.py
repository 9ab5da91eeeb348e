"""WSGI entry point (gunicorn tracker.wsgi)."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
application = get_wsgi_application()

# What start-up loaded (modules, classes, functions, settings: some 200,000 objects) lives as long as the worker.
# Frozen, it is left out of the garbage collector's full collections, which then scan only what requests create:
# a full collection over the start-up heap takes 100–200 ms, and requests that build large figure sets set one
# off every few requests (docs/operations.md). Python's own advice for long-running servers (gc.freeze).
gc.freeze()
