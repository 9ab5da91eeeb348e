"""A caseworker sees a citizen only through a course in one of their own units (docs/privacy.md, Who sees what).

Alice works in unit A. Every citizen, course, measurement, goal and collaboration URL with an object of unit
B answers her 404 — not 403, since even the existence of a citizen is private — for GET and POST alike, and a
refused POST changes nothing. Unit B's citizens never appear in her lists, searches or exports.
"""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import URLPattern, resolve, reverse
from django.utils import timezone, translation

from outcomes import citizen_urls
from outcomes import services as outcome_services
from outcomes import urls as outcome_urls
from outcomes.models import Goal, GoalReview, Instrument, LifeDomain, Measurement
from tests import factories
from tests.factories import row_counts
from tracker import audit, services
from tracker import urls as tracker_urls
from tracker.models import (
    AuditEntry,
    Citizen,
    Collaboration,
    CollaborationKind,
    Course,
    EndReason,
    LegalBasis,
    Membership,
    Partner,
    Sector,
)

B_SECRET = "B-ONLY-GOAL-TEXT"


@pytest.fixture(autouse=True)
def danish():
    with translation.override("da"):
        yield


def today() -> datetime.date:
    return timezone.localdate()


def record_who5(course, user, date) -> Measurement:
    return outcome_services.measurement_record(
        course=course,
        instrument=factories.who5(),
        answers={"happy": 4, "calm": 4, "active": 4, "rested": 4, "interest": 4},
        date=date,
        informer="citizen",
        recorded_by=user,
    )


def make_goal(course, user, text: str) -> Goal:
    return outcome_services.goal_create(
        user=user,
        course=course,
        text=text,
        life_domain=LifeDomain.objects.get(code="network"),
        level_minus2="a",
        level_minus1="b",
        level_0="c",
        level_plus1="d",
        level_plus2="e",
        baseline_level=-1,
        created_on=course.start + datetime.timedelta(days=2),
    )


def collaborate(course, user, partner, usefulness: int, note: str = "") -> Collaboration:
    return services.collaboration_record(
        user=user,
        course=course,
        partner=partner,
        kind=CollaborationKind.objects.get(code="meeting"),
        date=today(),
        initiated_by="unit",
        usefulness=usefulness,
        note=note,
    )


@pytest.fixture
def unit_b_data(world):
    """Unit B's records, made by bob: a measurement, a goal with a review and a collaboration."""
    partner = factories.PartnerFactory(name="Jobcenter Nord", sector=factories.sector("jobcenter"))
    world.citizen_b.cpr = "2505804321"
    world.citizen_b.save()
    measurement = record_who5(world.course_b, world.bob, today() - datetime.timedelta(days=3))
    goal = make_goal(world.course_b, world.bob, B_SECRET)
    review = outcome_services.goal_review_record(user=world.bob, goal=goal, date=today(), level=1)
    collaboration = collaborate(world.course_b, world.bob, partner, usefulness=1, note="B-ONLY-NOTE")
    # A leader of B, a request for access registered there, and a consent that lets B see A's records.
    leader_b = factories.UserFactory(username="leader_b_scoping")
    factories.MembershipFactory(user=leader_b, unit=world.unit_b, role=Membership.Role.LEADER)
    access_request = services.access_request_register(
        user=leader_b, citizen=world.citizen_b, unit=world.unit_b, received_on=today(), delivery="in_person"
    )
    consent = services.consent_record(
        user=world.bob, citizen=world.citizen_b, to_unit=world.unit_b, from_units=[world.unit_a], given_on=today()
    )
    audit.purge_all(reason="test setup", log=False)  # setup is not what the tests count (the log is append-only)
    return {
        "measurement": measurement,
        "goal": goal,
        "collaboration": collaboration,
        "partner": partner,
        "access_request": access_request,
        "review": review,
        "consent": consent,
    }


# --- The URLs, from tracker/urls.py and outcomes/urls.py ---------------------------------------------


