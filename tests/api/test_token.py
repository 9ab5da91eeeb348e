"""The token page: a user makes, replaces and revokes their own API token; a revoked token no longer opens the API."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from api.models import ApiKey, digest
from api.services import api_key_create
from tests.security.test_headers import assert_safe_page

pytestmark = pytest.mark.django_db


def api_status(key: str) -> int:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get(reverse("api:citizen-list")).status_code


def test_make_use_replace_and_revoke_a_token(client, world):
    client.force_login(world.alice)
    page = client.get(reverse("api:token"))
    assert page.status_code == 200
    assert_safe_page(page, "token page")
    assert "Du har ingen adgangsnøgle." in page.content.decode()

    made = client.post(reverse("api:token"), {"action": "create"})
    key = made.context["new_key"]
    assert made.status_code == 200 and key in made.content.decode()
    assert ApiKey.objects.get(user=world.alice).digest == digest(key)
    assert api_status(key) == 200
    # Shown once: the page does not show the key again.
    assert key not in client.get(reverse("api:token")).content.decode()

    new_key = client.post(reverse("api:token"), {"action": "create"}).context["new_key"]
    assert new_key != key
    assert api_status(key) == 401 and api_status(new_key) == 200

    response = client.post(reverse("api:token"), {"action": "revoke"})
    assert response.status_code == 302
    assert not ApiKey.objects.filter(user=world.alice).exists()
    assert api_status(new_key) == 401


def test_a_token_is_only_ones_own(client, world):
    client.force_login(world.bob)
    client.post(reverse("api:token"), {"action": "create"})
    client.force_login(world.alice)
    client.post(reverse("api:token"), {"action": "revoke"})
    assert ApiKey.objects.filter(user=world.bob).exists()


def test_a_deactivated_users_token_stops_working(client, world):
    _record, key = api_key_create(user=world.alice)
    assert api_status(key) == 200
    world.alice.is_active = False
    world.alice.save()
    assert api_status(key) == 401


def test_the_token_page_needs_a_login(client, db):
    response = client.get(reverse("api:token"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_only_a_digest_of_the_key_is_stored(world):
    from django.db import connection

    _record, key = api_key_create(user=world.alice)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiKey._meta.db_table}")
        stored = " ".join(str(value) for row in cursor.fetchall() for value in row)
    assert key not in stored and key[:8] in stored  # the prefix, to recognise it; never the key


def test_an_expired_key_is_refused_and_use_is_recorded(world):
    import datetime

    from django.utils import timezone

    record, key = api_key_create(user=world.alice)
    assert record.expires_at - timezone.now() > datetime.timedelta(days=179)
    assert api_status(key) == 200
    assert ApiKey.objects.get(pk=record.pk).last_used_at is not None
    ApiKey.objects.filter(pk=record.pk).update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    response = client.get(reverse("api:citizen-list"))
    assert response.status_code == 401
    assert "udløbet" in response.json()["message"]
