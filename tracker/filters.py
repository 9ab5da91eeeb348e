"""Filters for the listings of core records (django-filter)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from tracker import search, selectors
from tracker.models import Course, LegalBasis, OrganisationUnit, Partner, Sector


class CitizenCourseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Søg"), method="search")
    unit = django_filters.ModelChoiceFilter(
        label=_("Enhed"), queryset=OrganisationUnit.objects.none(), empty_label=_("Alle mine enheder")
    )
    legal_basis = django_filters.ModelChoiceFilter(
        label=_("Lovgrundlag"), queryset=LegalBasis.objects.all(), empty_label=_("Alle")
    )

    due = django_filters.BooleanFilter(
        label=_("Opfølgning forfalden"), field_name="due", widget=django_filters.widgets.BooleanWidget()
    )

    class Meta:
        model = Course
        fields = ["q", "unit", "legal_basis", "due"]

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.filters["unit"].queryset = units

    def search(self, queryset, name, value):
        return selectors.citizen_search(queryset, value, path="citizen__")


class PartnerFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Søg"), method="search")
    sector = django_filters.ModelChoiceFilter(label=_("Sektor"), queryset=Sector.objects.all(), empty_label=_("Alle"))

    class Meta:
        model = Partner
        fields = ["q", "sector"]

    def search(self, queryset, name, value):
        value = value.strip()
        return search.contains(queryset, ("name", "contact"), value) if value else queryset
