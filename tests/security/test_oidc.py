"""Single sign-on through OpenID Connect, against a stub provider: no network.

The provider's token, userinfo and JWKS endpoints are replaced by functions answering as a real provider would:
the ID token is a real RS256 JWT, signed with an RSA key made for the test and published in the stub JWKS.
"""

from __future__ import annotations

import time
from types import SimpleNamespace
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.contrib.auth import get_user_model
from django.test import override_settings
from django.urls import reverse
from jwt.algorithms import RSAAlgorithm

from tracker.models import AuditEntry

ISSUER = "https://login.kommune.example"
CLIENT_ID = "effektspor"
OIDC = {
    "EFFEKTSPOR_OIDC_ENABLED": True,
    "OIDC_RP_CLIENT_ID": CLIENT_ID,
    "OIDC_RP_CLIENT_SECRET": "client-secret",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{ISSUER}/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": f"{ISSUER}/token",
    "OIDC_OP_USER_ENDPOINT": f"{ISSUER}/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": f"{ISSUER}/jwks",
    "EFFEKTSPOR_OIDC_OP_ISSUER": ISSUER,
}


class StubProvider:
    """Answers the three back-channel requests of the code flow; records them."""

    def __init__(self, claims: dict, *, signing_key=None, audience: str = CLIENT_ID):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.signing_key = signing_key or self.key
        self.claims = claims
        self.audience = audience
        self.nonce = None
        self.calls: list[str] = []

    def jwks(self) -> dict:
        public = RSAAlgorithm.to_jwk(self.key.public_key(), as_dict=True)
        return {"keys": [{**public, "kid": "test-key", "alg": "RS256", "use": "sig"}]}

    def id_token(self) -> str:
        now = int(time.time())
        payload = {
            "iss": ISSUER,
            "sub": "sub-123",
            "aud": self.audience,
            "iat": now,
            "exp": now + 300,
            "nonce": self.nonce,
        }
        return jwt.encode(payload, self.signing_key, algorithm="RS256", headers={"kid": "test-key"})

    def response(self, body: dict, status: int = 200):
        return SimpleNamespace(
            status_code=status, json=lambda: body, headers={"content-type": "application/json"}, url="", text=""
        )

    def post(self, url, data=None, **kwargs):
        self.calls.append(url)
        assert url == OIDC["OIDC_OP_TOKEN_ENDPOINT"]
        assert data["code"] == "the-code" and data["client_secret"] == "client-secret"
        assert data.get("code_verifier")  # PKCE
        return self.response({"id_token": self.id_token(), "access_token": "access-token", "token_type": "Bearer"})

    def get(self, url, headers=None, **kwargs):
        self.calls.append(url)
        if url == OIDC["OIDC_OP_JWKS_ENDPOINT"]:
            return SimpleNamespace(json=self.jwks, raise_for_status=lambda: None)
        assert url == OIDC["OIDC_OP_USER_ENDPOINT"]
        assert headers == {"Authorization": "Bearer access-token"}
        return SimpleNamespace(
            json=lambda: {"sub": "sub-123", **self.claims},
            raise_for_status=lambda: None,
            headers={"content-type": "application/json"},
        )


def sso_login(client, provider: StubProvider, next_url: str = ""):
    """Start the flow, let the provider 'log the user in', and come back with a code."""
    start = reverse("security:oidc_login") + (f"?next={next_url}" if next_url else "")
    response = client.get(start)
    assert response.status_code == 302
    location = urlsplit(response.url)
    assert f"{location.scheme}://{location.netloc}{location.path}" == OIDC["OIDC_OP_AUTHORIZATION_ENDPOINT"]
    query = parse_qs(location.query)
    assert query["client_id"] == [CLIENT_ID] and query["response_type"] == ["code"]
    assert query["code_challenge_method"] == ["S256"]
    provider.nonce = query["nonce"][0]
    with (
        mock.patch("mozilla_django_oidc.auth.requests.post", provider.post),
        mock.patch("mozilla_django_oidc.auth.requests.get", provider.get),
    ):
        return client.get(reverse("security:oidc_callback"), {"code": "the-code", "state": query["state"][0]})


@pytest.fixture
def oidc():
    with override_settings(**OIDC):
        yield


