"""The aggregate cache is keyed on a data version that every write bumps: fast, shared, never stale."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from figures.comparison import unit_comparison
from figures.periods import LAST_12_MONTHS, resolve_period
from outcomes import services
from outcomes.models import Instrument, LifeDomain
from tracker import dataversion

TODAY = datetime.date.today()
LINKS = ["happy", "calm", "active", "rested", "interest"]


@pytest.mark.django_db
def test_cached_value_is_reused_until_a_write_bumps_the_version():
    calls = []

    def compute():
        calls.append(1)
        return {"n": len(calls)}

    assert dataversion.cached("t", {"a": 1}, compute) == {"n": 1}
    with CaptureQueriesContext(connection) as ctx:
        assert dataversion.cached("t", {"a": 1}, compute) == {"n": 1}
    assert len(ctx) == 1  # a hit is one query
    assert dataversion.cached("t", {"a": 2}, compute) == {"n": 2}  # another key
    dataversion.bump()
    assert dataversion.cached("t", {"a": 1}, compute) == {"n": 3}  # recomputed after the write
    assert dataversion.prune(keep=1) >= 1  # bounded: all but the newest entry go


@pytest.mark.django_db
def test_every_logged_write_bumps_the_version(world):
    before = dataversion.current()
    services.measurement_record(
        course=world.course_a,
        instrument=Instrument.objects.get(code="who5"),
        answers=dict.fromkeys(LINKS, 2),
        date=TODAY,
        informer="citizen",
        recorded_by=world.alice,
    )
    assert dataversion.current() > before


@pytest.mark.django_db
def test_comparison_is_fresh_right_after_a_write(world):
    """A director's cached comparison changes as soon as a measurement is saved (no stale numbers)."""
    who5 = Instrument.objects.get(code="who5")
    period = resolve_period(LAST_12_MONTHS, today=TODAY)

    def paired():
        # Before disclosure control, so that one course shows (a director's rows hide fewer than k).
        return unit_comparison(user=world.charlie, instrument=who5, period=period, disclose=False).overall.paired

    services.measurement_record(
        course=world.course_a,
        instrument=who5,
        answers=dict.fromkeys(LINKS, 1),
        date=TODAY - datetime.timedelta(days=100),
        informer="citizen",
        recorded_by=world.alice,
    )
    assert paired() == 0
    assert paired() == 0  # served from the cache
    services.measurement_record(
        course=world.course_a,
        instrument=who5,
        answers=dict.fromkeys(LINKS, 3),
        date=TODAY,
        informer="citizen",
        recorded_by=world.alice,
    )
    assert paired() == 1


@pytest.mark.django_db
def test_a_write_in_one_unit_leaves_another_units_figures_cached(world):
    """Data versions per unit: a measurement in unit A recomputes A's figures and leaves B's cached."""
    calls = {"a": 0, "b": 0}

    def compute(name):
        def run():
            calls[name] += 1
            return calls[name]

        return run

    dataversion.cached("t", "a", compute("a"), units=[world.unit_a.pk])
    dataversion.cached("t", "b", compute("b"), units=[world.unit_b.pk])
    services.measurement_record(
        course=world.course_a,
        instrument=Instrument.objects.get(code="who5"),
        answers=dict.fromkeys(LINKS, 2),
        date=TODAY,
        informer="citizen",
        recorded_by=world.alice,
    )
    assert dataversion.cached("t", "b", compute("b"), units=[world.unit_b.pk]) == 1  # still the cached value
    assert dataversion.cached("t", "a", compute("a"), units=[world.unit_a.pk]) == 2  # recomputed
    # A director's scope holds both: recomputed too.
    assert dataversion.cached("t", "ab", compute("a"), units=[world.unit_a.pk, world.unit_b.pk]) == 3
    # A write whose units are unknown (bulk loads, rebuilds) recomputes everything.
    dataversion.bump()
    assert dataversion.cached("t", "b", compute("b"), units=[world.unit_b.pk]) == 2


@pytest.mark.django_db
def test_a_write_of_one_kind_of_data_leaves_figures_of_other_kinds_cached(world):
    """Topics: a WHO-5 in unit A recomputes A's figures that read WHO-5 (or every kind), not those that read only
    another instrument's measurements or the goals; a goal review recomputes the goals' figures; and the cached
    values read in one batch (``cached_many``) follow the same stamps."""
    who5 = Instrument.objects.get(code="who5")
    other = Instrument.objects.exclude(pk=who5.pk).first()
    a = [world.unit_a.pk]
    topics = {
        "who5": [dataversion.measurements_topic(who5.code)],
        "other": [dataversion.measurements_topic(other.code)],
        "goals": [dataversion.GOALS],
        "all": None,
    }
    calls = dict.fromkeys(topics, 0)

    def read(name):
        def run():
            calls[name] += 1
            return calls[name]

        return dataversion.cached("t", name, run, units=a, topics=topics[name])

    def read_many():
        def compute(missing):
            for name in missing:
                calls[name] += 1
            return {name: calls[name] for name in missing}

        return dataversion.cached_many("m", {name: (name, a, topics[name]) for name in topics}, compute)

    assert {name: read(name) for name in topics} == dict.fromkeys(topics, 1)
    assert read_many() == dict.fromkeys(topics, 2)
    services.measurement_record(
        course=world.course_a,
        instrument=who5,
        answers=dict.fromkeys(LINKS, 2),
        date=TODAY,
        informer="citizen",
        recorded_by=world.alice,
    )
    assert {name: read(name) for name in topics} == {"who5": 3, "other": 1, "goals": 1, "all": 3}
    assert read_many() == {"who5": 4, "other": 2, "goals": 2, "all": 4}
    goal = services.goal_create(user=world.alice, course=world.course_a, **_goal_fields())
    assert {name: read(name) for name in topics} == {"who5": 3, "other": 1, "goals": 3, "all": 5}
    services.goal_review_record(user=world.alice, goal=goal, date=TODAY, level=1)
    assert read("goals") == 4 and read("who5") == 3
    # A write of the citizen's own fields (any kind of figure may read them) recomputes them all.
    dataversion.bump(units=a)
    assert read_many() == {"who5": 5, "other": 3, "goals": 5, "all": 6}
    # Another unit's write of any kind leaves them all.
    dataversion.bump(units=[world.unit_b.pk])
    assert read_many() == {"who5": 5, "other": 3, "goals": 5, "all": 6}


