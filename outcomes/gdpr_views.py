"""The right of access (GDPR art. 15): a request is registered first; only then is the record produced, by the unit
that received it, as a printable page and a JSON download, each logged as an export with the request."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from outcomes import gdpr
from tracker import selectors, services
from tracker.access import RoleRequiredMixin
from tracker.forms import AccessRequestForm
from tracker.models import AuditEntry


def _record_with_audit(request, pk: int, purpose: str) -> tuple:
    with transaction.atomic():
        access_request = selectors.access_request_get(user=request.user, pk=pk)
        citizen = access_request.citizen
        shared = selectors.shared_scope(unit_ids={access_request.unit_id}, citizen=citizen)
        unit_ids = {access_request.unit_id} | set().union(*shared.values())
        record = gdpr.citizen_record(citizen, unit_ids=unit_ids)
        record["request"] = {
            "id": access_request.pk,
            "unit": access_request.unit.name,
            "received_on": access_request.received_on.isoformat(),
            "delivery": access_request.delivery,
            "delivery_label": str(access_request.get_delivery_display()),
        }
        services.audit_log(
            user=request.user,
            action=AuditEntry.Action.EXPORT,
            citizen_id=citizen.pk,
            obj=access_request,
            purpose=purpose,
            detail={"access_request": access_request.pk, "unit_ids": sorted(unit_ids)},
        )
    return access_request, citizen, record


class AccessRequestCreateView(RoleRequiredMixin, View):
    """Register the citizen's request for access: received when, by which unit, how the answer is delivered."""

    # Any member may ask; the form offers only units the user leads where the citizen has a course, and anyone
    # else gets 404 (a caseworker learns nothing about whether the citizen exists elsewhere).
    role = "caseworker"
    template_name = "tracker/access_request_form.html"

    def setup_objects(self, request, pk: int):
        citizen = selectors.citizen_get(user=request.user, pk=pk)
        units = selectors.unit_list(user=request.user).filter(
            pk__in=selectors.access_for(request.user).leader_unit_ids, courses__citizen=citizen
        )
        if not units.exists():
            from django.http import Http404

            raise Http404("Not a leader of the citizen's unit")
        return citizen, units.distinct()

    def get(self, request, pk: int):
        with transaction.atomic():
            citizen, units = self.setup_objects(request, pk)
            services.audit_log(
                user=request.user,
                action=AuditEntry.Action.READ,
                citizen_id=citizen.pk,
                obj=citizen,
                purpose="access_request_form",
            )
            requests = list(selectors.access_request_list(user=request.user, citizen=citizen))
        form = AccessRequestForm(units=units, initial={"received_on": timezone.localdate()})
        return render(request, self.template_name, {"form": form, "citizen": citizen, "requests": requests})

    def post(self, request, pk: int):
        citizen, units = self.setup_objects(request, pk)
        form = AccessRequestForm(request.POST, units=units)
        if form.is_valid():
            try:
                access_request = services.access_request_register(
                    user=request.user, citizen=citizen, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Anmodningen er registreret. Journalen kan nu udleveres."))
                return redirect("tracker:access_request_record", pk=access_request.pk)
        requests = list(selectors.access_request_list(user=request.user, citizen=citizen))
        return render(request, self.template_name, {"form": form, "citizen": citizen, "requests": requests}, status=400)


class CitizenRecordView(RoleRequiredMixin, View):
    """Everything held about the citizen, readable and printable, for the citizen to take home."""

    # Any member may ask; the selector answers 404 unless the user leads the unit that registered the request.
    role = "caseworker"

    def get(self, request, pk: int):
        access_request, citizen, record = _record_with_audit(request, pk, "citizen_record")
        return render(
            request,
            "tracker/gdpr_record.html",
            {"citizen": citizen, "record": record, "access_request": access_request},
        )


class CitizenRecordJSONView(RoleRequiredMixin, View):
    """The same record as a machine-readable JSON file (art. 15(3) and art. 20)."""

    role = "caseworker"

    def get(self, request, pk: int):
        access_request, citizen, record = _record_with_audit(request, pk, "citizen_record_json")
        response = HttpResponse(
            json.dumps(record, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
        )
        filename = f"effektspor-indsigt-borger-{citizen.pk}-{timezone.localdate():%Y-%m-%d}.json"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "no-store"
        return response
