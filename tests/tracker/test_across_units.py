"""A citizen known in another unit: registering answers the same as for an unknown CPR number (page, API, import),
the new unit sees only what it records itself, and other units' records appear only with the citizen's consent,
each look logged. Played as the attacker in unit A probing for a citizen of unit B, and as the new caseworker whose
citizen already has a course elsewhere."""

from __future__ import annotations

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone

from outcomes import services as outcome_services
from outcomes.models import LifeDomain
from tests import factories
from tests.api.helpers import token_client
from tracker import services
from tracker.models import AuditEntry, Citizen, CollaborationKind, LegalBasis, Membership

B_CPR = "2505804321"
UNKNOWN_CPR = "1203854322"
B_GOAL = "B-ONLY-GOAL-TEXT"
B_NOTE = "B-ONLY-COLLABORATION"


def today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def b_records(world):
    """Unit B's citizen with a CPR number, a WHO-5 measurement, a goal and a collaboration, all recorded by bob."""
    citizen = world.citizen_b
    citizen.cpr = B_CPR
    citizen.save()
    outcome_services.measurement_record(
        course=world.course_b,
        instrument=factories.who5(),
        answers={"happy": 1, "calm": 1, "active": 1, "rested": 1, "interest": 1},
        date=today() - datetime.timedelta(days=3),
        informer="citizen",
        recorded_by=world.bob,
    )
    outcome_services.goal_create(
        user=world.bob,
        course=world.course_b,
        text=B_GOAL,
        life_domain=LifeDomain.objects.get(code="network"),
        level_minus2="a",
        level_minus1="b",
        level_0="c",
        level_plus1="d",
        level_plus2="e",
        baseline_level=-1,
        created_on=today() - datetime.timedelta(days=2),
    )
    services.collaboration_record(
        user=world.bob,
        course=world.course_b,
        partner=factories.PartnerFactory(name="Jobcenter Nord", sector=factories.sector("jobcenter")),
        kind=CollaborationKind.objects.get(code="meeting"),
        date=today(),
        initiated_by="unit",
        note=B_NOTE,
    )
    return citizen


def page_post(world, cpr: str, name: str = "Ny Borger") -> dict:
    return {
        "citizen-name": name,
        "citizen-cpr": f"{cpr[:6]}-{cpr[6:]}",
        "citizen-gender": "unknown",
        "citizen-birth_year": "",
        "course-unit": str(world.unit_a.pk),
        "course-legal_basis": str(LegalBasis.objects.get(code="sel-85").pk),
        "course-start": (today() - datetime.timedelta(days=1)).isoformat(),
    }


def assert_none_of_b(html: str) -> None:
    for private in (B_GOAL, B_NOTE, "Værested B", "Jobcenter Nord"):
        assert private not in html, private


# --- Registering: no oracle ---------------------------------------------------------------------------------------


def test_the_page_answers_the_same_for_a_cpr_known_elsewhere_and_an_unknown_one(client, world, b_records):
    client.force_login(world.alice)
    known = client.post(reverse("tracker:citizen_create"), page_post(world, B_CPR))
    unknown = client.post(reverse("tracker:citizen_create"), page_post(world, UNKNOWN_CPR))
    assert known.status_code == unknown.status_code == 302
    assert "eksisterer allerede" not in known.content.decode()
    # The known number joined the same person: one citizen, a course in each unit.
    assert Citizen.objects.filter(cpr=B_CPR).count() == 1
    assert set(b_records.courses.values_list("unit__code", flat=True)) == {"a", "b"}
    assert known.url == b_records.get_absolute_url()
    # The match is logged — without the number in clear.
    match = AuditEntry.objects.get(purpose="citizen_match")
    assert (match.user, match.citizen_id, match.detail["channel"]) == (world.alice, b_records.pk, "page")
    assert B_CPR not in json.dumps(match.detail)


