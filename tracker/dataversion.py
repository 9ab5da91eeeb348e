"""Data versions that every write bumps, and a cache of aggregates keyed on them: never stale, shared by all
app servers, and cheap — on the database cache a hit is one query, a miss one more (tracker/cache.py).

The entries live in Django's cache framework, alias ``figures`` (tracker/settings.py): a database cache table
``effektspor_figures`` by default, Redis when ``REDIS_URL`` is set. Each entry expires after a day. The table is
kept within ``MAX_ENTRIES`` after every write and by ``manage.py prune_cache`` (the newest stay); Redis by its
``maxmemory`` policy (docs/operations.md). Entries are plain data (tracker/plaindata.py): no pickled model instance.

There is a global counter (bulk loads, rebuilds, writes whose units are not known), one counter per unit, and per
unit one counter per *topic* — a kind of data a write can be known to change alone (``topic_of``: one instrument's
measurements, the goals, the collaborations). A cached figure set for some units carries the *stamp* global + Σ
those units' counters + Σ their topic counters (all topics, or only those the figures read): every counter only
grows, so any write that concerns those units and what the figures read changes the stamp, while a write in
another unit, or of another kind of data, leaves it — and the cached figures — as they were.

Why it is never stale: a writer bumps the counter inside its own transaction, so the new data and the new
version become visible together. A reader looks up its entry *at the current version* in one query; on a
miss it computes and stores the result under the version it read. If that version was already old, the
entry is simply never returned (lookups always ask for the current version); if it was the new version, the
reader's queries began after the commit and saw the new data.

The key is the namespace and a digest of the release (a deploy never serves what the old code computed) and the
caller's key; the entry's version is the database's *epoch* (a random token made with the counter row, so a
database created anew never meets the entries of an earlier one in a shared Redis) and the stamp.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import IntegrityError, connections, router, transaction
from django.db.models import BigIntegerField, ExpressionWrapper, F, Model, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from tracker import plaindata
from tracker.cache import MISSING, FiguresDatabaseCache, store
from tracker.models import DataVersion, UnitDataVersion, UnitTopicVersion

# Entries are keyed by the release, so a deploy never serves figures or HTML computed by the old code.
RELEASE = getattr(settings, "EFFEKTSPOR_RELEASE", "") or "dev"
CACHE = "figures"  # the alias in settings.CACHES
MAX_ENTRIES = settings.CACHES.get(CACHE, {}).get("OPTIONS", {}).get("MAX_ENTRIES", 5000)

# Called by ``bump`` inside the write's transaction with the units it was given (None: unknown, every unit), so an
# app above tracker can keep derived data current without tracker importing it (figures/apps.py registers one).
_bump_receivers: list[Callable[[set[int] | None], None]] = []


def on_bump(receiver: Callable[[set[int] | None], None]) -> None:
    """Register ``receiver(units)`` to run inside every write's transaction, where ``bump`` runs."""
    if receiver not in _bump_receivers:
        _bump_receivers.append(receiver)


def bump(*, units: Iterable[int] | None = None, topic: str | None = None) -> None:
    """Call inside the transaction of a write (tracker.services.audit_log does, for every write it logs).

    ``units``: the units whose figures the write changes; None bumps the global counter (every figure).
    ``topic``: the one kind of data the write changes in those units (``topic_of``); None: any kind."""
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
    else:
        ids = sorted(set(units))
        if not ids:
            return
        # Rows for units that never had a write; then one increment each (row locks only on these units).
        if topic is None:
            UnitDataVersion.objects.bulk_create(
                [UnitDataVersion(unit_id=u, value=0) for u in ids], ignore_conflicts=True
            )
            UnitDataVersion.objects.filter(unit_id__in=ids).update(value=F("value") + 1)
        else:
            UnitTopicVersion.objects.bulk_create(
                [UnitTopicVersion(unit_id=u, topic=topic, value=0) for u in ids], ignore_conflicts=True
            )
            UnitTopicVersion.objects.filter(unit_id__in=ids, topic=topic).update(value=F("value") + 1)
    # A new stamp is what lets the cache gain entries: keep the database cache within MAX_ENTRIES (one count).
    cache = _cache()
    if isinstance(cache, FiguresDatabaseCache):
        cache.cull_if_full(prune)


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


