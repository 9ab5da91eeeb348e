"""Writes for the dashboards: only the audit trail of exports (the dashboards themselves only read)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from tracker.models import AuditEntry
from tracker.services import audit_log


@transaction.atomic
def export_audit(*, user, table: str, citizen_ids: Iterable[int], detail: dict[str, Any]) -> int:
    """Log the export of a citizen-level list: one entry per citizen in it, so that each citizen's own
    log shows the export (Datatilsynet: every use, with the person concerned); one entry without a citizen
    when the list was empty. Returns the number of entries written.
    """
    ids = sorted(set(citizen_ids)) or [None]  # an empty list exported is still an export
    written = 0
    for citizen_id in ids:
        audit_log(
            user=user,
            action=AuditEntry.Action.EXPORT,
            citizen_id=citizen_id,
            purpose=f"unit_dashboard:{table}",
            detail=detail,
        )
        written += 1
    return written
