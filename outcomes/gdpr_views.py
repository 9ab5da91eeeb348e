"""The right of access (GDPR art. 15): a request is registered first; only then is the record produced, by the unit
that received it, as a printable page and a JSON download, each logged as an export with the request."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from outcomes import gdpr
from tracker import selectors, services
from tracker.access import RoleRequiredMixin
from tracker.forms import AccessRequestForm


class AccessRequestCreateView(RoleRequiredMixin, View):
    """Register the citizen's request for access: received when, by which unit, how the answer is delivered."""

    # Any member may ask; the form offers only units the user leads where the citizen has a course, and anyone
    # else gets 404 (a caseworker learns nothing about whether the citizen exists elsewhere).
    role = "caseworker"
    template_name = "tracker/access_request_form.html"

    def setup_objects(self, request, pk: int):
        citizen = selectors.citizen_get(user=request.user, pk=pk)
        return citizen, selectors.access_request_units(user=request.user, citizen=citizen)

    def get(self, request, pk: int):
        citizen, units = self.setup_objects(request, pk)
        services.audit_read(user=request.user, obj=citizen, purpose="access_request_form", citizen_id=citizen.pk)
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
        access_request, citizen, record = gdpr.record_for_request(user=request.user, pk=pk, purpose="citizen_record")
        return render(
            request,
            "tracker/gdpr_record.html",
            {"citizen": citizen, "record": record, "access_request": access_request},
        )


class CitizenRecordJSONView(RoleRequiredMixin, View):
    """The same record as a machine-readable JSON file (art. 15(3) and art. 20)."""

    role = "caseworker"

    def get(self, request, pk: int):
        access_request, citizen, record = gdpr.record_for_request(
            user=request.user, pk=pk, purpose="citizen_record_json"
        )
        response = HttpResponse(
            json.dumps(record, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
        )
        filename = f"effektspor-indsigt-borger-{citizen.pk}-{timezone.localdate():%Y-%m-%d}.json"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        response["Cache-Control"] = "no-store"
        return response
