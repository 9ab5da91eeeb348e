"""Writes for the exports: only their audit trail (exporting reads; the log is the one write)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from tracker.models import AuditEntry, Course, OrganisationUnit
from tracker.services import audit_log

FHIR_PURPOSE = "fhir_course_export"
TIDY_PURPOSE = "tidy_unit_export"


@transaction.atomic
def fhir_export_audit(*, user, course: Course, detail: dict[str, Any]) -> AuditEntry:
    """One entry for the FHIR export of one course (its citizen is the person concerned)."""
    return audit_log(
        user=user,
        action=AuditEntry.Action.EXPORT,
        citizen_id=course.citizen_id,
        obj=course,
        purpose=FHIR_PURPOSE,
        detail=detail,
    )


@transaction.atomic
def tidy_export_audit(*, user, unit: OrganisationUnit, citizen_ids: Iterable[int], detail: dict[str, Any]) -> int:
    """One entry per citizen in a unit's tidy export, so each citizen's own log shows it (as the dashboard's
    exports); one entry without a citizen when the unit has no measurements yet. Returns the number written.
    """
    written = 0
    for citizen_id in sorted(set(citizen_ids)) or [None]:
        audit_log(
            user=user,
            action=AuditEntry.Action.EXPORT,
            citizen_id=citizen_id,
            obj=unit,
            purpose=TIDY_PURPOSE,
            detail=detail,
        )
        written += 1
    return written
