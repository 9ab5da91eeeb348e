"""Worlds for the figures engine's tests: three units of known WHO-5 trajectories below one department."""

from __future__ import annotations

import datetime

import pytest

from outcomes import services as outcome_services
from outcomes.models import Instrument
from tests import factories
from tests.security.conftest import sec_world  # noqa: F401  (re-exported fixture)

TODAY = datetime.date.today()
LINKS = ["happy", "calm", "active", "rested", "interest"]


def who5() -> Instrument:
    return Instrument.objects.get(code="who5")


def record(course, days_ago: int, values, user, instrument=None):
    """A WHO-5 with the given item values (one value for all five, or a list of five)."""
    values = values if isinstance(values, list) else [values] * 5
    return outcome_services.measurement_record(
        course=course,
        instrument=instrument or who5(),
        answers=dict(zip(LINKS, values, strict=True)),
        date=TODAY - datetime.timedelta(days=days_ago),
        informer="citizen",
        recorded_by=user,
    )


def citizens_with_change(unit, user, n: int, before, after, *, baseline_days=150, follow_up_days=10):
    """n citizens in the unit, each with a WHO-5 baseline and a follow-up."""
    courses = []
    for _i in range(n):
        course = factories.CourseFactory(unit=unit, start=TODAY - datetime.timedelta(days=baseline_days + 10))
        record(course, baseline_days, before, user)
        record(course, follow_up_days, after, user)
        courses.append(course)
    return courses


@pytest.fixture
def three_units(sec_world):  # noqa: F811
    """Unit A (lena leads): 8 citizens +12 points (item sums 10 → 13); unit B: 7 citizens +20; unit C: 9
    citizens −4. With WHO-5 classified by a MID of 10, A and B improve and C is unchanged."""
    w = sec_world
    w.unit_c = factories.UnitFactory(name="Bosted C", code="c", parent=w.department)
    citizens_with_change(w.unit_a, w.alice, 8, [2, 2, 2, 2, 2], [3, 3, 3, 2, 2])
    citizens_with_change(w.unit_b, w.bob, 7, 2, [3, 3, 3, 3, 3])
    citizens_with_change(w.unit_c, w.alice, 9, 3, [3, 3, 3, 3, 2])
    return w
