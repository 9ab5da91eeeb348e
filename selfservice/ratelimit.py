"""Rate limits for the public link pages, kept in shared storage (Redis or the database), never in a process.

Two counters, each over a fixed window:

- look-ups per client address that did not find a link (an unknown token or code): stops one client guessing codes;
- every attempt on one code or token, right or wrong: stops a found link from being hammered, and a guesser
  from spreading one code's attempts over many addresses.

**Atomic under concurrency.** A check followed later by an increment lets parallel requests all pass the check
before any of them counts (40 parallel wrong codes once gave 18 look-ups against a limit of 10), and Django's
database cache increments by read-and-write-back, losing counts. So a look-up first *reserves* its place with one
atomic increment (:func:`reserve_lookup`): the increment's result decides, and at most ``FAILURES_PER_ADDRESS``
look-ups can hold a place at once. A look-up that finds its link gives the place back (:func:`release_lookup`);
one that fails keeps it, and that is the failure counted.

The increment is Redis' ``INCRBY`` when the shared cache is Redis, and otherwise an ``UPDATE … SET count =
count + 1`` on a row of ``tracker.RateCounter`` (the database serialises it on SQLite and PostgreSQL alike).
"""

from __future__ import annotations

import datetime
import hashlib
import time

from django.core.cache import cache
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import F
from django.utils import timezone

from tracker.models import RateCounter
from tracker.security import client_ip

WINDOW_SECONDS = 15 * 60
FAILURES_PER_ADDRESS = 10
ATTEMPTS_PER_CODE = 30
_RESERVED = "_effektspor_lookup_reserved"
LOCK_RETRIES = 200


def _address_key(request) -> str:
    address = client_ip(request) or "unknown"
    return "selfservice:fail:" + hashlib.sha256(address.encode()).hexdigest()[:32]


def _code_key(secret_hash: str) -> str:
    return "selfservice:code:" + secret_hash[:32]


def _redis_client(key: str):
    """The Redis client and the full key, when the shared cache is Redis; else (None, key)."""
    backend = getattr(cache, "_cache", None)
    if type(cache).__name__ != "RedisCache" or backend is None:
        return None, key
    full_key = cache.make_and_validate_key(key)
    return backend.get_client(full_key, write=True), full_key


def incr(key: str, delta: int = 1) -> int:
    """Add ``delta`` to the counter (created for ``WINDOW_SECONDS`` if absent or expired); its new value."""
    client, full_key = _redis_client(key)
    if client is not None:
        pipe = client.pipeline(transaction=True)
        pipe.set(full_key, 0, ex=WINDOW_SECONDS, nx=True)
        pipe.incrby(full_key, delta)
        return int(pipe.execute()[1])
    return _retry_locked(lambda: _db_incr(key, delta))


def _retry_locked(operation):
    """Run a database operation again while SQLite answers "database table is locked" (shared-cache connections)
    or "database is locked" (past the busy timeout) instead of waiting; the transaction was rolled back whole."""
    for attempt in range(LOCK_RETRIES):
        try:
            return operation()
        except OperationalError as exc:
            if "locked" not in str(exc) or attempt == LOCK_RETRIES - 1:
                raise
            time.sleep(0.005 * (attempt + 1))
    raise AssertionError("unreachable")


def _db_incr(key: str, delta: int) -> int:
    now = timezone.now()
    with transaction.atomic():
        rows = RateCounter.objects.filter(key=key, expires_at__gt=now)
        if not rows.update(count=F("count") + delta):
            RateCounter.objects.filter(key=key, expires_at__lte=now).delete()
            try:
                with transaction.atomic():
                    RateCounter.objects.create(
                        key=key, count=delta, expires_at=now + datetime.timedelta(seconds=WINDOW_SECONDS)
                    )
            except IntegrityError:  # another request created it first
                RateCounter.objects.filter(key=key).update(count=F("count") + delta)
        # Our UPDATE holds the row's lock until commit: nobody else changed it in between.
        return RateCounter.objects.values_list("count", flat=True).get(key=key)


def value(key: str) -> int:
    client, full_key = _redis_client(key)
    if client is not None:
        return int(client.get(full_key) or 0)
    rows = RateCounter.objects.filter(key=key, expires_at__gt=timezone.now()).values_list("count", flat=True)
    return _retry_locked(lambda: rows.first()) or 0


def address_blocked(request) -> bool:
    return value(_address_key(request)) >= FAILURES_PER_ADDRESS


def reserve_lookup(request) -> bool:
    """Take a place for one look-up from this address; False (and nothing taken) when the limit is reached."""
    key = _address_key(request)
    if incr(key) > FAILURES_PER_ADDRESS:
        incr(key, -1)
        return False
    setattr(request, _RESERVED, True)
    return True


def release_lookup(request) -> None:
    """The look-up found its link: give the place back (a success is not a failure)."""
    if getattr(request, _RESERVED, False):
        incr(_address_key(request), -1)
        setattr(request, _RESERVED, False)


def reserve_attempt(secret_hash: str) -> bool:
    """Count one attempt on a code or token; False when its budget was already spent."""
    return incr(_code_key(secret_hash)) <= ATTEMPTS_PER_CODE


def record_failure(request) -> None:
    """A look-up that found nothing: counted once (its reservation, if it made one, is that count)."""
    if getattr(request, _RESERVED, False):
        setattr(request, _RESERVED, False)
        return
    incr(_address_key(request))
