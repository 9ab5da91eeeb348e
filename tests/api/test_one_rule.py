"""Each rule lives once (in a service or selector), so the page and the API refuse the same bad input with the same
message, and nothing is saved through either: a course's end and start dates, registering a citizen with the first
course, the citizen search, and who may open which unit's dashboard."""

from __future__ import annotations

import datetime
from html import escape

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests import factories
from tracker import services
from tracker.models import Citizen, Course, EndReason, LegalBasis

END_IN_FUTURE = "Slutdatoen må ikke ligge i fremtiden."
END_BEFORE_START = "Et forløb kan ikke slutte før det begynder."
START_TOO_LATE = "Startdatoen ligger mere end en måned ude i fremtiden. Tjek årstallet."


def ended_citizen(world) -> Citizen:
    """A citizen of unit A whose course there has ended: a new course may start."""
    citizen = factories.CitizenFactory(name="Frida Fisker")
    start = today() - datetime.timedelta(days=100)
    factories.CourseFactory(unit=world.unit_a, citizen=citizen, start=start, end=start, end_reason=moved())
    return citizen


def today() -> datetime.date:
    return timezone.localdate()


def moved() -> EndReason:
    return EndReason.objects.get(code="moved")


def api_errors(response) -> dict:
    assert response.status_code == 400, response.content
    return response.json()["errors"]


def page_refuses(response, message: str) -> None:
    assert response.status_code == 400
    assert escape(message) in response.content.decode()


# --- Ending a course -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("end", "message"),
    [
        (lambda course: today() + datetime.timedelta(days=1), END_IN_FUTURE),
        (lambda course: course.start - datetime.timedelta(days=1), END_BEFORE_START),
    ],
    ids=["future", "before-start"],
)
def test_a_bad_end_date_is_refused_alike_by_the_service_the_page_and_the_api(client, api, sec_world, end, message):
    course = sec_world.course_a
    end = end(course)
    assert services.COURSE_END_IN_FUTURE == END_IN_FUTURE and services.COURSE_END_BEFORE_START == END_BEFORE_START

    with pytest.raises(ValidationError) as exc:
        services.course_end(user=sec_world.alice, course=course, end=end, end_reason=moved())
    assert exc.value.message_dict == {"end": [message]}
    course.refresh_from_db()

    response = api.alice.post(
        reverse("api:course-end", args=[course.pk]), {"end": end.isoformat(), "end_reason": "moved"}, format="json"
    )
    assert api_errors(response) == {"end": [message]}

    client.force_login(sec_world.alice)
    response = client.post(
        reverse("tracker:course_end", args=[course.pk]), {"end": end.isoformat(), "end_reason": moved().pk}
    )
    page_refuses(response, message)

    course.refresh_from_db()
    assert course.end is None and course.end_reason is None


# --- Starting a course, and registering a citizen with the first course ------------------------------------------


def test_a_start_more_than_a_month_ahead_is_refused_alike_by_the_page_and_the_api(client, api, sec_world):
    start = (today() + datetime.timedelta(days=services.COURSE_START_MAX_DAYS_AHEAD + 1)).isoformat()
    citizen = ended_citizen(sec_world)
    courses = Course.objects.count()
    body = {
        "citizen": citizen.pk,
        "unit": sec_world.unit_a.pk,
        "legal_basis": "sel-85",
        "start": start,
    }
    assert api_errors(api.alice.post(reverse("api:course-list"), body, format="json")) == {"start": [START_TOO_LATE]}
    client.force_login(sec_world.alice)
    response = client.post(
        reverse("tracker:course_start", args=[citizen.pk]),
        {"unit": sec_world.unit_a.pk, "legal_basis": LegalBasis.objects.get(code="sel-85").pk, "start": start},
    )
    page_refuses(response, START_TOO_LATE)
    assert Course.objects.count() == courses


def test_a_start_a_month_ahead_is_accepted_by_the_api(api, sec_world):
    start = (today() + datetime.timedelta(days=services.COURSE_START_MAX_DAYS_AHEAD)).isoformat()
    body = {
        "citizen": ended_citizen(sec_world).pk,
        "unit": sec_world.unit_a.pk,
        "legal_basis": "sel-85",
        "start": start,
    }
    assert api.alice.post(reverse("api:course-list"), body, format="json").status_code == 201


def test_registering_a_citizen_with_a_bad_first_course_saves_neither_through_page_or_api(client, api, sec_world):
    start = (today() + datetime.timedelta(days=200)).isoformat()
    body = {"name": "Carl Carlsen", "unit": sec_world.unit_a.pk, "legal_basis": "sel-85", "start": start}
    assert api_errors(api.alice.post(reverse("api:citizen-list"), body, format="json")) == {"start": [START_TOO_LATE]}
    client.force_login(sec_world.alice)
    response = client.post(
        reverse("tracker:citizen_create"),
        {
            "citizen-name": "Carl Carlsen",
            "citizen-gender": "male",
            "course-unit": str(sec_world.unit_a.pk),
            "course-legal_basis": str(LegalBasis.objects.get(code="sel-85").pk),
            "course-start": start,
        },
    )
    page_refuses(response, START_TOO_LATE)
    assert not Citizen.objects.filter(name="Carl Carlsen").exists()


