"""No response with citizen data, no export and no key page is kept by a cache: ``Cache-Control: no-store``.

The URLs come from the permission matrix (every app's entries), so a new citizen-data URL is checked the day it is
added: every entry marked ``citizen_data``, the API (which answers with citizen data to a session as to a key), and
the page that shows a new API key once — requested by every kind of user, whatever the answer (a 404 or a redirect
is not cached either).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.security.matrix import USERS
from tests.security.test_permission_matrix import MATRIX, client_as

KEY_PAGES = {"api:token"}


def no_store_cases():
    for name, entry in MATRIX.items():
        if entry.citizen_data or name.startswith("api:") or name in KEY_PAGES:
            for method in ("GET", "POST"):
                if getattr(entry, method) is not None:
                    yield pytest.param(name, method, id=f"{name}-{method}")


def test_the_list_is_not_empty_and_holds_the_citizen_pages():
    names = {case.values[0] for case in no_store_cases()}
    assert {
        "tracker:citizen_detail",
        "tracker:citizen_list",
        "tracker:access_request_record_json",
        "api:token",
    } <= names
    assert len(names) >= 40


@pytest.mark.parametrize(("name", "method"), list(no_store_cases()))
def test_every_citizen_data_url_is_never_cached(client, sec_world, name, method):
    entry = MATRIX[name]
    url = reverse(name, kwargs=entry.kwargs(sec_world) if callable(entry.kwargs) else entry.kwargs)
    for who in USERS:
        client_as(client, sec_world, who)
        response = client.get(url) if method == "GET" else client.post(url, {})
        assert "no-store" in response.get("Cache-Control", ""), (name, method, who, response.status_code)


def test_a_view_that_chooses_its_own_caching_keeps_it(client, sec_world):
    """The public effect pages may set their own policy; the middleware only fills in where nothing was chosen."""
    from django.http import HttpResponse
    from django.test import RequestFactory

    from tracker.middleware import NoStoreMiddleware

    def public(request):
        response = HttpResponse("ok")
        response["Cache-Control"] = "public, max-age=300"
        return response

    assert NoStoreMiddleware(public)(RequestFactory().get("/"))["Cache-Control"] == "public, max-age=300"
    assert NoStoreMiddleware(lambda r: HttpResponse("x"))(RequestFactory().get("/"))["Cache-Control"] == "no-store"
