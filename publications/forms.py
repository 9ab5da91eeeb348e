"""The director's form for a new publication."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from outcomes.models import Instrument
from publications import selectors
from publications.snapshot import FIGURE_KEYS, FIGURES
from tracker.forms import DateInput


class PublicationForm(forms.Form):
    title = forms.CharField(label=_lazy("Titel"), max_length=200)
    scope_unit = forms.ModelChoiceField(label=_lazy("Område"), queryset=None, empty_label=None)
    instruments = forms.ModelMultipleChoiceField(
        label=_lazy("Måleredskaber"),
        queryset=Instrument.objects.filter(active=True, scoring__in=("sum", "total")),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
    )
    start = forms.DateField(label=_lazy("Fra"), widget=DateInput())
    end = forms.DateField(label=_lazy("Til"), widget=DateInput())
    figures = forms.MultipleChoiceField(
        label=_lazy("Tal"), choices=FIGURES, initial=FIGURE_KEYS, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope_unit"].queryset = selectors.scope_choices(user=user)
        today = timezone.localdate()
        self.fields["start"].initial = today - datetime.timedelta(days=365)
        self.fields["end"].initial = today

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            raise forms.ValidationError(_("Til-datoen ligger før fra-datoen."))
        return cleaned
