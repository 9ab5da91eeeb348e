"""The caseworker's pages cost the same number of queries whatever the amount of data (STYLE.md, Tests).

Each page is measured at a small and a large size holding the same kinds of records (so that a section
appearing for the first time is not mistaken for growth); the counts must be equal and stay within budget.
On failure the message lists the statements that ran more than once, with numbers masked, which is where an
N+1 hides.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from outcomes import services as outcome_services
from outcomes.models import Instrument, LifeDomain
from tests import factories
from tracker import services
from tracker.models import CollaborationKind, EndReason, Partner, Sector

BUDGET = 25


def today() -> datetime.date:
    return timezone.localdate()


def days_ago(n: int) -> datetime.date:
    return today() - datetime.timedelta(days=n)


def record(course, user, code: str, date: datetime.date, value: int = 3):
    instrument = Instrument.objects.get(code=code)
    answers = {item.link_id: min(value, item.max_value) for item in instrument.items.all()}
    return outcome_services.measurement_record(
        course=course, instrument=instrument, answers=answers, date=date, informer="citizen", recorded_by=user
    )


def add_goals(course, user, n: int, reviews: int = 2) -> None:
    for g in range(n):
        goal = outcome_services.goal_create(
            user=user,
            course=course,
            text=f"Mål {g}",
            life_domain=LifeDomain.objects.order_by("order")[g % 12],
            level_minus2="a",
            level_minus1="b",
            level_0="c",
            level_plus1="d",
            level_plus2="e",
            baseline_level=-1,
            importance=1 + g % 3,
            difficulty=1 + (g + 1) % 3,
            created_on=course.start + datetime.timedelta(days=1),
        )
        for r in range(reviews):
            outcome_services.goal_review_record(
                user=user, goal=goal, date=course.start + datetime.timedelta(days=10 + 20 * r), level=(g + r) % 5 - 2
            )


def add_collaborations(course, user, n: int) -> None:
    sectors = list(Sector.objects.all())
    kinds = list(CollaborationKind.objects.all())
    for c in range(n):
        partner, _created = Partner.objects.get_or_create(name=f"Partner {c % 7}", sector=sectors[c % len(sectors)])
        services.collaboration_record(
            user=user,
            course=course,
            partner=partner,
            kind=kinds[c % len(kinds)],
            date=course.start + datetime.timedelta(days=5 + c),
            initiated_by="unit",
            usefulness=1 + c % 5,
        )


def add_citizen(world, user, n_who5: int, name: str):
    course = factories.CourseFactory(unit=world.unit_a, citizen=factories.CitizenFactory(name=name))
    for m in range(n_who5):
        record(course, user, "who5", course.start + datetime.timedelta(days=1 + 7 * m), value=m % 6)
    return course


def captured(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return [q["sql"] for q in ctx.captured_queries]


def repeated(queries: list[str]) -> dict[str, int]:
    """Statements that ran more than once, numbers and quoted values masked."""
    masked = Counter(re.sub(r"'[^']*'|\b\d+(\.\d+)?\b", "?", sql) for sql in queries)
    return {sql: n for sql, n in masked.items() if n > 1}


def assert_same_cost(small: list[str], large: list[str]) -> None:
    assert len(large) == len(small), (
        f"{len(small)} queries at the small size, {len(large)} at the large one; repeated at the large size: "
        f"{repeated(large)}"
    )
    assert len(large) <= BUDGET, f"{len(large)} queries: {large}"


# --- "Mine borgere" ----------------------------------------------------------------------------------


def test_my_citizens_costs_the_same_for_3_and_30_citizens(client, world):
    alice = world.alice
    for n in range(3):
        course = add_citizen(world, alice, 2, f"Lille {n}")
        add_goals(course, alice, 1, reviews=1)
    client.force_login(alice)
    small = captured(client, reverse("tracker:citizen_list"))

    for n in range(27):
        course = add_citizen(world, alice, 2, f"Stor {n:02d}")
        if n % 3 == 0:
            add_goals(course, alice, 2, reviews=2)
        if n % 4 == 0:
            record(course, alice, "life-domains", days_ago(3))
    client.force_login(alice)
    large = captured(client, reverse("tracker:citizen_list"))
    assert_same_cost(small, large)


@pytest.mark.parametrize("query", [{"q": "or"}, {"due": "true"}, {"sort": "-goals"}, {"page": "2"}])
def test_my_citizens_filtered_and_sorted_costs_the_same(client, world, query):
    alice = world.alice
    for n in range(3):
        add_citizen(world, alice, 2, f"Borger {n}")
    client.force_login(alice)
    url = reverse("tracker:citizen_list") + "?" + "&".join(f"{k}={v}" for k, v in query.items())
    small = captured(client, url if "page" not in query else reverse("tracker:citizen_list"))
    for n in range(30):
        add_citizen(world, alice, 2, f"Borger {n + 3:02d}")
    client.force_login(alice)
    large = captured(client, url if "page" not in query else reverse("tracker:citizen_list"))
    assert_same_cost(small, large)
    if "page" in query:
        assert_same_cost(small, captured(client, url))


# --- The citizen page and "Min udvikling" ------------------------------------------------------------


def fill_citizen(world, n_who5: int, n_life: int, n_goals: int, n_collaborations: int, closed_course: bool):
    """The citizen of world.course_a with every kind of record; optionally an earlier, closed course too."""
    alice, course = world.alice, world.course_a
    if closed_course:
        old = factories.CourseFactory(
            unit=world.unit_a,
            citizen=world.citizen_a,
            start=days_ago(600),
            end=days_ago(250),
            end_reason=EndReason.objects.get(code="moved"),
        )
        record(old, alice, "who5", days_ago(590))
        add_goals(old, alice, 1, reviews=1)
    for m in range(n_who5):
        record(course, alice, "who5", course.start + datetime.timedelta(days=1 + 7 * m), value=m % 6)
    for m in range(n_life):
        record(course, alice, "life-domains", course.start + datetime.timedelta(days=2 + 14 * m), value=m % 11)
    record(course, alice, "ors", course.start + datetime.timedelta(days=3))
    add_goals(course, alice, n_goals)
    add_collaborations(course, alice, n_collaborations)


@pytest.mark.parametrize("name", ["tracker:citizen_detail", "outcomes:citizen_summary"])
def test_citizen_page_costs_the_same_for_few_and_many_records(client, world, name):
    url = reverse(name, args=[world.citizen_a.pk])
    fill_citizen(world, n_who5=2, n_life=2, n_goals=1, n_collaborations=1, closed_course=True)
    client.force_login(world.alice)
    small = captured(client, url)

    fill_citizen(world, n_who5=23, n_life=8, n_goals=5, n_collaborations=14, closed_course=True)
    client.force_login(world.alice)
    large = captured(client, url)
    assert_same_cost(small, large)


def test_the_large_citizen_page_really_shows_the_large_data(client, world):
    """Guard for the test above: the records it adds are on the page, not filtered away."""
    fill_citizen(world, n_who5=25, n_life=10, n_goals=6, n_collaborations=15, closed_course=False)
    client.force_login(world.alice)
    response = client.get(reverse("tracker:citizen_detail", args=[world.citizen_a.pk]))
    context = response.context
    by_code = {i.code: rows for i, rows in context["measurements_by_instrument"].items()}
    assert (len(by_code["who5"]), len(by_code["life-domains"]), len(by_code["ors"])) == (25, 10, 1)
    assert (len(context["goals"]), len(context["collaborations"])) == (6, 15)
    assert all(len(goal.reviews.all()) == 2 for goal in context["goals"])
