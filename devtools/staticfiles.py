"""The collected static files that the production storage needs (tracker/settings.py STORAGES), for the tools that
run the application without DJANGO_DEBUG (bench, loadtest)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.files.storage import storages


def ensure_collected(log, *, debug: bool | None = None) -> bool:
    """Run ``collectstatic`` when the storage needs a manifest and it is missing or older than a file in static/.
    ``debug``: whether the application will run with DJANGO_DEBUG (default: as this process does; with it, files
    are served unhashed and need no manifest). True when it ran (it compresses plotly.js: a few seconds)."""
    if (settings.DEBUG if debug is None else debug) or not isinstance(storages["staticfiles"], ManifestFilesMixin):
        return False
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    newest = max(p.stat().st_mtime for d in settings.STATICFILES_DIRS for p in Path(d).rglob("*") if p.is_file())
    if manifest.exists() and manifest.stat().st_mtime >= newest:
        return False
    log.write("collectstatic (hashed, compressed static files, as in production) …")
    # In a process of its own: compressing plotly.js would count in the bench's peak memory.
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity=0"], cwd=settings.BASE_DIR, check=True
    )
    return True
