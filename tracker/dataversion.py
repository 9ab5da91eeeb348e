"""Data versions that every write bumps, and a cache of aggregates keyed on them: never stale, shared by all
app servers (it lives in the database), and cheap — one query on a hit, two on a miss.

There is a global counter (bulk loads, rebuilds, writes whose units are not known) and one counter per unit.
A cached figure set for some units carries the *stamp* global + Σ those units' counters: every counter only
grows, so any write that concerns those units changes the stamp, while a write in another unit leaves it — and
the cached figures — as they were.

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
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import BigIntegerField, ExpressionWrapper, F, Model, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from tracker.models import AggregateCache, DataVersion, UnitDataVersion

# Entries are keyed by the release, so a deploy never serves figures or HTML computed by the old code.
RELEASE = getattr(settings, "EFFEKTSPOR_RELEASE", "") or "dev"
MAX_ENTRIES = 5000  # the table is pruned back to this many entries (``manage.py prune_cache``, global bumps)

# Called by ``bump`` inside the write's transaction with the units it was given (None: unknown, every unit), so an
# app above tracker can keep derived data current without tracker importing it (figures/apps.py registers one).
_bump_receivers: list[Callable[[set[int] | None], None]] = []


def on_bump(receiver: Callable[[set[int] | None], None]) -> None:
    """Register ``receiver(units)`` to run inside every write's transaction, where ``bump`` runs."""
    if receiver not in _bump_receivers:
        _bump_receivers.append(receiver)


def bump(*, units: Iterable[int] | None = None) -> None:
    """Call inside the transaction of a write (tracker.services.audit_log does, for every write it logs).

    ``units``: the units whose figures the write changes; None bumps the global counter (every figure)."""
    units = None if units is None else set(units)
    for receiver in _bump_receivers:
        receiver(units)
    if units is None:
        if not DataVersion.objects.filter(pk=1).update(value=F("value") + 1):
            try:
                with transaction.atomic():
                    DataVersion.objects.create(pk=1, value=1)
            except IntegrityError:  # created concurrently: count this write too
                DataVersion.objects.filter(pk=1).update(value=F("value") + 1)
        # Global bumps are rare (bulk loads, rebuilds) and make every entry useless: a good moment to prune.
        prune()
        return
    ids = sorted(set(units))
    if not ids:
        return
    # Rows for units that never had a write; then one increment each (row locks only on these units).
    UnitDataVersion.objects.bulk_create([UnitDataVersion(unit_id=u, value=0) for u in ids], ignore_conflicts=True)
    UnitDataVersion.objects.filter(unit_id__in=ids).update(value=F("value") + 1)


def units_of(obj: Model | None, citizen_id: int | None) -> set[int] | None:
    """The units whose figures a write of ``obj`` (about the citizen) changes; None when that is not known.

    A measurement, goal, review, collaboration or note belongs to its course's unit; a citizen's own fields
    (age, sex) count in every unit the citizen has a course in. A course itself is global: it may have moved
    between units, and the unit it left must be recomputed too."""
    model = obj._meta.label_lower if obj is not None else ""
    if model == "tracker.course":
        return None
    for path in ("course", "goal__course"):
        current: Any = obj
        for attr in path.split("__"):
            current = getattr(current, attr, None) if current is not None else None
        if current is not None and getattr(current, "unit_id", None) is not None:
            return {current.unit_id}
    if obj is not None and getattr(obj, "unit_id", None) is not None:
        return {obj.unit_id}
    if citizen_id is not None:
        from tracker.models import Course

        return set(Course.objects.filter(citizen_id=citizen_id).values_list("unit_id", flat=True))
    return None


def current(units: Iterable[int] | None = None) -> int:
    """The stamp of these units' data (None: every unit's): the global counter plus theirs."""
    return _stamp(units).values_list("stamp", flat=True).first() or 0


def _stamp(units: Iterable[int] | None):
    versions = (
        UnitDataVersion.objects.all()
        if units is None
        else UnitDataVersion.objects.filter(unit_id__in=sorted(set(units)))
    )
    unit_sum = versions.order_by().annotate(group=Value(1)).values("group").annotate(total=Sum("value")).values("total")
    return DataVersion.objects.filter(pk=1).annotate(
        stamp=ExpressionWrapper(F("value") + Coalesce(Subquery(unit_sum), 0), output_field=BigIntegerField())
    )


def cached[T](namespace: str, key: Any, compute: Callable[[], T], *, units: Iterable[int] | None = None) -> T:
    """``compute()``'s result for ``key`` at the current stamp of ``units`` (None: every unit's data)."""
    digest = hashlib.sha1(json.dumps(key, sort_keys=True, default=str).encode()).hexdigest()
    cache_key = f"{RELEASE}:{namespace}:{digest}"
    scope = None if units is None else units
    # One query: the current stamp and the entry stored at exactly that stamp, if any.
    entry = AggregateCache.objects.filter(key=cache_key, version=OuterRef("stamp")).values("value")[:1]
    row = _stamp(scope).annotate(hit=Subquery(entry)).values_list("stamp", "hit").first()
    if row is None:  # a database flushed since migrating: the counter starts again
        DataVersion.objects.get_or_create(pk=1, defaults={"value": 0})
        row = (current(scope), None)
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


def prune(*, keep: int = MAX_ENTRIES) -> int:
    """Keep the cache bounded: delete the entries of an older release and all but the ``keep`` newest."""
    deleted, _ = AggregateCache.objects.exclude(key__startswith=f"{RELEASE}:").delete()
    newest = AggregateCache.objects.order_by("-computed_at").values_list("computed_at", flat=True)[keep : keep + 1]
    if newest:
        more, _ = AggregateCache.objects.filter(computed_at__lte=newest[0]).delete()
        deleted += more
    return deleted
