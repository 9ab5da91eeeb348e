"""Forms for core records: they validate and convert; services save."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tracker.models import Citizen, Course, EndReason, LegalBasis, normalise_cpr


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class CitizenForm(forms.ModelForm):
    """Create or edit a citizen. CPR is typed as DDMMYY-XXXX and stored as 10 digits."""

    cpr = forms.CharField(
        label=_("CPR-nummer"),
        required=False,
        max_length=11,
        help_text=_("Valgfrit. Skrives DDMMÅÅ-XXXX."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric", "placeholder": "DDMMÅÅ-XXXX"}),
    )

    class Meta:
        model = Citizen
        fields = ["name", "cpr", "gender", "birth_year"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.cpr:
            # Never put the full CPR number into the page: leave the field empty to keep it.
            self.initial["cpr"] = ""
            self.fields["cpr"].help_text = _("Registreret: %(masked)s. Lad feltet stå tomt for at beholde det.") % {
                "masked": self.instance.cpr_masked
            }

    def clean_cpr(self) -> str | None:
        value = self.cleaned_data.get("cpr", "").strip()
        if not value:
            return self.instance.cpr if self.instance.pk else None
        return normalise_cpr(value)


class CourseStartForm(forms.ModelForm):
    """Start a course of support for a citizen in one of the user's units."""

    class Meta:
        model = Course
        fields = ["unit", "legal_basis", "start"]
        widgets = {"start": DateInput()}

    def __init__(self, *args, units=None, citizen: Citizen | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if citizen is not None:
            self.instance.citizen = citizen
        if units is not None:
            self.fields["unit"].queryset = units
            if units.count() == 1:
                self.fields["unit"].initial = units.first()
        self.fields["legal_basis"].queryset = LegalBasis.objects.all()
        self.fields["start"].initial = timezone.localdate()

    def clean_start(self):
        start = self.cleaned_data["start"]
        if start > timezone.localdate() + datetime.timedelta(days=366):
            raise forms.ValidationError(_("Startdatoen ligger mere end et år ude i fremtiden."))
        return start

    def clean(self):
        cleaned = super().clean()
        unit, citizen = cleaned.get("unit"), getattr(self.instance, "citizen", None)
        # The database holds this rule too (course_one_open_per_citizen_unit); say it before it has to.
        if unit and citizen and citizen.courses.filter(unit=unit, end__isnull=True).exists():
            self.add_error("unit", _("Borgeren har allerede et åbent forløb i denne enhed."))
        return cleaned


class CourseEndForm(forms.ModelForm):
    """End a course: the end date may not come before the start, and a reason is required."""

    end = forms.DateField(label=_("Slutdato"), widget=DateInput())
    end_reason = forms.ModelChoiceField(label=_("Afslutningsårsag"), queryset=EndReason.objects.all())

    class Meta:
        model = Course
        fields = ["end", "end_reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["end"].initial = timezone.localdate()

    def clean_end(self):
        end = self.cleaned_data["end"]
        if end > timezone.localdate():
            raise forms.ValidationError(_("Slutdatoen må ikke ligge i fremtiden."))
        return end
