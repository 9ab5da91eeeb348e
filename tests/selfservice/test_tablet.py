"""The locked tablet mode: the caseworker hands the tablet over; the citizen answers and sees their own development;
only the caseworker's password leads out, and no staff page opens meanwhile."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from outcomes import services as outcome_services
from outcomes.models import Completion, Informer, LifeDomain, Measurement
from selfservice.models import SelfCompletion
from selfservice.views import KIOSK_SESSION_KEY
from tests.factories import PASSWORD, row_counts
from tests.selfservice.conftest import lock_tablet, who5, who5_post
from tracker.models import AuditEntry

pytestmark = pytest.mark.django_db

TABLET = "/selvbesvarelse/tablet/"


def staff_urls(world) -> list[str]:
    return [
        reverse("tracker:citizen_list"),
        reverse("tracker:citizen_detail", args=[world.citizen_a.pk]),
        reverse("tracker:citizen_detail", args=[world.citizen_b.pk]),
        reverse("outcomes:citizen_summary", args=[world.citizen_a.pk]),
        reverse("tracker:partner_list"),
        reverse("security:overview"),
        reverse("dashboards:leader_home"),
    ]


def test_handing_over_locks_the_session_and_logs_the_caseworker_out(client, world):
    response = lock_tablet(client, world)
    assert response.status_code == 302 and response.url == TABLET
    assert SESSION_KEY not in client.session
    completion = SelfCompletion.objects.get()
    assert client.session[KIOSK_SESSION_KEY] == completion.pk
    assert (completion.channel, completion.created_by, completion.layout) == ("tablet", world.alice, "one")
    assert AuditEntry.objects.filter(action="create", purpose="selfservice_tablet", user=world.alice).count() == 1
    # No staff page opens: each leads back to the questionnaire (LockedTabletMiddleware).
    for url in staff_urls(world):
        response = client.get(url)
        assert response.status_code == 302 and response.url == TABLET, url
    # The hand-over page itself (reached with the Back button) returns to the questionnaire.
    response = client.get(reverse("selfservice:start", args=[world.citizen_a.pk]))
    assert response.status_code == 302 and response.url == TABLET


def test_the_locked_page_shows_only_the_questionnaire(client, world):
    lock_tablet(client, world)
    response = client.get(TABLET)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="item_happy"' in html and 'data-layout="one"' in html
    assert "Mine borgere" not in html and 'aria-label="Hovedmenu"' not in html
    assert world.citizen_b.name not in html
    assert response.headers["Cache-Control"].startswith("max-age=0") and "no-store" in response.headers["Cache-Control"]


def test_the_citizen_answers_and_sees_their_own_development(client, world):
    outcome_services.measurement_record(
        course=world.course_a,
        instrument=who5(),
        answers={"happy": 1, "calm": 1, "active": 1, "rested": 1, "interest": 1},
        date=world.course_a.start,
        informer="citizen_staff",
        recorded_by=world.alice,
        note="STAFF-NOTE-A",
    )
    outcome_services.goal_create(
        user=world.alice,
        course=world.course_a,
        text="GOAL-A at gå tur",
        life_domain=LifeDomain.objects.get(code="network"),
        level_minus2="a",
        level_minus1="b",
        level_0="c",
        level_plus1="d",
        level_plus2="e",
        baseline_level=-1,
        created_on=world.course_a.start,
    )
    outcome_services.measurement_record(
        course=world.course_b,
        instrument=who5(),
        answers={"happy": 5, "calm": 5, "active": 5, "rested": 5, "interest": 5},
        date=world.course_b.start,
        informer="citizen",
        recorded_by=world.bob,
    )
    lock_tablet(client, world)
    response = client.post(TABLET, who5_post())
    assert response.status_code == 302 and response.url == reverse("selfservice:tablet_thanks")
    measurement = Measurement.objects.filter(course=world.course_a).latest("pk")
    assert (measurement.informer, measurement.completion, measurement.score) == (
        Informer.CITIZEN,
        Completion.TABLET,
        76,
    )
    last = AuditEntry.objects.latest("pk").pk
    response = client.get(reverse("selfservice:tablet_thanks"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tak for dine svar" in html
    assert "GOAL-A at gå tur" in html  # their goals
    assert 'id="timeline-who5-plot"' in html  # their timeline
    rows = response.context["timelines"][0]["rows"]
    assert [m.score for m in rows] == [20, 76]
    # Nothing else: no staff note, no other citizen, no CPR, no menu.
    for secret in ("STAFF-NOTE-A", world.citizen_b.name, "0101901234", "010190", "Samarbejde"):
        assert secret not in html
    entry = AuditEntry.objects.get(pk__gt=last)
    assert (entry.action, entry.user, entry.citizen_id, entry.purpose) == (
        "read",
        world.alice,
        world.citizen_a.pk,
        "selfservice_tablet_development",
    )


def test_a_second_submission_saves_nothing(client, world):
    lock_tablet(client, world)
    client.post(TABLET, who5_post())
    before = row_counts()
    response = client.post(TABLET, who5_post({"happy": 0, "calm": 0, "active": 0, "rested": 0, "interest": 0}))
    assert response.status_code == 302 and response.url == reverse("selfservice:tablet_thanks")
    assert row_counts() == before


def test_an_expired_tablet_handover_saves_nothing(client, world):
    from django.utils import timezone

    lock_tablet(client, world)
    SelfCompletion.objects.update(expires_at=timezone.now())
    before = row_counts()
    response = client.post(TABLET, who5_post())
    assert response.status_code == 410
    assert row_counts() == before


def test_leaving_needs_the_caseworkers_password(client, world):
    lock_tablet(client, world)
    exit_url = reverse("selfservice:tablet_exit")
    response = client.post(exit_url, {"password": "wrong-password"})
    assert response.status_code == 400
    assert SESSION_KEY not in client.session and KIOSK_SESSION_KEY in client.session
    assert client.post(exit_url, {"password": ""}).status_code == 400
    response = client.post(exit_url, {"password": PASSWORD})
    assert response.status_code == 302 and response.url == world.citizen_a.get_absolute_url()
    assert KIOSK_SESSION_KEY not in client.session
    assert int(client.session[SESSION_KEY]) == world.alice.pk
    assert client.get(world.citizen_a.get_absolute_url()).status_code == 200
    # Leaving before the citizen answered closes the hand-over.
    assert SelfCompletion.objects.get().status() == SelfCompletion.Status.REVOKED


def test_wrong_passwords_lock_the_exit_like_a_login(client, world, settings):
    lock_tablet(client, world)
    exit_url = reverse("selfservice:tablet_exit")
    statuses = [
        client.post(exit_url, {"password": f"wrong-{n}"}).status_code for n in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses[:-1] == [400] * (settings.AXES_FAILURE_LIMIT - 1)
    assert statuses[-1] == 429
    # Now even the right password is refused, and the tablet stays locked on our own page (not the login page).
    response = client.post(exit_url, {"password": PASSWORD})
    assert response.status_code == 429
    assert "for mange gange" in response.content.decode()
    assert SESSION_KEY not in client.session and KIOSK_SESSION_KEY in client.session
    assert client.get(TABLET).status_code == 200


def test_the_middleware_sends_every_other_path_back_to_the_questionnaire(client, world):
    lock_tablet(client, world)
    for url in [*staff_urls(world), reverse("login"), reverse("tracker:accessibility"), "/admin/", "/b/"]:
        response = client.get(url)
        assert response.status_code == 302 and response.url == TABLET, url
    assert client.get(TABLET).status_code == 200
    assert client.get(reverse("selfservice:tablet_exit")).status_code == 200
    response = client.post(reverse("set_language"), {"language": "en", "next": TABLET})
    assert response.status_code == 302 and response.url == TABLET
    assert '<html lang="en">' in client.get(TABLET).content.decode()
    # Once the caseworker has left the mode, the middleware lets everything through again.
    client.post(reverse("selfservice:tablet_exit"), {"password": PASSWORD})
    assert client.get(reverse("tracker:citizen_list")).status_code == 200


def test_a_session_locked_to_a_vanished_handover_is_unlocked(client, world):
    lock_tablet(client, world)
    SelfCompletion.objects.all().delete()
    response = client.get(TABLET)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert client.get(reverse("login")).status_code == 200


def test_bob_cannot_hand_citizen_a_over(client, world):
    response = lock_tablet(client, world, user=world.bob, citizen=world.citizen_a)
    assert response.status_code == 404
    assert not SelfCompletion.objects.exists()
    assert int(client.session[SESSION_KEY]) == world.bob.pk


def test_the_director_cannot_hand_anything_over(client, world):
    client.force_login(world.charlie)
    assert client.get(reverse("selfservice:start", args=[world.citizen_a.pk])).status_code == 403


def test_the_start_page_lists_handovers_and_is_logged(client, world):
    client.force_login(world.alice)
    response = client.get(reverse("selfservice:start", args=[world.citizen_a.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "WHO-5" in html and "Livsområder" in html and "ORS" not in html
    assert "no-store" in response.headers["Cache-Control"]
    entry = AuditEntry.objects.latest("pk")
    assert (entry.action, entry.purpose, entry.citizen_id) == ("read", "selfservice_start", world.citizen_a.pk)


def test_the_life_domain_rating_on_the_tablet(client, world):
    from outcomes.models import Instrument

    items = list(Instrument.objects.get(code="life-domains").items.order_by("order"))
    lock_tablet(client, world, code="life-domains", layout="all")
    html = client.get(TABLET).content.decode()
    assert 'data-layout="all"' in html and "Ikke vurderet" in html
    # The citizen may leave domains unrated, but not all of them.
    assert client.post(TABLET, {f"item_{i.link_id}": "" for i in items}).status_code == 400
    response = client.post(TABLET, {f"item_{items[0].link_id}": "8", f"item_{items[1].link_id}": "3"})
    assert response.status_code == 302
    measurement = Measurement.objects.get()
    assert (measurement.completion, measurement.answer_map()) == (
        Completion.TABLET,
        {items[0].link_id: 8, items[1].link_id: 3},
    )
    html = client.get(reverse("selfservice:tablet_thanks")).content.decode()
    assert "Dine svar i dag" in html and ">8</td>" in html


def test_the_thank_you_page_survives_a_deleted_measurement(client, world):
    lock_tablet(client, world)
    client.post(TABLET, who5_post())
    Measurement.objects.all().delete()
    response = client.get(reverse("selfservice:tablet_thanks"))
    assert response.status_code == 200 and "Tak for dine svar" in response.content.decode()
