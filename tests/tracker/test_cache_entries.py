"""What the figures cache holds (tracker/dataversion.py, tracker/plaindata.py): plain data only, never a pickled
model instance; keyed by the release and the database's epoch, so a deploy or a database made anew never serves an
old entry."""

from __future__ import annotations

import base64
import dataclasses
import datetime
import io
import pickle
from collections import namedtuple
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from figures.comparison import unit_comparison
from figures.periods import LAST_12_MONTHS, resolve_period
from outcomes.models import Instrument
from tracker import dataversion, plaindata
from tracker.models import DataVersion, OrganisationUnit


def stored_entries() -> list[bytes]:
    """Every entry of the database cache table, unpickled the way Django's database cache stores them: each is the
    bytes ``plaindata.dumps`` made."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM effektspor_figures")
        return [pickle.loads(base64.b64decode(value)) for (value,) in cursor.fetchall()]


def named_globals(data: bytes) -> set[str]:
    """The classes and functions a pickle names: what unpickling it imports and calls."""
    found = set()

    class Recorder(pickle.Unpickler):
        def find_class(self, module, name):
            found.add(f"{module}.{name}")
            return super().find_class(module, name)

    Recorder(io.BytesIO(data)).load()
    return found


@pytest.mark.django_db
def test_no_cached_entry_holds_a_model_instance(client, world):
    client.force_login(world.charlie)
    assert client.get(reverse("dashboards:director_home")).status_code == 200
    client.force_login(world.lena)
    assert client.get(reverse("dashboards:leader_home")).status_code == 200
    who5 = Instrument.objects.get(code="who5")
    period = resolve_period(LAST_12_MONTHS, today=datetime.date.today())
    fresh = unit_comparison(user=world.charlie, instrument=who5, period=period, disclose=False)

    entries = stored_entries()
    assert len(entries) >= 4  # the comparisons, the unit dashboard and both page bodies
    model_code = {f"{m.__module__}.{m.__qualname__}" for m in apps.get_models()} | {
        "django.db.models.base.model_unpickle",
        "django.db.models.base.ModelState",
    }
    names = set()
    for entry in entries:
        assert isinstance(entry, bytes)
        names |= named_globals(entry)
    assert not names & model_code, names & model_code
    # The comparison held instances (instrument, root, breadcrumbs): stored as their plain data, rebuilt by
    # plaindata's own function.
    assert {"tracker.plaindata.InstanceData", "tracker.plaindata._instance"} <= names
    # Read back from the cache they are instances again, equal to what was computed, and cost no query to rebuild.
    with CaptureQueriesContext(connection) as ctx:
        hit = unit_comparison(user=world.charlie, instrument=who5, period=period, disclose=False)
    assert len(ctx) <= 2  # the stamp and the cache read
    assert isinstance(hit.instrument, Instrument) and hit.instrument.pk == who5.pk
    assert hit.instrument.code == "who5" and hit.instrument.name == who5.name
    assert hit.root == fresh.root and [u.pk for u in hit.breadcrumbs] == [u.pk for u in fresh.breadcrumbs]
    assert all(isinstance(u, OrganisationUnit) for u in hit.breadcrumbs)
    assert hit.rows == fresh.rows


@pytest.mark.django_db
def test_a_deploy_never_serves_the_old_releases_entry(monkeypatch):
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    monkeypatch.setattr(dataversion, "RELEASE", "release-1")
    assert dataversion.cached("t", "k", compute) == 1
    assert dataversion.cached("t", "k", compute) == 1
    monkeypatch.setattr(dataversion, "RELEASE", "release-2")
    assert dataversion.cached("t", "k", compute) == 2  # the new code computes its own
    assert dataversion.cached("t", "k", compute) == 2
    assert len(calls) == 2


@pytest.mark.django_db
def test_a_database_made_anew_never_meets_the_old_entries():
    """Its counter starts at 0 again; the epoch made with the row keeps the earlier entries apart."""
    calls = []

    def compute():
        calls.append(1)
        return len(calls)

    assert dataversion.cached("t", "k", compute) == 1
    DataVersion.objects.all().delete()  # as a flush, or a new database beside a shared Redis
    assert dataversion.current() == 0
    assert dataversion.cached("t", "k", compute) == 2


@dataclasses.dataclass(frozen=True)
class Holder:
    unit: object
    units: list
    pair: tuple
    plain: dict


Point = namedtuple("Point", "x unit")


@pytest.mark.django_db
def test_plain_data_round_trip(world):
    unit = OrganisationUnit.objects.select_related("parent").get(pk=world.unit_a.pk)
    unit.n = 7  # an annotation
    value = Holder(unit, [world.unit_b, 3], ("a", unit), {"p": Point(1, unit), "q": [1, 2]})
    data = plaindata.dumps(value)
    assert value.unit is unit  # the value itself is unchanged
    # Django pickles an instance as model_unpickle(app label, model name) and its ModelState: ours names neither.
    model_code = {f"{m.__module__}.{m.__qualname__}" for m in apps.get_models()} | {
        "django.db.models.base.model_unpickle",
        "django.db.models.base.ModelState",
    }
    assert "django.db.models.base.model_unpickle" in named_globals(pickle.dumps(value))
    assert not named_globals(data) & model_code
    with CaptureQueriesContext(connection) as ctx:
        back = plaindata.loads(data)
        assert back.unit.parent.pk == unit.parent.pk  # the related instance it had loaded came along
    assert len(ctx) == 0
    assert back.unit == unit and back.unit.name == unit.name and back.unit.n == 7
    assert back.units[0] == world.unit_b and back.units[1] == 3
    assert back.pair[1] == unit and isinstance(back.plain["p"], Point) and back.plain["p"].unit == unit
    assert back.pair[1] is back.unit  # one instance stays one instance
    assert not back.unit._state.adding
    assert plaindata.loads(plaindata.dumps({"a": [1, "x"]})) == {"a": [1, "x"]}
    with pytest.raises(TypeError):
        plaindata.dumps({"units": OrganisationUnit.objects.all()})


@pytest.mark.django_db
def test_prune_cache_keeps_the_newest_entries():
    for i in range(8):
        dataversion.cached("filler", i, lambda i=i: i)
    # The database cache stores expiry times to the second: make the order of writing visible.
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key, value FROM effektspor_figures")
        for key, value in cursor.fetchall():
            i = plaindata.loads(pickle.loads(base64.b64decode(value)))
            expires = connection.ops.adapt_datetimefield_value(
                datetime.datetime(2100, 1, 1, tzinfo=datetime.UTC) + datetime.timedelta(minutes=i)
            )
            cursor.execute("UPDATE effektspor_figures SET expires = %s WHERE cache_key = %s", [expires, key])
    out = StringIO()
    call_command("prune_cache", keep=3, stdout=out)
    assert "5 cache entries deleted, 3 left" in out.getvalue()
    assert dataversion.cached("filler", 7, lambda: "recomputed") == 7  # the newest stayed
    assert dataversion.cached("filler", 0, lambda: "recomputed") == "recomputed"  # the oldest went
    call_command("prune_cache", all=True, stdout=StringIO())
    assert dataversion.entry_count() == 0