# Topics: the kinds of data a write can be known to change alone (``topic_of``).
GOALS = "goals"
COLLABORATIONS = "collaborations"


def measurements_topic(instrument_code: str) -> str:
    return f"measurements:{instrument_code}"


def topic_of(obj: Model | None) -> str | None:
    """The one kind of data a write of ``obj`` changes: one instrument's measurements, the goals (and their
    reviews) or the collaborations; None for anything else (every figure of the unit counts it)."""
    model = obj._meta.label_lower if obj is not None else ""
    if model == "outcomes.measurement":
        return measurements_topic(obj.instrument.code)
    if model in ("outcomes.goal", "outcomes.goalreview"):
        return GOALS
    if model == "tracker.collaboration":
        return COLLABORATIONS
    return None


def current(units: Iterable[int] | None = None) -> int:
    """The stamp of these units' data (None: every unit's): the global counter plus the units' own counters plus
    their counters of every topic."""
    return _stamp(units).values_list("stamp", flat=True).first() or 0


def _sum(rows):
    return rows.order_by().annotate(group=Value(1)).values("group").annotate(total=Sum("value")).values("total")


def _stamp(units: Iterable[int] | None, topics: Iterable[str] | None = None):
    versions, by_topic = UnitDataVersion.objects.all(), UnitTopicVersion.objects.all()
    if units is not None:
        ids = sorted(set(units))
        versions, by_topic = versions.filter(unit_id__in=ids), by_topic.filter(unit_id__in=ids)
    if topics is not None:
        by_topic = by_topic.filter(topic__in=sorted(set(topics)))
    return DataVersion.objects.filter(pk=1).annotate(
        stamp=ExpressionWrapper(
            F("value") + Coalesce(Subquery(_sum(versions)), 0) + Coalesce(Subquery(_sum(by_topic)), 0),
            output_field=BigIntegerField(),
        )
    )


def cached[T](
    namespace: str,
    key: Any,
    compute: Callable[[], T],
    *,
    units: Iterable[int] | None = None,
    topics: Iterable[str] | None = None,
) -> T:
    """``compute()``'s result for ``key`` at the current stamp of ``units`` (None: every unit's data) and
    ``topics`` (None: every kind of data; else only writes of these kinds, or of unknown kind, count)."""
    if units is not None:  # the stamp of some units: read as ``cached_many`` reads, in its one query of plain SQL
        return cached_many(namespace, {0: (key, units, topics)}, lambda _missing: {0: compute()})[0]
    cache = _cache()
    name = entry_key(namespace, key)
    found = _read(cache, units, name, topics)
    if found is None:  # a database flushed since migrating: the counter starts again, with a new epoch
        DataVersion.objects.get_or_create(pk=1, defaults={"value": 0})
        found = _read(cache, units, name, topics)
    stamp, epoch, entry = found
    if entry is not MISSING:
        return plaindata.loads(entry)
    value = compute()
    store(cache, [(name, plaindata.dumps(value), f"{epoch}-{stamp}")])
    return value


def cached_many[T](
    namespace: str, items: dict[Any, tuple], compute: Callable[..., dict[Any, T]], *, with_cached: bool = False
) -> dict[Any, T]:
    """``{item: value}``: each item's value for its key at the current stamp of its own units and topics, where
    ``items`` is ``{item: (key, units)}`` or ``{item: (key, units, topics)}`` (topics as in ``cached``);
    ``compute(missing items)`` computes the ones not cached, together (``with_cached``: ``compute(missing,
    {item: value} of those found)``, for items computed from others).

    A write in one unit changes the stamp of the items holding that unit only (and, for a write of one kind of
    data, only of the items reading that kind): the rest come from the cache. On the database cache one query
    reads the stamps and the entries and one more writes the missing ones, whatever the number of items."""
    if not items:
        return {}
    cache = _cache()
    specs = {
        item: (spec[0], set(spec[1]), None if len(spec) < 3 or spec[2] is None else set(spec[2]))
        for item, spec in items.items()
    }
    names = {item: entry_key(namespace, key) for item, (key, _units, _topics) in specs.items()}
    found = _read_many(cache, specs, names)
    if found is None:  # a database flushed since migrating
        DataVersion.objects.get_or_create(pk=1, defaults={"value": 0})
        found = _read_many(cache, specs, names)
    return _complete(cache, found, compute, with_cached)


