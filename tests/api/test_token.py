"""The token page: a user makes, replaces and revokes their own API token; a revoked token no longer opens the API."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

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
    key = Token.objects.get(user=world.alice).key
    assert made.status_code == 200 and key in made.content.decode()
    assert api_status(key) == 200
    # Shown once: the page does not show the key again.
    assert key not in client.get(reverse("api:token")).content.decode()

    client.post(reverse("api:token"), {"action": "create"})
    new_key = Token.objects.get(user=world.alice).key
    assert new_key != key
    assert api_status(key) == 401 and api_status(new_key) == 200

    response = client.post(reverse("api:token"), {"action": "revoke"})
    assert response.status_code == 302
    assert not Token.objects.filter(user=world.alice).exists()
    assert api_status(new_key) == 401


def test_a_token_is_only_ones_own(client, world):
    client.force_login(world.bob)
    client.post(reverse("api:token"), {"action": "create"})
    client.force_login(world.alice)
    client.post(reverse("api:token"), {"action": "revoke"})
    assert Token.objects.filter(user=world.bob).exists()


def test_a_deactivated_users_token_stops_working(client, world):
    key = Token.objects.create(user=world.alice).key
    assert api_status(key) == 200
    world.alice.is_active = False
    world.alice.save()
    assert api_status(key) == 401


def test_the_token_page_needs_a_login(client, db):
    response = client.get(reverse("api:token"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
