"""factory_boy factories for every model the tests create, and a small standard world for access tests.

Reference data (legal bases, sectors, kinds of collaboration, life domains, instruments) is loaded from the
fixtures before the tests; the factories pick it by code (``sector("housing")``) rather than creating it.
"""

from __future__ import annotations

import datetime
from types import SimpleNamespace

import factory
from django.contrib.auth import get_user_model
from django_otp.plugins.otp_totp.models import TOTPDevice

from improvement.models import Initiative
from outcomes.models import Goal, GoalReview, Instrument, ItemAnswer, LifeDomain, Measurement
from tracker.models import (
    AccessRequest,
    Citizen,
    Collaboration,
    CollaborationKind,
    Consent,
    Course,
    DirectorScope,
    LegalBasis,
    Membership,
    OrganisationUnit,
    Partner,
    Sector,
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


def today() -> datetime.date:
    return datetime.date.today()


def who5() -> Instrument:
    return Instrument.objects.get(code="who5")


def sector(code: str) -> Sector:
    return Sector.objects.get(code=code)


def collaboration_kind(code: str) -> CollaborationKind:
    return CollaborationKind.objects.get(code=code)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory)
    role = Membership.Role.CASEWORKER


class DirectorScopeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DirectorScope

    user = factory.SubFactory(UserFactory)
    unit = factory.SubFactory(UnitFactory, kind=OrganisationUnit.Kind.MUNICIPALITY)


class TOTPDeviceFactory(factory.django.DjangoModelFactory):
    """A confirmed authenticator app (two-factor login)."""

    class Meta:
        model = TOTPDevice

    user = factory.SubFactory(UserFactory)
    name = "Effektspor"
    confirmed = True


class InstrumentFactory(factory.django.DjangoModelFactory):
    """An instrument by code: the fixture's when it exists (``InstrumentFactory(code="who5")``), else a new one."""

    class Meta:
        model = Instrument
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"instrument-{n}")
    name_da = factory.LazyAttribute(lambda o: f"Redskab {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Instrument {o.code}")
    short_name = factory.LazyAttribute(lambda o: o.code.upper())
    scoring = Instrument.Scoring.TOTAL
    score_min = 0.0
    score_max = 100.0


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Samarbejdspartner {n}")
    sector = factory.LazyFunction(lambda: sector("jobcenter"))


class CollaborationFactory(factory.django.DjangoModelFactory):
    """A collaboration stored directly (no audit entry): for tests of what reads it, not of recording it."""

    class Meta:
        model = Collaboration

    course = factory.SubFactory(CourseFactory)
    partner = factory.SubFactory(PartnerFactory)
    kind = factory.LazyFunction(lambda: collaboration_kind("meeting"))
    date = factory.LazyFunction(today)
    initiated_by = Collaboration.Initiator.UNIT
    recorded_by = factory.SubFactory(UserFactory)


class MeasurementFactory(factory.django.DjangoModelFactory):
    """A measurement without answers or score (``ItemAnswerFactory`` adds answers); the services score them."""

    class Meta:
        model = Measurement

    course = factory.SubFactory(CourseFactory)
    instrument = factory.LazyFunction(who5)
    date = factory.LazyFunction(today)
    recorded_by = factory.SubFactory(UserFactory)


class ItemAnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ItemAnswer

    measurement = factory.SubFactory(MeasurementFactory)
    item = factory.LazyAttribute(lambda o: o.measurement.instrument.items.order_by("order").first())
    value = 3


class GoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Goal

    course = factory.SubFactory(CourseFactory)
    text = factory.Sequence(lambda n: f"Mål {n}")
    life_domain = factory.LazyFunction(lambda: LifeDomain.objects.order_by("order", "pk").first())
    level_minus2 = "Meget mindre end forventet"
    level_minus1 = "Mindre end forventet"
    level_0 = "Som forventet"
    level_plus1 = "Mere end forventet"
    level_plus2 = "Meget mere end forventet"
    created_on = factory.LazyAttribute(lambda o: o.course.start)


class GoalReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GoalReview

    goal = factory.SubFactory(GoalFactory)
    date = factory.LazyFunction(today)
    level = 0
    recorded_by = factory.SubFactory(UserFactory)


class ConsentFactory(factory.django.DjangoModelFactory):
    """Consent that ``to_unit`` may see what ``from_units`` (a list, default none) have recorded."""

    class Meta:
        model = Consent
        skip_postgeneration_save = True

    citizen = factory.SubFactory(CitizenFactory)
    to_unit = factory.SubFactory(UnitFactory)
    given_on = factory.LazyFunction(today)
    given_to = factory.SubFactory(UserFactory)

    @factory.post_generation
    def from_units(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted:
            obj.from_units.set(extracted)


class AccessRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AccessRequest

    citizen = factory.SubFactory(CitizenFactory)
    unit = factory.SubFactory(UnitFactory)
    received_on = factory.LazyFunction(today)
    delivery = AccessRequest.Delivery.LETTER
    registered_by = factory.SubFactory(UserFactory)


class InitiativeFactory(factory.django.DjangoModelFactory):
    """An improvement initiative in ``units`` (a list, default none)."""

    class Meta:
        model = Initiative
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Indsats {n}")
    method = Initiative.Method.FIT
    start = factory.LazyFunction(today)
    created_by = factory.SubFactory(UserFactory)

    @factory.post_generation
    def units(obj, create, extracted, **kwargs):  # noqa: N805
        if create and extracted:
            obj.units.set(extracted)


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
    MembershipFactory(user=alice, unit=unit_a, role=Membership.Role.CASEWORKER)
    MembershipFactory(user=bob, unit=unit_b, role=Membership.Role.CASEWORKER)
    MembershipFactory(user=lena, unit=unit_a, role=Membership.Role.LEADER)
    DirectorScopeFactory(user=charlie, unit=municipality)
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