def test_after_joining_unit_a_sees_nothing_of_b_until_the_citizen_consents(client, world, b_records):
    client.force_login(world.bob)
    client.get(reverse("tracker:citizen_detail", args=[b_records.pk]))  # B's own look, in B's log
    client.force_login(world.alice)
    client.post(reverse("tracker:citizen_create"), page_post(world, B_CPR))
    detail = reverse("tracker:citizen_detail", args=[b_records.pk])
    html = client.get(detail).content.decode()
    assert_none_of_b(html)
    assert 'id="timeline-who5"' not in html
    assert not AuditEntry.objects.filter(purpose="consent_shared_view").exists()
    # Nor A's leader, not even in the record for a registered request for access.
    client.force_login(world.lena)
    assert_none_of_b(client.get(detail).content.decode())
    request = services.access_request_register(
        user=world.lena, citizen=b_records, unit=world.unit_a, received_on=today(), delivery="in_person"
    )
    record = client.get(reverse("tracker:access_request_record_json", args=[request.pk])).content.decode()
    assert_none_of_b(record)
    assert {c["unit"] for c in json.loads(record)["courses"]} == {"Bostøtte A"}
    # Nor what B did: bob's look is not among the record's look-ups (A's own uses are).
    purposes = [x["purpose"] for x in json.loads(record)["lookups"]]
    assert "citizen_match" in purposes and purposes.count("citizen_detail") == 2  # alice's and lena's, not bob's

    # The citizen consents (recorded by alice): A sees B's measurements, goals and collaborations; each look logged.
    client.force_login(world.alice)
    response = client.post(
        reverse("tracker:consent_list", args=[b_records.pk]),
        {
            "to_unit": world.unit_a.pk,
            "from_units": [world.unit_b.pk],
            "share_measurements": "on",
            "share_goals": "on",
            "share_collaborations": "on",
            "form": "written",
            "given_on": today().isoformat(),
        },
    )
    assert response.status_code == 302
    for n in (1, 2):
        html = client.get(detail).content.decode()
        assert B_GOAL in html and "Værested B" in html and "Jobcenter Nord" in html
        assert AuditEntry.objects.filter(purpose="consent_shared_view", user=world.alice).count() == n
    entry = AuditEntry.objects.filter(purpose="consent_shared_view").latest("pk")
    assert entry.citizen_id == b_records.pk and entry.detail["unit_ids"] == [world.unit_b.pk]
    # The leader's record for the request now holds B's course too.
    client.force_login(world.lena)
    record = json.loads(client.get(reverse("tracker:access_request_record_json", args=[request.pk])).content)
    assert {c["unit"] for c in record["courses"]} == {"Bostøtte A", "Værested B"}

    # Withdrawn: nothing of B's any more, and no further shared look logged.
    client.force_login(world.alice)
    consent = b_records.consents.get()
    assert client.post(reverse("tracker:consent_withdraw", args=[consent.pk])).status_code == 302
    looks = AuditEntry.objects.filter(purpose="consent_shared_view").count()
    assert_none_of_b(client.get(detail).content.decode())
    assert AuditEntry.objects.filter(purpose="consent_shared_view").count() == looks


def test_consent_reaches_only_the_kinds_and_units_named(client, world, b_records):
    factories.CourseFactory(citizen=b_records, unit=world.unit_a, legal_basis=world.course_a.legal_basis, start=today())
    services.consent_record(
        user=world.alice,
        citizen=b_records,
        to_unit=world.unit_a,
        from_units=[world.unit_b],
        given_on=today(),
        share_measurements=True,
        share_goals=False,
        share_collaborations=False,
    )
    client.force_login(world.alice)
    html = client.get(reverse("tracker:citizen_detail", args=[b_records.pk])).content.decode()
    assert "Værested B" in html  # the measurement's unit
    assert B_GOAL not in html and B_NOTE not in html and "Jobcenter Nord" not in html
    # A consent that has expired shows nothing.
    b_records.consents.update(
        given_on=today() - datetime.timedelta(days=30), valid_until=today() - datetime.timedelta(days=1)
    )
    assert_none_of_b(client.get(reverse("tracker:citizen_detail", args=[b_records.pk])).content.decode())


