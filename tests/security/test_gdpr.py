"""The citizen's rights: the complete record (GDPR art. 15) and anonymisation after the retention period."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from devtools import demo as demo_data
from outcomes import gdpr
from outcomes import services as outcome_services
from outcomes.models import Goal, GoalReview, ItemAnswer, Measurement, TrajectorySummary
from tests import factories
from tests.security.conftest import days_ago
from tracker.models import (
    AuditEntry,
    Citizen,
    Collaboration,
    CollaborationKind,
    Course,
    EndReason,
    Membership,
    Partner,
)
from tracker.services import access_request_register, audit_log, collaboration_record, consent_record

TODAY = datetime.date(2026, 3, 15)


def ids(rows) -> set[int]:
    return {row["id"] for row in rows}


def registered_request(leader, citizen, unit=None):
    """A request for access registered by the leader in their unit where the citizen has a course."""
    unit = unit or Course.objects.filter(citizen=citizen, unit__memberships__user=leader).first().unit
    return access_request_register(
        user=leader, citizen=citizen, unit=unit, received_on=timezone.localdate(), delivery="in_person"
    )


@pytest.fixture
def demo(db):
    demo_data.seed(units=3, citizens=30, months=12, seed=5, today=TODAY)


def richest_citizen() -> Citizen:
    """The demo citizen with the most records: several courses if any, measurements, goals, collaborations."""
    return (
        Citizen.objects.annotate(
            n_courses=Count("courses", distinct=True),
            n_measurements=Count("courses__measurements", distinct=True),
            n_goals=Count("courses__goals", distinct=True),
            n_collaborations=Count("courses__collaborations", distinct=True),
        )
        .filter(n_measurements__gt=0, n_goals__gt=0, n_collaborations__gt=0)
        .order_by("-n_courses", "-n_measurements", "pk")
        .first()
    )


def test_the_record_holds_every_record_of_the_citizen_and_nothing_of_any_other(client, demo):
    citizen = richest_citizen()
    assert citizen is not None
    leader = Membership.objects.filter(
        role=Membership.Role.LEADER, unit__in=Course.objects.filter(citizen=citizen).values("unit")
    ).first()
    assert leader is not None
    other = Citizen.objects.exclude(pk=citizen.pk).first()
    # Look-ups: one of this citizen (must appear) and one of another (must not).
    audit_log(user=leader.user, action=AuditEntry.Action.READ, citizen_id=citizen.pk, purpose="citizen_detail")
    audit_log(user=leader.user, action=AuditEntry.Action.READ, citizen_id=other.pk, purpose="citizen_detail")

    client.force_login(leader.user)
    access_request = registered_request(leader.user, citizen, leader.unit)
    # Every other unit where the citizen has a course has consented to share with the leader's unit.
    other_units = {c.unit for c in Course.objects.filter(citizen=citizen).exclude(unit=leader.unit)}
    if other_units:
        consent_record(
            user=leader.user,
            citizen=citizen,
            to_unit=leader.unit,
            from_units=list(other_units),
            given_on=timezone.localdate(),
            share_collaborations=True,
        )
    response = client.get(reverse("tracker:access_request_record_json", args=[access_request.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode()
    record = json.loads(text)

    # The citizen.
    assert record["citizen"]["id"] == citizen.pk
    assert (record["citizen"]["name"], record["citizen"]["cpr"]) == (citizen.name, citizen.cpr)
    # Every course, in the leader's unit and in the units that share with it by consent, and everything under them.
    courses = Course.objects.filter(citizen=citizen)
    assert ids(record["courses"]) == set(courses.values_list("pk", flat=True))
    measurements = [m for c in record["courses"] for m in c["measurements"]]
    assert ids(measurements) == set(Measurement.objects.filter(course__citizen=citizen).values_list("pk", flat=True))
    assert (
        sum(len(m["answers"]) for m in measurements)
        == ItemAnswer.objects.filter(measurement__course__citizen=citizen).count()
    )
    goals = [g for c in record["courses"] for g in c["goals"]]
    assert ids(goals) == set(Goal.objects.filter(course__citizen=citizen).values_list("pk", flat=True))
    reviews = [r for g in goals for r in g["reviews"]]
    assert ids(reviews) == set(GoalReview.objects.filter(goal__course__citizen=citizen).values_list("pk", flat=True))
    collaborations = [x for c in record["courses"] for x in c["collaborations"]]
    assert ids(collaborations) == set(
        Collaboration.objects.filter(course__citizen=citizen).values_list("pk", flat=True)
    )
    assert {x["partner"] for x in collaborations} == set(
        Partner.objects.filter(collaborations__course__citizen=citizen).values_list("name", flat=True)
    )
    summaries = [s for c in record["courses"] for s in c["trajectory_summaries"]]
    assert ids(summaries) == set(TrajectorySummary.objects.filter(course__citizen=citizen).values_list("pk", flat=True))
    for course in Course.objects.filter(citizen=citizen).select_related("unit"):
        assert course.unit.name in {c["unit"] for c in record["courses"]}

    # Nothing of any other citizen: no name, CPR number or record id.
    for someone in Citizen.objects.exclude(pk=citizen.pk):
        if someone.name != citizen.name and someone.name not in citizen.name:
            assert someone.name not in text, someone.name
        if someone.cpr:
            assert someone.cpr not in text
    others = Measurement.objects.exclude(course__citizen=citizen).values_list("pk", flat=True)
    assert not ids(measurements) & set(others)

    # The look-ups: time, kind and purpose of this citizen's only, and never who.
    lookups = [(x["action"], x["purpose"]) for x in record["lookups"]]
    assert lookups[:2] == [("read", "citizen_detail"), ("create", "access_request")]
    assert set(lookups[2:]) <= {("create", "consent")}
    assert record["lookups"][0]["purpose_label"] == "Borgerens overblik blev vist"
    assert record["request"]["id"] == access_request.pk
    assert leader.user.username not in text
    staff = Membership.objects.values_list("user__username", flat=True)
    assert not any(f'"{username}"' in text for username in staff)

    # The export is logged, as an export of this citizen.
    entry = AuditEntry.objects.latest("pk")
    assert (entry.action, entry.citizen_id, entry.user, entry.purpose) == (
        "export",
        citizen.pk,
        leader.user,
        "citizen_record_json",
    )


def test_the_printable_record_shows_the_same_and_is_logged(client, demo):
    citizen = richest_citizen()
    leader = Membership.objects.filter(
        role=Membership.Role.LEADER, unit__in=Course.objects.filter(citizen=citizen).values("unit")
    ).first()
    client.force_login(leader.user)
    access_request = registered_request(leader.user, citizen, leader.unit)
    response = client.get(reverse("tracker:access_request_record", args=[access_request.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert citizen.name in html
    if citizen.cpr:
        assert f"{citizen.cpr[:6]}-{citizen.cpr[6:]}" in html
    assert leader.unit.name in html
    # Without the citizen's consent, nothing of another unit's courses.
    for course in Course.objects.filter(citizen=citizen).exclude(unit=leader.unit).select_related("unit"):
        assert f"Forløb i {course.unit.name}" not in html
    assert "data-print" in html
    assert reverse("tracker:access_request_record_json", args=[access_request.pk]) in html
    assert AuditEntry.objects.filter(action="export", citizen_id=citizen.pk, purpose="citizen_record").count() == 1


def test_a_leader_of_another_unit_and_a_caseworker_of_the_unit_cannot_export(client, world):
    leader_b = factories.UserFactory(username="leader_b")
    factories.MembershipFactory(user=leader_b, unit=world.unit_b, role=Membership.Role.LEADER)
    access_request = registered_request(world.lena, world.citizen_a, world.unit_a)
    before = AuditEntry.objects.count()
    for user in (leader_b, world.alice, world.bob):
        client.force_login(user)
        for name in ("tracker:access_request_record", "tracker:access_request_record_json"):
            assert client.get(reverse(name, args=[access_request.pk])).status_code == 404, (user, name)
        assert client.get(reverse("tracker:access_request_create", args=[world.citizen_a.pk])).status_code == 404
    assert AuditEntry.objects.count() == before


def test_the_record_cannot_be_opened_without_a_registered_request(client, world):
    """The leader of the citizen's unit: no request, no record; the request is registered first, then produced."""
    client.force_login(world.lena)
    # A request registered in another unit (B) for the same citizen does not open A's record for lena either.
    leader_b = factories.UserFactory(username="leader_b")
    factories.MembershipFactory(user=leader_b, unit=world.unit_b, role=Membership.Role.LEADER)
    factories.CourseFactory(unit=world.unit_b, citizen=world.citizen_a, start=days_ago(30))
    elsewhere = registered_request(leader_b, world.citizen_a, world.unit_b)
    for name in ("tracker:access_request_record", "tracker:access_request_record_json"):
        assert client.get(reverse(name, args=[elsewhere.pk])).status_code == 404
        assert client.get(reverse(name, args=[987654])).status_code == 404
    assert not AuditEntry.objects.filter(action="export").exists()
    # Registering: the form, then the request; the answer leads straight to the record.
    form_url = reverse("tracker:access_request_create", args=[world.citizen_a.pk])
    assert client.get(form_url).status_code == 200
    response = client.post(form_url, {"unit": world.unit_a.pk, "received_on": "", "delivery": "letter"})
    assert response.status_code == 400 and 'value="letter" selected' in response.content.decode()
    response = client.post(
        form_url, {"unit": world.unit_a.pk, "received_on": timezone.localdate().isoformat(), "delivery": "letter"}
    )
    assert response.status_code == 302
    entry = AuditEntry.objects.get(purpose="access_request", user=world.lena)
    response = client.get(response.url)
    assert response.status_code == 200
    export = AuditEntry.objects.get(action="export", purpose="citizen_record")
    assert export.object_id == entry.object_id and export.detail["access_request"] == entry.object_id
    # Unit B's course is not in A's record (no consent).
    assert "Værested B" not in response.content.decode()


