"""Permission-matrix entries for the exchange app (issue 9: FHIR and tidy export)."""

from __future__ import annotations

from tests.security.matrix import Entry

ENTRIES: dict[str, Entry] = {}
