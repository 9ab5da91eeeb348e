"""The director's comparison form, and what a cleaned form means: the page (dashboards/comparison_views.py), its
export and the API (api/aggregates.py) all read their choices through it."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from figures.comparison import Comparison, unit_comparison
from figures.periods import LAST_12_MONTHS, period_choices, resolve_period
from outcomes.models import Instrument
from outcomes.selectors import instrument_get
from tracker.models import LegalBasis

OVERDISPERSION = [
    ("auto", _lazy("Ja, når enhederne spreder sig mere end tilfældigt")),
    ("off", _lazy("Nej, rene binomiale grænser")),
]


class ComparisonForm(forms.Form):
    """The director's choices: grid periods only (aggregate-only audiences get no day-level windows)."""

    period = forms.ChoiceField(label=_lazy("Periode"), required=False)
    instrument = forms.ModelChoiceField(
        label=_lazy("Måleredskab"),
        required=False,
        empty_label=None,
        queryset=Instrument.objects.filter(active=True, scoring__in=("sum", "total")),
        to_field_name="code",
    )
    legal_basis = forms.ModelChoiceField(
        label=_lazy("Lovgrundlag (forløb)"),
        required=False,
        queryset=LegalBasis.objects.all(),
        empty_label=_lazy("Alle"),
        to_field_name="code",
    )
    kind = forms.ModelChoiceField(
        label=_lazy("Sammenlign kun enheder, der tilbyder"),
        required=False,
        queryset=LegalBasis.objects.all(),
        empty_label=_lazy("Alle enheder"),
        to_field_name="code",
    )
    overdispersion = forms.ChoiceField(
        label=_lazy("Udvid grænserne for overspredning"), choices=OVERDISPERSION, required=False
    )
    root = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = timezone.localdate()
        self.fields["period"].choices = period_choices(self.today, custom=False)

    def clean(self):
        cleaned = super().clean()
        try:
            cleaned["period"] = resolve_period(cleaned.get("period") or LAST_12_MONTHS, today=self.today)
        except ValueError:
            self.add_error("period", _("Vælg en periode fra listen."))
        if not cleaned.get("instrument"):
            cleaned["instrument"] = instrument_get(code="who5")
        cleaned["overdispersion"] = (cleaned.get("overdispersion") or "auto") != "off"
        return cleaned


def default_selection() -> dict:
    """The default selection (the last 12 months, WHO-5) when the form is empty or invalid."""
    return {
        "period": resolve_period(LAST_12_MONTHS, today=timezone.localdate()),
        "instrument": instrument_get(code="who5"),
        "legal_basis": None,
        "kind": None,
        "root": None,
        "overdispersion": True,
    }


def comparison_for(*, user, data: dict) -> Comparison:
    """The comparison for a cleaned ``ComparisonForm`` (the page, its export and the API share this)."""
    return unit_comparison(
        user=user,
        instrument=data["instrument"],
        period=data["period"],
        legal_basis_id=data["legal_basis"].pk if data.get("legal_basis") else None,
        kind_id=data["kind"].pk if data.get("kind") else None,
        root_id=data.get("root"),
        overdispersion=bool(data.get("overdispersion", True)),
    )
