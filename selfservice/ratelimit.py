"""Rate limits for the public link pages, kept in Django's shared cache (database or Redis), never in a process.

Two counters, each over a fixed window:

- failed look-ups (an unknown token or code) per client address: stops one client guessing codes;
- every attempt on one code or token, right or wrong: stops a found link from being hammered, and a guesser
  from spreading one code's attempts over many addresses.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache

from tracker.security import client_ip

WINDOW_SECONDS = 15 * 60
FAILURES_PER_ADDRESS = 10
ATTEMPTS_PER_CODE = 30


def _address_key(request) -> str:
    address = client_ip(request) or "unknown"
    return "selfservice:fail:" + hashlib.sha256(address.encode()).hexdigest()[:32]


def _code_key(secret_hash: str) -> str:
    return "selfservice:code:" + secret_hash[:32]


def _hit(key: str) -> int:
    cache.add(key, 0, WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, WINDOW_SECONDS)
        return 1


def address_blocked(request) -> bool:
    return (cache.get(_address_key(request)) or 0) >= FAILURES_PER_ADDRESS


def code_blocked(secret_hash: str) -> bool:
    return (cache.get(_code_key(secret_hash)) or 0) >= ATTEMPTS_PER_CODE


def record_failure(request) -> None:
    _hit(_address_key(request))


def record_attempt(secret_hash: str) -> None:
    _hit(_code_key(secret_hash))
