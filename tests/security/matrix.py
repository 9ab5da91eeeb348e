"""Shared pieces of the permission matrix (tests/security/test_permission_matrix.py): the users, the expected
status rows and the URL-argument builders. Each app's entries live in a module of its own (matrix_<app>.py),
so that the matrix grows without one file being edited by every change."""

from __future__ import annotations

from dataclasses import dataclass, field

USERS = ("anonymous", "bob", "leader_b", "charlie", "alice", "lena")


def statuses(anonymous: int, bob: int, leader_b: int, charlie: int, alice: int, lena: int) -> dict[str, int]:
    return dict(zip(USERS, (anonymous, bob, leader_b, charlie, alice, lena), strict=True))


# Common rows. "Object" views take an id from unit A: other units get 404 (existence is private), the director
# 403 (no citizen-level data), anonymous users the login page.
OBJECT_GET = statuses(302, 404, 404, 403, 200, 200)
OBJECT_FORM_POST = statuses(302, 404, 404, 403, 400, 400)
# A caseworker page that does not accept the method: 405 whatever the id, so nothing is revealed by it.
CASEWORKER_WRONG_METHOD = statuses(302, 405, 405, 403, 405, 405)
# Caseworker pages without an id (lists, new records).
CASEWORKER_GET = statuses(302, 200, 200, 403, 200, 200)
CASEWORKER_FORM_POST = statuses(302, 400, 400, 403, 400, 400)
# The complete record (art. 15): only a leader of a unit where the citizen has a course.
RECORD_GET = statuses(302, 404, 404, 403, 404, 200)
ANY_LOGGED_IN_GET = statuses(302, 200, 200, 200, 200, 200)
ANY_LOGGED_IN_WRONG_METHOD = statuses(302, 405, 405, 405, 405, 405)
EVERYONE_REDIRECTED = statuses(302, 302, 302, 302, 302, 302)
NOT_CONFIGURED = statuses(404, 404, 404, 404, 404, 404)


@dataclass
class Entry:
    """One URL: how to build its arguments from the world, and the expected status per method and user."""

    kwargs: dict = field(default_factory=dict)
    GET: dict[str, int] | None = None
    POST: dict[str, int] | None = None
    # Whether the page shows or changes citizen data (tests/security/test_audit.py checks every such URL).
    citizen_data: bool = False


def A_citizen(w):
    return {"pk": w.citizen_a.pk}


def A_course(w):
    return {"pk": w.course_a.pk}


def publication(w, *steps: str) -> dict:
    """A publication by charlie about the municipality, taken through the given review steps (approved by a second
    director); its pk."""
    import datetime

    from figures.periods import resolve_period
    from outcomes.models import Instrument
    from publications import services as publication_services
    from publications.snapshot import FIGURE_KEYS

    today = datetime.date.today()
    p = publication_services.publication_create(
        user=w.charlie,
        title="Effekter",
        scope_unit=w.municipality,
        instruments=[Instrument.objects.get(code="who5")],
        period=resolve_period(f"y{today.year - 1}", today=today),
        figures=FIGURE_KEYS,
    )
    for step in steps:
        # Four eyes: charlie created it, so another director of the municipality approves it.
        user = _second_director(w) if step == "approve" else w.charlie
        p = getattr(publication_services, f"publication_{step}")(publication=p, user=user)
    return {"pk": p.pk}


def _second_director(w):
    from tests import factories

    user = factories.UserFactory(username="godkender")
    factories.DirectorScopeFactory(user=user, unit=w.municipality)
    return user


def published_slug(w) -> dict:
    from publications.models import Publication

    return {"slug": Publication.objects.get(**publication(w, "approve", "publish")).slug}


# Directors only: others 403, anonymous users the login page.
DIRECTOR_GET = statuses(302, 403, 403, 200, 403, 403)
DIRECTOR_WRONG_METHOD = statuses(302, 403, 403, 405, 403, 403)
DIRECTOR_STEP_POST = statuses(302, 403, 403, 302, 403, 403)
# Public pages: open to everyone, logged in or not.
PUBLIC_GET = statuses(200, 200, 200, 200, 200, 200)
PUBLIC_WRONG_METHOD = statuses(405, 405, 405, 405, 405, 405)
