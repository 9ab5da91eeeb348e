"""The pre-aggregated figure inputs (figures/aggregates.py) stay exactly current through any sequence of writes,
and the figures read from them are the figures of the per-course path."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboards.selectors.dashboard import _unit_dashboard
from dashboards.selectors.rows import DashboardParams
from figures import aggregates, comparison, hooks
from figures.models import UnitFigureInputs
from figures.periods import Period, resolve_period
from outcomes.models import Goal, GoalReview, Instrument, LifeDomain, Measurement
from tests import factories
from tracker.models import Collaboration, CollaborationKind, Course, EndReason, LegalBasis, Partner, Sector

TODAY = datetime.date.today()


def day(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


def periods() -> list[Period]:
    last_year = Period(datetime.date(TODAY.year - 1, 1, 1), datetime.date(TODAY.year - 1, 12, 31), "", "")
    return [resolve_period("12m", today=TODAY), last_year, Period(day(120), day(30), "", "")]


def who5() -> Instrument:
    return Instrument.objects.get(code="who5")


def assert_rows_current() -> None:
    """Every stored row equals a fresh build from the records."""
    hooks.flush()
    rows = list(UnitFigureInputs.objects.values_list("unit_id", "instrument_id", "start", "end"))
    assert rows
    for unit_id, instrument_id, start, end in rows:
        period = Period(start, end, "", "")
        instrument = Instrument.objects.get(pk=instrument_id)
        fresh = aggregates.build([unit_id], instrument, [period])[unit_id, start, end]
        assert aggregates.stored([unit_id], [instrument], period)[instrument_id][unit_id] == fresh


def assert_same_figures(world) -> None:
    for period in periods():
        units = {world.unit_a.pk, world.unit_b.pk}
        for disclose in (True, False):
            args = (units, None, who5(), period, None, None, True, disclose)
            assert comparison._compare(*args, source="rows") == comparison._compare(*args, source="records")
        params = DashboardParams(units=(world.unit_a, world.unit_b), period=period, instrument=who5())
        assert _unit_dashboard(params, source="rows") == _unit_dashboard(params, source="records")


OPS = st.lists(
    st.tuples(
        st.sampled_from(
            ["course", "course_edit", "course_delete", "measure", "measure_edit", "measure_delete"]
            + ["review", "review_edit", "review_delete", "collab", "collab_edit", "collab_delete"]
        ),
        st.integers(0, 10_000),
        st.integers(1, 700),
        st.integers(0, 25),
    ),
    min_size=1,
    max_size=12,
)


def apply(op, world, pick, days, value) -> None:  # noqa: C901 (one branch per kind of write)
    units = [world.unit_a, world.unit_b]
    courses = list(Course.objects.order_by("pk"))
    course = courses[pick % len(courses)] if courses else None
    if op == "course":
        citizen = [world.course_a.citizen, world.course_b.citizen, None][pick % 3] or factories.CitizenFactory(
            birth_year=1950 + value
        )
        Course.objects.create(
            citizen=citizen,
            unit=units[pick % 2],
            legal_basis=LegalBasis.objects.order_by("pk")[value % 2],
            start=day(days),
            end=day(days // 3) if value % 3 == 0 else None,
            end_reason=EndReason.objects.first() if value % 3 == 0 else None,
        )
    elif op == "course_edit" and course:
        course.unit = units[value % 2]
        course.start = day(days)
        course.end = None if value % 2 else day(days // 4)
        course.end_reason = None if value % 2 else EndReason.objects.first()
        course.save()
    elif op == "course_delete" and course and len(courses) > 2:
        course.delete()
    elif op == "measure" and course:
        Measurement.objects.create(course=course, instrument=who5(), date=day(days), score=4 * value, raw_score=value)
    elif op.startswith("measure_") and (m := Measurement.objects.order_by("?").first()):
        if op == "measure_edit":
            m.date, m.score = day(days), 4 * value
            m.save()
        else:
            m.delete()
    elif op == "review" and course:
        goal = Goal.objects.filter(course=course).first() or Goal.objects.create(
            course=course,
            text="g",
            life_domain=LifeDomain.objects.first(),
            baseline_level=-1,
            importance=1 + value % 3,
            difficulty=1 + pick % 3,
            created_on=day(700),
        )
        GoalReview.objects.create(goal=goal, date=day(days), level=value % 5 - 2)
    elif op.startswith("review_") and (r := GoalReview.objects.order_by("?").first()):
        if op == "review_edit":
            r.date, r.level = day(days), value % 5 - 2
            r.save()
        else:
            r.delete()
    elif op == "collab" and course:
        partner = Partner.objects.first() or Partner.objects.create(name="P", sector=Sector.objects.first())
        Collaboration.objects.create(
            course=course, partner=partner, kind=CollaborationKind.objects.first(), date=day(days), initiated_by="unit"
        )
    elif op.startswith("collab_") and (k := Collaboration.objects.order_by("?").first()):
        if op == "collab_edit":
            k.date = day(days)
            k.save()
        else:
            k.delete()


@pytest.mark.django_db
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_rows_stay_equal_to_a_fresh_build_and_give_the_per_course_figures(world, ops):
    with transaction.atomic():
        for period in periods():
            aggregates.load({world.unit_a.pk, world.unit_b.pk}, who5(), period)
        for op in ops:
            try:
                with transaction.atomic():  # a write the constraints refuse is simply not made
                    apply(*op[:1], world, *op[1:])
            except IntegrityError:
                pass
        assert_rows_current()
        assert_same_figures(world)
        transaction.set_rollback(True)
    hooks.flush()


@pytest.mark.django_db
def test_a_write_in_unit_a_leaves_unit_b_rows_untouched(world):
    for period in periods():
        aggregates.load({world.unit_a.pk, world.unit_b.pk}, who5(), period)
    before = {
        (u, s, e): (data, built)
        for u, s, e, data, built in UnitFigureInputs.objects.values_list("unit_id", "start", "end", "data", "built_at")
    }
    Measurement.objects.create(course=world.course_a, instrument=who5(), date=day(3), score=60, raw_score=15)
    hooks.flush()
    after = {
        (u, s, e): (data, built)
        for u, s, e, data, built in UnitFigureInputs.objects.values_list("unit_id", "start", "end", "data", "built_at")
    }
    assert set(before) == set(after)
    for key in before:
        unit_id, _start, end = key
        changed = before[key] != after[key]
        assert changed == (unit_id == world.unit_a.pk and end >= day(3)), key
    assert_rows_current()


@pytest.mark.django_db
def test_rebuild_command_and_parameter_change(world):
    aggregates.load({world.unit_a.pk}, who5(), periods()[0])
    instrument = who5()
    instrument.min_interval_days = (instrument.min_interval_days or 1) + 7
    instrument.save()
    assert not UnitFigureInputs.objects.filter(instrument=instrument).exists()
    call_command("rebuild_figures", "--period", "12m")
    assert UnitFigureInputs.objects.filter(unit=world.unit_a, instrument=instrument).exists()
    assert_rows_current()
