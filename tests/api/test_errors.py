"""Errors are structured ({code, message, errors: {field: [messages]}}) and in the client's language."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework import serializers

from api.exceptions import flatten_errors
from tests.api.helpers import token_client

pytestmark = pytest.mark.django_db


def future_measurement(w) -> dict:
    return {
        "course": w.course_a.pk,
        "instrument": "who5",
        "date": (timezone.localdate() + datetime.timedelta(days=5)).isoformat(),
        "answers": {"happy": 2, "calm": 2, "active": 2, "rested": 2, "interest": 2},
    }


def test_a_service_error_is_danish_by_default(sec_world):
    response = token_client(sec_world.alice).post(
        reverse("api:measurement-list"), future_measurement(sec_world), format="json"
    )
    assert response.status_code == 400
    assert response.json() == {
        "code": "invalid",
        "message": "Ugyldige data.",
        "errors": {"date": ["Datoen må ikke ligge i fremtiden."]},
    }
    assert response.headers["Content-Language"] == "da"


def test_a_service_error_is_english_when_the_client_asks(sec_world):
    client = token_client(sec_world.alice, language="en-GB,en;q=0.9,da;q=0.5")
    response = client.post(reverse("api:measurement-list"), future_measurement(sec_world), format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"date": ["The date cannot be in the future."]}
    assert response.headers["Content-Language"] == "en"


def test_field_errors_of_the_serializer_follow_the_language_too(sec_world):
    da = token_client(sec_world.alice).post(reverse("api:goal-list"), {}, format="json").json()
    en = token_client(sec_world.alice, language="en").post(reverse("api:goal-list"), {}, format="json").json()
    assert da["errors"]["text"] == ["Dette felt er påkrævet."]
    assert en["errors"]["text"] == ["This field is required."]
    assert set(da["errors"]) == set(en["errors"]) >= {"course", "text", "life_domain", "created_on"}


def test_an_unsupported_language_falls_back_to_danish(sec_world):
    response = token_client(sec_world.alice, language="fr-FR,de;q=0.8").post(
        reverse("api:goal-list"), {}, format="json"
    )
    assert response.json()["errors"]["text"] == ["Dette felt er påkrævet."]


def test_the_api_language_does_not_leak_into_the_pages(client, sec_world):
    """The pages keep ignoring Accept-Language (tracker.middleware), before and after an English API call."""
    token_client(sec_world.alice, language="en").get(reverse("api:citizen-list"))
    client.force_login(sec_world.alice)
    html = client.get(reverse("tracker:citizen_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="da">' in html


def test_authentication_errors_are_in_the_client_language_too(db):
    from rest_framework.test import APIClient

    da = APIClient().get(reverse("api:citizen-list")).json()
    en = APIClient(HTTP_ACCEPT_LANGUAGE="en").get(reverse("api:citizen-list")).json()
    assert da["code"] == en["code"] == "not_authenticated"
    assert en["message"] == "Authentication credentials were not provided."
    assert da["message"] != en["message"]


def test_bad_json_is_a_parse_error(sec_world):
    response = token_client(sec_world.alice).post(
        reverse("api:goal-list"), data="{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_invalid_query_parameters_are_field_errors(sec_world):
    response = token_client(sec_world.alice).get(reverse("api:measurement-list"), {"course": "x", "date_from": "y"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"course", "date_from"}


def test_nested_errors_are_flattened_to_dotted_fields():
    detail = serializers.ValidationError(
        {"answers": {"happy": ["a"]}, "non_field_errors": ["b"], "items": [{}, {"x": ["c"]}]}
    ).detail
    assert flatten_errors(detail) == {"answers.happy": ["a"], "non_field_errors": ["b"], "items.1.x": ["c"]}


def test_strings_the_database_would_refuse_are_validation_errors(sec_world):
    """Found by the schemathesis test on PostgreSQL: a NUL byte in a code reached the database (500)."""
    client = token_client(sec_world.alice)
    body = {"course": sec_world.course_a.pk, "instrument": "who5\x00", "date": "2026-01-01", "answers": {"a": 1}}
    response = client.post(reverse("api:measurement-list"), body, format="json")
    assert response.status_code == 400 and "instrument" in response.json()["errors"]
    response = client.get(reverse("api:measurement-list"), {"instrument": "a\x00"})
    assert response.status_code == 400
    response = token_client(sec_world.lena).get(reverse("api:unit_figures"), {"unit": "²"})
    assert response.status_code == 400
