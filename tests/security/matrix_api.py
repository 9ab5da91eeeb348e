"""Permission-matrix entries for the api app (issue 9: the REST API)."""

from __future__ import annotations

from tests.security.matrix import Entry

ENTRIES: dict[str, Entry] = {}
