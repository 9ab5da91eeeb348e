"""factory_boy factories and a small standard world for access tests."""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import factory
from django.contrib.auth import get_user_model

from outcomes.models import Instrument
from tracker.models import (
    Citizen,
    Course,
    DirectorScope,
    LegalBasis,
    Membership,
    OrganisationUnit,
)

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):  # noqa: N805
        if create:
            obj.save()


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationUnit

    name = factory.Sequence(lambda n: f"Enhed {n}")
    code = factory.Sequence(lambda n: f"unit-{n}")
    kind = OrganisationUnit.Kind.UNIT


class CitizenFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Citizen

    name = factory.Sequence(lambda n: f"Borger {n}")
    gender = Citizen.Gender.FEMALE


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    citizen = factory.SubFactory(CitizenFactory)
    unit = factory.SubFactory(UnitFactory)
    legal_basis = factory.LazyFunction(lambda: LegalBasis.objects.get(code="sel-85"))
    start = factory.LazyFunction(lambda: datetime.date.today() - datetime.timedelta(days=200))


def who5() -> Instrument:
    return Instrument.objects.get(code="who5")


def build_world() -> SimpleNamespace:
    municipality = UnitFactory(name="Testkommune", code="testkommune", kind=OrganisationUnit.Kind.MUNICIPALITY)
    department = UnitFactory(
        name="Socialpsykiatri", code="sp", kind=OrganisationUnit.Kind.DEPARTMENT, parent=municipality
    )
    unit_a = UnitFactory(name="Bostøtte A", code="a", parent=department)
    unit_b = UnitFactory(name="Værested B", code="b", parent=department)
    alice = UserFactory(username="alice")
    bob = UserFactory(username="bob")
    charlie = UserFactory(username="charlie")
    lena = UserFactory(username="lena")
    Membership.objects.create(user=alice, unit=unit_a, role=Membership.Role.CASEWORKER)
    Membership.objects.create(user=bob, unit=unit_b, role=Membership.Role.CASEWORKER)
    Membership.objects.create(user=lena, unit=unit_a, role=Membership.Role.LEADER)
    DirectorScope.objects.create(user=charlie, unit=municipality)
    course_a = CourseFactory(unit=unit_a, citizen=CitizenFactory(name="Anna Andersen", cpr="0101901234"))
    course_b = CourseFactory(unit=unit_b, citizen=CitizenFactory(name="Bent Bentsen"))
    return SimpleNamespace(
        municipality=municipality,
        department=department,
        unit_a=unit_a,
        unit_b=unit_b,
        alice=alice,
        bob=bob,
        charlie=charlie,
        lena=lena,
        course_a=course_a,
        course_b=course_b,
        citizen_a=course_a.citizen,
        citizen_b=course_b.citizen,
    )


def row_counts() -> dict[str, int]:
    """Every table a caseworker flow may write to, by model name; a refused request must leave all unchanged."""
    from outcomes.models import Goal, GoalReview, ItemAnswer, Measurement
    from tracker.models import AuditEntry, Collaboration, Partner

    models = (Citizen, Course, Measurement, ItemAnswer, Goal, GoalReview, Collaboration, Partner, AuditEntry)
    return {model.__name__: model.objects.count() for model in models}
