"""Permission-matrix entries for the citizen's record across units: consent to sharing, the right of access (a
request registered first), and corrections of measurements, goals, reviews and collaborations.

- Consents are recorded and withdrawn by the staff of the citizen's own unit (A): another unit gets 404 (the
  citizen's existence is private there), the director 403, anonymous users the login page.
- A request for access is registered, and the record produced, only by a leader of the unit that received it
  (lena): the caseworker alice and every other user get 404 (403 for the director), exactly as for the record.
"""

from __future__ import annotations

import datetime

from tests.security.matrix import (
    CASEWORKER_WRONG_METHOD,
    OBJECT_FORM_POST,
    OBJECT_GET,
    RECORD_GET,
    A_citizen,
    Entry,
    statuses,
)

# Only a leader of the citizen's unit (lena); an empty form is 400 for her.
LEADER_OF_UNIT_GET = RECORD_GET
LEADER_OF_UNIT_FORM_POST = statuses(302, 404, 404, 403, 404, 400)
# A POST-only action that redirects back for the unit's own staff.
OBJECT_ACTION_POST = statuses(302, 404, 404, 403, 302, 302)


def a_request(w) -> dict:
    """A request for access to citizen A's record, registered by lena in unit A."""
    from django.utils import timezone

    from tracker import services

    request = services.access_request_register(
        user=w.lena, citizen=w.citizen_a, unit=w.unit_a, received_on=timezone.localdate(), delivery="in_person"
    )
    return {"pk": request.pk}


def a_consent(w) -> dict:
    """Citizen A's consent that unit A may see unit B's measurements and goals."""
    from django.utils import timezone

    from tracker import services

    consent = services.consent_record(
        user=w.alice,
        citizen=w.citizen_a,
        to_unit=w.unit_a,
        from_units=[w.unit_b],
        given_on=timezone.localdate() - datetime.timedelta(days=1),
    )
    return {"pk": consent.pk}


ENTRIES: dict[str, Entry] = {
    "tracker:access_request_create": Entry(
        A_citizen, GET=LEADER_OF_UNIT_GET, POST=LEADER_OF_UNIT_FORM_POST, citizen_data=True
    ),
    "tracker:access_request_record": Entry(a_request, GET=RECORD_GET, POST=CASEWORKER_WRONG_METHOD, citizen_data=True),
    "tracker:access_request_record_json": Entry(
        a_request, GET=RECORD_GET, POST=CASEWORKER_WRONG_METHOD, citizen_data=True
    ),
    "tracker:consent_list": Entry(A_citizen, GET=OBJECT_GET, POST=OBJECT_FORM_POST, citizen_data=True),
    "tracker:consent_withdraw": Entry(
        a_consent, GET=CASEWORKER_WRONG_METHOD, POST=OBJECT_ACTION_POST, citizen_data=True
    ),
}


def _consent_post(w) -> dict:
    from django.utils import timezone

    return {
        "to_unit": w.unit_a.pk,
        "from_units": [w.unit_b.pk],
        "share_measurements": "on",
        "share_goals": "on",
        "form": "written",
        "given_on": timezone.localdate().isoformat(),
    }


def _request_post(w) -> dict:
    from django.utils import timezone

    return {"unit": w.unit_a.pk, "received_on": timezone.localdate().isoformat(), "delivery": "digital_post"}


# The audit cases (tests/security/test_audit.py's Case fields): each use writes exactly one entry.
AUDIT_CASES: list[dict] = [
    {
        "name": "tracker:access_request_create",
        "method": "GET",
        "user": "lena",
        "kwargs": A_citizen,
        "purpose": "access_request_form",
    },
    {
        "name": "tracker:access_request_create",
        "method": "POST",
        "user": "lena",
        "kwargs": A_citizen,
        "data": _request_post,
        "action": "create",
        "purpose": "access_request",
        "expected_status": (302,),
    },
    {
        "name": "tracker:access_request_record",
        "method": "GET",
        "user": "lena",
        "kwargs": a_request,
        "action": "export",
        "purpose": "citizen_record",
    },
    {
        "name": "tracker:access_request_record_json",
        "method": "GET",
        "user": "lena",
        "kwargs": a_request,
        "action": "export",
        "purpose": "citizen_record_json",
    },
    {"name": "tracker:consent_list", "method": "GET", "user": "alice", "kwargs": A_citizen, "purpose": "consent_form"},
    {
        "name": "tracker:consent_list",
        "method": "POST",
        "user": "alice",
        "kwargs": A_citizen,
        "data": _consent_post,
        "action": "create",
        "purpose": "consent",
        "expected_status": (302,),
    },
    {
        "name": "tracker:consent_withdraw",
        "method": "POST",
        "user": "alice",
        "kwargs": a_consent,
        "action": "change",
        "purpose": "consent_withdrawn",
        "expected_status": (302,),
    },
]