def object_url_names() -> set[str]:
    """Every URL name in the two apps that points at one object (it takes an id)."""
    patterns = [*tracker_urls.tracker_patterns, *citizen_urls.urlpatterns, *outcome_urls.urlpatterns]
    return {p.name for p in patterns if isinstance(p, URLPattern) and p.pattern.converters}


def unit_b_urls(world, data) -> list[tuple[str, str]]:
    """(URL name, URL) for every object URL, with ids from unit B; one per instrument for measurements."""
    citizen, course = world.citizen_b.pk, world.course_b.pk
    urls = [
        ("citizen_detail", reverse("tracker:citizen_detail", args=[citizen])),
        ("citizen_update", reverse("tracker:citizen_update", args=[citizen])),
        ("citizen_cpr_reveal", reverse("tracker:citizen_cpr_reveal", args=[citizen])),
        ("course_start", reverse("tracker:course_start", args=[citizen])),
        ("course_end", reverse("tracker:course_end", args=[course])),
        ("collaboration_create", reverse("tracker:collaboration_create", args=[course])),
        ("measurement_detail", reverse("outcomes:measurement_detail", args=[data["measurement"].pk])),
        ("goal_create", reverse("outcomes:goal_create", args=[course])),
        ("goal_review_create", reverse("outcomes:goal_review_create", args=[data["goal"].pk])),
        ("citizen_summary", reverse("outcomes:citizen_summary", args=[citizen])),
        ("access_request_create", reverse("tracker:access_request_create", args=[citizen])),
        ("access_request_record", reverse("tracker:access_request_record", args=[data["access_request"].pk])),
        (
            "access_request_record_json",
            reverse("tracker:access_request_record_json", args=[data["access_request"].pk]),
        ),
        ("consent_list", reverse("tracker:consent_list", args=[citizen])),
        ("measurement_update", reverse("outcomes:measurement_update", args=[data["measurement"].pk])),
        ("measurement_delete", reverse("outcomes:measurement_delete", args=[data["measurement"].pk])),
        ("goal_update", reverse("outcomes:goal_update", args=[data["goal"].pk])),
        ("goal_delete", reverse("outcomes:goal_delete", args=[data["goal"].pk])),
        ("goal_review_update", reverse("outcomes:goal_review_update", args=[data["review"].pk])),
        ("goal_review_delete", reverse("outcomes:goal_review_delete", args=[data["review"].pk])),
        ("collaboration_update", reverse("tracker:collaboration_update", args=[data["collaboration"].pk])),
        ("collaboration_delete", reverse("tracker:collaboration_delete", args=[data["collaboration"].pk])),
        ("consent_withdraw", reverse("tracker:consent_withdraw", args=[data["consent"].pk])),
    ]
    for code in Instrument.objects.order_by("code").values_list("code", flat=True):
        urls.append(("measurement_create", reverse("outcomes:measurement_create", args=[course, code])))
    return urls


def post_data(world, name: str, url: str) -> dict:
    """What alice would post for her own unit: valid, so only the scoping can refuse it."""
    date = today().isoformat()
    if name.endswith("_delete"):
        return {"reason": "Registreret på den forkerte borger"}
    if name.endswith("_update") and name != "citizen_update":
        base = {
            "measurement_update": "measurement_create",
            "goal_update": "goal_create",
            "goal_review_update": "goal_review_create",
            "collaboration_update": "collaboration_create",
        }[name]
        if base == "measurement_create":
            items = Instrument.objects.get(code="who5").items.values_list("link_id", "max_value")
            data = {"date": date, "informer": "citizen", **{f"item_{link}": str(top) for link, top in items}}
        else:
            data = post_data(world, base, url)
        return {**data, "reason": "Rettet af A"}
    if name == "citizen_update":
        return {"name": "Ændret af A", "cpr": "", "gender": "male", "birth_year": "1970"}
    if name == "course_start":
        return {"unit": world.unit_a.pk, "legal_basis": LegalBasis.objects.get(code="sel-85").pk, "start": date}
    if name == "course_end":
        return {"end": date, "end_reason": EndReason.objects.get(code="moved").pk}
    if name == "collaboration_create":
        return {
            "partner_name": "Ny partner fra A",
            "new_partner_sector": Sector.objects.get(code="peer").pk,
            "kind": CollaborationKind.objects.get(code="meeting").pk,
            "date": date,
            "initiated_by": "unit",
            "citizen_participated": "on",
            "usefulness": "5",
        }
    if name == "goal_create":
        return {
            "text": "Mål fra A",
            "life_domain": LifeDomain.objects.get(code="network").pk,
            "level_minus2": "a",
            "level_minus1": "b",
            "level_0": "c",
            "level_plus1": "d",
            "level_plus2": "e",
            "baseline_level": "-1",
            "created_on": date,
        }
    if name == "goal_review_create":
        return {"level": "-2", "date": date}
    if name == "measurement_create":
        code = resolve(url).kwargs["code"]
        items = Instrument.objects.get(code=code).items.values_list("link_id", "max_value")
        return {"date": date, "informer": "citizen", **{f"item_{link}": str(top) for link, top in items}}
    return {}


