"""The lists cost the same number of queries whatever the amount of data (STYLE.md: two data sizes)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from outcomes import services as outcome_services
from outcomes.models import LifeDomain
from tests import factories
from tests.api.helpers import collaboration_in, token_client

pytestmark = pytest.mark.django_db

LISTS = ("api:citizen-list", "api:course-list", "api:measurement-list", "api:goal-list", "api:collaboration-list")


def add_citizens(world, n: int) -> None:
    day = timezone.localdate() - datetime.timedelta(days=30)
    for i in range(n):
        course = factories.CourseFactory(unit=world.unit_a, citizen=factories.CitizenFactory(name=f"Q {i}"))
        outcome_services.measurement_record(
            course=course,
            instrument=factories.who5(),
            answers={"happy": 1, "calm": 2, "active": 3, "rested": 4, "interest": 5},
            date=day,
            informer="citizen",
            recorded_by=world.alice,
        )
        goal = outcome_services.goal_create(
            user=world.alice,
            course=course,
            text="Mål",
            life_domain=LifeDomain.objects.get(code="network"),
            level_minus2="a",
            level_minus1="b",
            level_0="c",
            level_plus1="d",
            level_plus2="e",
            created_on=day,
        )
        outcome_services.goal_review_record(user=world.alice, goal=goal, date=day, level=1)
        collaboration_in(course, world.alice)


def query_counts(client) -> dict[str, int]:
    counts = {}
    for name in LISTS:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(name)).status_code == 200
        counts[name] = len(ctx.captured_queries)
    return counts


def test_list_queries_do_not_grow_with_the_data(sec_world):
    client = token_client(sec_world.alice)
    add_citizens(sec_world, 1)
    client.get(reverse(LISTS[0]))  # the key's first use is recorded (a write at most once an hour)
    small = query_counts(client)
    add_citizens(sec_world, 6)
    assert query_counts(client) == small
    assert max(small.values()) <= 12, small
