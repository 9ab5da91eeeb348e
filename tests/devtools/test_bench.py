"""`manage.py bench`: the national preset is refused on SQLite, and the after-write figure is taken over writes
in different units, each making the page's cached figures stale."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from devtools.management.commands.bench import record_who5, unit_actors
from tests import factories
from tracker import dataversion
from tracker.models import Membership


@pytest.mark.skipif(connection.vendor != "sqlite", reason="on PostgreSQL the national preset runs")
def test_national_preset_refuses_sqlite():
    with pytest.raises(CommandError, match="PostgreSQL"):
        call_command("bench", national=True)


def test_fewer_than_ten_writes_are_refused():
    with pytest.raises(CommandError, match="at least 10"):
        call_command("bench", writes=3)


@pytest.mark.django_db
def test_each_write_is_in_another_unit_and_makes_its_units_entries_stale(world):
    assert [u for u, *_ in unit_actors(5)] == [world.unit_a.pk]  # unit B has no leader yet
    Membership.objects.create(user=factories.UserFactory(), unit=world.unit_b, role=Membership.Role.LEADER)
    spread = unit_actors(5)
    assert sorted(u for u, *_ in spread) == sorted([world.unit_a.pk, world.unit_b.pk])
    for unit_id, caseworker, _leader, course in spread:
        before = {u: dataversion.current([u]) for u, *_ in spread}
        record_who5(course, caseworker)
        after = {u: dataversion.current([u]) for u, *_ in spread}
        assert after[unit_id] > before[unit_id]
        assert all(after[u] == before[u] for u in after if u != unit_id)
