"""Data for the export tests: in unit A two WHO-5 measurements, a life-domain self-rating and a goal with a
review; in unit B one WHO-5 measurement (which must never appear in unit A's exports)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from outcomes import services as outcome_services
from outcomes.models import Instrument, LifeDomain


def days_ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def record(world, course, code: str, answers: dict, days: int, informer: str = "citizen", note: str = ""):
    return outcome_services.measurement_record(
        course=course,
        instrument=Instrument.objects.get(code=code),
        answers=answers,
        date=days_ago(days),
        informer=informer,
        recorded_by=world.alice if course == world.course_a else world.bob,
        note=note,
    )


@pytest.fixture
def export_world(world):
    w = world
    w.who5_first = record(w, w.course_a, "who5", {"happy": 1, "calm": 0, "active": 2, "rested": 1, "interest": 0}, 150)
    w.who5_latest = record(
        w,
        w.course_a,
        "who5",
        {"happy": 4, "calm": 3, "active": 5, "rested": 2, "interest": 3},
        20,
        informer="citizen_staff",
        note="Godt humør i dag",
    )
    w.rating = record(w, w.course_a, "life-domains", {"relationships": 7, "network": 3, "health": 10}, 100)
    w.ors = record(w, w.course_a, "ors", {"total": 22}, 90, informer="staff")
    w.goal = outcome_services.goal_create(
        user=w.alice,
        course=w.course_a,
        text="At gå en tur hver dag",
        life_domain=LifeDomain.objects.get(code="network"),
        level_minus2="aldrig",
        level_minus1="sjældent",
        level_0="to gange om ugen",
        level_plus1="hver anden dag",
        level_plus2="hver dag",
        baseline_level=-1,
        created_on=days_ago(120),
    )
    w.review = outcome_services.goal_review_record(user=w.alice, goal=w.goal, date=days_ago(30), level=1, note="")
    w.who5_b = record(w, w.course_b, "who5", {"happy": 5, "calm": 5, "active": 5, "rested": 5, "interest": 5}, 10)
    return w