def handles(url: str, method: str) -> bool:
    return hasattr(resolve(url).func.view_class, method)


def test_every_object_url_of_the_two_apps_is_checked(world, unit_b_data):
    """A new URL with an id must be added to unit_b_urls, or this test fails."""
    assert {name for name, _url in unit_b_urls(world, unit_b_data)} == object_url_names()
    codes = {
        resolve(url).kwargs["code"] for name, url in unit_b_urls(world, unit_b_data) if name == "measurement_create"
    }
    assert codes == {"who5", "life-domains", "gas", "ors", "srs"}


def test_caseworker_gets_404_for_every_get_url_of_another_unit(client, world, unit_b_data):
    client.force_login(world.alice)
    checked = 0
    for name, url in unit_b_urls(world, unit_b_data):
        response = client.get(url)
        if handles(url, "get"):
            assert response.status_code == 404, (name, url)
            checked += 1
        else:
            assert response.status_code == 405, (name, url)  # cpr_reveal, consent_withdraw: POST only
    assert checked == len(unit_b_urls(world, unit_b_data)) - 2
    assert not AuditEntry.objects.exists()


def test_caseworker_gets_404_for_every_post_url_of_another_unit_and_nothing_changes(client, world, unit_b_data):
    client.force_login(world.alice)
    before = row_counts()
    checked = 0
    for name, url in unit_b_urls(world, unit_b_data):
        response = client.post(url, post_data(world, name, url))
        if handles(url, "post"):
            assert response.status_code == 404, (name, url)
            checked += 1
        else:
            assert response.status_code == 405, (name, url)  # a read-only page, whatever the id
    assert checked >= 19
    assert row_counts() == before
    citizen, course = Citizen.objects.get(pk=world.citizen_b.pk), Course.objects.get(pk=world.course_b.pk)
    assert (citizen.name, citizen.gender, citizen.birth_year, citizen.cpr) == (
        "Bent Bentsen",
        "female",
        None,
        "2505804321",
    )
    assert (course.end, course.end_reason) == (None, None)
    assert not Partner.objects.filter(name="Ny partner fra A").exists()
    assert list(GoalReview.objects.values_list("level", flat=True)) == [1]
    # Nothing of B's was corrected or deleted: the same records, the same values, no correction in the log.
    assert Measurement.objects.filter(pk=unit_b_data["measurement"].pk, score=unit_b_data["measurement"].score).exists()
    assert Goal.objects.filter(pk=unit_b_data["goal"].pk, text=B_SECRET).exists()
    assert Collaboration.objects.filter(pk=unit_b_data["collaboration"].pk, note="B-ONLY-NOTE").exists()
    assert not AuditEntry.objects.filter(purpose="correction").exists()


