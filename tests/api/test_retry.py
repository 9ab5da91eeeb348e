"""A client can retry safely: an identical measurement is 409 pointing to the first, an Idempotency-Key replays the
first answer, query parameters and page sizes outside their range are 400, dates are read the same way in bodies
and filters, and every message comes in the request's language."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from api.models import IdempotencyKey
from outcomes.models import Measurement
from tests.api.helpers import token_client
from tracker.models import AuditEntry, Citizen, Course, EndReason

WHO5 = {"happy": 4, "calm": 3, "active": 5, "rested": 2, "interest": 3}


def day(days_ago: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=days_ago)


def measurement_body(world, answers=WHO5, date=None) -> dict:
    return {
        "course": world.course_a.pk,
        "instrument": "who5",
        "date": (date or day(3)).isoformat(),
        "informer": "citizen",
        "answers": answers,
    }


# --- Duplicate measurements ----------------------------------------------------------------------------------------


def test_an_identical_measurement_is_409_and_points_to_the_first(api, sec_world):
    url = reverse("api:measurement-list")
    first = api.alice.post(url, measurement_body(sec_world), format="json")
    assert first.status_code == 201
    for _ in range(2):
        again = api.alice.post(url, measurement_body(sec_world), format="json")
        assert again.status_code == 409
        body = again.json()
        assert body["code"] == "duplicate_measurement"
        assert body["existing_id"] == first.json()["id"]
        assert body["existing_url"] == reverse("api:measurement-detail", args=[first.json()["id"]])
        assert str(first.json()["id"]) in body["message"]
    assert Measurement.objects.filter(course=sec_world.course_a, date=day(3)).count() == 1
    # the pointer works
    assert api.alice.get(body["existing_url"]).json()["answers"] == WHO5


def test_a_measurement_with_other_answers_or_another_date_is_not_a_duplicate(api, sec_world):
    url = reverse("api:measurement-list")
    assert api.alice.post(url, measurement_body(sec_world), format="json").status_code == 201
    other = {**WHO5, "happy": 0}
    assert api.alice.post(url, measurement_body(sec_world, answers=other), format="json").status_code == 201
    assert api.alice.post(url, measurement_body(sec_world, date=day(4)), format="json").status_code == 201
    assert Measurement.objects.filter(course=sec_world.course_a, date__gte=day(4)).count() == 3


def test_the_duplicate_answer_is_english_when_asked(sec_world):
    url = reverse("api:measurement-list")
    client = token_client(sec_world.alice, "en")
    client.post(url, measurement_body(sec_world), format="json")
    message = client.post(url, measurement_body(sec_world), format="json").json()["message"]
    assert message.startswith("The measurement already exists")


# --- Idempotency-Key -----------------------------------------------------------------------------------------------


def test_a_retried_post_with_an_idempotency_key_returns_the_first_result(api, sec_world):
    url = reverse("api:measurement-list")
    first = api.alice.post(url, measurement_body(sec_world), format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
    assert first.status_code == 201
    assert "Idempotent-Replayed" not in first
    last_audit = AuditEntry.objects.order_by("-pk").first().pk
    for _ in range(3):
        again = api.alice.post(url, measurement_body(sec_world), format="json", HTTP_IDEMPOTENCY_KEY="retry-1")
        assert again.status_code == 201
        assert again.json() == first.json()
        assert again["Idempotent-Replayed"] == "true"
    assert Measurement.objects.filter(course=sec_world.course_a, date=day(3)).count() == 1
    # a replay hands out citizen data again: logged as a read of that citizen
    replays = AuditEntry.objects.filter(pk__gt=last_audit)
    assert [(e.action, e.citizen_id, e.purpose) for e in replays] == [
        ("read", sec_world.citizen_a.pk, "api_measurements_replay")
    ] * 3


def test_a_citizen_create_retried_with_a_key_creates_one_citizen_and_one_course(api, sec_world):
    body = {"name": "Idempotent Ida", "unit": sec_world.unit_a.pk, "legal_basis": "sel-85", "start": "2025-01-06"}
    url = reverse("api:citizen-list")
    responses = [api.alice.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="ida-0001") for _ in range(2)]
    assert [r.status_code for r in responses] == [201, 201]
    assert responses[0].json() == responses[1].json()
    assert Citizen.objects.filter(name="Idempotent Ida").count() == 1
    assert Course.objects.filter(citizen__name="Idempotent Ida").count() == 1


def test_the_same_key_with_another_body_is_422_and_creates_nothing(api, sec_world):
    url = reverse("api:measurement-list")
    api.alice.post(url, measurement_body(sec_world), format="json", HTTP_IDEMPOTENCY_KEY="k-42")
    other = api.alice.post(
        url, measurement_body(sec_world, answers={**WHO5, "calm": 0}), format="json", HTTP_IDEMPOTENCY_KEY="k-42"
    )
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert Measurement.objects.filter(course=sec_world.course_a, date=day(3)).count() == 1


def test_a_failed_request_stores_no_key_so_the_corrected_retry_works(api, sec_world):
    url = reverse("api:measurement-list")
    bad = api.alice.post(
        url, measurement_body(sec_world, answers={**WHO5, "happy": 9}), format="json", HTTP_IDEMPOTENCY_KEY="k-7"
    )
    assert bad.status_code == 400
    assert not IdempotencyKey.objects.filter(key="k-7").exists()
    # the same key and body fail the same way (nothing was stored, so it is checked again) …
    again = api.alice.post(
        url, measurement_body(sec_world, answers={**WHO5, "happy": 9}), format="json", HTTP_IDEMPOTENCY_KEY="k-7"
    )
    assert again.status_code == 400
    # … and the corrected body goes through
    good = api.alice.post(url, measurement_body(sec_world), format="json", HTTP_IDEMPOTENCY_KEY="k-7")
    assert good.status_code == 201


def test_keys_belong_to_their_user(api, sec_world):
    url = reverse("api:measurement-list")
    api.alice.post(url, measurement_body(sec_world), format="json", HTTP_IDEMPOTENCY_KEY="shared-key")
    # bob may not see course A: his request with the same key is checked as his own, not replayed from alice's
    response = api.bob.post(url, measurement_body(sec_world), format="json", HTTP_IDEMPOTENCY_KEY="shared-key")
    assert response.status_code == 400
    assert "course" in response.json()["errors"]


@pytest.mark.parametrize("key", ["", "x" * 256, "æøå", "two words"])
def test_a_malformed_key_is_400(api, sec_world, key):
    url = reverse("api:measurement-list")
    response = api.alice.post(url, measurement_body(sec_world), format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["errors"]
    assert not Measurement.objects.filter(course=sec_world.course_a, date=day(3)).exists()


def test_old_keys_are_forgotten(api, sec_world):
    url = reverse("api:measurement-list")
    api.alice.post(url, measurement_body(sec_world), format="json", HTTP_IDEMPOTENCY_KEY="old")
    IdempotencyKey.objects.filter(key="old").update(created_at=timezone.now() - datetime.timedelta(hours=25))
    api.alice.post(url, measurement_body(sec_world, date=day(5)), format="json", HTTP_IDEMPOTENCY_KEY="new")
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]


# --- Query parameters ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["ja", "yes", "on", "2", "sand", "t"])
def test_an_unknown_boolean_is_400_showing_the_value(api, sec_world, value):
    for name in ("api:course-list", "api:goal-list"):
        response = api.alice.get(reverse(name), {"open": value})
        assert response.status_code == 400, (name, value)
        assert response.json()["errors"]["open"] == [
            f"Ugyldig værdi »{value}«: skriv true eller false (eller 1 eller 0)."
        ]


def test_open_true_and_1_filter_and_false_and_0_too(api, sec_world):
    url = reverse("api:course-list")
    Course.objects.filter(pk=sec_world.course_a.pk).update(end=day(1), end_reason=EndReason.objects.first())
    everything = api.alice.get(url).json()["count"]
    open_ids = {c["id"] for c in api.alice.get(url, {"open": "true"}).json()["results"]}
    assert open_ids == {c["id"] for c in api.alice.get(url, {"open": "1"}).json()["results"]}
    closed = api.alice.get(url, {"open": "0"}).json()["count"]
    assert api.alice.get(url, {"open": "false"}).json()["count"] == closed
    assert sec_world.course_a.pk not in open_ids
    assert closed >= 1 and len(open_ids) + closed == everything


@pytest.mark.parametrize("value", ["x", "1.5", "-3", "0"])
def test_an_id_that_is_no_id_is_400_showing_the_value(api, sec_world, value):
    response = api.alice.get(reverse("api:measurement-list"), {"course": value})
    assert response.status_code == 400
    assert f"»{value}«" in response.json()["errors"]["course"][0]


@pytest.mark.parametrize("value", ["0", "501", "-1", "abc", "10.5", ""])
def test_page_size_out_of_range_is_400(api, sec_world, value):
    response = api.alice.get(reverse("api:course-list"), {"page_size": value})
    assert response.status_code == 400
    assert "page_size" in response.json()["errors"]


def test_page_size_within_range_and_pages(api, sec_world):
    url = reverse("api:course-list")
    assert api.alice.get(url, {"page_size": "500"}).status_code == 200
    assert len(api.alice.get(url, {"page_size": "1"}).json()["results"]) == 1
    assert api.alice.get(url, {"page": "0"}).status_code == 400
    missing = api.alice.get(url, {"page": "999"})
    assert missing.status_code == 404
    assert missing.json()["message"] == "Siden 999 findes ikke."


# --- Dates ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y"])
def test_dates_are_read_the_same_way_in_bodies_and_filters(api, sec_world, fmt):
    date = day(6)
    response = api.alice.post(
        reverse("api:measurement-list"), {**measurement_body(sec_world), "date": date.strftime(fmt)}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["date"] == date.isoformat()
    found = api.alice.get(
        reverse("api:measurement-list"), {"date_from": date.strftime(fmt), "date_to": date.strftime(fmt)}
    ).json()
    assert [m["id"] for m in found["results"]] == [response.json()["id"]]


@pytest.mark.parametrize("value", ["2025-13-01", "31-02-2025", "12/31/2025", "i går"])
def test_a_bad_date_is_400_showing_the_value_in_body_and_filter(api, sec_world, value):
    url = reverse("api:measurement-list")
    body = api.alice.post(url, {**measurement_body(sec_world), "date": value}, format="json")
    assert body.status_code == 400
    query = api.alice.get(reverse("api:measurement-list"), {"date_from": value})
    assert query.status_code == 400
    assert body.json()["errors"]["date"] == query.json()["errors"]["date_from"]
    assert f"»{value}«" in body.json()["errors"]["date"][0]


# --- Every message in the request's language ------------------------------------------------------------------------


def bad_requests(world):
    m = reverse("api:measurement-list")
    return [
        ("post", m, {**measurement_body(world), "answers": {}}, {}),
        ("post", m, {**measurement_body(world), "date": "x"}, {}),
        ("post", m, {**measurement_body(world), "answers": {"happy": "x"}}, {}),
        ("post", m, {**measurement_body(world), "instrument": "nope"}, {}),
        ("post", m, {"course": "abc"}, {}),
        ("post", m, "{not json", {}),
        ("post", m, measurement_body(world), {"HTTP_IDEMPOTENCY_KEY": "æ"}),
        (
            "post",
            reverse("api:collaboration-list"),
            {"course": world.course_a.pk, "citizen_participated": "maybe", "kind": "meeting"},
            {},
        ),
        ("get", reverse("api:course-list"), {"open": "ja"}, {}),
        ("get", reverse("api:course-list"), {"page_size": "0"}, {}),
        ("get", reverse("api:course-list"), {"page": "99"}, {}),
        ("get", reverse("api:measurement-list"), {"course": "x", "date_from": "y"}, {}),
        ("get", reverse("api:measurement-detail", args=[999999]), None, {}),
        ("delete", reverse("api:measurement-detail", args=[world.measurement_a.pk]), None, {}),
    ]


def messages_of(body: dict) -> list[str]:
    out = [body["message"]]
    for field in sorted(body.get("errors", {})):
        out.extend(body["errors"][field])
    return out


def test_every_error_message_is_translated(sec_world):
    da, en = token_client(sec_world.alice, "da"), token_client(sec_world.alice, "en")
    for method, url, data, headers in bad_requests(sec_world):
        answers = []
        for client in (da, en):
            if data == "{not json":
                response = client.post(url, data=data, content_type="application/json", **headers)
            elif method == "post":
                response = client.post(url, data, format="json", **headers)
            else:
                response = getattr(client, method)(url, data, **headers)
            assert 400 <= response.status_code < 500, (url, data, response.status_code)
            answers.append(response.json())
        danish, english = (messages_of(a) for a in answers)
        assert answers[0]["code"] == answers[1]["code"]
        assert len(danish) == len(english) >= 1, (url, data)
        for d, e in zip(danish, english, strict=True):
            assert d != e, f"not translated for {url} {data}: {d!r}"
    assert Measurement.objects.count() == 1  # none of the bad requests stored anything


@pytest.mark.parametrize(
    ("name", "body"),
    [
        ("api:measurement-list", None),  # the loser waits for the course lock, then meets the winner's measurement
        ("api:citizen-list", {"name": "Race Rasmus", "legal_basis": "sel-85", "start": "2025-01-06"}),  # no check
    ],
)
def test_a_request_that_loses_the_race_for_its_key_is_undone_and_replays_the_winner(
    api, sec_world, monkeypatch, name, body
):
    """Two servers handle the same retry at once: both find no stored answer and go on; the loser either meets the
    winner's record (409 inside) or hits the key's unique constraint, rolls its own work back, and answers with the
    winner's result."""
    from api import selectors as api_selectors

    url = reverse(name)
    body = body and {**body, "unit": sec_world.unit_a.pk} or measurement_body(sec_world)
    first = api.alice.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="race")
    assert first.status_code == 201
    real_get = api_selectors.idempotency_get
    calls = []

    def blind_once(*, user, key):  # the loser's first look happens before the winner committed
        calls.append(key)
        return None if len(calls) == 1 else real_get(user=user, key=key)

    monkeypatch.setattr(api_selectors, "idempotency_get", blind_once)
    loser = api.alice.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="race")
    assert len(calls) >= 2
    assert loser.status_code == 201 and loser.json() == first.json() and loser["Idempotent-Replayed"] == "true"
    measurements = Measurement.objects.filter(course=sec_world.course_a, date=day(3))
    assert measurements.count() == (name == "api:measurement-list")
    assert Citizen.objects.filter(name="Race Rasmus").count() == (name == "api:citizen-list")


def test_model_serializer_dates_take_the_same_formats(api, sec_world):
    created = day(30)
    body = {
        "course": sec_world.course_a.pk,
        "text": "Dato på dansk",
        "life_domain": "network",
        "level_minus2": "a",
        "level_minus1": "b",
        "level_0": "c",
        "level_plus1": "d",
        "level_plus2": "e",
        "baseline_level": -1,
        "created_on": created.strftime("%d.%m.%Y"),
    }
    response = api.alice.post(reverse("api:goal-list"), body, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["created_on"] == created.isoformat()
    review = api.alice.post(
        reverse("api:goal-reviews", args=[response.json()["id"]]), {"date": "32.01.2025", "level": 0}, format="json"
    )
    assert review.status_code == 400 and "»32.01.2025«" in review.json()["errors"]["date"][0]
