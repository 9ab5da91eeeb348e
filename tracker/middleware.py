"""Language selection (Danish unless the user chose otherwise) and keeping active sessions alive."""

import time

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class DanishFirstLocaleMiddleware(LocaleMiddleware):
    """Like Django's LocaleMiddleware, but the browser's Accept-Language is ignored.

    Municipal PCs often run an English browser; the working language is still Danish. Only the language
    switch (the ``django_language`` cookie set by ``set_language``) changes it.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class SessionKeepAliveMiddleware:
    """Activity keeps a session alive, with one session write a minute instead of one per request.

    Sessions end after ``SESSION_COOKIE_AGE`` without activity (30 minutes). Django's
    ``SESSION_SAVE_EVERY_REQUEST`` moves the expiry by writing the session on every request — three queries on
    every page. Here a request that comes more than ``REFRESH_SECONDS`` after the last write marks the session
    modified, so it is saved with a new expiry: a session still ends between 29 and 30 minutes after the last
    request. Place after SessionMiddleware.
    """

    REFRESH_SECONDS = 60
    KEY = "_refreshed"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.session_key:
            now = int(time.time())
            if now - session.get(self.KEY, 0) > self.REFRESH_SECONDS:
                session[self.KEY] = now
        return self.get_response(request)


def session_refreshed_at_login(sender, request, user, **kwargs) -> None:
    """Logging in writes the session anyway: count it as the latest refresh (connected in TrackerConfig.ready)."""
    if request is not None and hasattr(request, "session"):
        request.session[SessionKeepAliveMiddleware.KEY] = int(time.time())


class NoStoreMiddleware:
    """``Cache-Control: no-store`` on every response that does not set its own caching.

    Pages, downloads and API answers with citizen data, exports and the page that shows an API key once must not
    be kept by a browser's cache (a shared municipal PC), a proxy or the "back" button. Rather than list those
    URLs (and forget the next one), every response is ``no-store`` unless its view chose a caching policy itself
    (a public page may). tests/security/test_headers.py checks every citizen-data URL of the permission matrix.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store"
        return response
