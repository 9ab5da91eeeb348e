"""Corrections: edit and delete, each with a reason. The generic delete view (used by outcomes too) and the
collaboration's edit and delete."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from common.forms import apply_service
from tracker import selectors, services
from tracker.access import RoleRequiredMixin
from tracker.forms import CollaborationEditForm, ReasonForm


class CorrectionDeleteView(RoleRequiredMixin, View):
    """Delete one record with a reason: GET asks (and shows what will go), POST deletes. The figures follow in the
    same transaction; the audit trail keeps the record's values and the reason, shown in the citizen's history."""

    template_name = "tracker/record_delete.html"
    kind = ""

    def get_record(self, pk: int):
        raise NotImplementedError

    def citizen_of(self, record):
        return record.course.citizen

    def describe(self, record) -> str:
        return str(record)

    def delete(self, record, reason: str) -> None:
        raise NotImplementedError

    def context(self, record, form) -> dict:
        return {"record": record, "kind": self.kind, "description": self.describe(record), "form": form}

    def get(self, request, pk: int):
        record = services.read_logged(
            lambda user, pk: self.get_record(pk), user=request.user, pk=pk, purpose="correction_form"
        )
        return render(
            request, self.template_name, {**self.context(record, ReasonForm()), "citizen": self.citizen_of(record)}
        )

    def post(self, request, pk: int):
        record = self.get_record(pk)
        citizen = self.citizen_of(record)
        form = ReasonForm(request.POST)
        if form.is_valid():
            ok, _result = apply_service(form, self.delete, record, form.cleaned_data["reason"])
            if ok:
                messages.success(request, _("Registreringen er slettet. Den står i historikken med begrundelsen."))
                return redirect(f"{citizen.get_absolute_url()}#history-h")
        return render(request, self.template_name, {**self.context(record, form), "citizen": citizen}, status=400)


class CollaborationUpdateView(RoleRequiredMixin, View):
    """Correct a collaboration: the logged values in the same form, and a reason."""

    template_name = "tracker/collaboration_form.html"

    def initial(self, collab) -> dict:
        return {
            "partner_name": str(collab.partner),
            "kind": collab.kind_id,
            "date": collab.date,
            "initiated_by": collab.initiated_by,
            "citizen_participated": collab.citizen_participated,
            "usefulness": collab.usefulness,
            "note": collab.note,
        }

    def context(self, collab, form) -> dict:
        return {"course": collab.course, "form": form, "partners": selectors.partner_list(), "collaboration": collab}

    def get(self, request, pk: int):
        collab = services.read_logged(selectors.collaboration_get, user=request.user, pk=pk, purpose="correction_form")
        return render(
            request, self.template_name, self.context(collab, CollaborationEditForm(initial=self.initial(collab)))
        )

    def post(self, request, pk: int):
        collab = selectors.collaboration_get(user=request.user, pk=pk)
        form = CollaborationEditForm(request.POST)
        if form.is_valid():
            ok, _collaboration = apply_service(
                form,
                services.collaboration_correct,
                user=request.user,
                collaboration=collab,
                reason=form.cleaned_data["reason"],
                **form.service_kwargs(),
            )
            if ok:
                messages.success(request, _("Samarbejdet er rettet."))
                return redirect(f"{collab.course.citizen.get_absolute_url()}#collab-h")
        return render(request, self.template_name, self.context(collab, form), status=400)


class CollaborationDeleteView(CorrectionDeleteView):
    kind = _("samarbejdet")

    def get_record(self, pk: int):
        return selectors.collaboration_get(user=self.request.user, pk=pk)

    def describe(self, record) -> str:
        return f"{record.kind} – {record.partner.name} ({record.date:%d.%m.%Y})"

    def delete(self, record, reason: str) -> None:
        services.collaboration_delete(user=self.request.user, collaboration=record, reason=reason)
