"""Logging in: Argon2 password hashes, lockout after repeated failures, two-factor, session expiry."""

from __future__ import annotations

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import factories
from tests.security.conftest import add_device, login_verified, token_for, token_for_key
from tracker import settings as production_settings
from tracker.middleware import SessionKeepAliveMiddleware
from tracker.security_views import PENDING_KEY

LOCKED_TEXT = "Log ind er spærret"


def login(client, username: str, password: str, ip: str = "127.0.0.1"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


# --- Passwords ----------------------------------------------------------------------------------------------


def test_production_hashes_passwords_with_argon2(db):
    assert production_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    with override_settings(PASSWORD_HASHERS=production_settings.PASSWORD_HASHERS):
        user = get_user_model().objects.create_user("hasher", password="a-long-Passphrase-2026")
        assert user.password.startswith("argon2$argon2id$")
        assert user.check_password("a-long-Passphrase-2026")


def test_password_validators_refuse_short_and_common_passwords(db):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    for weak in ("kort", "password123", "1234567890"):
        with pytest.raises(ValidationError):
            validate_password(weak)


# --- Lockout (django-axes) ------------------------------------------------------------------------------------


def test_five_failed_logins_lock_the_username_from_that_address(client, world):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        assert login(client, "alice", "wrong-password-1").status_code == 200
    response = login(client, "alice", "wrong-password-1")  # the fifth
    assert response.status_code == 429
    assert LOCKED_TEXT in response.content.decode()
    # Now even the right password is refused, with the lockout page in Danish.
    response = login(client, "alice", factories.PASSWORD)
    assert response.status_code == 429
    html = response.content.decode()
    assert LOCKED_TEXT in html and "Prøv igen om 30 minutter." in html
    assert "_auth_user_id" not in client.session


def test_lockout_is_by_username_and_address_together(client, world):
    for _ in range(5):
        login(client, "alice", "wrong-password-1")
    assert login(client, "alice", factories.PASSWORD).status_code == 429
    # The same user from another PC, and another user from the same PC, can still log in.
    assert login(client, "alice", factories.PASSWORD, ip="10.1.2.3").status_code == 302
    client.logout()
    assert login(client, "bob", factories.PASSWORD).status_code == 302


def test_lockout_ends_after_the_cool_off(client, world):
    for _ in range(5):
        login(client, "alice", "wrong-password-1")
    assert login(client, "alice", factories.PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(1))
    assert login(client, "alice", factories.PASSWORD).status_code == 302


def test_a_successful_login_resets_the_count(client, world):
    for _ in range(4):
        login(client, "alice", "wrong-password-1")
    assert login(client, "alice", factories.PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        login(client, "alice", "wrong-password-1")
    assert login(client, "alice", factories.PASSWORD).status_code == 302


# --- Session expiry ---------------------------------------------------------------------------------------------


def test_session_ends_after_thirty_minutes_without_activity(client, world):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    login(client, "alice", factories.PASSWORD)
    assert client.get(reverse("tracker:citizen_list")).status_code == 200
    session = Session.objects.get(session_key=client.session.session_key)
    remaining = session.expire_date - timezone.now()
    assert datetime.timedelta(minutes=29) < remaining <= datetime.timedelta(minutes=30)

    # Within a minute of the last write, a request does not write the session again...
    before = Session.objects.get(pk=session.pk).expire_date
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("tracker:citizen_list")).status_code == 200
    assert not [q for q in ctx.captured_queries if "django_session" in q["sql"] and "UPDATE" in q["sql"]]
    assert Session.objects.get(pk=session.pk).expire_date == before

    # ...but once it is more than a minute old, activity moves the expiry: the session stays alive.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + datetime.timedelta(minutes=1))
    stale = client.session
    stale[SessionKeepAliveMiddleware.KEY] -= SessionKeepAliveMiddleware.REFRESH_SECONDS + 1
    stale.save()
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + datetime.timedelta(minutes=1))
    assert client.get(reverse("tracker:citizen_list")).status_code == 200
    assert Session.objects.get(pk=session.pk).expire_date - timezone.now() > datetime.timedelta(minutes=29)

    # Thirty minutes without a request: the session is gone, and the next page asks for a login.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
    response = client.get(reverse("tracker:citizen_list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


# --- Two-factor ------------------------------------------------------------------------------------------------


def test_login_asks_for_the_token_when_the_user_has_a_device(client, world):
    device = add_device(world.alice)
    response = client.post(
        reverse("login"), {"username": "alice", "password": factories.PASSWORD, "next": "/citizens/"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("security:otp_verify") + "?next=%2Fcitizens%2F"
    assert "Totrinsbekræftelse" in response.content.decode()
    # No page opens before the token.
    for url in (reverse("tracker:citizen_list"), reverse("tracker:citizen_detail", args=[world.citizen_a.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("security:otp_verify")), url
    # A wrong token is refused.
    response = client.post(reverse("security:otp_verify"), {"token": "000000", "next": "/citizens/"})
    assert response.status_code == 400
    assert "Koden passer ikke" in response.content.decode()
    assert client.get(reverse("tracker:citizen_list")).status_code == 302
    # django-otp throttles after a wrong token (1 s, doubling); the user waits that out.
    response = client.post(reverse("security:otp_verify"), {"token": token_for(device), "next": "/citizens/"})
    assert response.status_code == 400
    device.refresh_from_db()
    device.throttle_reset()
    # The right one opens the site, and goes on to where the user was going.
    response = client.post(reverse("security:otp_verify"), {"token": token_for(device), "next": "/citizens/"})
    assert response.status_code == 302 and response.url == "/citizens/"
    assert client.get(reverse("tracker:citizen_list")).status_code == 200


def test_a_token_cannot_be_used_twice(client, world):
    device = add_device(world.alice)
    token = token_for(device)
    client.force_login(world.alice)
    assert client.post(reverse("security:otp_verify"), {"token": token}).status_code == 302
    client.logout()
    client.force_login(world.alice)
    assert client.post(reverse("security:otp_verify"), {"token": token}).status_code == 400


def test_wrong_tokens_count_as_failed_logins(client, world):
    add_device(world.alice)
    client.force_login(world.alice)
    for _ in range(4):
        assert client.post(reverse("security:otp_verify"), {"token": "000000"}).status_code == 400
    response = client.post(reverse("security:otp_verify"), {"token": "000000"})
    assert response.status_code == 429
    assert LOCKED_TEXT in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert login(client, "alice", factories.PASSWORD).status_code == 429


def test_a_user_turns_two_factor_on_and_off_on_the_security_page(client, world):
    client.force_login(world.alice)
    response = client.get(reverse("security:overview"))
    assert response.status_code == 200
    assert "Totrinsbekræftelse er ikke slået til" in response.content.decode()

    response = client.get(reverse("security:otp_setup"))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'src="data:image/svg+xml;base64,' in html  # the QR code, drawn here; no request leaves the site
    assert not TOTPDevice.objects.filter(user=world.alice).exists()  # nothing stored before it is confirmed
    key = client.session[PENDING_KEY]

    assert client.post(reverse("security:otp_setup"), {"token": "000000"}).status_code == 400
    response = client.post(reverse("security:otp_setup"), {"token": token_for_key(key)})
    assert response.status_code == 302
    device = TOTPDevice.objects.get(user=world.alice)
    assert device.confirmed and device.key == key
    assert client.get(reverse("tracker:citizen_list")).status_code == 200  # verified in this session

    # Off again, with a current token as proof.
    assert client.post(reverse("security:otp_disable"), {"token": "000000"}).status_code == 400
    device.refresh_from_db()
    device.throttle_reset()  # the throttle after a wrong token, waited out
    response = client.post(reverse("security:otp_disable"), {"token": token_for(device, offset_steps=1)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=world.alice).exists()


def test_two_factor_is_mandatory_for_administrators(client, world):
    root = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(root)
    for url in (reverse("admin:index"), reverse("home"), reverse("security:overview")):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("security:otp_setup")), url
    response = client.get(reverse("security:otp_setup"))
    assert "Som administrator skal du bruge totrinsbekræftelse" in response.content.decode()
    key = client.session[PENDING_KEY]
    response = client.post(reverse("security:otp_setup"), {"token": token_for_key(key), "next": reverse("admin:index")})
    assert response.status_code == 302 and response.url == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200
    # Administrators cannot turn it off.
    device = TOTPDevice.objects.get(user=root)
    response = client.post(reverse("security:otp_disable"), {"token": token_for(device, offset_steps=1)})
    assert response.status_code == 403
    assert TOTPDevice.objects.filter(user=root).exists()


def test_an_administrator_with_a_device_must_enter_the_token_before_the_admin(client, world):
    root = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    device = add_device(root)
    client.force_login(root)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and response.url.startswith(reverse("security:otp_verify"))
    client.post(reverse("security:otp_verify"), {"token": token_for(device)})
    assert client.get(reverse("admin:index")).status_code == 200


def test_logout_and_language_work_before_the_token(client, world):
    add_device(world.alice)
    client.force_login(world.alice)
    assert client.post(reverse("set_language"), {"language": "en", "next": "/"}).status_code == 302
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_verified_login_helper_is_verified(client, world):
    login_verified(client, world.alice)
    assert client.get(reverse("tracker:citizen_list")).status_code == 200


def test_the_lockout_address_behind_the_load_balancer(rf):
    from tracker.security import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.7")
    assert client_ip(request) == "10.0.0.1"  # not behind a proxy: the header is anyone's to forge
    with override_settings(EFFEKTSPOR_PROXY_HOPS=1):
        # Behind our load balancer: the address it appended (the last), not what the client claimed before it.
        assert client_ip(request) == "192.0.2.7"
    with override_settings(EFFEKTSPOR_PROXY_HOPS=2):
        # Two proxies: the first one's entry is the client's; the one before it was the client's own claim.
        request = rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.7, 10.0.0.9")
        assert client_ip(request) == "192.0.2.7"
        # A request that did not pass both proxies (too few entries): the peer address, not the claim.
        assert client_ip(rf.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6")) == "10.0.0.1"


@pytest.mark.django_db
def test_spoofed_forwarded_addresses_do_not_escape_the_lockout(client, world, settings):
    """Behind one proxy, a client that writes a new X-Forwarded-For on every try is still one address."""
    settings.EFFEKTSPOR_PROXY_HOPS = 1
    url = reverse("login")
    statuses = []
    for n in range(12):
        response = client.post(
            url,
            {"username": "alice", "password": "wrong-password"},
            REMOTE_ADDR="10.0.0.1",
            # The client's claim first, then what our proxy appended: the client's real address.
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}, 198.51.100.7",
        )
        statuses.append(response.status_code)
    assert statuses.count(429) >= 12 - settings.AXES_FAILURE_LIMIT
