"""The link-code rate limit holds under concurrency, on the database counters and on Redis.

40 wrong codes sent at once from one address must give at most ``FAILURES_PER_ADDRESS`` look-ups: before the
counters were atomic and reserved before the look-up, 40 parallel requests made 18 look-ups against a limit of 10.
Each request runs in its own thread with its own database connection (a transactional test), like a server's
worker threads.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from unittest import mock

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from selfservice import ratelimit, selectors, tokens

PARALLEL = 40

# The SQLite test database lives in memory with a shared cache, where a reader in one thread can find a whole table
# locked by another ("database table is locked", which no busy timeout waits for). That is the test harness, not
# the application (production SQLite is a WAL file with a busy timeout): these threaded tests run on PostgreSQL and
# Redis, which CI runs the whole suite against too.
needs_a_database_server = pytest.mark.skipif(
    connections["default"].vendor == "sqlite", reason="threads on the in-memory SQLite test database lock tables"
)


def _run_parallel(fn, n: int = PARALLEL) -> list:
    barrier = threading.Barrier(n)

    def task(i):
        barrier.wait()
        try:
            return fn(i)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(task, range(n)))


def _count_lookups():
    """Wrap the code look-up so the test can count how many actually reached the database."""
    calls = []
    lock = threading.Lock()
    original = selectors.link_by_code

    def counting(code):
        with lock:
            calls.append(code)
        return original(code)

    return calls, mock.patch("selfservice.views.selectors.link_by_code", side_effect=counting)


def _hammer_wrong_codes() -> tuple[list[int], int]:
    calls, patcher = _count_lookups()
    url = reverse("selfservice:code")

    def one(i):
        # Each thread its own client (cookies, CSRF off in the test client), all from the same address.
        alphabet = tokens.CODE_ALPHABET
        code = "".join(alphabet[(i * 7 + k * 3) % len(alphabet)] for k in range(8))
        return Client().post(url, {"code": code}, REMOTE_ADDR="198.51.100.40").status_code

    with patcher:
        statuses = _run_parallel(one)
    return statuses, len(calls)


@needs_a_database_server
@pytest.mark.django_db(transaction=True)
def test_forty_parallel_wrong_codes_make_at_most_the_limit_of_lookups():
    statuses, lookups = _hammer_wrong_codes()
    assert lookups <= ratelimit.FAILURES_PER_ADDRESS, (lookups, statuses)
    assert statuses.count(404) == lookups  # every look-up found nothing
    assert statuses.count(429) == PARALLEL - lookups
    # Afterwards the address stays blocked.
    assert (
        Client().post(reverse("selfservice:code"), {"code": "ABCDEFGH"}, REMOTE_ADDR="198.51.100.40").status_code == 429
    )


@needs_a_database_server
@pytest.mark.django_db(transaction=True)
def test_the_database_counter_loses_no_increment_under_concurrency():
    key = "test:concurrent"
    values = _run_parallel(lambda i: ratelimit.incr(key))
    assert sorted(values) == list(range(1, PARALLEL + 1))  # each increment saw its own, distinct value
    assert ratelimit.value(key) == PARALLEL


def _redis_url() -> str | None:
    try:
        import redis

        client = redis.Redis.from_url("redis://127.0.0.1:6379/15", socket_connect_timeout=0.5)
        client.ping()
        client.flushdb()
        return "redis://127.0.0.1:6379/15"
    except Exception:
        return None


@needs_a_database_server
@pytest.mark.django_db(transaction=True)
def test_the_limit_holds_on_redis_too(settings):
    url = _redis_url()
    if url is None:
        pytest.skip("no Redis on 127.0.0.1:6379")
    from django.core.cache import caches

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}}
    caches._settings = caches.settings = settings.CACHES  # noqa: SLF001  (re-read the setting in this test)
    with mock.patch("selfservice.ratelimit.cache", caches.create_connection("default")):
        assert ratelimit._redis_client("x")[0] is not None  # the Redis path is the one under test
        values = _run_parallel(lambda i: ratelimit.incr("test:redis"))
        assert sorted(values) == list(range(1, PARALLEL + 1))
        statuses, lookups = _hammer_wrong_codes()
    assert lookups <= ratelimit.FAILURES_PER_ADDRESS, (lookups, statuses)
    assert statuses.count(429) == PARALLEL - lookups
