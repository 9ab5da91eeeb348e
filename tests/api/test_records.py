"""The API's records with token authentication: what each user sees, what a write does, and that it goes through
the same services as the pages (trajectory summaries, validation)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from outcomes.models import Goal, GoalReview, Measurement, TrajectorySummary
from tests import factories
from tests.api.helpers import collaboration_in
from tracker.models import Citizen, Collaboration, Course, Partner

pytestmark = pytest.mark.django_db


def today() -> str:
    return timezone.localdate().isoformat()


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_anonymous_clients_get_401_with_the_token_scheme(api):
    response = api.anonymous.get(reverse("api:citizen-list"))
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Token"
    assert response.json()["code"] == "not_authenticated"


def test_a_wrong_token_is_401(sec_world):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert client.get(reverse("api:citizen-list")).status_code == 401


def test_each_caseworker_lists_only_their_units(api, sec_world):
    assert ids(api.alice.get(reverse("api:citizen-list"))) == {sec_world.citizen_a.pk}
    assert ids(api.bob.get(reverse("api:citizen-list"))) == {sec_world.citizen_b.pk}
    assert ids(api.alice.get(reverse("api:course-list"))) == {sec_world.course_a.pk}
    assert ids(api.bob.get(reverse("api:course-list"))) == {sec_world.course_b.pk}
    assert ids(api.alice.get(reverse("api:measurement-list"))) == {sec_world.measurement_a.pk}
    assert ids(api.bob.get(reverse("api:measurement-list"))) == set()
    assert ids(api.alice.get(reverse("api:goal-list"))) == {sec_world.goal_a.pk}
    assert ids(api.bob.get(reverse("api:goal-list"))) == set()
    collab = collaboration_in(sec_world.course_a, sec_world.alice)
    assert ids(api.alice.get(reverse("api:collaboration-list"))) == {collab.pk}
    assert ids(api.bob.get(reverse("api:collaboration-list"))) == set()


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("api:citizen-detail", lambda w: {"pk": w.citizen_b.pk}),
        ("api:course-detail", lambda w: {"pk": w.course_b.pk}),
        ("api:unit-detail", lambda w: {"pk": w.unit_b.pk}),
    ],
)
def test_unit_b_records_are_404_to_alice(api, sec_world, name, kwargs):
    assert api.bob.get(reverse(name, kwargs=kwargs(sec_world))).status_code == 200
    response = api.alice.get(reverse(name, kwargs=kwargs(sec_world)))
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    # The answer does not tell whether the record exists: the same as for an id that was never used.
    assert api.alice.get(reverse(name, kwargs={"pk": 999_999})).json() == response.json()


def test_unit_b_measurements_goals_and_collaborations_are_404_to_alice(api, sec_world):
    measurement = factories.who5()  # noqa: F841  (reference data present)
    from outcomes import services as outcome_services

    m_b = outcome_services.measurement_record(
        course=sec_world.course_b,
        instrument=factories.who5(),
        answers={"happy": 1, "calm": 1, "active": 1, "rested": 1, "interest": 1},
        date=timezone.localdate(),
        informer="citizen",
        recorded_by=sec_world.bob,
    )
    c_b = collaboration_in(sec_world.course_b, sec_world.bob)
    for name, pk in (("api:measurement-detail", m_b.pk), ("api:collaboration-detail", c_b.pk)):
        assert api.bob.get(reverse(name, args=[pk])).status_code == 200
        assert api.alice.get(reverse(name, args=[pk])).status_code == 404
    # Writes that name another unit's record are refused the same way, and change nothing.
    before = factories.row_counts()
    response = api.alice.post(reverse("api:course-end", args=[sec_world.course_b.pk]), {}, format="json")
    assert response.status_code == 404
    response = api.alice.post(
        reverse("api:measurement-list"),
        {
            "course": sec_world.course_b.pk,
            "instrument": "who5",
            "date": today(),
            "answers": {"happy": 3, "calm": 3, "active": 3, "rested": 3, "interest": 3},
        },
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["course"]
    assert factories.row_counts() == before


def test_a_director_gets_no_citizen_level_endpoint_but_the_comparison(api, sec_world):
    for name in ("api:citizen-list", "api:course-list", "api:measurement-list", "api:goal-list"):
        response = api.charlie.get(reverse(name))
        assert response.status_code == 403, name
        assert response.json()["code"] == "permission_denied"
    assert api.charlie.get(reverse("api:citizen-detail", args=[sec_world.citizen_a.pk])).status_code == 403
    assert api.charlie.get(reverse("api:unit_figures")).status_code == 403
    assert api.charlie.get(reverse("api:comparison")).status_code == 200


def test_citizen_detail_masks_the_cpr_number(api, sec_world):
    data = api.alice.get(reverse("api:citizen-detail", args=[sec_world.citizen_a.pk])).json()
    assert data["cpr_masked"] == "010190-xxxx"
    assert "0101901234" not in str(data)


def test_search_finds_by_name_and_cpr_start(api, sec_world):
    assert ids(api.alice.get(reverse("api:citizen-list"), {"q": "anna"})) == {sec_world.citizen_a.pk}
    assert ids(api.alice.get(reverse("api:citizen-list"), {"q": "010190"})) == {sec_world.citizen_a.pk}
    assert ids(api.alice.get(reverse("api:citizen-list"), {"q": "Bent"})) == set()


def test_create_a_citizen_with_the_first_course(api, sec_world):
    response = api.alice.post(
        reverse("api:citizen-list"),
        {
            "name": "Carl Carlsen",
            "cpr": "020385-1234",
            "gender": "male",
            "unit": sec_world.unit_a.pk,
            "legal_basis": "sel-85",
            "start": today(),
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    citizen = Citizen.objects.get(pk=response.json()["id"])
    assert citizen.cpr == "0203851234" and citizen.birth_year == 1985
    assert citizen.courses.get().unit == sec_world.unit_a
    assert response.json()["cpr_masked"] == "020385-xxxx"


def test_a_citizen_cannot_be_created_in_another_unit(api, sec_world):
    before = factories.row_counts()
    response = api.alice.post(
        reverse("api:citizen-list"),
        {"name": "Carl", "unit": sec_world.unit_b.pk, "legal_basis": "sel-85", "start": today()},
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"unit"}
    assert factories.row_counts() == before


def test_citizen_and_course_are_saved_both_or_neither(api, sec_world):
    """A course the database refuses (the start is before the end of nothing: here an unknown legal basis for the
    unit) leaves no citizen behind."""
    sec_world.unit_a.legal_bases.set([])
    unit = sec_world.unit_a
    from tracker.models import LegalBasis

    unit.legal_bases.add(LegalBasis.objects.get(code="sel-85"))
    before = factories.row_counts()
    response = api.alice.post(
        reverse("api:citizen-list"),
        {"name": "Dora", "unit": unit.pk, "legal_basis": "sel-107", "start": today()},
        format="json",
    )
    assert response.status_code == 400, response.content
    assert "legal_basis" in response.json()["errors"]
    assert factories.row_counts() == before


def test_patch_a_citizen_through_the_service(api, sec_world):
    url = reverse("api:citizen-detail", args=[sec_world.citizen_a.pk])
    response = api.alice.patch(url, {"name": "Anna B. Andersen", "birth_year": 1990}, format="json")
    assert response.status_code == 200, response.content
    sec_world.citizen_a.refresh_from_db()
    assert sec_world.citizen_a.name == "Anna B. Andersen"
    assert sec_world.citizen_a.cpr == "0101901234"  # not given: kept
    assert api.bob.patch(url, {"name": "X"}, format="json").status_code == 404
    response = api.alice.patch(url, {"cpr": "991390-1234"}, format="json")
    assert response.status_code == 400 and set(response.json()["errors"]) == {"cpr"}


def test_start_and_end_a_course(api, sec_world):
    response = api.alice.post(
        reverse("api:course-end", args=[sec_world.course_a.pk]),
        {"end": today(), "end_reason": "moved"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["is_open"] is False and response.json()["end_reason"] == "moved"
    response = api.alice.post(
        reverse("api:course-list"),
        {"citizen": sec_world.citizen_a.pk, "unit": sec_world.unit_a.pk, "legal_basis": "sel-85", "start": today()},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert Course.objects.filter(citizen=sec_world.citizen_a, end__isnull=True).count() == 1
    # A second open course in the same unit is refused by the model's rule.
    response = api.alice.post(
        reverse("api:course-list"),
        {"citizen": sec_world.citizen_a.pk, "unit": sec_world.unit_a.pk, "legal_basis": "sel-85", "start": today()},
        format="json",
    )
    assert response.status_code == 400


def test_record_a_measurement_updates_the_trajectory_summary(api, sec_world):
    response = api.alice.post(
        reverse("api:measurement-list"),
        {
            "course": sec_world.course_a.pk,
            "instrument": "who5",
            "date": today(),
            "informer": "citizen_staff",
            "answers": {"happy": 5, "calm": 4, "active": 4, "rested": 3, "interest": 4},
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["raw_score"] == 20 and data["score"] == 80
    assert data["answers"] == {"happy": 5, "calm": 4, "active": 4, "rested": 3, "interest": 4}
    summary = TrajectorySummary.objects.get(course=sec_world.course_a, instrument__code="who5")
    assert summary.n_measurements == 2 and summary.latest_score == 80
    # The measurement is listed with its answers.
    listed = api.alice.get(reverse("api:measurement-list"), {"course": sec_world.course_a.pk}).json()["results"]
    assert [m["answers"]["happy"] for m in listed] == [3, 5]


def test_a_wrong_answer_is_reported_under_its_item_and_nothing_is_saved(api, sec_world):
    before = factories.row_counts()
    response = api.alice.post(
        reverse("api:measurement-list"),
        {
            "course": sec_world.course_a.pk,
            "instrument": "who5",
            "date": today(),
            "answers": {"happy": 9, "calm": 4, "active": 4, "rested": 3},
        },
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"answers.happy", "answers.interest"}
    assert factories.row_counts() == before
    assert Measurement.objects.count() == 1


def test_set_and_review_a_goal(api, sec_world):
    response = api.alice.post(
        reverse("api:goal-list"),
        {
            "course": sec_world.course_a.pk,
            "text": "At gå en tur hver dag",
            "life_domain": "network",
            "level_minus2": "a",
            "level_minus1": "b",
            "level_0": "c",
            "level_plus1": "d",
            "level_plus2": "e",
            "baseline_level": -1,
            "created_on": today(),
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    goal = Goal.objects.get(pk=response.json()["id"])
    assert response.json()["latest_level"] == -1
    response = api.alice.post(reverse("api:goal-reviews", args=[goal.pk]), {"date": today(), "level": 1}, format="json")
    assert response.status_code == 201, response.content
    assert GoalReview.objects.get(goal=goal).level == 1
    detail = api.alice.get(reverse("api:goal-detail", args=[goal.pk])).json()
    assert detail["latest_level"] == 1 and [r["level"] for r in detail["reviews"]] == [1]
    assert detail["ffb_code"] == goal.life_domain.ffb_code
    assert api.bob.post(reverse("api:goal-reviews", args=[goal.pk]), {"date": today(), "level": 1}).status_code == 404


def test_log_a_collaboration_with_a_new_or_known_partner(api, sec_world):
    body = {
        "course": sec_world.course_a.pk,
        "new_partner_name": "Egekær Jobcenter",
        "new_partner_sector": "jobcenter",
        "kind": "meeting",
        "date": today(),
        "initiated_by": "partner",
        "usefulness": 5,
    }
    first = api.alice.post(reverse("api:collaboration-list"), body, format="json")
    assert first.status_code == 201, first.content
    # The same new partner again is the one already in the register, not a duplicate.
    second = api.alice.post(reverse("api:collaboration-list"), body, format="json")
    assert second.status_code == 201
    assert first.json()["partner"] == second.json()["partner"]
    assert Partner.objects.filter(name="Egekær Jobcenter").count() == 1
    assert Collaboration.objects.filter(course=sec_world.course_a).count() == 2
    missing = api.alice.post(reverse("api:collaboration-list"), {**body, "new_partner_sector": None}, format="json")
    assert missing.status_code == 400 and set(missing.json()["errors"]) == {"new_partner_sector"}
    future = (timezone.localdate() + datetime.timedelta(days=2)).isoformat()
    late = api.alice.post(reverse("api:collaboration-list"), {**body, "date": future}, format="json")
    assert late.status_code == 400 and set(late.json()["errors"]) == {"date"}


def test_instruments_give_the_link_ids(api):
    data = api.charlie.get(reverse("api:instrument-detail", args=["who5"])).json()
    assert [i["link_id"] for i in data["items"]] == ["happy", "calm", "active", "rested", "interest"]
    assert data["fhir_questionnaire"] == "http://fhir.kl.dk/ffinst/Questionnaire/KLToolsCareWHO5"


def test_lists_are_paginated(api, sec_world):
    for n in range(3):
        factories.CourseFactory(unit=sec_world.unit_a, citizen=factories.CitizenFactory(name=f"Z {n}"))
    page = api.alice.get(reverse("api:citizen-list"), {"page_size": 2}).json()
    assert page["count"] == 4 and len(page["results"]) == 2 and page["next"]
    assert api.alice.get(reverse("api:citizen-list"), {"page": 99}).status_code == 404


def test_an_id_beyond_the_database_range_is_404_not_500(api, sec_world):
    huge = 9_999_999_999_999_999_999  # 19 digits, more than PostgreSQL's bigint holds
    for name in ("api:citizen-detail", "api:measurement-detail"):
        assert api.alice.get(reverse(name, args=[huge])).status_code == 404, name
    response = api.alice.post(reverse("api:goal-reviews", args=[huge]), {"date": today(), "level": 1}, format="json")
    assert response.status_code == 404
    response = api.alice.get(reverse("api:course-list"), {"citizen": str(2**64)})
    assert response.status_code == 400