def cached_by_content[T](
    namespace: str, items: dict[Any, Any], compute: Callable[[list], dict[Any, T]]
) -> dict[Any, T]:
    """``{item: value}`` for values that are a function of their key alone (``items``: ``{item: key}``), such as
    the HTML of a page's piece rendered from the figures it shows: keyed by the release and the key itself, so never
    stale, and needing no data stamp. One query for the entries, one more for those computed (``compute(missing)``)."""
    if not items:
        return {}
    cache = _cache()
    names = {item: entry_key(namespace, key) for item, key in items.items()}
    entries = cache.get_many(list(names.values()))
    return _complete(cache, {item: (name, entries.get(name, MISSING)) for item, name in names.items()}, compute)


def _complete[T](
    cache, found: dict[Any, tuple[str, Any]], compute: Callable[..., dict[Any, T]], with_cached: bool = False
) -> dict[Any, T]:
    """The values of the entries found (``{item: (name, entry or MISSING)}``), the missing ones computed together
    and stored under their names in one write."""
    out = {item: plaindata.loads(entry) for item, (_name, entry) in found.items() if entry is not MISSING}
    missing = [item for item in found if item not in out]
    if missing:
        computed = compute(missing, dict(out)) if with_cached else compute(missing)
        store(cache, [(found[item][0], plaindata.dumps(computed[item]), None) for item in missing])
        out.update(computed)
    return out


def _read_many(cache, specs: dict, names: dict) -> dict[Any, tuple[str, Any]] | None:
    """Per item: the name of its entry at its current stamp, and the entry (MISSING if none)."""
    order = list(specs)
    sql, params = _names_sql([(names[item], specs[item][1], specs[item][2]) for item in order])
    if isinstance(cache, FiguresDatabaseCache):
        found = cache.read_named(sql, params)
        if len(found) != len(order):
            return None  # no data version row
        return {order[i]: entry for i, entry in found.items()}
    with connections[router.db_for_read(DataVersion)].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if len(rows) != len(order):
        return None
    entries = cache.get_many([name for _i, name in rows])
    return {order[i]: (name, entries.get(name, MISSING)) for i, name in rows}


def _table_of(model) -> str:
    return connections[router.db_for_read(model)].ops.quote_name(model._meta.db_table)


def _names_sql(items: list[tuple[str, set[int], set[str] | None]]) -> tuple[str, list]:
    """One query giving, per item (its position, its key, its units, its topics or None for all), the name of its
    entry at its current stamp: ``key@epoch-stamp``. The units' and topics' counters are summed per item in two
    grouped joins (written out: the ORM, or one subquery per item, cost milliseconds per item)."""
    params: list = []
    rows = []
    for i, (key, _units, topics) in enumerate(items):
        rows.append(f"({i}, CAST(%s AS VARCHAR(250)), {1 if topics is None else 0})")
        params.append(key)
    unit_rows = [f"({i}, {int(u)})" for i, (_k, units, _t) in enumerate(items) for u in sorted(units)]
    topic_rows = []
    for i, (_k, _u, topics) in enumerate(items):
        for topic in sorted(topics or ()):
            topic_rows.append(f"({i}, CAST(%s AS VARCHAR(60)))")
            params.append(topic)
    no_units, no_topics = "SELECT 0, 0 WHERE 1 = 0", "SELECT 0, CAST(NULL AS VARCHAR(60)) WHERE 1 = 0"
    sql = (
        f"WITH items(item, name, every_topic) AS (VALUES {', '.join(rows)}), "
        f"item_units(item, unit_id) AS ({'VALUES ' + ', '.join(unit_rows) if unit_rows else no_units}), "
        f"item_topics(item, topic) AS ({'VALUES ' + ', '.join(topic_rows) if topic_rows else no_topics}), "
        f"own AS (SELECT iu.item, SUM(u.value) AS total FROM item_units iu "
        f"JOIN {_table_of(UnitDataVersion)} u ON u.unit_id = iu.unit_id GROUP BY iu.item), "
        f"tops AS (SELECT iu.item, SUM(t.value) AS total FROM item_units iu JOIN items i ON i.item = iu.item "
        f"JOIN {_table_of(UnitTopicVersion)} t ON t.unit_id = iu.unit_id WHERE i.every_topic = 1 OR EXISTS "
        f"(SELECT 1 FROM item_topics it WHERE it.item = iu.item AND it.topic = t.topic) GROUP BY iu.item) "
        f"SELECT i.item AS item, i.name || '@' || d.epoch || '-' || "
        f"CAST(d.value + COALESCE(own.total, 0) + COALESCE(tops.total, 0) AS TEXT) AS name "
        f"FROM items i CROSS JOIN {_table_of(DataVersion)} d LEFT JOIN own ON own.item = i.item "
        f"LEFT JOIN tops ON tops.item = i.item WHERE d.id = 1"
    )  # noqa: S608 — table names from the models, numbers formatted by us, text as parameters
    return sql, params


