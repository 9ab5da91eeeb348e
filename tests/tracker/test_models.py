"""Core records at the model and database level: CPR numbers, courses of support and their constraints.

Bad input must be refused with a clear message by ``full_clean()`` (and so by the services), and the database
must refuse it too where it holds the rule, so that nothing bypassing validation can store it.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError, IntegrityError, transaction
from django.utils import translation

from tests import factories
from tracker import services
from tracker.models import (
    AuditEntry,
    Citizen,
    Course,
    EndReason,
    LegalBasis,
    cpr_birth_date,
    normalise_cpr,
)

CPR_FORMAT_MESSAGE = "Et CPR-nummer består af 10 cifre (DDMMÅÅ-XXXX)."
CPR_DATE_MESSAGE = "De første seks cifre i CPR-nummeret er ikke en gyldig dato (DDMMÅÅ)."
END_BEFORE_START_MESSAGE = "Et forløb kan ikke slutte før det begynder."
SECOND_OPEN_COURSE_MESSAGE = "Borgeren har allerede et åbent forløb i denne enhed."


@pytest.fixture(autouse=True)
def danish():
    """Messages are asserted in Danish, whatever language an earlier test's request left active in this thread."""
    with translation.override("da"):
        yield


def reason(code: str = "goals-reached") -> EndReason:
    return EndReason.objects.get(code=code)


def basis(code: str = "sel-85") -> LegalBasis:
    return LegalBasis.objects.get(code=code)


