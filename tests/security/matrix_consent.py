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


# --- Corrections ------------------------------------------------------------------------------------------------


def a_measurement(w) -> dict:
    return {"pk": w.measurement_a.pk}


def a_goal(w) -> dict:
    return {"pk": w.goal_a.pk}


def a_review(w) -> dict:
    return {"pk": w.goal_a.reviews.first().pk}


def a_collaboration(w) -> dict:
    """A collaboration around citizen A's course, logged by alice."""
    from django.utils import timezone

    from tracker import services
    from tracker.models import CollaborationKind, Partner, Sector

    partner, _created = Partner.objects.get_or_create(name="Jobcenter", sector=Sector.objects.get(code="jobcenter"))
    collab = services.collaboration_record(
        user=w.alice,
        course=w.course_a,
        partner=partner,
        kind=CollaborationKind.objects.get(code="meeting"),
        date=timezone.localdate(),
        initiated_by="unit",
        note="A-COLLAB-NOTE",
    )
    return {"pk": collab.pk}


for _name, _kwargs in (
    ("outcomes:measurement_update", a_measurement),
    ("outcomes:measurement_delete", a_measurement),
    ("outcomes:goal_update", a_goal),
    ("outcomes:goal_delete", a_goal),
    ("outcomes:goal_review_update", a_review),
    ("outcomes:goal_review_delete", a_review),
    ("tracker:collaboration_update", a_collaboration),
    ("tracker:collaboration_delete", a_collaboration),
):
    ENTRIES[_name] = Entry(_kwargs, GET=OBJECT_GET, POST=OBJECT_FORM_POST, citizen_data=True)


def _measurement_edit(w) -> dict:
    from django.utils import timezone

    from outcomes.models import Instrument

    items = Instrument.objects.get(code="who5").items.values_list("link_id", flat=True)
    return {
        "date": (timezone.localdate() - datetime.timedelta(days=10)).isoformat(),
        "informer": "citizen",
        "reason": "Forkert svar på spørgsmål 1",
        **{f"item_{link}": "4" for link in items},
    }


def _goal_edit(w) -> dict:
    g = w.goal_a
    return {
        "text": "Et rettet mål",
        "life_domain": g.life_domain_id,
        "level_minus2": "a",
        "level_minus1": "b",
        "level_0": "c",
        "level_plus1": "d",
        "level_plus2": "e",
        "baseline_level": "-1",
        "created_on": g.created_on.isoformat(),
        "reason": "Stavefejl",
    }


def _review_edit(w) -> dict:
    review = w.goal_a.reviews.first()
    return {"date": review.date.isoformat(), "level": "1", "note": "", "reason": "Forkert niveau"}


def _collaboration_edit(w) -> dict:
    from django.utils import timezone

    from tracker.models import CollaborationKind

    return {
        "partner_name": "Jobcenter",
        "kind": CollaborationKind.objects.get(code="meeting").pk,
        "date": timezone.localdate().isoformat(),
        "initiated_by": "partner",
        "citizen_participated": "on",
        "usefulness": "4",
        "reason": "Jobcenteret tog initiativet",
    }


def _reason(w) -> dict:
    return {"reason": "Registreret på den forkerte borger"}


for _name, _kwargs, _edit, _action in (
    ("outcomes:measurement_update", a_measurement, _measurement_edit, "change"),
    ("outcomes:measurement_delete", a_measurement, _reason, "delete"),
    ("outcomes:goal_update", a_goal, _goal_edit, "change"),
    ("outcomes:goal_delete", a_goal, _reason, "delete"),
    ("outcomes:goal_review_update", a_review, _review_edit, "change"),
    ("outcomes:goal_review_delete", a_review, _reason, "delete"),
    ("tracker:collaboration_update", a_collaboration, _collaboration_edit, "change"),
    ("tracker:collaboration_delete", a_collaboration, _reason, "delete"),
):
    AUDIT_CASES.append(
        {"name": _name, "method": "GET", "user": "alice", "kwargs": _kwargs, "purpose": "correction_form"}
    )
    AUDIT_CASES.append(
        {
            "name": _name,
            "method": "POST",
            "user": "alice",
            "kwargs": _kwargs,
            "data": _edit,
            "action": _action,
            "purpose": "correction",
            "expected_status": (302,),
        }
    )
