"""Forms for initiatives, fidelity checks and learning entries (they validate; the services save)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from improvement import selectors
from improvement.models import FidelityCheck, Indicator, Initiative, LearningEntry

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _direction_field(label: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        required=False,
        choices=[("", _lazy("Ikke en indikator for forsøget")), *Indicator.Direction.choices],
    )


class InitiativeForm(forms.ModelForm):
    """Name, method, the units the leader leads, dates, and the expected direction of each indicator."""

    class Meta:
        model = Initiative
        fields = ["name", "description", "method", "units", "start", "end"]
        widgets = {"units": forms.CheckboxSelectMultiple, "start": DATE, "end": DATE}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = selectors.leader_units(user=user)
        current = {}
        if self.instance.pk:
            current = {i.measure: i.direction for i in self.instance.indicators.all()}
        for measure, label in Indicator.Measure.choices:
            field = _direction_field(label)
            field.initial = current.get(measure, "")
            self.fields[f"indicator_{measure}"] = field

    def clean(self):
        data = super().clean()
        if not any(data.get(f"indicator_{m}") for m in Indicator.Measure.values):
            raise forms.ValidationError(_("Vælg mindst én indikator, som forsøget skal flytte, og i hvilken retning."))
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("Slutdatoen kan ikke ligge før startdatoen."))
        return data

    @property
    def indicators(self) -> dict[str, str]:
        return {
            m: self.cleaned_data[f"indicator_{m}"]
            for m in Indicator.Measure.values
            if self.cleaned_data.get(f"indicator_{m}")
        }

    def indicator_fields(self):
        return [self[f"indicator_{m}"] for m in Indicator.Measure.values]

    def main_fields(self):
        return [self[name] for name in self.Meta.fields]


class FidelityCheckForm(forms.ModelForm):
    class Meta:
        model = FidelityCheck
        fields = ["date", "scale", "score", "note"]
        widgets = {"date": DATE, "note": forms.Textarea(attrs={"rows": 3})}


class LearningEntryForm(forms.ModelForm):
    class Meta:
        model = LearningEntry
        fields = ["date", "tried", "saw", "change_next", "publishable"]
        widgets = {
            "date": DATE,
            "tried": forms.Textarea(attrs={"rows": 3}),
            "saw": forms.Textarea(attrs={"rows": 3}),
            "change_next": forms.Textarea(attrs={"rows": 3}),
        }