def _goal_fields() -> dict:
    fields = {f"level_{n}": f"Niveau {n}" for n in ("minus2", "minus1", "0", "plus1", "plus2")}
    domain = LifeDomain.objects.order_by("order", "pk").first()
    return {"text": "Handle ind selv", "life_domain": domain, "created_on": TODAY, **fields}


@pytest.mark.django_db
def test_the_cache_does_not_grow_with_query_strings(client, world, settings):
    client.force_login(world.lena)
    url = reverse("dashboards:leader_home")
    assert client.get(url).status_code == 200
    size = dataversion.entry_count()
    assert size > 0  # the page is cached in the database cache table
    for i in range(30):
        assert client.get(url, {"utm_source": f"x{i}", f"junk{i}": "1"}).status_code == 200
    assert dataversion.entry_count() == size  # unknown parameters are not part of the key
    client.force_login(world.charlie)
    director = reverse("dashboards:director_home")
    client.get(director)
    size = dataversion.entry_count()
    for i in range(30):
        assert client.get(director, {"period": f"garbage-{i}"}).status_code == 400  # refused, not cached
    assert dataversion.entry_count() == size
    # And the table is pruned back to its bound.
    for i in range(20):
        dataversion.cached("filler", i, lambda: 0)
    assert dataversion.prune(keep=5) > 0 and dataversion.entry_count() == 5


@pytest.mark.django_db
def test_batched_reads_on_a_cache_other_than_the_database(world, settings):
    """Redis (here Django's local-memory cache, the same code path): stamps read in one query, entries by key."""
    settings.CACHES = {
        **settings.CACHES,
        "figures": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "batched-reads"},
    }
    calls = []

    def compute(missing):
        calls.extend(missing)
        return {item: f"{item}-{len(calls)}" for item in missing}

    items = {"a": ("a", [world.unit_a.pk]), "b": ("b", [world.unit_b.pk], [dataversion.GOALS])}
    first = dataversion.cached_many("m", items, compute)
    with CaptureQueriesContext(connection) as ctx:
        assert dataversion.cached_many("m", items, compute) == first
    assert len(ctx) == 1 and calls == ["a", "b"]
    dataversion.bump(units=[world.unit_b.pk], topic=dataversion.measurements_topic("who5"))
    assert dataversion.cached_many("m", items, compute) == first  # b reads the goals only
    dataversion.bump(units=[world.unit_a.pk])
    again = dataversion.cached_many("m", items, compute)
    assert again["b"] == first["b"] and again["a"] != first["a"] and calls == ["a", "b", "a"]


@pytest.mark.django_db
@pytest.mark.parametrize("backend", ["database", "locmem"])
def test_the_writes_of_one_request_are_made_together_and_only_if_it_succeeds(world, settings, backend):
    """``cache.one_write``: entries of different stamps (a page, its figures, its pieces) are written when it ends,
    in one statement on the database cache, as the values were when computed; nothing is written after an error."""
    from tracker import cache as figures_cache

    if backend == "locmem":
        settings.CACHES = {
            **settings.CACHES,
            "figures": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "one-write"},
        }
    units = [world.unit_a.pk]
    value = {"rows": [1, 2]}

    def read_all():
        return (
            dataversion.cached("page", "p", lambda: "computed again", units=units),
            dataversion.cached_many("part", {"x": ("x", units)}, lambda missing: {"x": "computed again"}),
            dataversion.cached_by_content("piece", {"y": "y"}, lambda missing: {"y": "computed again"}),
        )

    with pytest.raises(RuntimeError), figures_cache.one_write():
        dataversion.cached("page", "p", lambda: "lost", units=units)
        raise RuntimeError
    with CaptureQueriesContext(connection) as ctx, figures_cache.one_write():
        page = dataversion.cached("page", "p", lambda: value, units=units)
        part = dataversion.cached_many("part", {"x": ("x", units)}, lambda missing: {"x": "part"})
        piece = dataversion.cached_by_content("piece", {"y": "y"}, lambda missing: {"y": "piece"})
        page["rows"].append(3)  # changed after it was computed: the entry keeps what was computed
        writes = [q for q in ctx.captured_queries if q["sql"].startswith("INSERT")]
        assert writes == []  # nothing written yet
    writes = [q for q in ctx.captured_queries if q["sql"].startswith("INSERT")]
    assert len(writes) == (1 if backend == "database" else 0)
    assert (part, piece) == ({"x": "part"}, {"y": "piece"})
    assert read_all() == ({"rows": [1, 2]}, {"x": "part"}, {"y": "piece"})
