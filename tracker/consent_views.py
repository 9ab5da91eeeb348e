"""Consent to sharing between units: the citizen's consents, recording a new one and withdrawing one."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from tracker import selectors, services
from tracker.access import RoleRequiredMixin
from tracker.forms import ConsentForm


class ConsentView(RoleRequiredMixin, View):
    """The citizen's consents to sharing between units: the list, and a form to record a new one."""

    template_name = "tracker/consent_list.html"

    def form(self, data=None):
        units = selectors.unit_list(user=self.request.user)
        # Every other unit of the municipality is offered (the citizen names them): the list says nothing about where
        # the citizen is known.
        others = selectors.other_units(user=self.request.user)
        return ConsentForm(data, units=units, other_units=others)

    def context(self, citizen, form) -> dict:
        consents = selectors.consent_list(user=self.request.user, citizen=citizen)
        return {"citizen": citizen, "form": form, "consents": consents, "today": timezone.localdate()}

    def get(self, request, pk: int):
        citizen = services.read_logged(selectors.citizen_get, user=request.user, purpose="consent_form", pk=pk)
        return render(request, self.template_name, self.context(citizen, self.form()))

    def post(self, request, pk: int):
        citizen = selectors.citizen_get(user=request.user, pk=pk)
        form = self.form(request.POST)
        if form.is_valid():
            try:
                services.consent_record(user=request.user, citizen=citizen, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Samtykket er registreret."))
                return redirect("tracker:consent_list", pk=citizen.pk)
        return render(request, self.template_name, self.context(citizen, form), status=400)


class ConsentWithdrawView(RoleRequiredMixin, View):
    """The citizen withdraws a consent: from today, nothing more is shown under it (POST only)."""

    def post(self, request, pk: int):
        consent = selectors.consent_get(user=request.user, pk=pk)
        try:
            services.consent_withdraw(user=request.user, consent=consent, withdrawn_on=timezone.localdate())
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Samtykket er trukket tilbage."))
        return redirect("tracker:consent_list", pk=consent.citizen_id)
