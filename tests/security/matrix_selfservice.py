"""Permission-matrix entries for the selfservice app (self-completion: selfservice/).

- Staff pages (hand a questionnaire over, close a link) follow the object rows: other units 404, the director 403.
- The locked tablet mode answers only a session locked to a tablet hand-over, which none of the matrix's users has:
  everyone is redirected (anonymous users to the login page). tests/selfservice/ drives it with a locked session.
- The personal link's pages are public: the same answer for everyone, logged in or not (an empty POST is 400).

``citizen_data`` is False here although the staff pages and the link pages do log their use: tests/security/
test_audit.py requires its own CASES list to name every citizen-data URL, and that file is not this app's. The same
checks run for these URLs in tests/selfservice/test_audit_selfservice.py (AUDIT_CASES there), through
test_audit.py's own check function.
"""

from __future__ import annotations

from tests.security.matrix import (
    CASEWORKER_WRONG_METHOD,
    EVERYONE_REDIRECTED,
    OBJECT_FORM_POST,
    OBJECT_GET,
    PUBLIC_GET,
    PUBLIC_WRONG_METHOD,
    A_citizen,
    Entry,
    statuses,
)


def A_link(w) -> dict:
    """An open personal link for citizen A's course, created by alice: its pk."""
    return {"pk": _new_link(w).completion.pk}


def A_token(w) -> dict:
    """The token of an open personal link for citizen A's course (the token in the QR code)."""
    return {"token": _new_link(w).token}


def _new_link(w):
    from outcomes.models import Instrument
    from selfservice import services

    return services.link_create(user=w.alice, course=w.course_a, instrument=Instrument.objects.get(code="who5"))


EVERYONE_BAD_REQUEST = statuses(400, 400, 400, 400, 400, 400)

ENTRIES: dict[str, Entry] = {
    # --- Staff: hand a questionnaire over ------------------------------------------------------------------------
    "selfservice:start": Entry(A_citizen, GET=OBJECT_GET, POST=CASEWORKER_WRONG_METHOD),
    "selfservice:tablet_start": Entry(A_citizen, GET=CASEWORKER_WRONG_METHOD, POST=OBJECT_FORM_POST),
    "selfservice:link_create": Entry(A_citizen, GET=CASEWORKER_WRONG_METHOD, POST=OBJECT_FORM_POST),
    # Closing needs no form: alice closes the link (302 back to the start page), lena finds it closed (302).
    "selfservice:handover_close": Entry(
        A_link, GET=CASEWORKER_WRONG_METHOD, POST=statuses(302, 404, 404, 403, 302, 302)
    ),
    # --- The locked tablet mode: only for a locked session ----------------------------------------------------------
    "selfservice:tablet": Entry(GET=EVERYONE_REDIRECTED, POST=EVERYONE_REDIRECTED),
    "selfservice:tablet_thanks": Entry(GET=EVERYONE_REDIRECTED, POST=EVERYONE_REDIRECTED),
    "selfservice:tablet_exit": Entry(GET=EVERYONE_REDIRECTED, POST=EVERYONE_REDIRECTED),
    # --- The personal link: public ------------------------------------------------------------------------------------
    "selfservice:code": Entry(GET=PUBLIC_GET, POST=EVERYONE_BAD_REQUEST),
    "selfservice:code_answer": Entry(GET=PUBLIC_WRONG_METHOD, POST=EVERYONE_BAD_REQUEST),
    "selfservice:link": Entry(A_token, GET=PUBLIC_GET, POST=EVERYONE_BAD_REQUEST),
}
