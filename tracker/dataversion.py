"""A data version that every write bumps, and a cache of aggregates keyed on it: never stale, shared by all
app servers (it lives in the database), and cheap — one query on a hit, two on a miss.

Why it is never stale: a writer bumps the counter inside its own transaction, so the new data and the new
version become visible together. A reader looks up its entry *at the current version* in one query; on a
miss it computes and stores the result under the version it read. If that version was already old, the
entry is simply never returned (lookups always ask for the current version); if it was the new version, the
reader's queries began after the commit and saw the new data.
"""

from __future__ import annotations

import hashlib
import json
import pickle
from collections.abc import Callable
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Subquery

from tracker.models import AggregateCache, DataVersion


def bump() -> None:
    """Call inside the transaction of a write (tracker.services.audit_log does, for every write it logs)."""
    if not DataVersion.objects.filter(pk=1).update(value=F("value") + 1):
        try:
            with transaction.atomic():
                DataVersion.objects.create(pk=1, value=1)
        except IntegrityError:  # created concurrently: count this write too
            DataVersion.objects.filter(pk=1).update(value=F("value") + 1)


def current() -> int:
    return DataVersion.objects.filter(pk=1).values_list("value", flat=True).first() or 0


def cached[T](namespace: str, key: Any, compute: Callable[[], T]) -> T:
    """``compute()``'s result for ``key`` at the current data version."""
    digest = hashlib.sha1(json.dumps(key, sort_keys=True, default=str).encode()).hexdigest()
    cache_key = f"{namespace}:{digest}"
    # One query: the current version and the entry stored at exactly that version, if any.
    entry = AggregateCache.objects.filter(key=cache_key, version=OuterRef("value")).values("value")[:1]
    row = DataVersion.objects.filter(pk=1).annotate(hit=Subquery(entry)).values_list("value", "hit").first()
    if row is None:  # a database flushed since migrating: the counter starts again
        DataVersion.objects.get_or_create(pk=1, defaults={"value": 0})
        row = (0, None)
    version, hit = row
    if hit is not None:
        return pickle.loads(bytes(hit))
    value = compute()
    AggregateCache.objects.bulk_create(
        [AggregateCache(key=cache_key, version=version, value=pickle.dumps(value))],
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["version", "value", "computed_at"],
    )
    return value


def prune() -> int:
    """Delete entries computed at older versions (they can never be returned again)."""
    deleted, _ = AggregateCache.objects.filter(version__lt=current()).delete()
    return deleted
