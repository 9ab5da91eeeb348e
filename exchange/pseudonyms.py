"""Pseudonymous keys for exported records: no names, no CPR numbers, no database ids.

A key is the first 16 hex digits (64 bits) of HMAC-SHA256 over ``"<scope>|<kind>|<id>"`` with the installation's
pseudonym key ``EFFEKTSPOR_PSEUDONYM_KEY`` (its own secret, not ``SECRET_KEY``; see docs/exchange.md). Without the
pseudonym key a key cannot be traced back to a citizen, and keys made in different scopes cannot be linked to each
other:

- the tidy analyst export uses the scope ``tidy:unit:<unit id>``: within one unit's exports a citizen keeps the same
  key (so analysts can follow citizens over repeated exports), but the same citizen has a different key in another
  unit's export, so two units' files cannot be joined on it;
- the FHIR export uses the scope ``fhir``: one key per citizen for the whole installation, so the receiving case
  system can recognise a citizen (and a measurement) that it has received before, without a CPR number.

Rotating ``SECRET_KEY`` changes no key; rotating the pseudonym key changes every key in every later export, so
files exported before and after cannot be joined (which is the point when a key may have leaked).
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

KEY_LENGTH = 16


def pseudonym(*, scope: str, kind: str, pk: int) -> str:
    message = f"{scope}|{kind}|{pk}".encode()
    return hmac.new(settings.EFFEKTSPOR_PSEUDONYM_KEY.encode(), message, hashlib.sha256).hexdigest()[:KEY_LENGTH]


def tidy_scope(unit_id: int) -> str:
    return f"tidy:unit:{unit_id}"


FHIR_SCOPE = "fhir"
