"""Views for citizens and courses: who may see what (docs/privacy.md), the audit log, and bad input through the forms.

Every bad POST must answer 400 with the specific Danish message, echo what was typed, and change nothing.
"""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from outcomes import services as outcome_services
from outcomes.models import ItemAnswer, Measurement
from tests import factories
from tracker.models import AuditEntry, Citizen, Course, EndReason, LegalBasis

CPR_DATE_MESSAGE = "De første seks cifre i CPR-nummeret er ikke en gyldig dato (DDMMÅÅ)."
END_BEFORE_START_MESSAGE = "Et forløb kan ikke slutte før det begynder."
SECOND_OPEN_COURSE_MESSAGE = "Borgeren har allerede et åbent forløb i denne enhed."


@pytest.fixture(autouse=True)
def danish():
    """Messages are asserted in Danish, whatever language an earlier test's request left active in this thread."""
    with translation.override("da"):
        yield


def row_counts() -> dict[str, int]:
    return {
        "citizens": Citizen.objects.count(),
        "courses": Course.objects.count(),
        "measurements": Measurement.objects.count(),
        "answers": ItemAnswer.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


def today() -> datetime.date:
    return timezone.localdate()


def sel85() -> LegalBasis:
    return LegalBasis.objects.get(code="sel-85")


def record_who5(course, user, date=None) -> Measurement:
    answers = {"happy": 3, "calm": 3, "active": 3, "rested": 3, "interest": 3}
    return outcome_services.measurement_record(
        course=course,
        instrument=factories.who5(),
        answers=answers,
        date=date or today(),
        informer="citizen",
        recorded_by=user,
    )


def selected_option(html: str, value) -> bool:
    return re.search(rf'<option value="{value}"[^>]*\sselected', html) is not None


# --- Login and start pages ---------------------------------------------------------------------------


def test_login_page_renders(client, db):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert 'name="username"' in response.content.decode()


def test_home_sends_anonymous_to_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == reverse("login")


@pytest.mark.parametrize(
    ("username", "start_page"),
    [
        ("alice", "tracker:citizen_list"),
        ("lena", "dashboards:leader_home"),
        ("charlie", "dashboards:director_home"),
    ],
)
def test_each_role_lands_on_its_start_page_after_login(client, world, username, start_page):
    response = client.post(reverse("login"), {"username": username, "password": factories.PASSWORD}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[0][0] == reverse("home")
    assert response.redirect_chain[-1][0] == reverse(start_page)


def test_superuser_lands_on_the_admin_after_login(client, db):
    """Two-factor is mandatory for administrators: first the set-up page, then (tests/security) the admin."""
    factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    response = client.post(reverse("login"), {"username": "root", "password": factories.PASSWORD}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("security:otp_setup") + "?next=%2F"


def test_user_without_role_lands_on_the_no_role_page(client, db):
    user = factories.UserFactory()
    client.force_login(user)
    response = client.get("/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("tracker:no_role")


def test_wrong_password_is_refused(client, world):
    response = client.post(reverse("login"), {"username": "alice", "password": "wrong-password-1"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


# --- Anonymous users ---------------------------------------------------------------------------------


def anonymous_urls(world) -> list[str]:
    return [
        reverse("tracker:citizen_list"),
        reverse("tracker:citizen_create"),
        reverse("tracker:citizen_detail", args=[world.citizen_a.pk]),
        reverse("tracker:citizen_update", args=[world.citizen_a.pk]),
        reverse("tracker:course_start", args=[world.citizen_a.pk]),
        reverse("tracker:course_end", args=[world.course_a.pk]),
        reverse("outcomes:measurement_create", args=[world.course_a.pk, "who5"]),
        reverse("dashboards:leader_home"),
        reverse("dashboards:director_home"),
    ]


def test_anonymous_is_sent_to_login(client, world):
    for url in anonymous_urls(world):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login") + "?next="), url


def test_anonymous_post_changes_nothing(client, world):
    before = row_counts()
    response = client.post(reverse("tracker:citizen_cpr_reveal", args=[world.citizen_a.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    response = client.post(
        reverse("tracker:course_end", args=[world.course_a.pk]),
        {"end": today().isoformat(), "end_reason": EndReason.objects.get(code="moved").pk},
    )
    assert response.status_code == 302
    assert row_counts() == before
    world.course_a.refresh_from_db()
    assert world.course_a.end is None


# --- A colleague in another unit gets 404 ------------------------------------------------------------


def test_colleague_in_another_unit_gets_404_for_the_citizen(client, world):
    client.force_login(world.bob)
    a = world.citizen_a.pk
    for url in [
        reverse("tracker:citizen_detail", args=[a]),
        reverse("tracker:citizen_update", args=[a]),
        reverse("tracker:course_start", args=[a]),
        reverse("tracker:course_end", args=[world.course_a.pk]),
        reverse("outcomes:measurement_create", args=[world.course_a.pk, "who5"]),
    ]:
        assert client.get(url).status_code == 404, url
    assert not AuditEntry.objects.exists()


def test_colleague_in_another_unit_cannot_change_the_citizen(client, world):
    client.force_login(world.bob)
    before = row_counts()
    a = world.citizen_a.pk
    responses = [
        client.post(reverse("tracker:citizen_update", args=[a]), {"name": "Hacked", "gender": "male"}),
        client.post(reverse("tracker:citizen_cpr_reveal", args=[a])),
        client.post(
            reverse("tracker:course_start", args=[a]),
            {"unit": world.unit_b.pk, "legal_basis": sel85().pk, "start": today().isoformat()},
        ),
        client.post(
            reverse("tracker:course_end", args=[world.course_a.pk]),
            {"end": today().isoformat(), "end_reason": EndReason.objects.get(code="moved").pk},
        ),
        client.post(
            reverse("outcomes:measurement_create", args=[world.course_a.pk, "who5"]),
            {
                "item_happy": "3",
                "item_calm": "3",
                "item_active": "3",
                "item_rested": "3",
                "item_interest": "3",
                "date": today().isoformat(),
                "informer": "citizen",
            },
        ),
    ]
    assert [r.status_code for r in responses] == [404] * 5
    assert row_counts() == before
    world.citizen_a.refresh_from_db()
    world.course_a.refresh_from_db()
    assert world.citizen_a.name == "Anna Andersen"
    assert world.course_a.end is None


def test_caseworker_sees_own_citizen(client, world):
    client.force_login(world.bob)
    response = client.get(reverse("tracker:citizen_detail", args=[world.citizen_b.pk]))
    assert response.status_code == 200
    assert "Bent Bentsen" in response.content.decode()


def test_leader_sees_the_citizens_of_the_unit(client, world):
    client.force_login(world.lena)
    assert client.get(reverse("tracker:citizen_detail", args=[world.citizen_a.pk])).status_code == 200
    assert client.get(reverse("tracker:citizen_detail", args=[world.citizen_b.pk])).status_code == 404


# --- The director sees aggregates only ---------------------------------------------------------------


def test_director_gets_403_on_citizen_pages(client, world):
    client.force_login(world.charlie)
    assert client.get(reverse("tracker:citizen_list")).status_code == 403
    for url in [
        reverse("tracker:citizen_detail", args=[world.citizen_a.pk]),
        reverse("tracker:citizen_update", args=[world.citizen_a.pk]),
        reverse("tracker:citizen_create"),
        reverse("outcomes:measurement_create", args=[world.course_a.pk, "who5"]),
    ]:
        assert client.get(url).status_code in (403, 404), url
    assert client.post(reverse("tracker:citizen_cpr_reveal", args=[world.citizen_a.pk])).status_code in (403, 404)
    assert not AuditEntry.objects.exists()


def test_director_page_shows_no_citizen_names_or_cpr(client, world):
    for course in (world.course_a, world.course_b):
        record_who5(course, world.alice, date=course.start + datetime.timedelta(days=1))
        record_who5(course, world.alice, date=course.start + datetime.timedelta(days=100))
    client.force_login(world.charlie)
    response = client.get(reverse("dashboards:director_home"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bostøtte A" in html and "Værested B" in html
    for private in ("Anna Andersen", "Bent Bentsen", "010190", "0101901234"):
        assert private not in html


def test_caseworker_gets_403_on_the_dashboards(client, world):
    client.force_login(world.alice)
    assert client.get(reverse("dashboards:leader_home")).status_code == 403
    assert client.get(reverse("dashboards:director_home")).status_code == 403


def test_leader_home_renders_for_the_leader(client, world):
    client.force_login(world.lena)
    response = client.get(reverse("dashboards:leader_home"))
    assert response.status_code == 200
    assert "Bostøtte A" in response.content.decode()


# --- Citizen list and search -------------------------------------------------------------------------


def test_citizen_list_shows_only_own_units(client, world):
    client.force_login(world.alice)
    response = client.get(reverse("tracker:citizen_list"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Anna Andersen" in html
    assert "Bent Bentsen" not in html
    assert not AuditEntry.objects.filter(action="search").exists()


def test_citizen_list_search_filters_and_is_logged(client, world):
    factories.CourseFactory(unit=world.unit_a, citizen=factories.CitizenFactory(name="Carl Carlsen"))
    client.force_login(world.alice)
    response = client.get(reverse("tracker:citizen_list"), {"q": "Anna"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Anna Andersen" in html
    assert "Carl Carlsen" not in html
    entry = AuditEntry.objects.get(action="search")
    assert entry.user == world.alice
    assert entry.detail == {"criteria": {"q": "Anna"}}


def test_citizen_list_search_does_not_reach_other_units(client, world):
    client.force_login(world.alice)
    response = client.get(reverse("tracker:citizen_list"), {"q": "Bent"})
    assert response.status_code == 200
    assert "Bent Bentsen" not in response.content.decode()


def test_citizen_list_search_by_cpr_date(client, world):
    client.force_login(world.alice)
    response = client.get(reverse("tracker:citizen_list"), {"q": "010190"})
    assert "Anna Andersen" in response.content.decode()
    response = client.get(reverse("tracker:citizen_list"), {"q": "020290"})
    assert "Anna Andersen" not in response.content.decode()
    assert AuditEntry.objects.filter(action="search").count() == 2


def _citizen_list_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("tracker:citizen_list"))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_citizen_list_query_count_does_not_grow_with_the_data(client, world):
    client.force_login(world.alice)
    small = _citizen_list_queries(client)
    for _ in range(12):
        factories.CourseFactory(unit=world.unit_a)
    client.force_login(world.alice)
    large = _citizen_list_queries(client)
    assert large == small


# --- Citizen detail, audit and CPR -------------------------------------------------------------------


def test_citizen_detail_is_logged_once(client, world):
    client.force_login(world.alice)
    response = client.get(reverse("tracker:citizen_detail", args=[world.citizen_a.pk]))
    assert response.status_code == 200
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.user, entry.citizen_id) == ("read", world.alice, world.citizen_a.pk)
    assert (entry.object_type, entry.object_id) == ("tracker.citizen", world.citizen_a.pk)


def test_citizen_detail_shows_masked_cpr_only(client, world):
    client.force_login(world.alice)
    html = client.get(reverse("tracker:citizen_detail", args=[world.citizen_a.pk])).content.decode()
    assert "010190-xxxx" in html
    assert "0101901234" not in html
    assert "010190-1234" not in html


def test_citizen_edit_form_never_contains_the_full_cpr(client, world):
    client.force_login(world.alice)
    response = client.get(reverse("tracker:citizen_update", args=[world.citizen_a.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "010190-xxxx" in html
    assert "0101901234" not in html and "010190-1234" not in html


def _detail_queries(client, pk) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("tracker:citizen_detail", args=[pk]))
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_citizen_detail_query_count_does_not_grow_with_the_data(client, world):
    course = world.course_a
    record_who5(course, world.alice, date=course.start + datetime.timedelta(days=1))
    client.force_login(world.alice)
    small = _detail_queries(client, world.citizen_a.pk)
    for days in (20, 40, 60, 80, 100):
        record_who5(course, world.alice, date=course.start + datetime.timedelta(days=days))
    client.force_login(world.alice)
    large = _detail_queries(client, world.citizen_a.pk)
    assert large == small


def test_cpr_reveal_is_post_only(client, world):
    client.force_login(world.alice)
    response = client.get(reverse("tracker:citizen_cpr_reveal", args=[world.citizen_a.pk]))
    assert response.status_code == 405
    assert "0101901234" not in response.content.decode()
    assert not AuditEntry.objects.exists()


def test_cpr_reveal_shows_the_full_number_and_is_logged(client, world):
    client.force_login(world.alice)
    response = client.post(reverse("tracker:citizen_cpr_reveal", args=[world.citizen_a.pk]))
    assert response.status_code == 200
    assert "010190-1234" in response.content.decode()
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.user, entry.citizen_id) == ("reveal", world.alice, world.citizen_a.pk)


# --- Language ----------------------------------------------------------------------------------------


def test_pages_render_in_danish_by_default(client, world):
    client.force_login(world.alice)
    response = client.get(reverse("tracker:citizen_list"))
    assert response.status_code == 200
    assert '<html lang="da">' in response.content.decode()


@pytest.mark.parametrize(
    "name", ["tracker:citizen_list", "tracker:citizen_detail", "tracker:citizen_create", "tracker:course_start"]
)
def test_pages_render_in_english_after_the_language_switch(client, world, name):
    client.force_login(world.alice)
    client.cookies["django_language"] = "en"  # what the language switch sets
    args = [world.citizen_a.pk] if name in ("tracker:citizen_detail", "tracker:course_start") else []
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


def test_pages_render_with_english_language_cookie(client, world):
    client.force_login(world.alice)
    client.cookies["django_language"] = "en"
    for url in [
        reverse("tracker:citizen_list"),
        reverse("tracker:citizen_detail", args=[world.citizen_a.pk]),
        reverse("outcomes:measurement_create", args=[world.course_a.pk, "who5"]),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert '<html lang="en">' in response.content.decode(), url
    client.force_login(world.charlie)
    response = client.get(reverse("dashboards:director_home"))
    assert response.status_code == 200


def test_language_switch_sets_the_cookie(client, world):
    client.force_login(world.alice)
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("tracker:citizen_list")})
    assert response.status_code == 302
    assert client.cookies["django_language"].value == "en"
    assert '<html lang="en">' in client.get(reverse("tracker:citizen_list")).content.decode()


# --- Bad input through the forms: impossible CPR date ------------------------------------------------


def citizen_post(world, **overrides) -> dict:
    data = {
        "citizen-name": "Carl Carlsen",
        "citizen-cpr": "020385-1234",
        "citizen-gender": "male",
        "citizen-birth_year": "",
        "course-unit": str(world.unit_a.pk),
        "course-legal_basis": str(sel85().pk),
        "course-start": (today() - datetime.timedelta(days=10)).isoformat(),
    }
    data.update(overrides)
    return data


def test_citizen_create_refuses_cpr_with_impossible_date(client, world):
    client.force_login(world.alice)
    before = row_counts()
    response = client.post(reverse("tracker:citizen_create"), citizen_post(world, **{"citizen-cpr": "310290-1234"}))
    assert response.status_code == 400
    html = response.content.decode()
    assert CPR_DATE_MESSAGE in html
    assert 'value="310290-1234"' in html
    assert 'value="Carl Carlsen"' in html
    assert selected_option(html, world.unit_a.pk)
    assert row_counts() == before
    assert not Citizen.objects.filter(name="Carl Carlsen").exists()


def test_citizen_create_refuses_malformed_cpr(client, world):
    client.force_login(world.alice)
    before = row_counts()
    response = client.post(reverse("tracker:citizen_create"), citizen_post(world, **{"citizen-cpr": "02038-1234"}))
    assert response.status_code == 400
    html = response.content.decode()
    assert "Et CPR-nummer består af 10 cifre (DDMMÅÅ-XXXX)." in html
    assert 'value="02038-1234"' in html
    assert row_counts() == before


def test_citizen_create_refuses_a_cpr_already_registered(client, world):
    client.force_login(world.alice)
    before = row_counts()
    response = client.post(reverse("tracker:citizen_create"), citizen_post(world, **{"citizen-cpr": "010190-1234"}))
    assert response.status_code == 400
    assert row_counts() == before


def test_citizen_create_stores_normalised_cpr_and_first_course(client, world):
    client.force_login(world.alice)
    response = client.post(reverse("tracker:citizen_create"), citizen_post(world))
    citizen = Citizen.objects.get(name="Carl Carlsen")
    assert response.status_code == 302
    assert response.url == reverse("tracker:citizen_detail", args=[citizen.pk])
    assert citizen.cpr == "0203851234"
    assert citizen.birth_year == 1985
    course = citizen.courses.get()
    assert (course.unit, course.legal_basis.code, course.end) == (world.unit_a, "sel-85", None)
    assert sorted(AuditEntry.objects.filter(citizen_id=citizen.pk).values_list("object_type", flat=True)) == [
        "tracker.citizen",
        "tracker.course",
    ]


def test_citizen_create_refuses_a_unit_outside_the_users_units(client, world):
    client.force_login(world.alice)
    before = row_counts()
    response = client.post(reverse("tracker:citizen_create"), citizen_post(world, **{"course-unit": world.unit_b.pk}))
    assert response.status_code == 400
    assert row_counts() == before


def test_citizen_update_refuses_impossible_cpr_date_and_keeps_the_old_one(client, world):
    client.force_login(world.alice)
    before = row_counts()
    response = client.post(
        reverse("tracker:citizen_update", args=[world.citizen_a.pk]),
        {"name": "Anna Andersen", "cpr": "310290-1234", "gender": "female", "birth_year": ""},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert CPR_DATE_MESSAGE in html
    assert 'value="310290-1234"' in html
    assert row_counts() == before
    world.citizen_a.refresh_from_db()
    assert world.citizen_a.cpr == "0101901234"


def test_citizen_update_with_empty_cpr_keeps_the_stored_one(client, world):
    client.force_login(world.alice)
    response = client.post(
        reverse("tracker:citizen_update", args=[world.citizen_a.pk]),
        {"name": "Anna B. Andersen", "cpr": "", "gender": "female", "birth_year": ""},
    )
    assert response.status_code == 302
    world.citizen_a.refresh_from_db()
    assert (world.citizen_a.name, world.citizen_a.cpr) == ("Anna B. Andersen", "0101901234")
    entry = AuditEntry.objects.get(action="change")
    assert entry.detail["changes"]["name"] == {"before": "Anna Andersen", "after": "Anna B. Andersen"}
    assert "cpr" not in entry.detail["changes"]


# --- Bad input through the forms: course ending before it starts ------------------------------------


def test_course_end_refuses_end_before_start(client, world):
    client.force_login(world.alice)
    course = world.course_a
    before = row_counts()
    end = course.start - datetime.timedelta(days=1)
    response = client.post(
        reverse("tracker:course_end", args=[course.pk]),
        {"end": end.isoformat(), "end_reason": EndReason.objects.get(code="moved").pk},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert END_BEFORE_START_MESSAGE in html
    assert f'value="{end.isoformat()}"' in html
    assert selected_option(html, EndReason.objects.get(code="moved").pk)
    assert row_counts() == before
    course.refresh_from_db()
    assert course.end is None and course.end_reason is None


def test_course_end_refuses_a_future_end_date(client, world):
    client.force_login(world.alice)
    before = row_counts()
    end = today() + datetime.timedelta(days=1)
    response = client.post(
        reverse("tracker:course_end", args=[world.course_a.pk]),
        {"end": end.isoformat(), "end_reason": EndReason.objects.get(code="moved").pk},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Slutdatoen må ikke ligge i fremtiden." in html
    assert f'value="{end.isoformat()}"' in html
    assert row_counts() == before


def test_course_end_requires_a_reason(client, world):
    client.force_login(world.alice)
    before = row_counts()
    response = client.post(reverse("tracker:course_end", args=[world.course_a.pk]), {"end": today().isoformat()})
    assert response.status_code == 400
    assert row_counts() == before


def test_course_end_saves_and_logs(client, world):
    client.force_login(world.alice)
    course = world.course_a
    response = client.post(
        reverse("tracker:course_end", args=[course.pk]),
        {"end": today().isoformat(), "end_reason": EndReason.objects.get(code="moved").pk},
    )
    assert response.status_code == 302
    assert response.url == reverse("tracker:citizen_detail", args=[world.citizen_a.pk])
    course.refresh_from_db()
    assert (course.end, course.end_reason.code) == (today(), "moved")
    assert AuditEntry.objects.filter(action="change", object_type="tracker.course", object_id=course.pk).count() == 1


# --- Bad input through the forms: a second open course in the same unit -----------------------------


def test_course_start_refuses_a_second_open_course_in_the_same_unit(client, world):
    client.force_login(world.alice)
    before = row_counts()
    start = today() - datetime.timedelta(days=3)
    response = client.post(
        reverse("tracker:course_start", args=[world.citizen_a.pk]),
        {"unit": world.unit_a.pk, "legal_basis": sel85().pk, "start": start.isoformat()},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert SECOND_OPEN_COURSE_MESSAGE in html
    assert f'value="{start.isoformat()}"' in html
    assert selected_option(html, world.unit_a.pk)
    assert selected_option(html, sel85().pk)
    assert row_counts() == before


def test_course_start_after_the_old_course_ended(client, world):
    course = world.course_a
    course.end, course.end_reason = course.start + datetime.timedelta(days=10), EndReason.objects.get(code="moved")
    course.save()
    client.force_login(world.alice)
    response = client.post(
        reverse("tracker:course_start", args=[world.citizen_a.pk]),
        {"unit": world.unit_a.pk, "legal_basis": sel85().pk, "start": today().isoformat()},
    )
    assert response.status_code == 302
    assert Course.objects.filter(citizen=world.citizen_a, unit=world.unit_a, end__isnull=True).count() == 1
    assert AuditEntry.objects.filter(action="create", object_type="tracker.course").count() == 1


def test_course_start_in_a_unit_the_user_does_not_belong_to_is_refused(client, world):
    course = world.course_a
    course.end, course.end_reason = course.start + datetime.timedelta(days=10), EndReason.objects.get(code="moved")
    course.save()
    client.force_login(world.alice)
    before = row_counts()
    response = client.post(
        reverse("tracker:course_start", args=[world.citizen_a.pk]),
        {"unit": world.unit_b.pk, "legal_basis": sel85().pk, "start": today().isoformat()},
    )
    assert response.status_code == 400
    assert row_counts() == before


# --- Error messages follow the user's language -------------------------------------------------------


def in_english(message: str) -> str:
    with translation.override("en"):
        return translation.gettext(message)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("citizen", CPR_DATE_MESSAGE),
        ("course_end", END_BEFORE_START_MESSAGE),
        ("course_start", SECOND_OPEN_COURSE_MESSAGE),
    ],
)
def test_form_errors_follow_the_users_language(client, world, name, message):
    english = in_english(message)
    assert english != message, "locale/en has no translation of this message"
    client.force_login(world.alice)
    client.cookies["django_language"] = "en"  # what the language switch sets
    before = row_counts()
    if name == "citizen":
        response = client.post(reverse("tracker:citizen_create"), citizen_post(world, **{"citizen-cpr": "310290-1234"}))
    elif name == "course_end":
        response = client.post(
            reverse("tracker:course_end", args=[world.course_a.pk]),
            {
                "end": (world.course_a.start - datetime.timedelta(days=1)).isoformat(),
                "end_reason": EndReason.objects.get(code="moved").pk,
            },
        )
    else:
        response = client.post(
            reverse("tracker:course_start", args=[world.citizen_a.pk]),
            {"unit": world.unit_a.pk, "legal_basis": sel85().pk, "start": today().isoformat()},
        )
    assert response.status_code == 400
    html = response.content.decode()
    assert escape(english) in html
    assert message not in html
    assert row_counts() == before
