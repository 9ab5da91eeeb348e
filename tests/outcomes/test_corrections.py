"""Corrections: edit and delete, each with a reason, for measurements, goals, reviews and collaborations — through the
pages, as the caseworker would. The trajectory summary and the unit dashboard's figures follow in the same
transaction; the deleted record leaves the figures but stays in the audit trail with its reason, and the citizen's
page shows the history. Notes are shown to the unit's caseworkers, never in "Min udvikling"."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from outcomes import services
from outcomes.models import Goal, GoalReview, LifeDomain, Measurement, TrajectorySummary
from tests import factories
from tests.dashboards.test_unit_dashboard import dashboard_for
from tracker import services as tracker_services
from tracker.models import AuditEntry, Collaboration, CollaborationKind

REASON = "Tastet på den forkerte dag"


def ago(days: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days)


def who5(world, score_item: int, date: datetime.date, note: str = ""):
    return services.measurement_record(
        course=world.course_a,
        instrument=factories.who5(),
        answers=dict.fromkeys(("happy", "calm", "active", "rested", "interest"), score_item),
        date=date,
        informer="citizen",
        recorded_by=world.alice,
        note=note,
    )


def who5_post(value: int, date: datetime.date, reason: str = REASON) -> dict:
    items = {f"item_{k}": str(value) for k in ("happy", "calm", "active", "rested", "interest")}
    return {**items, "date": date.isoformat(), "informer": "citizen", "note": "Rettet note", "reason": reason}


@pytest.fixture
def records(world):
    world.course_a.start = ago(200)
    world.course_a.save()
    first = who5(world, 1, ago(120), note="A-MEASUREMENT-NOTE")
    latest = who5(world, 4, ago(10))
    goal = services.goal_create(
        user=world.alice,
        course=world.course_a,
        text="Sove bedre",
        life_domain=LifeDomain.objects.get(code="network"),
        level_minus2="a",
        level_minus1="b",
        level_0="c",
        level_plus1="d",
        level_plus2="e",
        baseline_level=-1,
        created_on=ago(60),
    )
    review = services.goal_review_record(user=world.alice, goal=goal, date=ago(5), level=2, note="A-REVIEW-NOTE")
    collab = tracker_services.collaboration_record(
        user=world.alice,
        course=world.course_a,
        partner=factories.PartnerFactory(name="Jobcenter Syd", sector=factories.sector("jobcenter")),
        kind=CollaborationKind.objects.get(code="meeting"),
        date=ago(3),
        initiated_by="unit",
        usefulness=2,
        note="A-COLLAB-NOTE",
    )
    return world, first, latest, goal, review, collab


def summary(world) -> TrajectorySummary:
    return TrajectorySummary.objects.get(course=world.course_a, instrument=factories.who5())


def history_rows(client, world) -> str:
    html = client.get(reverse("tracker:citizen_detail", args=[world.citizen_a.pk])).content.decode()
    return html[html.index('id="history-h"') :]


# --- Measurements -------------------------------------------------------------------------------------------------


def test_a_measurement_is_corrected_with_a_reason_and_the_summary_and_dashboard_follow(client, records):
    world, first, latest, *_ = records
    assert (summary(world).latest_score, summary(world).change) == (80, 60)
    before = dashboard_for(world.lena).mean_change.mean
    client.force_login(world.alice)
    url = reverse("outcomes:measurement_update", args=[latest.pk])
    page = client.get(url).content.decode()
    # The recorded answers, checked: every item was answered 4.
    assert len(re.findall(r'value="4"[^>]*checked', page)) == 5 and not re.findall(r'value="[0-35]"[^>]*checked', page)
    # Without a reason: refused, what was typed kept, nothing changed.
    response = client.post(url, who5_post(2, ago(10), reason=""))
    assert response.status_code == 400 and len(re.findall(r'value="2"[^>]*checked', response.content.decode())) == 5
    assert Measurement.objects.get(pk=latest.pk).score == 80
    response = client.post(url, who5_post(2, ago(10)))
    assert response.status_code == 302
    latest.refresh_from_db()
    assert (latest.score, latest.note) == (40, "Rettet note")
    assert (summary(world).latest_score, summary(world).change) == (40, 20)
    assert dashboard_for(world.lena).mean_change.mean != before
    entry = AuditEntry.objects.filter(purpose="correction").get()
    assert (entry.action, entry.detail["reason"], entry.user) == ("change", REASON, world.alice)
    assert entry.detail["before"]["score"] == 80 and entry.detail["after"]["score"] == 40
    history = history_rows(client, world)
    assert REASON in history and "score" in history and "note" in history


def test_a_deleted_measurement_leaves_the_figures_and_stays_in_the_log_with_its_reason(client, records):
    world, first, latest, *_ = records
    client.force_login(world.alice)
    url = reverse("outcomes:measurement_delete", args=[latest.pk])
    assert "WHO-5" in client.get(url).content.decode()
    assert client.post(url, {"reason": ""}).status_code == 400
    assert Measurement.objects.filter(pk=latest.pk).exists()
    assert client.post(url, {"reason": "Registreret på den forkerte borger"}).status_code == 302
    assert not Measurement.objects.filter(pk=latest.pk).exists()
    s = summary(world)
    assert (s.n_measurements, s.latest_score, s.change) == (1, 20, None)
    assert world.lena and dashboard_for(world.lena).counts["measured_courses"] == 1
    entry = AuditEntry.objects.get(purpose="correction", action="delete")
    assert entry.object_id == latest.pk and entry.detail["before"]["score"] == 80
    assert entry.detail["reason"] == "Registreret på den forkerte borger"
    history = history_rows(client, world)
    assert "Registreret på den forkerte borger" in history and "Slettet" in history


# --- Goals and reviews ----------------------------------------------------------------------------------------------


def test_a_goal_is_corrected_and_deleted_with_reasons_and_gas_follows(client, records):
    world, _first, _latest, goal, review, _collab = records
    client.force_login(world.alice)
    assert dashboard_for(world.lena).goals_set == 1
    data = {
        "text": "Sove bedre om natten",
        "life_domain": goal.life_domain_id,
        "level_minus2": "a",
        "level_minus1": "b",
        "level_0": "c",
        "level_plus1": "d",
        "level_plus2": "e",
        "baseline_level": "0",
        "created_on": goal.created_on.isoformat(),
    }
    url = reverse("outcomes:goal_update", args=[goal.pk])
    assert client.post(url, data).status_code == 400  # no reason
    assert client.post(url, {**data, "reason": "Borgerens egne ord"}).status_code == 302
    goal.refresh_from_db()
    assert (goal.text, goal.baseline_level) == ("Sove bedre om natten", 0)
    # A review before the goal's new date would be impossible: refused with the form kept.
    response = client.post(url, {**data, "created_on": ago(1).isoformat(), "reason": "x"})
    assert response.status_code == 400 and "Sove bedre om natten" in response.content.decode()
    # Deleted: the goal and its review go; the GAS figures follow.
    assert dashboard_for(world.lena).gas.n == 1
    assert (
        client.post(reverse("outcomes:goal_delete", args=[goal.pk]), {"reason": "Dobbeltregistreret"}).status_code
        == 302
    )
    assert not Goal.objects.filter(pk=goal.pk).exists() and not GoalReview.objects.filter(pk=review.pk).exists()
    d = dashboard_for(world.lena)
    assert (d.goals_set, d.gas.n) == (0, 0)
    entry = AuditEntry.objects.get(purpose="correction", action="delete")
    assert entry.detail["before"]["reviews"][0]["level"] == 2 and entry.detail["reason"] == "Dobbeltregistreret"
    assert "Sove bedre" not in str(entry.detail)  # the goal's words are free text: not copied into the log


def test_a_review_is_corrected_and_deleted_with_reasons(client, records):
    world, _first, _latest, goal, review, _collab = records
    client.force_login(world.alice)
    url = reverse("outcomes:goal_review_update", args=[review.pk])
    assert "A-REVIEW-NOTE" in client.get(url).content.decode()
    data = {"date": review.date.isoformat(), "level": "0", "note": "Ny note", "reason": "Forkert niveau"}
    assert client.post(url, data).status_code == 302
    review.refresh_from_db()
    assert (review.level, review.note) == (0, "Ny note")
    assert {r.level: r.share.k for r in dashboard_for(world.lena).goal_levels}[0] == 1
    url = reverse("outcomes:goal_review_delete", args=[review.pk])
    assert client.post(url, {"reason": "Hørte til et andet mål"}).status_code == 302
    assert not GoalReview.objects.filter(pk=review.pk).exists()
    assert dashboard_for(world.lena).goals_reviewed == 0
    reasons = set(AuditEntry.objects.filter(purpose="correction").values_list("detail__reason", flat=True))
    assert reasons == {"Forkert niveau", "Hørte til et andet mål"}


# --- Collaborations -----------------------------------------------------------------------------------------------


def test_a_collaboration_is_corrected_and_deleted_with_reasons_and_the_sector_figures_follow(client, records):
    world, *_rest, collab = records
    client.force_login(world.alice)
    url = reverse("tracker:collaboration_update", args=[collab.pk])
    assert "A-COLLAB-NOTE" in client.get(url).content.decode()
    data = {
        "partner_name": "Jobcenter Syd",
        "kind": collab.kind_id,
        "date": collab.date.isoformat(),
        "initiated_by": "partner",
        "citizen_participated": "on",
        "usefulness": "5",
        "note": "A-COLLAB-NOTE",
        "reason": "Borgeren rettede sin vurdering",
    }
    assert client.post(url, {**data, "reason": ""}).status_code == 400
    assert client.post(url, data).status_code == 302
    collab.refresh_from_db()
    assert (collab.usefulness, collab.initiated_by) == (5, "partner")
    rows = {r.label: r for r in dashboard_for(world.lena).sectors}
    assert rows["Jobcenter"].usefulness == 5
    url = reverse("tracker:collaboration_delete", args=[collab.pk])
    assert client.post(url, {"reason": "Mødet blev aflyst"}).status_code == 302
    assert not Collaboration.objects.filter(pk=collab.pk).exists()
    assert "Jobcenter" not in {r.label for r in dashboard_for(world.lena).sectors if r.n}
    entry = AuditEntry.objects.get(purpose="correction", action="delete", object_type="tracker.collaboration")
    assert entry.detail["reason"] == "Mødet blev aflyst" and "A-COLLAB-NOTE" not in str(entry.detail)


# --- Notes: for the unit's caseworkers only ------------------------------------------------------------------------


def test_notes_are_shown_to_the_units_caseworkers_never_in_my_progress_or_to_others(client, records):
    world, first, *_ = records
    notes = ("A-MEASUREMENT-NOTE", "A-REVIEW-NOTE", "A-COLLAB-NOTE")
    client.force_login(world.alice)
    html = client.get(reverse("tracker:citizen_detail", args=[world.citizen_a.pk])).content.decode()
    assert all(note in html for note in notes)
    assert "A-MEASUREMENT-NOTE" in client.get(reverse("outcomes:measurement_detail", args=[first.pk])).content.decode()
    summary_html = client.get(reverse("outcomes:citizen_summary", args=[world.citizen_a.pk])).content.decode()
    assert not any(note in summary_html for note in notes)
    client.force_login(world.charlie)  # the director
    assert client.get(reverse("tracker:citizen_detail", args=[world.citizen_a.pk])).status_code == 403


# --- Smaller things ---------------------------------------------------------------------------------------------------


def test_a_staff_life_domain_rating_beside_the_citizens_on_the_same_day_is_not_questioned(client, world):
    from outcomes.models import Instrument

    instrument = Instrument.objects.get(code="life-domains")
    items = list(instrument.items.values_list("link_id", flat=True))
    client.force_login(world.alice)
    url = reverse("outcomes:measurement_create", args=[world.course_a.pk, "life-domains"])
    post = {f"item_{link}": "5" for link in items} | {"date": timezone.localdate().isoformat()}
    assert client.post(url, {**post, "informer": "citizen"}).status_code == 302
    assert client.post(url, {**post, "informer": "staff"}).status_code == 302  # side by side: the point
    response = client.post(url, {**post, "informer": "staff"})  # the same perspective twice: asked about
    assert response.status_code == 400 and "allerede registreret" in response.content.decode()


def test_the_zero_to_ten_scale_names_its_ends(client, world):
    client.force_login(world.alice)
    html = client.get(reverse("outcomes:measurement_create", args=[world.course_a.pk, "life-domains"])).content.decode()
    assert "0 = meget dårligt" in html and "10 = rigtig godt" in html


def test_one_measurement_is_one_maaling(client, world):
    who5(world, 3, ago(1))
    client.force_login(world.alice)
    html = client.get(reverse("tracker:citizen_detail", args=[world.citizen_a.pk])).content.decode()
    assert "ved 1 måling;" in html and "ved 1 målinger" not in html