def test_the_detail_page_links_to_the_record_for_leaders_only(client, world):
    url = reverse("tracker:access_request_create", args=[world.citizen_a.pk])
    client.force_login(world.lena)
    assert url in client.get(reverse("tracker:citizen_detail", args=[world.citizen_a.pk])).content.decode()
    client.force_login(world.alice)
    assert url not in client.get(reverse("tracker:citizen_detail", args=[world.citizen_a.pk])).content.decode()


# --- Anonymisation -------------------------------------------------------------------------------------------


def close(course, end: datetime.date) -> None:
    course.start = min(course.start, end - datetime.timedelta(days=30))
    course.end, course.end_reason = end, EndReason.objects.get(code="moved")
    course.save()


@pytest.fixture
def old_records(world):
    """Anna (unit A) ended her course six years ago and has notes, a goal with a review and a collaboration;
    Bent (unit B) ended his three years ago; Carl ended one course long ago but has another still open."""
    course = world.course_a
    course.start = days_ago(7 * 365)
    course.save()
    measurement = outcome_services.measurement_record(
        course=course,
        instrument=factories.who5(),
        answers={"happy": 3, "calm": 2, "active": 3, "rested": 1, "interest": 4},
        date=course.start + datetime.timedelta(days=10),
        informer="citizen",
        recorded_by=world.alice,
        note="Anna fortalte om sin søster",
    )
    goal = outcome_services.goal_create(
        user=world.alice,
        course=course,
        text="Besøge min søster i Aarhus",
        life_domain_id=1,
        level_minus2="Ingen kontakt",
        level_minus1="Telefon",
        level_0="Et besøg",
        level_plus1="To besøg",
        level_plus2="Hver måned",
        baseline_level=-1,
        created_on=course.start + datetime.timedelta(days=5),
    )
    outcome_services.goal_review_record(
        user=world.alice, goal=goal, date=course.start + datetime.timedelta(days=50), level=1, note="Gik godt"
    )
    partner = factories.PartnerFactory(name="Jobcenter Øst", sector=factories.sector("jobcenter"))
    collaboration_record(
        user=world.alice,
        course=course,
        partner=partner,
        kind=CollaborationKind.objects.get(code="meeting"),
        date=course.start + datetime.timedelta(days=20),
        initiated_by="unit",
        usefulness=4,
        note="Aftale om praktik",
    )
    Citizen.objects.filter(pk=world.citizen_a.pk).update(external_id="EXT-1", birth_year=1990)
    close(course, days_ago(6 * 365))
    close(world.course_b, days_ago(3 * 365))
    carl = factories.CitizenFactory(name="Carl Carlsen", cpr="0202801234")
    old = factories.CourseFactory(citizen=carl, unit=world.unit_a, start=days_ago(9 * 365))
    close(old, days_ago(8 * 365))
    factories.CourseFactory(citizen=carl, unit=world.unit_b, start=days_ago(30))
    return {"measurement": measurement, "goal": goal, "carl": carl}