def row_counts() -> dict[str, int]:
    return {
        "citizens": Citizen.objects.count(),
        "courses": Course.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


# --- CPR numbers: format and date ----------------------------------------------------------------


@pytest.mark.parametrize("typed", ["010190-1234", "0101901234", " 010190-1234 ", "010190 1234"])
def test_normalise_cpr_returns_ten_digits(typed):
    assert normalise_cpr(typed) == "0101901234"


@pytest.mark.parametrize("typed", ["", "01019-1234", "010190-123", "01019012345", "010190-12a4", "abcdefghij"])
def test_normalise_cpr_refuses_wrong_format(typed):
    with pytest.raises(ValidationError) as exc:
        normalise_cpr(typed)
    assert exc.value.code == "cpr_format"
    assert exc.value.messages == [CPR_FORMAT_MESSAGE]


@pytest.mark.parametrize(
    "typed",
    [
        "310290-1234",  # 31 February
        "310490-1234",  # 31 April
        "320190-1234",  # 32 January
        "001090-1234",  # day 0
        "011390-1234",  # month 13
        "010090-1234",  # month 0
    ],
)
def test_normalise_cpr_refuses_impossible_date(typed):
    with pytest.raises(ValidationError) as exc:
        normalise_cpr(typed)
    assert exc.value.code == "cpr_date"
    assert exc.value.messages == [CPR_DATE_MESSAGE]


@pytest.mark.parametrize(
    ("cpr", "born"),
    [
        ("0101900234", datetime.date(1990, 1, 1)),  # 7th digit 0: 1900s
        ("0101363234", datetime.date(1936, 1, 1)),  # 7th digit 3: 1900s even for YY ≤ 36
        ("0101364234", datetime.date(2036, 1, 1)),  # 7th digit 4, YY ≤ 36: 2000s
        ("0101374234", datetime.date(1937, 1, 1)),  # 7th digit 4, YY > 36: 1900s
        ("0101059234", datetime.date(2005, 1, 1)),  # 7th digit 9, YY ≤ 36: 2000s
        ("0101589234", datetime.date(1958, 1, 1)),  # 7th digit 9, YY > 36: 1900s
        ("0101575234", datetime.date(2057, 1, 1)),  # 7th digit 5, YY ≤ 57: 2000s
        ("0101585234", datetime.date(1858, 1, 1)),  # 7th digit 5, YY > 57: 1800s
        ("1512208234", datetime.date(2020, 12, 15)),  # 7th digit 8, YY ≤ 57: 2000s
        ("3112998234", datetime.date(1899, 12, 31)),  # 7th digit 8, YY > 57: 1800s
    ],
)
def test_cpr_birth_date_century_rule(cpr, born):
    assert cpr_birth_date(cpr) == born


def test_cpr_birth_date_raises_value_error_on_impossible_date():
    with pytest.raises(ValueError):
        cpr_birth_date("3102901234")


@pytest.mark.parametrize(
    "cpr",
    [
        "290296-1234",  # 1996 is a leap year
        "290200-4234",  # 7th digit 4 and YY 00: the year 2000, a leap year
        "290204-4234",  # 2004
    ],
)
def test_29_february_in_a_leap_year_is_valid(cpr):
    assert normalise_cpr(cpr) == cpr.replace("-", "")


@pytest.mark.parametrize(
    "cpr",
    [
        "290297-1234",  # 1997 is not a leap year
        "290200-1234",  # 7th digit 1 and YY 00: the year 1900, which is not a leap year
        "290201-4234",  # 2001
    ],
)
def test_29_february_in_a_non_leap_year_is_refused(cpr):
    with pytest.raises(ValidationError) as exc:
        normalise_cpr(cpr)
    assert exc.value.messages == [CPR_DATE_MESSAGE]


def test_cpr_masked_shows_only_the_date_part():
    assert Citizen(name="A", cpr="0101901234").cpr_masked == "010190-xxxx"
    assert Citizen(name="A", cpr=None).cpr_masked == ""


# --- CPR numbers on the model ----------------------------------------------------------------------


def test_citizen_full_clean_refuses_impossible_cpr_date(db):
    citizen = Citizen(name="Carl Carlsen", cpr="3102901234")
    with pytest.raises(ValidationError) as exc:
        citizen.full_clean()
    assert CPR_DATE_MESSAGE in exc.value.message_dict["cpr"]
    assert Citizen.objects.count() == 0


def test_citizen_full_clean_refuses_malformed_cpr(db):
    with pytest.raises(ValidationError) as exc:
        Citizen(name="Carl Carlsen", cpr="01019O1234").full_clean()
    assert CPR_FORMAT_MESSAGE in exc.value.message_dict["cpr"]


def test_citizen_full_clean_takes_birth_year_from_cpr(db):
    citizen = Citizen(name="Carl Carlsen", cpr="0101054234")
    citizen.full_clean()
    assert citizen.birth_year == 2005


def test_citizen_full_clean_keeps_a_given_birth_year(db):
    citizen = Citizen(name="Carl Carlsen", cpr="0101901234", birth_year=1990)
    citizen.full_clean()
    assert citizen.birth_year == 1990


def test_citizen_birth_year_must_agree_with_the_cpr_number(db):
    """Birth year 1990 with a CPR number born 1903 (010203-1234) was once saved silently."""
    citizen = Citizen(name="Carl Carlsen", cpr="010203-1234", birth_year=1990)
    with pytest.raises(ValidationError) as exc:
        citizen.full_clean()
    assert "birth_year" in exc.value.message_dict
    assert "1903" in exc.value.message_dict["birth_year"][0]


def test_citizen_full_clean_stores_an_empty_cpr_as_null(db):
    citizen = Citizen(name="Carl Carlsen", cpr="")
    citizen.full_clean()
    assert citizen.cpr is None


def test_citizen_full_clean_refuses_a_second_citizen_with_the_same_cpr(db):
    factories.CitizenFactory(cpr="0101901234")
    with pytest.raises(ValidationError) as exc:
        Citizen(name="Other", cpr="0101901234").full_clean()
    assert "cpr" in exc.value.message_dict


def test_citizen_create_service_stores_cpr_typed_with_hyphen_as_ten_digits(db):
    """The model normalises DDMMYY-XXXX in clean(); the service must therefore accept that form."""
    citizen = services.citizen_create(user=None, name="Carl Carlsen", cpr="020385-1234")
    citizen.refresh_from_db()
    assert citizen.cpr == "0203851234"
    assert citizen.birth_year == 1985


def test_citizen_create_service_refuses_impossible_cpr_date_and_saves_nothing(db):
    before = row_counts()
    with pytest.raises(ValidationError) as exc:
        services.citizen_create(user=None, name="Carl Carlsen", cpr="3102901234")
    assert CPR_DATE_MESSAGE in exc.value.messages
    assert row_counts() == before


def test_citizen_create_service_logs_creation_without_the_cpr(db):
    citizen = services.citizen_create(user=None, name="Carl Carlsen", cpr="0203851234")
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.citizen_id, entry.object_type) == ("create", citizen.pk, "tracker.citizen")
    assert "0203851234" not in str(entry.detail)
    assert entry.detail["after"]["name"] == "Carl Carlsen"