def _read(cache, units, name: str, topics=None) -> tuple[int, str, Any] | None:
    """The stamp, the epoch and the entry at that stamp (MISSING if none): one query on the database cache, the
    stamp's query and a cache read on another backend."""
    if isinstance(cache, FiguresDatabaseCache):
        return cache.read_at_stamp(_stamp(units, topics), name)
    row = _stamp(units, topics).values_list("stamp", "epoch").first()
    if row is None:
        return None
    stamp, epoch = row
    return stamp, epoch, cache.get(name, MISSING, version=f"{epoch}-{stamp}")


def _cache():
    """The figures cache; Django's default cache where the settings name none (a test's own CACHES)."""
    return caches[CACHE if CACHE in settings.CACHES else "default"]


def entry_key(namespace: str, key: Any) -> str:
    """The cache key: the namespace, readable, and a digest of the release and the caller's key. The entry's
    version (part of the stored key) is the database's epoch and the stamp."""
    payload = json.dumps([RELEASE, key], sort_keys=True, default=str).encode()
    return f"{namespace}:{hashlib.sha256(payload).hexdigest()[:40]}"


def _table(cache) -> tuple[str, str] | None:
    """The database alias and quoted table name of a database cache; None for another backend."""
    if not isinstance(cache, FiguresDatabaseCache):
        return None
    db = router.db_for_write(cache.cache_model_class)
    return db, connections[db].ops.quote_name(cache._table)


def entry_count() -> int | None:
    """How many entries the database cache holds (None when the cache is not a database table)."""
    found = _table(_cache())
    if found is None:
        return None
    db, table = found
    with connections[db].cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 — the table name is from the settings
        return cursor.fetchone()[0]


def prune(*, keep: int = MAX_ENTRIES) -> int:
    """Keep the database cache bounded: delete expired entries, then all but the ``keep`` newest.

    Django culls the table too when a write finds it over ``MAX_ENTRIES``, but it culls by key order; this keeps
    the newest. Redis expires entries itself and is bounded by its ``maxmemory`` policy: nothing to do (0)."""
    found = _table(_cache())
    if found is None:
        return 0
    db, table = found
    connection = connections[db]
    now = connection.ops.adapt_datetimefield_value(timezone.now().replace(microsecond=0))
    with transaction.atomic(using=db), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE expires < %s", [now])  # noqa: S608
        deleted = max(cursor.rowcount, 0)
        # Every entry has the same timeout, so the latest expiry is the newest entry.
        cursor.execute(f"SELECT cache_key FROM {table} ORDER BY expires DESC, cache_key")  # noqa: S608
        old = [k for (k,) in cursor.fetchall()[keep:]]
        for start in range(0, len(old), 500):
            chunk = old[start : start + 500]
            cursor.execute(
                f"DELETE FROM {table} WHERE cache_key IN ({', '.join(['%s'] * len(chunk))})",  # noqa: S608
                chunk,
            )
            deleted += len(chunk)
    return deleted


def clear() -> None:
    """Drop every cached entry (after restoring the database from a backup while Redis kept its entries)."""
    _cache().clear()