def test_register_citizen_with_course_is_one_transaction(sec_world):
    unit_ids = {sec_world.unit_a.pk}
    sel85 = LegalBasis.objects.get(code="sel-85")
    citizen, course = services.register_citizen_with_course(
        user=sec_world.alice,
        unit_ids=unit_ids,
        channel="page",
        citizen={"name": "Dorte Dam"},
        unit=sec_world.unit_a,
        legal_basis=sel85,
        start=today(),
    )
    assert (course.citizen, course.unit) == (citizen, sec_world.unit_a)
    with pytest.raises(ValidationError):
        services.register_citizen_with_course(
            user=sec_world.alice,
            unit_ids=unit_ids,
            channel="api",
            citizen={"name": "Erik Eriksen"},
            unit=sec_world.unit_a,
            legal_basis=sel85,
            start=today() + datetime.timedelta(days=365),
        )
    assert not Citizen.objects.filter(name="Erik Eriksen").exists()


# --- The citizen search ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["åse", "ÅSE ØST", "020290", "020290-12", "020290 12"])
def test_the_citizen_search_finds_the_same_on_the_page_and_in_the_api(client, api, sec_world, query):
    citizen = factories.CitizenFactory(name="Åse Østergaard", cpr="0202901234")
    factories.CourseFactory(unit=sec_world.unit_a, citizen=citizen)
    found = api.alice.get(reverse("api:citizen-list"), {"q": query}).json()["results"]
    assert [c["id"] for c in found] == [citizen.pk]
    client.force_login(sec_world.alice)
    html = client.get(reverse("tracker:citizen_list"), {"q": query}).content.decode()
    assert "Østergaard" in html and "Anna Andersen" not in html


# --- The unit dashboard: who may open which unit, and its filter -------------------------------------------------


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"unit": "other"}, 403),
        ({"unit": "²"}, 400),
        ({"period": "custom", "start": "2026-03-01", "end": "2026-01-01"}, 400),
    ],
    ids=["another-unit", "not-ascii-digit", "end-before-start"],
)
def test_the_dashboard_page_and_api_refuse_alike(client, api, sec_world, params, status):
    if params.get("unit") == "other":
        params = {"unit": sec_world.unit_b.pk}
    assert api.lena.get(reverse("api:unit_figures"), params).status_code == status
    client.force_login(sec_world.lena)
    assert client.get(reverse("dashboards:unit_dashboard"), params).status_code == status


# --- A collaboration's date ------------------------------------------------------------------------------------


def test_a_future_collaboration_is_refused_alike_by_the_page_and_the_api(client, api, sec_world):
    from tracker.models import Collaboration, CollaborationKind, Partner, Sector

    tomorrow = (today() + datetime.timedelta(days=1)).isoformat()
    body = {
        "course": sec_world.course_a.pk,
        "new_partner_name": "Fremtidens Jobcenter",
        "new_partner_sector": "jobcenter",
        "kind": "meeting",
        "date": tomorrow,
        "initiated_by": "partner",
    }
    message = "Datoen må ikke ligge i fremtiden."
    assert api_errors(api.alice.post(reverse("api:collaboration-list"), body, format="json")) == {"date": [message]}
    client.force_login(sec_world.alice)
    response = client.post(
        reverse("tracker:collaboration_create", args=[sec_world.course_a.pk]),
        {
            "partner_name": "Fremtidens Jobcenter",
            "new_partner_sector": Sector.objects.get(code="jobcenter").pk,
            "kind": CollaborationKind.objects.get(code="meeting").pk,
            "date": tomorrow,
            "initiated_by": "partner",
        },
    )
    page_refuses(response, message)
    assert not Partner.objects.filter(name="Fremtidens Jobcenter").exists() and not Collaboration.objects.exists()


def test_a_second_open_course_in_a_unit_is_refused_alike_by_the_page_and_the_api(client, api, sec_world):
    message = "Borgeren har allerede et åbent forløb i denne enhed."
    courses = Course.objects.count()
    body = {"citizen": sec_world.citizen_a.pk, "unit": sec_world.unit_a.pk, "legal_basis": "sel-85", "start": today()}
    assert api_errors(api.alice.post(reverse("api:course-list"), body, format="json")) == {"unit": [message]}
    client.force_login(sec_world.alice)
    response = client.post(
        reverse("tracker:course_start", args=[sec_world.citizen_a.pk]),
        {"unit": sec_world.unit_a.pk, "legal_basis": LegalBasis.objects.get(code="sel-85").pk, "start": today()},
    )
    page_refuses(response, message)
    assert "unit" in response.context["form"].errors
    assert Course.objects.count() == courses
