"""Filters for the listings of core records (django-filter)."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tracker.models import Course, LegalBasis, OrganisationUnit


class CitizenCourseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Søg"), method="search")
    unit = django_filters.ModelChoiceFilter(
        label=_("Enhed"), queryset=OrganisationUnit.objects.none(), empty_label=_("Alle mine enheder")
    )
    legal_basis = django_filters.ModelChoiceFilter(
        label=_("Lovgrundlag"), queryset=LegalBasis.objects.all(), empty_label=_("Alle")
    )

    class Meta:
        model = Course
        fields = ["q", "unit", "legal_basis"]

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.filters["unit"].queryset = units

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        digits = value.replace("-", "")
        condition = Q(citizen__name__icontains=value)
        if digits.isdigit() and len(digits) >= 6:
            condition |= Q(citizen__cpr__startswith=digits)
        return queryset.filter(condition)
