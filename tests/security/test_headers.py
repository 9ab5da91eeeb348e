"""Response headers and inline scripts.

Every 200 answer of the permission matrix goes through :func:`assert_safe_page`: the Content-Security-Policy and
the other security headers are there, and the page holds no inline script (a strict CSP would block it, and it is
where injected code hides). JSON data for charts is allowed: ``<script type="application/json">`` is not run.
"""

from __future__ import annotations

import re

from django.test import override_settings
from django.urls import reverse

SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.IGNORECASE)


def assert_safe_page(response, where: str) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    assert "script-src 'self'" in csp, (where, csp)
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp, (where, csp)
    assert "unsafe-eval" not in csp and "script-src 'self' 'unsafe-inline'" not in csp, (where, csp)
    assert response.headers.get("X-Frame-Options") == "DENY", where
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy") == "same-origin", where
    assert response.headers.get("Cross-Origin-Opener-Policy") == "same-origin", where
    if response.headers.get("Content-Type", "").startswith("text/html"):
        for attrs in SCRIPT_TAG.findall(response.content.decode()):
            ok = re.search(r"\bsrc\s*=", attrs) or re.search(r"""\btype\s*=\s*["']application/json["']""", attrs)
            assert ok, f"{where}: inline <script{attrs}>"


def test_inline_script_detector_catches_inline_scripts():
    class Fake:
        headers = {
            "Content-Security-Policy": "script-src 'self'; frame-ancestors 'none'; object-src 'none'",
            "X-Frame-Options": "DENY",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "same-origin",
            "Cross-Origin-Opener-Policy": "same-origin",
            "Content-Type": "text/html",
        }
        content = b'<script src="/static/a.js"></script><script type="application/json">{}</script><script>x</script>'

    try:
        assert_safe_page(Fake(), "fake")
    except AssertionError as exc:
        assert "inline <script>" in str(exc)
    else:
        raise AssertionError("an inline script went unnoticed")


def test_login_page_headers(client, db):
    assert_safe_page(client.get(reverse("login")), "login")


@override_settings(SECURE_HSTS_SECONDS=31536000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True, SECURE_HSTS_PRELOAD=True)
def test_hsts_over_https(client, db):
    response = client.get(reverse("login"), secure=True)
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_production_settings_turn_on_hsts_and_secure_cookies():
    """tracker/settings.py with EFFEKTSPOR_SECURE on (as in production; `check --deploy` runs in test_project)."""
    import os
    import subprocess
    import sys

    from django.conf import settings

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EFFEKTSPOR_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="tracker.settings",
        DJANGO_SECRET_KEY="x" * 60,
        EFFEKTSPOR_PSEUDONYM_KEY="p" * 64,
        EFFEKTSPOR_SECURE="1",
        EFFEKTSPOR_VAR_DIR="/tmp",
    )
    code = (
        "import django; django.setup(); from django.conf import settings as s; "
        "print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.X_FRAME_OPTIONS, s.SECURE_REFERRER_POLICY, s.SECURE_CONTENT_TYPE_NOSNIFF, s.SESSION_COOKIE_HTTPONLY)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.split() == ["31536000", "True", "True", "True", "DENY", "same-origin", "True", "True"], (
        result.stderr
    )
