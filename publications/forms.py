"""The director's form for a new publication."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from figures.periods import period_choices, resolve_period
from outcomes.models import Instrument
from publications import selectors
from publications.snapshot import FIGURE_KEYS, FIGURES


class PublicationForm(forms.Form):
    title = forms.CharField(label=_lazy("Titel"), max_length=200)
    scope_unit = forms.ModelChoiceField(label=_lazy("Område"), queryset=None, empty_label=None)
    instruments = forms.ModelMultipleChoiceField(
        label=_lazy("Måleredskaber"),
        queryset=Instrument.objects.filter(active=True, scoring__in=("sum", "total")),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
    )
    period = forms.ChoiceField(label=_lazy("Periode"), help_text=_lazy("Kun afsluttede perioder kan offentliggøres."))
    figures = forms.MultipleChoiceField(
        label=_lazy("Tal"), choices=FIGURES, initial=FIGURE_KEYS, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope_unit"].queryset = selectors.scope_choices(user=user)
        self.today = timezone.localdate()
        self.fields["period"].choices = completed_period_choices(self.today)
        self.fields["period"].initial = f"y{self.today.year - 1}"

    def clean_period(self):
        try:
            period = resolve_period(self.cleaned_data["period"], today=self.today)
        except ValueError as exc:
            raise forms.ValidationError(_("Vælg en periode fra listen.")) from exc
        if period.end >= self.today:
            raise forms.ValidationError(_("Kun en afsluttet periode kan offentliggøres."))
        return period


def completed_period_choices(today: datetime.date) -> list:
    """The grid's periods that have ended (option groups as ``period_choices``)."""
    out = []
    for code, label in period_choices(today, custom=False):
        if isinstance(label, list):
            done = [(c, lab) for c, lab in label if resolve_period(c, today=today).end < today]
            if done:
                out.append((code, done))
    return out
