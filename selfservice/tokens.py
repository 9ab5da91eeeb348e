"""Secrets of a personal link: a long token for the QR code and a short code to read aloud; only hashes are kept.

- The token is 256 random bits (``secrets.token_urlsafe(32)``): it cannot be guessed.
- The short code is 8 characters from a 31-letter alphabet without look-alikes (0/O, 1/I/L): about 2^39.6
  codes. Guessing is bounded by the rate limits (``selfservice.ratelimit``): at 10 failures per address per
  15 minutes, even 1,000 addresses with 1,000 open links expect one hit only after about 10^5 days.
- Both are stored as HMAC-SHA256 keyed with the site's secret key, so a copy of the database alone is not
  enough to brute-force the short codes offline.
"""

from __future__ import annotations

import secrets

from django.utils.crypto import salted_hmac

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


def new_token() -> str:
    return secrets.token_urlsafe(32)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(value: str) -> str:
    """What the citizen typed, as stored: upper case, without spaces or dashes."""
    return "".join(ch for ch in (value or "").upper() if ch not in " -\t")


def format_code(code: str) -> str:
    """ABCD-EFGH: easier to read aloud and to type."""
    return f"{code[:4]}-{code[4:]}"


def token_hash(token: str) -> str:
    return salted_hmac("selfservice.token", token, algorithm="sha256").hexdigest()


def code_hash(code: str) -> str:
    return salted_hmac("selfservice.code", normalise_code(code), algorithm="sha256").hexdigest()


def looks_like_code(value: str) -> bool:
    code = normalise_code(value)
    return len(code) == CODE_LENGTH and all(ch in CODE_ALPHABET for ch in code)
