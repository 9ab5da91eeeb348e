"""The unit dashboard's filter form (django-filter): unit, period, legal basis and instrument.

A plain GET form, so it works without JavaScript and every view of the dashboard has a URL that can be
bookmarked or sent to a colleague. The unit and legal-basis filters narrow the course queryset; the
period and the instrument are parameters of the aggregates, which ``params()`` hands to the selector.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from dashboards.selectors import DashboardParams
from figures.periods import CUSTOM, LAST_12_MONTHS, period_choices, resolve_period
from outcomes.models import Instrument
from tracker.forms import DateInput
from tracker.models import Course, LegalBasis, OrganisationUnit

ALL_UNITS = "all"
DEFAULT_INSTRUMENT = "who5"


class UnitDashboardForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        period, start, end = cleaned.get("period"), cleaned.get("start"), cleaned.get("end")
        if period == CUSTOM:
            if start is None:
                self.add_error("start", _("Angiv en startdato for den selvvalgte periode."))
            if end is None:
                self.add_error("end", _("Angiv en slutdato for den selvvalgte periode."))
            if start and end and start > end:
                self.add_error("end", _("Slutdatoen ligger før startdatoen."))
            if start and start > self.today:
                self.add_error("start", _("Perioden ligger i fremtiden."))
        return cleaned


class UnitDashboardFilterSet(django_filters.FilterSet):
    unit = django_filters.ChoiceFilter(label=_("Enhed"), method="filter_unit", empty_label=None)
    period = django_filters.ChoiceFilter(label=_("Periode"), method="parameter", empty_label=None)
    start = django_filters.DateFilter(
        label=_("Fra"), method="parameter", widget=DateInput(), help_text=_("Ved selvvalgt periode.")
    )
    end = django_filters.DateFilter(
        label=_("Til"), method="parameter", widget=DateInput(), help_text=_("Ved selvvalgt periode.")
    )
    legal_basis = django_filters.ChoiceFilter(
        label=_("Lovgrundlag"), method="filter_legal_basis", empty_label=_("Alle lovgrundlag")
    )
    instrument = django_filters.ChoiceFilter(label=_("Måleredskab"), method="parameter", empty_label=None)

    class Meta:
        model = Course
        fields = ["unit", "period", "start", "end", "legal_basis", "instrument"]
        form = UnitDashboardForm

    def __init__(
        self,
        data=None,
        *args,
        units: list[OrganisationUnit],
        instruments: list[Instrument],
        legal_bases: list[LegalBasis],
        today: datetime.date,
        **kwargs,
    ):
        # Defaults fill in what the request leaves out, so the first visit is a valid, bound form.
        values = data.copy() if data is not None else {}
        defaults = {
            "unit": ALL_UNITS if len(units) > 1 else (str(units[0].pk) if units else ""),
            "period": LAST_12_MONTHS,
            "instrument": DEFAULT_INSTRUMENT,
        }
        if not values.get("period") and (values.get("start") or values.get("end")):
            defaults["period"] = CUSTOM  # a link with dates only means those dates
        for key, value in defaults.items():
            if not values.get(key):
                values[key] = value
        if values.get("unit") == ALL_UNITS and len(units) == 1:
            values["unit"] = str(units[0].pk)  # "all" of one unit is that unit
        super().__init__(values, *args, **kwargs)
        self.units, self.instruments, self.legal_bases, self.today = units, instruments, legal_bases, today
        unit_choices = [(str(u.pk), u.name) for u in units]
        if len(units) > 1:
            unit_choices.insert(0, (ALL_UNITS, _("Alle mine enheder (%(n)s)") % {"n": len(units)}))
        self.filters["unit"].extra["choices"] = unit_choices
        self.filters["period"].extra["choices"] = period_choices(today)
        self.filters["legal_basis"].extra["choices"] = [(str(b.pk), b.name) for b in legal_bases]
        self.filters["instrument"].extra["choices"] = [(i.code, i.short_name) for i in instruments]
        self.form.today = today

    def parameter(self, queryset, name, value):
        """Period and instrument select what the aggregates measure, not which courses they cover."""
        return queryset

    def filter_unit(self, queryset, name, value):
        return queryset.filter(unit_id__in=[u.pk for u in self.selected_units()])

    def filter_legal_basis(self, queryset, name, value):
        return queryset.filter(legal_basis_id=value) if value else queryset

    def selected_units(self) -> tuple[OrganisationUnit, ...]:
        value = self.form.cleaned_data.get("unit")
        if value == ALL_UNITS:
            return tuple(self.units)
        return tuple(u for u in self.units if str(u.pk) == value)

    def params(self) -> DashboardParams:
        """The dashboard's parameters from a valid form."""
        data = self.form.cleaned_data
        period = resolve_period(data["period"], today=self.today, start=data.get("start"), end=data.get("end"))
        basis = next((b for b in self.legal_bases if str(b.pk) == data.get("legal_basis")), None)
        instrument = next(i for i in self.instruments if i.code == data["instrument"])
        return DashboardParams(units=self.selected_units(), period=period, instrument=instrument, legal_basis=basis)

    def content_key(self) -> list:
        """What the form's HTML depends on besides the language: its values (with the defaults filled in), every
        field's choices (the units' and instruments' names among them) and today (the periods offered, the dates
        checked). The page caches the rendered form under it (``pagecache.template_piece``)."""
        return [
            type(self).__qualname__,
            self.today,
            [(name, self.form.data.get(name, "")) for name in self.filters],
            [(name, _plain(f.extra.get("choices"))) for name, f in self.filters.items()],
        ]

    def query_string(self, **changes) -> str:
        """The current filter as a query string, with some values changed (for links and exports)."""
        values = {name: self.form.data.get(name, "") for name in self.filters}
        values.update(changes)
        return urlencode({k: v for k, v in values.items() if v not in ("", None)})


def _plain(choices):
    """Choices (possibly grouped, with lazy labels) as plain lists of strings."""
    if isinstance(choices, list | tuple):
        return [_plain(c) for c in choices]
    return None if choices is None else str(choices)