@pytest.mark.parametrize("stored", ["12345", "01019O1234", "010190-123", "010190 123", ""])
def test_database_refuses_cpr_that_is_not_ten_digits(db, stored):
    with pytest.raises(IntegrityError), transaction.atomic():
        Citizen.objects.create(name="Carl Carlsen", cpr=stored)
    assert Citizen.objects.count() == 0


def test_database_refuses_an_eleven_character_cpr(db):
    # PostgreSQL refuses it as too long for varchar(10) (DataError); SQLite through the check constraint.
    with pytest.raises((IntegrityError, DataError)), transaction.atomic():
        Citizen.objects.create(name="Carl Carlsen", cpr="010190-1234")
    assert Citizen.objects.count() == 0


def test_database_refuses_cpr_that_is_not_ten_digits_on_update(db):
    citizen = factories.CitizenFactory(cpr="0101901234")
    with pytest.raises(IntegrityError), transaction.atomic():
        Citizen.objects.filter(pk=citizen.pk).update(cpr="010190-123")
    citizen.refresh_from_db()
    assert citizen.cpr == "0101901234"


def test_database_refuses_a_duplicate_cpr(db):
    factories.CitizenFactory(cpr="0101901234")
    with pytest.raises(IntegrityError), transaction.atomic():
        Citizen.objects.create(name="Other", cpr="0101901234")
    assert Citizen.objects.filter(cpr="0101901234").count() == 1


def test_database_allows_several_citizens_without_cpr(db):
    factories.CitizenFactory(name="A", cpr=None)
    factories.CitizenFactory(name="B", cpr=None)
    assert Citizen.objects.filter(cpr__isnull=True).count() == 2


# --- Courses: end before start ---------------------------------------------------------------------


def test_course_full_clean_refuses_end_before_start(world):
    course = world.course_a
    course.end, course.end_reason = course.start - datetime.timedelta(days=1), reason()
    with pytest.raises(ValidationError) as exc:
        course.full_clean()
    assert END_BEFORE_START_MESSAGE in exc.value.messages


def test_course_full_clean_accepts_end_on_the_start_day(world):
    course = world.course_a
    course.end, course.end_reason = course.start, reason()
    course.full_clean()


def test_course_full_clean_wants_end_date_and_reason_together(world):
    course = world.course_a
    course.end = course.start + datetime.timedelta(days=10)
    with pytest.raises(ValidationError) as exc:
        course.full_clean()
    assert "Angiv både slutdato og afslutningsårsag." in exc.value.messages


