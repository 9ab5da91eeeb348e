"""The benchmark's databases (``manage.py bench``): one per data set, seeded once, and a fresh working copy of it
for each run."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection, connections


def use_bench_database(signature: str, base_name: str | None = None) -> str | None:
    """Point the default connection at the benchmark database of ``signature``: ``var/bench-<signature>.sqlite3``,
    or ``<base_name>_bench_<signature>`` on PostgreSQL (created if missing; ``base_name``: the database
    DATABASE_URL names, given again for a second benchmark database). Returns that base name (None on SQLite)."""
    db = connections.databases["default"]
    connection.close()
    if db["ENGINE"] == "django.db.backends.sqlite3":
        path = Path(settings.EFFEKTSPOR_VAR_DIR) / f"bench-{signature}.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        db["NAME"] = str(path)
    else:
        base_name = base_name or db["NAME"]
        name = f"{base_name}_bench_{signature.replace('-', '_')}"
        # Through the server's maintenance database: the one DATABASE_URL names need not exist.
        with connection._nodb_cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if not cursor.fetchone():
                cursor.execute(f'CREATE DATABASE "{name}"')
        connection.close()
        db["NAME"] = name
        return base_name
    return None


def ensure_dataset(signature: str, opts, stdout) -> float | None:
    """Migrate, and seed the data set unless the database already holds it; the seconds seeding took, or None."""
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_dataset (signature varchar(100) NOT NULL)")
        cursor.execute("SELECT signature FROM bench_dataset")
        row = cursor.fetchone()
    if row and row[0] == signature:
        return None
    started = time.perf_counter()
    call_command(
        "seed",
        units=opts["units"],
        citizens=opts["citizens"],
        months=opts["months"],
        seed=opts["seed"],
        replace=True,
        stdout=stdout,
    )
    seconds = round(time.perf_counter() - started, 1)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM bench_dataset")
        cursor.execute("INSERT INTO bench_dataset (signature) VALUES (%s)", [signature])
    return seconds


def use_working_copy() -> None:
    """Measure on a fresh copy of the seeded database (``…-run``), so that every run starts from the same data:
    the writes a run makes (a few hundred measurements, most on one course) do not make the next run's pages
    slower. SQLite: copied with its backup API; PostgreSQL: ``CREATE DATABASE … TEMPLATE`` the seeded one."""
    db = connections.databases["default"]
    seeded = db["NAME"]
    connection.close()
    if db["ENGINE"] == "django.db.backends.sqlite3":
        work = str(Path(seeded).with_name(Path(seeded).stem + "-run.sqlite3"))
        for suffix in ("", "-wal", "-shm"):
            Path(work + suffix).unlink(missing_ok=True)
        with sqlite3.connect(seeded) as source, sqlite3.connect(work) as target:
            source.backup(target)
        source.close()
        target.close()
    else:
        work = f"{seeded}_run"
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{work}"')
            cursor.execute(f'CREATE DATABASE "{work}" TEMPLATE "{seeded}"')
    connection.close()
    db["NAME"] = work