def test_single_sign_on_is_off_unless_configured(client, db):
    assert client.get(reverse("security:oidc_login")).status_code == 404
    assert client.get(reverse("security:oidc_callback"), {"code": "x", "state": "y"}).status_code == 404
    assert "single sign-on" not in client.get(reverse("login")).content.decode()


def test_login_page_offers_single_sign_on_when_configured(client, db, oidc):
    assert reverse("security:oidc_login") in client.get(reverse("login")).content.decode()


def test_existing_user_logs_in_by_username(client, world, oidc):
    provider = StubProvider({"preferred_username": "ALICE", "email": "someone@kommune.example"})
    response = sso_login(client, provider, next_url="/citizens/")
    assert response.status_code == 302 and response.url == "/citizens/"
    assert client.session["_auth_user_id"] == str(world.alice.pk)
    assert provider.calls == [
        OIDC["OIDC_OP_TOKEN_ENDPOINT"],
        OIDC["OIDC_OP_JWKS_ENDPOINT"],
        OIDC["OIDC_OP_USER_ENDPOINT"],
    ]
    assert client.get(reverse("tracker:citizen_list")).status_code == 200


def test_existing_user_logs_in_by_email(client, world, oidc):
    world.lena.email = "lena@kommune.example"
    world.lena.save()
    response = sso_login(client, StubProvider({"email": "Lena@Kommune.example"}))
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.lena.pk)


def test_unknown_user_is_not_created_and_gets_no_role(client, world, oidc):
    users = get_user_model().objects.count()
    response = sso_login(client, StubProvider({"preferred_username": "stranger", "email": "x@kommune.example"}))
    assert response.status_code == 302 and response.url == reverse("login")
    assert "_auth_user_id" not in client.session
    assert get_user_model().objects.count() == users
    assert "mislykkedes" in client.get(reverse("login")).content.decode()


def test_inactive_user_cannot_log_in(client, world, oidc):
    world.alice.is_active = False
    world.alice.save()
    sso_login(client, StubProvider({"preferred_username": "alice"}))
    assert "_auth_user_id" not in client.session


def test_token_signed_with_another_key_is_refused(client, world, oidc):
    forged = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    response = sso_login(client, StubProvider({"preferred_username": "alice"}, signing_key=forged))
    assert response.status_code == 400  # SuspiciousOperation: JWS token verification failed
    assert "_auth_user_id" not in client.session


def test_token_for_another_client_is_refused(client, world, oidc):
    response = sso_login(client, StubProvider({"preferred_username": "alice"}, audience="another-app"))
    assert response.status_code == 400  # SuspiciousOperation: ID token audience mismatch
    assert "_auth_user_id" not in client.session


def test_a_replayed_state_is_refused(client, world, oidc):
    provider = StubProvider({"preferred_username": "alice"})
    response = client.get(reverse("security:oidc_login"))
    state = parse_qs(urlsplit(response.url).query)["state"][0]
    with mock.patch("mozilla_django_oidc.auth.requests.post", provider.post):
        response = client.get(reverse("security:oidc_callback"), {"code": "the-code", "state": "not-" + state})
    assert response.status_code == 400
    assert "_auth_user_id" not in client.session


def test_single_sign_on_users_with_a_device_still_enter_the_token(client, world, oidc):
    from tests.security.conftest import add_device

    add_device(world.alice)
    sso_login(client, StubProvider({"preferred_username": "alice"}))
    response = client.get(reverse("tracker:citizen_list"))
    assert response.status_code == 302 and response.url.startswith(reverse("security:otp_verify"))
    assert not AuditEntry.objects.exists()


def test_failed_single_sign_on_does_not_lock_anyone_out(client, world, oidc):
    """The provider has its own lockout; unknown users coming back from it must not lock out the office's IP."""
    for _ in range(6):
        sso_login(client, StubProvider({"preferred_username": "stranger"}))
    response = sso_login(client, StubProvider({"preferred_username": "alice"}))
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.alice.pk)
    client.logout()
    # Password logins are counted as before.
    for _ in range(5):
        client.post(reverse("login"), {"username": "bob", "password": "wrong-password-1"})
    assert client.post(reverse("login"), {"username": "bob", "password": "wrong-password-1"}).status_code == 429
