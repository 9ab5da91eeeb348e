"""The database cache of the figures (settings.CACHES["figures"] without Redis): Django's ``DatabaseCache``, same
table and encoding, with two economies for tracker/dataversion.py, whose every miss writes and every read first
needs the data stamp:

- a write is one statement (``INSERT … ON CONFLICT DO UPDATE``) instead of a transaction with a count, a look-up
  and an insert or update, and so is a write of many entries (``set_many``, or ``set_versioned`` for entries of
  different versions: the writes a page request gathers, ``one_write`` below); the bound (``MAX_ENTRIES``,
  ``CULL_FREQUENCY``) is kept by :meth:`cull_if_full`, which every data write calls (only a new stamp or new
  parameters add entries) and ``manage.py prune_cache``;
- :meth:`read_at_stamp` reads the stamp and the entry stored at exactly that stamp in one query, so a hit costs one
  query, as it did when the entries were a table of our own.

Every other operation (get, delete, clear, ``createcachetable``) is Django's.
"""

from __future__ import annotations

import base64
import contextlib
import contextvars
import datetime
import pickle
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache
from django.db import connections, models, router
from django.utils import timezone

MISSING = object()


class FiguresDatabaseCache(DatabaseCache):
    def _db(self):
        db = router.db_for_write(self.cache_model_class)
        return db, connections[db]

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self.set_versioned([(key, value, version)], timeout)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        """Every entry in one statement (Django's sets them one by one)."""
        self.set_versioned([(key, value, version) for key, value in data.items()], timeout)
        return []

    def set_versioned(self, entries: list[tuple[str, Any, str | None]], timeout=DEFAULT_TIMEOUT) -> None:
        """Entries ``(key, value, version)``, each under its own version, in one statement."""
        db, connection = self._db()
        if connection.vendor not in ("sqlite", "postgresql"):
            for key, value, version in entries:
                super().set(key, value, timeout, version)
            return
        # One row per key (the last value), as one statement may not update a row twice.
        made = {self.make_and_validate_key(key, version=version): value for key, value, version in entries}
        if not made:
            return
        timeout = self.get_backend_timeout(timeout)
        if timeout is None:
            expires = datetime.datetime.max
        else:
            expires = datetime.datetime.fromtimestamp(timeout, tz=datetime.UTC if settings.USE_TZ else None)
        expires = connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))
        params = []
        for key, value in made.items():
            encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
            params += [key, encoded, expires]
        q = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {q(self._table)} ({q('cache_key')}, {q('value')}, {q('expires')}) VALUES "
                + ", ".join(["(%s, %s, %s)"] * len(made))
                + f" ON CONFLICT ({q('cache_key')}) DO UPDATE SET {q('value')} = excluded.{q('value')}, "
                f"{q('expires')} = excluded.{q('expires')}",
                params,
            )

    def read_at_stamp(self, stamp_query, key: str) -> tuple[int, str, Any] | None:
        """``(stamp, epoch, value or MISSING)`` in one query: ``stamp_query`` yields the row's ``stamp`` and
        ``epoch``, and the entry is the one ``get(key, version=f"{epoch}-{stamp}")`` would find."""
        db, connection = self._db()
        sql, params = stamp_query.values("stamp", "epoch").query.sql_with_params()
        q = connection.ops.quote_name
        prefix = self.make_key("", version="")  # the key prefix and separators, e.g. "::"
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT s.stamp, s.epoch, c.{q('value')}, c.{q('expires')} FROM ({sql}) s "
                f"LEFT JOIN {q(self._table)} c ON c.{q('cache_key')} = "
                "%s || s.epoch || '-' || CAST(s.stamp AS TEXT) || %s",
                [*params, prefix[:-1], ":" + key],
            )
            row = cursor.fetchone()
        if row is None:
            return None
        stamp, epoch, value, expires = row
        if value is None or self._expired(expires, connection):
            return stamp, epoch, MISSING
        return stamp, epoch, pickle.loads(base64.b64decode(value.encode()))  # noqa: S301 — our own table

    def read_named(self, sql: str, params: list) -> dict[int, tuple[str, Any]]:
        """``{item: (name, value or MISSING)}`` in one query, where ``sql`` yields rows ``(item, name)``: the entry
        stored under each name (the names carry their stamps: tracker/dataversion.py)."""
        db, connection = self._db()
        q = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT s.item, s.name, c.{q('value')}, c.{q('expires')} FROM "  # noqa: S608 — our own SQL
                f"({sql}) s "
                f"LEFT JOIN {q(self._table)} c ON c.{q('cache_key')} = %s || s.name",
                [*params, self.make_key("")],
            )
            rows = cursor.fetchall()
        out = {}
        for i, name, value, expires in rows:
            if value is None or self._expired(expires, connection):
                out[i] = (name, MISSING)
            else:
                out[i] = (name, pickle.loads(base64.b64decode(value.encode())))  # noqa: S301 — our own table
        return out

    @staticmethod
    def _expired(expires, connection) -> bool:
        expression = models.Expression(output_field=models.DateTimeField())
        for converter in connection.ops.get_db_converters(expression) + expression.get_db_converters(connection):
            expires = converter(expires, expression, connection)
        return expires < timezone.now()

    def entry_count(self) -> int:
        db, connection = self._db()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(self._table)}")  # noqa: S608
            return cursor.fetchone()[0]

    def cull_if_full(self, prune) -> int:
        """Over ``MAX_ENTRIES``: ``prune`` back to all but a ``CULL_FREQUENCY``-th (the oldest go first)."""
        if self.entry_count() <= self._max_entries:
            return 0
        keep = self._max_entries - (self._max_entries // self._cull_frequency if self._cull_frequency else 0)
        return prune(keep=keep)


# The writes gathered by ``one_write``: (cache, key, value, version or None); None outside it.
_gathered: contextvars.ContextVar[list | None] = contextvars.ContextVar("figures_cache_writes", default=None)


@contextlib.contextmanager
def one_write() -> Iterator[None]:
    """Within it, the entries that ``store`` is given are written when it ends, together: one statement on the
    database cache however many figures, pieces and pages a request computed. (Nested, the outermost writes.)
    Nothing is written if it ends with an error. Values are pickled by the caller when computed, so a caller
    changing a value later changes nothing."""
    if _gathered.get() is not None:
        yield
        return
    token = _gathered.set([])
    try:
        yield
        gathered = _gathered.get()
    finally:
        _gathered.reset(token)
    by_cache: dict[int, tuple[Any, list]] = {}
    for cache, *entry in gathered:
        by_cache.setdefault(id(cache), (cache, []))[1].append(tuple(entry))
    for cache, entries in by_cache.values():
        _write(cache, entries)


def store(cache, entries: list[tuple[str, Any, str | None]]) -> None:
    """Write ``(key, value, version or None)`` entries now, or when the ``one_write`` around ends."""
    gathered = _gathered.get()
    if gathered is None:
        _write(cache, entries)
    else:
        gathered.extend((cache, *entry) for entry in entries)


def _write(cache, entries: list[tuple[str, Any, str | None]]) -> None:
    if isinstance(cache, FiguresDatabaseCache):
        cache.set_versioned(entries)
        return
    by_version: dict[str | None, dict[str, Any]] = {}
    for key, value, version in entries:
        by_version.setdefault(version, {})[key] = value
    for version, values in by_version.items():
        cache.set_many(values, version=version)