def test_a_consent_to_unit_b_shows_nothing_to_unit_a(client, world, b_records):
    """The consent names who may see: one given to B (to see A's records) opens nothing of B's to A."""
    factories.CourseFactory(citizen=b_records, unit=world.unit_a, legal_basis=world.course_a.legal_basis, start=today())
    services.consent_record(
        user=world.bob, citizen=b_records, to_unit=world.unit_b, from_units=[world.unit_a], given_on=today()
    )
    client.force_login(world.alice)
    assert_none_of_b(client.get(reverse("tracker:citizen_detail", args=[b_records.pk])).content.decode())


def test_the_api_answers_the_same_for_a_known_and_an_unknown_cpr(world, b_records):
    from api.models import ApiKey  # noqa: F401  (the API app is installed)

    client = token_client(world.alice)
    url = reverse("api:citizen-list")
    body = {
        "name": "Ny Borger",
        "unit": world.unit_a.pk,
        "legal_basis": "sel-85",
        "start": (today() - datetime.timedelta(days=1)).isoformat(),
    }
    known = client.post(url, {**body, "cpr": "250580-4321"}, format="json")
    unknown = client.post(url, {**body, "cpr": "120385-4322"}, format="json")
    assert known.status_code == unknown.status_code == 201, (known.content, unknown.content)
    assert set(known.json()) == set(unknown.json())
    assert Citizen.objects.filter(cpr=B_CPR).count() == 1
    assert AuditEntry.objects.filter(purpose="citizen_match", detail__channel="api").count() == 1
    # Reading the citizen through the API gives A's records only.
    courses = client.get(reverse("api:course-list"), {"citizen": b_records.pk}).json()
    units = {c["unit"] for c in courses.get("results", courses)}
    assert world.unit_b.pk not in units


def test_patching_in_another_citizens_cpr_is_refused_without_saying_whose_and_is_logged(world, b_records):
    client = token_client(world.alice)
    response = client.patch(
        reverse("api:citizen-detail", args=[world.citizen_a.pk]), {"cpr": "250580-4321"}, format="json"
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Bent" not in text and "eksisterer allerede" not in text
    probe = AuditEntry.objects.get(purpose="cpr_probe")
    assert probe.user == world.alice and B_CPR not in json.dumps(probe.detail)
    world.citizen_a.refresh_from_db()
    assert world.citizen_a.cpr == "0101901234"


def test_an_external_id_known_only_elsewhere_does_not_join_and_is_not_stored(client, world, b_records):
    b_records.external_id = "SYS-42"
    b_records.save()
    citizen = services.citizen_register(
        user=world.alice, unit_ids={world.unit_a.pk}, channel="page", name="Ny", external_id="SYS-42"
    )
    assert citizen.pk != b_records.pk and citizen.external_id is None
    assert AuditEntry.objects.filter(purpose="external_id_withheld", citizen_id=citizen.pk).exists()
    # Within one's own units the external id does find the citizen.
    mine = services.citizen_register(
        user=world.bob, unit_ids={world.unit_b.pk}, channel="api", name="Bent", external_id="SYS-42"
    )
    assert mine.pk == b_records.pk


def test_a_caseworker_whose_citizen_is_known_elsewhere_is_not_stuck(client, world, b_records):
    """The new user's case: the citizen already has a course in B; registering works, and the citizen is found."""
    client.force_login(world.alice)
    response = client.post(reverse("tracker:citizen_create"), page_post(world, B_CPR), follow=True)
    assert response.status_code == 200
    assert "Borgeren er oprettet." in response.content.decode()
    found = client.get(reverse("tracker:citizen_list"), {"q": "250580-4321"}).content.decode()
    assert b_records.get_absolute_url() in found


def test_a_second_leader_role_does_not_widen_the_record(client, world, b_records):
    """A leader of A who is also a caseworker in B produces A's record for a request registered in A."""
    factories.MembershipFactory(user=world.lena, unit=world.unit_b, role=Membership.Role.CASEWORKER)
    factories.CourseFactory(citizen=b_records, unit=world.unit_a, legal_basis=world.course_a.legal_basis, start=today())
    request = services.access_request_register(
        user=world.lena, citizen=b_records, unit=world.unit_a, received_on=today(), delivery="letter"
    )
    client.force_login(world.lena)
    record = json.loads(client.get(reverse("tracker:access_request_record_json", args=[request.pk])).content)
    assert {c["unit"] for c in record["courses"]} == {"Bostøtte A"}
