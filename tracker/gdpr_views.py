"""The citizen's complete record (GDPR art. 15): a printable page and a JSON download, both logged as exports."""

from __future__ import annotations

import json

from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views import View

from tracker import gdpr, selectors, services
from tracker.models import AuditEntry
from tracker.views import RoleRequiredMixin


def _record_with_audit(request, pk: int, purpose: str) -> tuple:
    with transaction.atomic():
        citizen = selectors.citizen_get_for_record(user=request.user, pk=pk)
        record = gdpr.citizen_record(citizen)
        services.audit_log(
            user=request.user, action=AuditEntry.Action.EXPORT, citizen_id=citizen.pk, obj=citizen, purpose=purpose
        )
    return citizen, record


class CitizenRecordView(RoleRequiredMixin, View):
    """Everything held about the citizen, readable and printable, for the citizen to take home."""

    # Any member may ask; the selector answers 404 unless the user leads a unit where the citizen has a course
    # (a caseworker learns nothing about whether the citizen exists elsewhere).
    role = "caseworker"

    def get(self, request, pk: int):
        citizen, record = _record_with_audit(request, pk, "citizen_record")
        return render(request, "tracker/gdpr_record.html", {"citizen": citizen, "record": record})


class CitizenRecordJSONView(RoleRequiredMixin, View):
    """The same record as a machine-readable JSON file (art. 15(3) and art. 20)."""

    role = "caseworker"

    def get(self, request, pk: int):
        citizen, record = _record_with_audit(request, pk, "citizen_record_json")
        response = HttpResponse(
            json.dumps(record, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
        )
        filename = f"effektspor-indsigt-borger-{citizen.pk}-{timezone.localdate():%Y-%m-%d}.json"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "no-store"
        return response
