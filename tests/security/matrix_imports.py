"""Permission-matrix entries for the imports app (issue 9: import)."""

from __future__ import annotations

from tests.security.matrix import Entry

ENTRIES: dict[str, Entry] = {}
