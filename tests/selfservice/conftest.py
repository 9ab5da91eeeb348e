"""Helpers for the self-completion tests: hand-overs for the standard world, answers, a locked tablet session."""

from __future__ import annotations

import pytest
from django.urls import reverse

from outcomes.models import Instrument
from selfservice import services
from tests.security.conftest import sec_world  # noqa: F401  (the audit cases reuse the security world)

WHO5_ANSWERS = {"happy": 3, "calm": 4, "active": 3, "rested": 4, "interest": 5}  # raw 19 -> 76


def who5() -> Instrument:
    return Instrument.objects.get(code="who5")


def who5_post(values: dict[str, int] | None = None) -> dict[str, str]:
    return {f"item_{key}": str(value) for key, value in (values or WHO5_ANSWERS).items()}


def new_link(world, course=None, user=None, **kwargs) -> services.NewLink:
    return services.link_create(
        user=user or world.alice, course=course or world.course_a, instrument=kwargs.pop("instrument", who5()), **kwargs
    )


def lock_tablet(client, world, user=None, citizen=None, code: str = "who5", layout: str = "one"):
    """Log in as the caseworker and hand the tablet over through the view; returns the response."""
    user = user or world.alice
    citizen = citizen or world.citizen_a
    client.force_login(user)
    course = citizen.courses.filter(end__isnull=True).first()
    data = {
        "tablet-course": str(course.pk),
        "tablet-instrument": str(Instrument.objects.get(code=code).pk),
        "tablet-layout": layout,
    }
    return client.post(reverse("selfservice:tablet_start", args=[citizen.pk]), data)


@pytest.fixture
def link(world) -> services.NewLink:
    return new_link(world)
