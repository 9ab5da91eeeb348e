"""Case-insensitive text search that knows æ, ø, å, é … on SQLite as on PostgreSQL.

SQLite's ``LIKE`` and ``lower()`` fold only ASCII letters, so ``icontains`` finds "Åse" for "Åse" but not for
"åse". PostgreSQL's ``lower()`` folds every letter (in a UTF-8 database). :class:`Lower` compiles to ``LOWER`` on
PostgreSQL and to ``effektspor_lower`` on SQLite, a function that each SQLite connection gets from Python
(``str.lower``); :func:`contains` compares it with the lowered search text.
"""

from __future__ import annotations

from django.db.backends.signals import connection_created
from django.db.models import CharField, Func, Q
from django.db.models.functions import Cast

SQLITE_FUNCTION = "effektspor_lower"


class Lower(Func):
    function = "LOWER"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function=SQLITE_FUNCTION, **extra_context)


def _sqlite_lower(value):
    return value.lower() if isinstance(value, str) else value


def _register(sender, connection, **kwargs) -> None:
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FUNCTION, 1, _sqlite_lower, deterministic=True)


def connect_signals() -> None:
    from django.db import connections

    connection_created.connect(_register, dispatch_uid="effektspor_search_lower")
    for connection in connections.all(initialized_only=True):
        if connection.vendor == "sqlite" and connection.connection is not None:
            _register(None, connection)


def contains(queryset, fields: tuple[str, ...], value: str):
    """Rows where any of the text fields contains ``value``, ignoring case in every alphabet."""
    needle = value.lower()
    condition = Q()
    aliases = {}
    for index, field in enumerate(fields):
        alias = f"_search_{index}"
        aliases[alias] = Lower(Cast(field, CharField()))
        condition |= Q(**{f"{alias}__contains": needle})
    return queryset.alias(**aliases).filter(condition)


def lowered(field: str) -> Lower:
    return Lower(Cast(field, CharField()))
