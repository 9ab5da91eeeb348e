"""The audit log is append-only in the database itself; the retention purge is the one sanctioned way to delete.

Datatilsynet's catalogue of measures asks for a log of every use of personal data that nobody can alter, kept for
a set period and then deleted. The application only ever inserts (``tracker.services.audit_log``) and the admin is
read-only, but that is not enough: a bug, a shell or a stray ``QuerySet.update()`` must not be able to rewrite
history either. So the database refuses it:

- **PostgreSQL**: a row trigger refuses every UPDATE and every DELETE on ``tracker_auditentry``, and a statement
  trigger refuses TRUNCATE. The only exception is a DELETE of rows older than the cut-off that the current
  transaction has set with ``set_config('effektspor.audit_purge_before', …, true)`` (SET LOCAL: it ends with the
  transaction, and we reset it as soon as the purge is done).
- **SQLite**: the same rules in two triggers. The cut-off comes from the SQL function
  ``effektspor_audit_purge_before()``, which each connection gets from Python (``connection_created``) and which
  answers NULL except inside :func:`purge_window`. A connection without the function (the ``sqlite3`` shell) can
  delete nothing: the trigger fails closed.

Deleting is allowed through :func:`purge` (``manage.py purge_audit_log``: entries older than
``settings.EFFEKTSPOR_AUDIT_RETENTION_DAYS``) and :func:`purge_all` (``seed --replace`` and ``manage.py flush``, which
wipe the whole database anyway). Both are logged, except the flush, which must leave every table empty.

SQLite rebuilds a table (and drops its triggers) when a migration alters it, so the triggers are re-created after
every ``migrate`` (``post_migrate``) as well as by migration 0002.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils import timezone

TABLE = "tracker_auditentry"
PG_SETTING = "effektspor.audit_purge_before"
SQLITE_FUNCTION = "effektspor_audit_purge_before"
# Everything: later than any entry can be. PostgreSQL reads 'infinity'; SQLite compares the stored text.
EVERYTHING_PG = "infinity"
EVERYTHING_SQLITE = "9999-12-31 23:59:59.999999"

POSTGRESQL_TRIGGERS = f"""
CREATE OR REPLACE FUNCTION {TABLE}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    cutoff text := coalesce(current_setting('{PG_SETTING}', true), '');
BEGIN
    IF TG_OP = 'DELETE' AND cutoff <> '' AND OLD."time" < cutoff::timestamptz THEN
        RETURN OLD;
    END IF;
    IF TG_OP = 'TRUNCATE' AND cutoff = '{EVERYTHING_PG}' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'The audit log ({TABLE}) is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE};
CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION {TABLE}_append_only();
DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE};
CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_append_only();
"""
POSTGRESQL_DROP = f"""
DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE};
DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE};
DROP FUNCTION IF EXISTS {TABLE}_append_only();
"""
SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_no_update BEFORE UPDATE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, 'The audit log ({TABLE}) is append-only: UPDATE refused'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS {TABLE}_no_delete BEFORE DELETE ON {TABLE}
    WHEN {SQLITE_FUNCTION}() IS NULL OR OLD."time" >= {SQLITE_FUNCTION}()
    BEGIN SELECT RAISE(ABORT, 'The audit log ({TABLE}) is append-only: DELETE refused'); END""",
]
SQLITE_DROP = [f"DROP TRIGGER IF EXISTS {TABLE}_no_update", f"DROP TRIGGER IF EXISTS {TABLE}_no_delete"]

# Where a SQLite connection keeps the cut-off while a purge runs (an attribute of Django's connection wrapper).
_SQLITE_ATTRIBUTE = "_effektspor_audit_purge_before"


def install_triggers(connection) -> None:
    """Create (or re-create) the append-only triggers; idempotent. No-op on other databases or without the table."""
    if TABLE not in connection.introspection.table_names():
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRESQL_TRIGGERS)
        elif connection.vendor == "sqlite":
            for statement in SQLITE_TRIGGERS:
                cursor.execute(statement)


def drop_triggers(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRESQL_DROP)
        elif connection.vendor == "sqlite":
            for statement in SQLITE_DROP:
                cursor.execute(statement)


def _register_sqlite_function(sender, connection, **kwargs) -> None:
    if connection.vendor != "sqlite":
        return
    connection.connection.create_function(
        SQLITE_FUNCTION, 0, lambda: getattr(connection, _SQLITE_ATTRIBUTE, None), deterministic=False
    )


def _after_migrate(sender, using=DEFAULT_DB_ALIAS, **kwargs) -> None:
    install_triggers(connections[using])


def connect_signals(app_config) -> None:
    connection_created.connect(_register_sqlite_function, dispatch_uid="effektspor_audit_sqlite_function")
    post_migrate.connect(_after_migrate, sender=app_config, dispatch_uid="effektspor_audit_triggers")
    # A connection opened before the app registry was ready (rare: e.g. a settings check) gets the function too.
    for connection in connections.all(initialized_only=True):
        if connection.vendor == "sqlite" and connection.connection is not None:
            _register_sqlite_function(None, connection)


@contextmanager
def purge_window(before: datetime.datetime | None, *, using: str = DEFAULT_DB_ALIAS) -> Iterator[None]:
    """Inside this block (one transaction) the database lets audit entries older than ``before`` be deleted.

    ``before=None`` means every entry (and, on PostgreSQL, TRUNCATE): only for wiping the whole database.
    """
    connection = connections[using]
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            value = EVERYTHING_PG if before is None else before.isoformat()
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, %s, true)", [PG_SETTING, value])
            yield
            # SET LOCAL lasts until the outermost transaction ends; close the window now.
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, '', true)", [PG_SETTING])
        elif connection.vendor == "sqlite":
            value = EVERYTHING_SQLITE if before is None else connection.ops.adapt_datetimefield_value(before)
            setattr(connection, _SQLITE_ATTRIBUTE, value)
            try:
                yield
            finally:
                setattr(connection, _SQLITE_ATTRIBUTE, None)
        else:
            yield


def retention_cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    """Entries older than this are past the retention period (settings.EFFEKTSPOR_AUDIT_RETENTION_DAYS)."""
    return (now or timezone.now()) - datetime.timedelta(days=settings.EFFEKTSPOR_AUDIT_RETENTION_DAYS)


def purge(*, before: datetime.datetime, reason: str = "retention", dry_run: bool = False) -> int:
    """Delete the audit entries older than ``before`` and log that it happened; return how many went."""
    from tracker.models import AuditEntry
    from tracker.services import audit_log

    old = AuditEntry.objects.filter(time__lt=before)
    if dry_run:
        return old.count()
    with purge_window(before):
        deleted, _by_model = old.delete()
        audit_log(
            user=None,
            action=AuditEntry.Action.DELETE,
            purpose="audit_purge",
            detail={"before": before.isoformat(), "deleted": deleted, "reason": reason},
        )
    return deleted


def purge_all(*, reason: str, log: bool = True) -> int:
    """Delete every audit entry: only where the whole database is being emptied (``seed --replace``)."""
    from tracker.models import AuditEntry
    from tracker.services import audit_log

    with purge_window(None):
        deleted, _by_model = AuditEntry.objects.all().delete()
        if log:
            audit_log(
                user=None,
                action=AuditEntry.Action.DELETE,
                purpose="audit_purge",
                detail={"before": "*", "deleted": deleted, "reason": reason},
            )
    return deleted
