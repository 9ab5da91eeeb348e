"""Permission-matrix entries for the selfservice app (issue 11: self-completion)."""

from __future__ import annotations

from tests.security.matrix import Entry

ENTRIES: dict[str, Entry] = {}
