"""The permission matrix: every URL of the project, every kind of user, the status each must get.

The URLs come from the URL resolver itself, so a new URL without an entry in MATRIX fails
``test_every_url_is_in_the_matrix`` with its name. Object ids come from unit A (alice works there, lena leads it).

Users: anonymous; bob, a caseworker in unit B; leader_b, the leader of unit B; charlie, director of the whole
municipality; alice, caseworker in unit A; lena, leader of unit A. POST requests carry an empty form, so a view that
accepts them answers 400 to its rightful user (nothing is saved), and 404/403/302 to everyone else.

Django's admin is checked by rule (namespace ``admin``): nobody but a verified administrator gets past it.

Every 200 answer is also checked for the security headers and for inline scripts (tests/security/test_headers.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.security import (
    matrix_api,
    matrix_consent,
    matrix_exchange,
    matrix_imports,
    matrix_improvement,
    matrix_selfservice,
)
from tests.security.conftest import login_verified
from tests.security.matrix import (
    ANY_LOGGED_IN_GET,
    ANY_LOGGED_IN_WRONG_METHOD,
    CASEWORKER_FORM_POST,
    CASEWORKER_GET,
    CASEWORKER_WRONG_METHOD,
    DIRECTOR_GET,
    DIRECTOR_STEP_POST,
    DIRECTOR_WRONG_METHOD,
    EVERYONE_REDIRECTED,
    NOT_CONFIGURED,
    OBJECT_FORM_POST,
    OBJECT_GET,
    PUBLIC_GET,
    PUBLIC_WRONG_METHOD,
    USERS,
    A_citizen,
    A_course,
    Entry,
    publication,
    published_slug,
    statuses,
)
from tests.security.test_headers import assert_safe_page

MATRIX: dict[str, Entry] = {
    # --- Start, login, language -------------------------------------------------------------------------------
    "home": Entry(GET=EVERYONE_REDIRECTED, POST=EVERYONE_REDIRECTED),
    "login": Entry(GET=statuses(200, 302, 302, 302, 302, 302), POST=statuses(200, 302, 302, 302, 302, 302)),
    "logout": Entry(
        GET=statuses(405, 405, 405, 405, 405, 405), POST=EVERYONE_REDIRECTED
    ),  # Django logs out on POST only
    # Django's language switch: back to where the user came from (here: the start page), with the cookie set.
    "set_language": Entry(GET=EVERYONE_REDIRECTED, POST=EVERYONE_REDIRECTED),
    # --- Security: 'Sikkerhed', two-factor, single sign-on ----------------------------------------------------
    "security:overview": Entry(GET=ANY_LOGGED_IN_GET, POST=ANY_LOGGED_IN_WRONG_METHOD),
    "security:otp_setup": Entry(GET=ANY_LOGGED_IN_GET, POST=statuses(302, 400, 400, 400, 400, 400)),
    # Nobody here has a device: disabling has nothing to do, and GET is not accepted.
    "security:otp_disable": Entry(GET=ANY_LOGGED_IN_WRONG_METHOD, POST=EVERYONE_REDIRECTED),
    # Nobody here has a device: nothing to verify, so on to the start page.
    "security:otp_verify": Entry(GET=EVERYONE_REDIRECTED, POST=EVERYONE_REDIRECTED),
    # Single sign-on is not configured in the tests (tests/security/test_oidc.py turns it on).
    "security:oidc_login": Entry(GET=NOT_CONFIGURED, POST=NOT_CONFIGURED),
    "security:oidc_callback": Entry(GET=NOT_CONFIGURED, POST=NOT_CONFIGURED),
    # --- Citizens and courses (tracker) -------------------------------------------------------------------------
    "tracker:citizen_list": Entry(GET=CASEWORKER_GET, POST=CASEWORKER_WRONG_METHOD, citizen_data=True),
    "tracker:citizen_create": Entry(GET=CASEWORKER_GET, POST=CASEWORKER_FORM_POST, citizen_data=True),
    "tracker:citizen_detail": Entry(A_citizen, GET=OBJECT_GET, POST=CASEWORKER_WRONG_METHOD, citizen_data=True),
    "tracker:citizen_update": Entry(A_citizen, GET=OBJECT_GET, POST=OBJECT_FORM_POST, citizen_data=True),
    "tracker:citizen_cpr_reveal": Entry(
        A_citizen, GET=CASEWORKER_WRONG_METHOD, POST=statuses(302, 404, 404, 403, 200, 200), citizen_data=True
    ),
    "tracker:course_start": Entry(A_citizen, GET=OBJECT_GET, POST=OBJECT_FORM_POST, citizen_data=True),
    "tracker:course_end": Entry(A_course, GET=OBJECT_GET, POST=OBJECT_FORM_POST, citizen_data=True),
    "tracker:collaboration_create": Entry(A_course, GET=OBJECT_GET, POST=OBJECT_FORM_POST, citizen_data=True),
    "tracker:partner_list": Entry(GET=CASEWORKER_GET, POST=CASEWORKER_WRONG_METHOD),
    "tracker:partner_create": Entry(GET=CASEWORKER_GET, POST=CASEWORKER_FORM_POST),
    "tracker:no_role": Entry(GET=ANY_LOGGED_IN_GET, POST=ANY_LOGGED_IN_WRONG_METHOD),
    # The accessibility statement: public, the same for everyone.
    "tracker:accessibility": Entry(
        GET=statuses(200, 200, 200, 200, 200, 200), POST=statuses(405, 405, 405, 405, 405, 405)
    ),
    # --- Measurements and goals (outcomes) ----------------------------------------------------------------------
    "outcomes:measurement_create": Entry(
        lambda w: {"course_pk": w.course_a.pk, "code": "who5"},
        GET=OBJECT_GET,
        POST=OBJECT_FORM_POST,
        citizen_data=True,
    ),
    "outcomes:measurement_detail": Entry(
        lambda w: {"pk": w.measurement_a.pk}, GET=OBJECT_GET, POST=CASEWORKER_WRONG_METHOD, citizen_data=True
    ),
    "outcomes:goal_create": Entry(
        lambda w: {"course_pk": w.course_a.pk}, GET=OBJECT_GET, POST=OBJECT_FORM_POST, citizen_data=True
    ),
    "outcomes:goal_review_create": Entry(
        lambda w: {"pk": w.goal_a.pk}, GET=OBJECT_GET, POST=OBJECT_FORM_POST, citizen_data=True
    ),
    "outcomes:citizen_summary": Entry(A_citizen, GET=OBJECT_GET, POST=CASEWORKER_WRONG_METHOD, citizen_data=True),
    # --- Dashboards: aggregates for leaders and directors ------------------------------------------------------
    "dashboards:leader_home": Entry(
        GET=statuses(302, 403, 200, 403, 403, 200), POST=statuses(302, 403, 405, 403, 403, 405)
    ),
    "dashboards:unit_dashboard": Entry(
        GET=statuses(302, 403, 200, 403, 403, 200), POST=statuses(302, 403, 405, 403, 403, 405)
    ),
    "dashboards:unit_report": Entry(
        GET=statuses(302, 403, 200, 403, 403, 200), POST=statuses(302, 403, 405, 403, 403, 405)
    ),
    "dashboards:director_home": Entry(
        GET=statuses(302, 403, 403, 200, 403, 403), POST=statuses(302, 403, 403, 405, 403, 403)
    ),
    # --- Publications: the director's review and the public effect pages with open data ----------------------
    "publications:publication_list": Entry(GET=DIRECTOR_GET, POST=DIRECTOR_WRONG_METHOD),
    "publications:publication_create": Entry(GET=DIRECTOR_GET, POST=statuses(302, 403, 403, 400, 403, 403)),
    "publications:publication_detail": Entry(publication, GET=DIRECTOR_GET, POST=DIRECTOR_WRONG_METHOD),
    "publications:publication_approve": Entry(publication, GET=DIRECTOR_WRONG_METHOD, POST=DIRECTOR_STEP_POST),
    # Discarding a draft: charlie (who may also approve) is sent back to the list; nobody else gets near it.
    "publications:publication_discard": Entry(publication, GET=DIRECTOR_WRONG_METHOD, POST=DIRECTOR_STEP_POST),
    "publications:publication_publish": Entry(
        lambda w: publication(w, "approve"), GET=DIRECTOR_WRONG_METHOD, POST=DIRECTOR_STEP_POST
    ),
    "publications:publication_unpublish": Entry(
        lambda w: publication(w, "approve", "publish"), GET=DIRECTOR_WRONG_METHOD, POST=DIRECTOR_STEP_POST
    ),
    "publications:public_list": Entry(GET=PUBLIC_GET, POST=PUBLIC_WRONG_METHOD),
    "publications:data_dictionary": Entry(GET=PUBLIC_GET, POST=PUBLIC_WRONG_METHOD),
    "dashboards:methods": Entry(GET=PUBLIC_GET, POST=PUBLIC_WRONG_METHOD),
    "publications:data_dictionary_json": Entry(GET=PUBLIC_GET, POST=PUBLIC_WRONG_METHOD),
    "publications:public_detail": Entry(published_slug, GET=PUBLIC_GET, POST=PUBLIC_WRONG_METHOD),
    "publications:public_csv": Entry(published_slug, GET=PUBLIC_GET, POST=PUBLIC_WRONG_METHOD),
    "publications:public_json": Entry(published_slug, GET=PUBLIC_GET, POST=PUBLIC_WRONG_METHOD),
}
# Each later app keeps its entries in a module of its own.
for _module in (matrix_selfservice, matrix_api, matrix_imports, matrix_exchange, matrix_consent, matrix_improvement):
    assert not set(_module.ENTRIES) & set(MATRIX), _module.__name__
    MATRIX.update(_module.ENTRIES)

# Grouped by rule rather than listed: Django's admin (every URL under the 'admin' namespace).
RULE_NAMESPACES = ("admin",)


@dataclass(frozen=True)
class Route:
    name: str | None
    route: str
    pattern: URLPattern
    namespace: str | None


def all_routes(resolver: URLResolver | None = None, prefix: str = "", namespace: str | None = None) -> list[Route]:
    """Every URL pattern of the project, recursively, with its full name ('namespace:name')."""
    resolver = resolver or get_resolver()
    routes = []
    for item in resolver.url_patterns:
        if isinstance(item, URLResolver):
            inner = ":".join(part for part in (namespace, item.namespace) if part) or None
            routes.extend(all_routes(item, prefix + str(item.pattern), inner))
        else:
            name = f"{namespace}:{item.name}" if namespace and item.name else item.name
            routes.append(Route(name, prefix + str(item.pattern), item, namespace))
    return routes


def by_rule(route: Route) -> bool:
    return bool(route.namespace) and route.namespace.split(":")[0] in RULE_NAMESPACES


def accepts(route: Route, method: str) -> bool:
    view_class = getattr(route.pattern.callback, "view_class", None)
    if view_class is None:  # a function view: assume it answers every method
        return True
    allowed = getattr(view_class, "http_method_names", ())
    return method.lower() in allowed and hasattr(view_class, method.lower())


def test_every_url_is_in_the_matrix():
    missing, unnamed = [], []
    for route in all_routes():
        if by_rule(route):
            continue
        if route.name is None:
            unnamed.append(route.route)
        elif route.name not in MATRIX:
            missing.append(route.name)
    assert not unnamed, f"URL patterns without a name: {unnamed} — name them and add them to the matrix"
    assert not missing, f"URLs missing from the permission matrix: {missing} — add it to the matrix (MATRIX)"


def test_the_matrix_has_no_stale_entries_and_covers_every_accepted_method():
    names = {route.name for route in all_routes() if not by_rule(route)}
    assert set(MATRIX) <= names, f"entries for URLs that no longer exist: {sorted(set(MATRIX) - names)}"
    for route in all_routes():
        if by_rule(route) or route.name not in MATRIX:
            continue
        entry = MATRIX[route.name]
        assert entry.GET is not None, f"{route.name}: give the expected GET statuses"
        if accepts(route, "post"):
            assert entry.POST is not None, f"{route.name} accepts POST: give the expected POST statuses"


def client_as(client, world, who: str):
    client.logout()
    if who != "anonymous":
        client.force_login(getattr(world, who))
    return client


def matrix_cases():
    for name, entry in MATRIX.items():
        for method in ("GET", "POST"):
            if getattr(entry, method) is not None:
                yield pytest.param(name, method, id=f"{name}-{method}")


@pytest.mark.parametrize(("name", "method"), list(matrix_cases()))
def test_permission_matrix(client, sec_world, name, method):
    entry = MATRIX[name]
    url = reverse(name, kwargs=entry.kwargs(sec_world) if callable(entry.kwargs) else entry.kwargs)
    got = {}
    for who in USERS:
        client_as(client, sec_world, who)
        response = client.get(url) if method == "GET" else client.post(url, {})
        got[who] = response.status_code
        if response.status_code == 302 and who == "anonymous" and name != "set_language":
            assert response.url.startswith(reverse("login")), (name, method, response.url)
        if response.status_code == 200:
            assert_safe_page(response, f"{name} {method} as {who}")
    assert got == getattr(entry, method), f"{method} {url}"


# --- Django's admin, by rule ----------------------------------------------------------------------------------

ADMIN_KWARGS = {
    "app_label": "tracker",
    "object_id": "1",
    "content_type_id": "1",
    "id": "1",
    "url": "x",
}


def admin_url(route: Route) -> str | None:
    """The route with sample arguments (enough to reach the admin's permission check), or None if it has none."""
    pattern = route.pattern.pattern
    names = list(getattr(pattern, "converters", {}) or {}) or list(pattern.regex.groupindex)
    kwargs = {key: ADMIN_KWARGS[key] for key in names if key in ADMIN_KWARGS}
    if len(kwargs) != len(names) or route.name is None:
        return None
    return reverse(route.name, kwargs=kwargs)


def admin_urls() -> list[str]:
    urls = [admin_url(route) for route in all_routes() if by_rule(route)]
    return sorted({url for url in urls if url})


def test_admin_is_closed_to_everyone_but_administrators(client, sec_world):
    urls = admin_urls()
    assert len(urls) > 30  # every model's pages, not a handful
    for who in USERS:
        client_as(client, sec_world, who)
        for url in urls:
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                assert response.status_code in (302, 403, 405), (who, method, url, response.status_code)
                if response.status_code == 302:
                    # To a login page; logging out of an admin one never entered leads back to its front door.
                    front_door = url == reverse("admin:logout") and response.url == reverse("admin:index")
                    login = re.match(rf"^({reverse('admin:login')}|{reverse('login')})", response.url)
                    assert login or front_door, (who, method, url, response.url)


def test_admin_staff_without_superuser_status_is_refused(client, sec_world):
    sec_world.alice.is_staff = True
    sec_world.alice.save()
    client.force_login(sec_world.alice)
    response = client.get(reverse("admin:index"), follow=True)
    assert response.status_code == 403


def test_admin_opens_for_a_verified_administrator(client, sec_world):
    login_verified(client, sec_world.root)
    for url in (
        reverse("admin:index"),
        reverse("admin:tracker_citizen_changelist"),
        reverse("admin:tracker_auditentry_changelist"),
        reverse("admin:outcomes_measurement_changelist"),
        reverse("admin:tracker_organisationunit_changelist"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert_safe_page(response, url)


def test_admin_sends_an_administrator_without_a_device_to_set_one_up(client, sec_world):
    client.force_login(sec_world.root)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("security:otp_setup"))
