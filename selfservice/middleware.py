"""The locked tablet mode, checked on every request.

The locked mode's first guard needs no middleware: starting it logs the caseworker out, so every staff page
answers with the login page. This middleware is the second guard and makes the mode whole: while a session is
locked, every path outside the locked mode (the login page, the public pages, any typed address) is sent back to
the questionnaire. Only the locked mode's own pages, the language switch and static files answer.

To be listed in ``settings.MIDDLEWARE`` after ``SessionMiddleware`` and ``AuthenticationMiddleware``.
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

from selfservice.views import KIOSK_SESSION_KEY


class LockedTabletMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.get(KIOSK_SESSION_KEY) is not None:
            path = request.path_info
            allowed = (reverse("selfservice:tablet"), reverse("set_language"), settings.STATIC_URL)
            # The locked mode's own pages all live under the questionnaire's path.
            if not any(path.startswith(prefix if prefix.startswith("/") else "/" + prefix) for prefix in allowed):
                return redirect("selfservice:tablet")
        return self.get_response(request)