def test_database_refuses_course_ending_before_it_starts(world):
    start = datetime.date(2025, 3, 1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Course.objects.create(
            citizen=world.citizen_b,
            unit=world.unit_a,
            legal_basis=basis(),
            start=start,
            end=start - datetime.timedelta(days=1),
            end_reason=reason(),
        )
    assert not Course.objects.filter(citizen=world.citizen_b, unit=world.unit_a).exists()


def test_database_refuses_ending_a_course_before_it_starts_on_update(world):
    course = world.course_a
    with pytest.raises(IntegrityError), transaction.atomic():
        Course.objects.filter(pk=course.pk).update(end=course.start - datetime.timedelta(days=1), end_reason=reason())
    course.refresh_from_db()
    assert course.end is None and course.end_reason is None


def test_database_refuses_end_date_without_reason(world):
    course = world.course_a
    with pytest.raises(IntegrityError), transaction.atomic():
        Course.objects.filter(pk=course.pk).update(end=course.start + datetime.timedelta(days=5))
    course.refresh_from_db()
    assert course.end is None


def test_course_end_service_refuses_end_before_start_and_changes_nothing(world):
    course = world.course_a
    before = row_counts()
    with pytest.raises(ValidationError) as exc:
        services.course_end(
            user=world.alice, course=course, end=course.start - datetime.timedelta(days=1), end_reason=reason()
        )
    assert END_BEFORE_START_MESSAGE in exc.value.messages
    course.refresh_from_db()
    assert course.end is None and course.end_reason is None
    assert row_counts() == before


def test_course_end_service_ends_and_logs(world):
    course = world.course_a
    end = course.start + datetime.timedelta(days=30)
    services.course_end(user=world.alice, course=course, end=end, end_reason=reason("moved"))
    course.refresh_from_db()
    assert (course.end, course.end_reason.code) == (end, "moved")
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.user, entry.citizen_id) == ("change", world.alice, world.citizen_a.pk)
    assert entry.detail["changes"]["end"] == {"before": None, "after": end.isoformat()}


# --- Courses: one open course per citizen and unit -------------------------------------------------


def test_course_full_clean_refuses_a_second_open_course_in_the_same_unit(world):
    course = Course(citizen=world.citizen_a, unit=world.unit_a, legal_basis=basis(), start=datetime.date.today())
    with pytest.raises(ValidationError) as exc:
        course.full_clean()
    assert SECOND_OPEN_COURSE_MESSAGE in exc.value.messages


def test_database_refuses_a_second_open_course_in_the_same_unit(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        Course.objects.create(
            citizen=world.citizen_a, unit=world.unit_a, legal_basis=basis(), start=datetime.date.today()
        )
    assert Course.objects.filter(citizen=world.citizen_a, unit=world.unit_a).count() == 1


def test_course_start_service_refuses_a_second_open_course_and_saves_nothing(world):
    before = row_counts()
    with pytest.raises(ValidationError) as exc:
        services.course_start(
            user=world.alice,
            citizen=world.citizen_a,
            unit=world.unit_a,
            legal_basis=basis(),
            start=datetime.date.today(),
        )
    assert SECOND_OPEN_COURSE_MESSAGE in exc.value.messages
    assert row_counts() == before


def test_a_new_open_course_is_allowed_once_the_old_one_is_closed(world):
    old = world.course_a
    old.end, old.end_reason = old.start + datetime.timedelta(days=30), reason()
    old.save()
    new = Course(citizen=world.citizen_a, unit=world.unit_a, legal_basis=basis(), start=datetime.date.today())
    new.full_clean()
    new.save()
    assert Course.objects.filter(citizen=world.citizen_a, unit=world.unit_a).count() == 2


def test_open_courses_in_two_units_are_allowed(world):
    course = Course(citizen=world.citizen_a, unit=world.unit_b, legal_basis=basis(), start=datetime.date.today())
    course.full_clean()
    course.save()
    assert Course.objects.filter(citizen=world.citizen_a, end__isnull=True).count() == 2


def test_course_full_clean_refuses_a_legal_basis_the_unit_does_not_offer(world):
    world.unit_a.legal_bases.set([basis("sel-85")])
    course = Course(
        citizen=world.citizen_b, unit=world.unit_a, legal_basis=basis("sel-107"), start=datetime.date.today()
    )
    with pytest.raises(ValidationError) as exc:
        course.full_clean()
    assert exc.value.message_dict["legal_basis"] == ["Enheden tilbyder ikke dette lovgrundlag."]