@override_settings(EFFEKTSPOR_RETENTION_YEARS=5)
def test_dry_run_lists_and_changes_nothing(world, old_records):
    before = AuditEntry.objects.count()
    out = io.StringIO()
    call_command("anonymise_closed_courses", "--dry-run", stdout=out)
    text = out.getvalue()
    assert "Would anonymise 1 citizens" in text
    assert f"citizen {world.citizen_a.pk}:" in text
    assert "measurement_notes 1, goals 1, review_notes 1, collaboration_notes 1" in text
    assert "Anna" not in text  # ids only on the console
    assert "Dry run: nothing was changed." in text
    world.citizen_a.refresh_from_db()
    assert world.citizen_a.name == "Anna Andersen" and world.citizen_a.cpr == "0101901234"
    assert AuditEntry.objects.count() == before


@override_settings(EFFEKTSPOR_RETENTION_YEARS=5)
def test_anonymisation_removes_identity_and_free_text_and_keeps_the_numbers(world, old_records):
    from tracker import dataversion

    measurement = old_records["measurement"]
    # A page piece rendered before, holding the name: its key is its content, so it would stay until it expired.
    dataversion.cached_by_content("piece", {0: ["list", "Anna Andersen"]}, lambda m: {0: "<td>Anna Andersen</td>"})
    assert dataversion.cached_by_content("piece", {0: ["list", "Anna Andersen"]}, lambda m: {0: "again"})[0] != "again"
    call_command("anonymise_closed_courses", stdout=io.StringIO())
    assert dataversion.cached_by_content("piece", {0: ["list", "Anna Andersen"]}, lambda m: {0: "gone"})[0] == "gone"
    anna = Citizen.objects.get(pk=world.citizen_a.pk)
    assert (anna.name, anna.cpr, anna.external_id) == ("Anonymiseret", None, None)
    assert anna.birth_year == 1990 and anna.gender == "female"  # numbers for statistics stay
    measurement.refresh_from_db()
    assert measurement.note == "" and measurement.score == measurement.raw_score * 4
    assert measurement.answer_map() == {"happy": 3, "calm": 2, "active": 3, "rested": 1, "interest": 4}
    goal = Goal.objects.get(pk=old_records["goal"].pk)
    assert [goal.text, *[text for _level, text in goal.level_texts()]] == [""] * 6
    assert goal.baseline_level == -1
    review = goal.reviews.get()
    assert (review.note, review.level) == ("", 1)
    assert Collaboration.objects.get(course__citizen=anna).note == ""
    assert Collaboration.objects.get(course__citizen=anna).usefulness == 4
    assert TrajectorySummary.objects.filter(course__citizen=anna).exists()
    # Not Bent (closed three years ago) and not Carl (a course still open).
    assert Citizen.objects.get(pk=world.citizen_b.pk).name == "Bent Bentsen"
    assert Citizen.objects.get(pk=old_records["carl"].pk).cpr == "0202801234"
    # Logged, without copying what was removed into the log.
    entry = AuditEntry.objects.get(purpose="anonymisation")
    assert (entry.action, entry.citizen_id, entry.user) == ("change", anna.pk, None)
    assert entry.detail["cleared"] == {"measurement_notes": 1, "goals": 1, "review_notes": 1, "collaboration_notes": 1}
    assert "Anna" not in json.dumps(entry.detail) and "søster" not in json.dumps(entry.detail)
    # Nothing left to do the second time.
    out = io.StringIO()
    call_command("anonymise_closed_courses", stdout=out)
    assert "Anonymising 0 citizens" in out.getvalue()


def test_the_retention_period_is_a_setting(world, old_records):
    with override_settings(EFFEKTSPOR_RETENTION_YEARS=2):
        assert {c.pk for c in gdpr.anonymisation_candidates()} == {world.citizen_a.pk, world.citizen_b.pk}
    with override_settings(EFFEKTSPOR_RETENTION_YEARS=7):
        assert not gdpr.anonymisation_candidates().exists()


def test_an_anonymised_citizen_can_still_be_exported(client, world, old_records):
    gdpr.citizen_anonymise(citizen=world.citizen_a)
    client.force_login(world.lena)
    access_request = registered_request(world.lena, world.citizen_a, world.unit_a)
    record = json.loads(client.get(reverse("tracker:access_request_record_json", args=[access_request.pk])).content)
    assert record["citizen"]["name"] == "Anonymiseret"
    assert "anonymisation" in [x["purpose"] for x in record["lookups"]]
    assert timezone.now()  # the export worked on the anonymised record