def test_a_missing_id_and_another_units_id_look_the_same(client, world, unit_b_data):
    """The answer must not tell alice whether the id exists."""
    client.force_login(world.alice)
    for name, url in unit_b_urls(world, unit_b_data):
        match = resolve(url)
        kwargs = {**match.kwargs, next(k for k in match.kwargs if k in ("pk", "course_pk")): 987654}
        missing = reverse(f"{match.namespace}:{match.url_name}", kwargs=kwargs)
        for method in ("get", "post"):
            assert getattr(client, method)(url).status_code == getattr(client, method)(missing).status_code, (
                name,
                method,
            )


def test_a_citizen_shared_with_another_unit_shows_only_my_units_records(client, world, unit_b_data):
    """The citizen of unit B also gets a course in A: alice sees the citizen, but nothing recorded in B."""
    shared = factories.CourseFactory(unit=world.unit_a, citizen=world.citizen_b, start=today())
    client.force_login(world.alice)
    for url in (
        reverse("tracker:citizen_detail", args=[world.citizen_b.pk]),
        reverse("outcomes:citizen_summary", args=[world.citizen_b.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "Bent Bentsen" in html
        for private in (B_SECRET, "Værested B", "Jobcenter Nord"):
            assert private not in html, (url, private)
        assert 'id="timeline-who5"' not in html, url
    before = row_counts()
    for url in (
        reverse("tracker:course_end", args=[world.course_b.pk]),
        reverse("tracker:collaboration_create", args=[world.course_b.pk]),
        reverse("outcomes:goal_create", args=[world.course_b.pk]),
        reverse("outcomes:goal_review_create", args=[unit_b_data["goal"].pk]),
        reverse("outcomes:measurement_create", args=[world.course_b.pk, "who5"]),
        reverse("outcomes:measurement_detail", args=[unit_b_data["measurement"].pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.get(reverse("outcomes:goal_create", args=[shared.pk])).status_code == 200
    # The refused pages log nothing; the goal form of the shared course is a read of the citizen (one entry).
    assert AuditEntry.objects.count() == before["AuditEntry"] + 1


# --- Lists, searches and exports ---------------------------------------------------------------------


def test_other_units_citizens_never_appear_in_my_lists_or_searches(client, world, unit_b_data):
    client.force_login(world.alice)
    for query in ({}, {"q": "Bent"}, {"q": "250580"}, {"q": "2505804321"}, {"unit": world.unit_b.pk}, {"due": "true"}):
        response = client.get(reverse("tracker:citizen_list"), query)
        assert response.status_code == 200, query
        html = response.content.decode()
        assert "Bent Bentsen" not in html, query
        assert "Værested B" not in html, query
    response = client.get(reverse("tracker:citizen_list"), {"q": "Anna"})
    assert "Anna Andersen" in response.content.decode()


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
@pytest.mark.parametrize("query", [{}, {"q": "Bent"}])
def test_other_units_citizens_never_appear_in_my_exports(client, world, unit_b_data, export_format, query):
    client.force_login(world.alice)
    response = client.get(reverse("tracker:citizen_list"), {**query, "_export": export_format})
    assert response.status_code == 200
    if export_format == "csv":
        text = response.content.decode("utf-8")
        names = [row[0] for row in csv.reader(io.StringIO(text))][1:]
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        text = " ".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None)
        names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "Bent" not in text and "Værested B" not in text
    assert names == ([] if query else ["Anna Andersen"])
    entry = AuditEntry.objects.get(action="export")
    assert world.citizen_b.pk not in entry.detail["citizen_ids"]


def test_partner_register_counts_only_my_units_collaborations(client, world, unit_b_data):
    partner = unit_b_data["partner"]
    collaborate(world.course_a, world.alice, partner, usefulness=5)
    collaborate(world.course_a, world.alice, partner, usefulness=4)
    client.force_login(world.alice)
    response = client.get(reverse("tracker:partner_list"))
    assert response.status_code == 200
    row = next(r for r in response.context["table"].rows if r.record == partner)
    assert row.record.n_collaborations == 2  # bob's collaboration in B is not alice's to count
    assert row.record.mean_usefulness == pytest.approx(4.5)
    assert row.get_cell("mean_usefulness") == "4,5"
