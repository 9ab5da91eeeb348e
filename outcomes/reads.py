"""Reads of a citizen's records as the pages show them: each through the user-scoped selectors and audit-logged in
the same transaction (the views hold no transaction and no query of their own)."""

from __future__ import annotations

from django.db import transaction

from outcomes import selectors
from tracker import selectors as tracker_selectors
from tracker.models import AuditEntry
from tracker.services import audit_log, audit_read

Action = AuditEntry.Action


@transaction.atomic
def citizen_overview_logged(*, user, pk: int, unit_ids) -> dict:
    """'Borgerens overblik': the citizen, their records in the user's units and — with the citizen's consent — what
    other units recorded (``shared``, None without consent); each look logged."""
    citizen = tracker_selectors.citizen_get(user=user, pk=pk)
    context = selectors.citizen_overview(user=user, citizen=citizen)
    audit_log(user=user, action=Action.READ, citizen_id=citizen.pk, obj=citizen, purpose="citizen_detail")
    scope = tracker_selectors.shared_scope(unit_ids=unit_ids, citizen=citizen)
    shared = selectors.shared_timeline(citizen=citizen, scope=scope)
    if shared is not None:
        audit_log(
            user=user,
            action=Action.READ,
            citizen_id=citizen.pk,
            obj=citizen,
            purpose="consent_shared_view",
            detail={"unit_ids": shared["unit_ids"], "scope": {k: sorted(v) for k, v in scope.items()}},
        )
    context["consents"] = list(tracker_selectors.consent_list(user=user, citizen=citizen))
    context["history"] = selectors.correction_history(citizen=citizen, course_ids=[c.pk for c in context["courses"]])
    return {"citizen": citizen, "context": context, "shared": shared}


@transaction.atomic
def measurement_logged(*, user, pk: int) -> tuple:
    """The result page's measurement, its context and its answers (in item order); the read logged."""
    measurement = selectors.measurement_get(user=user, pk=pk)
    context = selectors.measurement_context(measurement=measurement)
    audit_read(user=user, obj=measurement, purpose="measurement_detail", citizen_id=measurement.course.citizen_id)
    answers = list(measurement.answers.select_related("item").order_by("item__order"))
    return measurement, context, answers


@transaction.atomic
def citizen_summary_logged(*, user, pk: int) -> tuple:
    """'Min udvikling' to print for the citizen: an export of their overview, logged as one."""
    citizen = tracker_selectors.citizen_get(user=user, pk=pk)
    overview = selectors.citizen_overview(user=user, citizen=citizen)
    audit_log(user=user, action=Action.EXPORT, citizen_id=citizen.pk, obj=citizen, purpose="citizen_summary_print")
    return citizen, overview
