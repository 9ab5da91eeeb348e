"""Query parameters of the API's lists (django-filter). Using any of them is a search, logged with its criteria."""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from api.base import parse_date
from outcomes.models import Goal, Measurement
from tracker.models import Citizen, Collaboration, Course
from tracker.selectors import access_for, citizen_search

# The largest id a client may ask for: PostgreSQL's bigint; beyond it nothing can exist.
MAX_ID = 2**63 - 1


class IdField(forms.IntegerField):
    def to_python(self, value):
        try:
            return super().to_python(value)
        except ValidationError:
            message = gettext("Ugyldigt id »%(value)s«: skriv et helt tal.")
            raise ValidationError(message % {"value": str(value)[:40]}, code="invalid") from None

    def validate(self, value):
        super().validate(value)
        if value is not None and not 1 <= value <= MAX_ID:
            message = gettext("Ugyldigt id »%(value)s«: skriv et helt tal fra 1.")
            raise ValidationError(message % {"value": value}, code="invalid")


class IdFilter(django_filters.NumberFilter):
    """A record id: a whole number (django-filter's NumberFilter would accept 1.5)."""

    field_class = IdField


class StrictBooleanField(forms.Field):
    """true/false or 1/0; anything else (ja, yes, on …) is an error that names the value, never silently ignored."""

    widget = forms.TextInput
    TRUE, FALSE = {"true", "1"}, {"false", "0"}

    def to_python(self, value):
        if value in (None, ""):
            return None
        text = str(value).strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        message = gettext("Ugyldig værdi »%(value)s«: skriv true eller false (eller 1 eller 0).")
        raise ValidationError(message % {"value": str(value)[:40]}, code="invalid")


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


class ApiDateField(forms.Field):
    """A date in the same formats as in request bodies (``api.base.DATE_INPUT_FORMATS``), in any language."""

    widget = forms.TextInput

    def to_python(self, value):
        if value in (None, ""):
            return None
        try:
            return parse_date(value)
        except ValueError as exc:
            raise ValidationError(str(exc), code="invalid") from None


class ApiDateFilter(django_filters.DateFilter):
    field_class = ApiDateField


class CitizenFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Søg (navn eller CPR-nummerets første cifre)"), method="search")
    unit = IdFilter(label=_("Enhed (id)"), method="filter_unit")

    class Meta:
        model = Citizen
        fields = ["q", "unit"]

    def search(self, queryset, name, value):
        return citizen_search(queryset, value)  # the 'Mine borgere' search

    def filter_unit(self, queryset, name, value):
        # Only the user's own units: that a citizen also has a course elsewhere is not theirs to learn.
        units = access_for(self.request.user).member_unit_ids & {value}
        return queryset.filter(pk__in=Course.objects.filter(unit_id__in=units).values("citizen_id"))


class CourseFilter(django_filters.FilterSet):
    citizen = IdFilter(label=_("Borger (id)"), field_name="citizen_id")
    unit = IdFilter(label=_("Enhed (id)"), field_name="unit_id")
    open = StrictBooleanFilter(label=_("Kun åbne forløb"), field_name="end", lookup_expr="isnull")

    class Meta:
        model = Course
        fields = ["citizen", "unit", "open"]


class MeasurementFilter(django_filters.FilterSet):
    course = IdFilter(label=_("Forløb (id)"), field_name="course_id")
    citizen = IdFilter(label=_("Borger (id)"), field_name="course__citizen_id")
    instrument = django_filters.CharFilter(label=_("Måleredskab (kode)"), field_name="instrument__code")
    date_from = ApiDateFilter(label=_("Fra dato"), field_name="date", lookup_expr="gte")
    date_to = ApiDateFilter(label=_("Til dato"), field_name="date", lookup_expr="lte")

    class Meta:
        model = Measurement
        fields = ["course", "citizen", "instrument", "date_from", "date_to"]


class GoalFilter(django_filters.FilterSet):
    course = IdFilter(label=_("Forløb (id)"), field_name="course_id")
    citizen = IdFilter(label=_("Borger (id)"), field_name="course__citizen_id")
    open = StrictBooleanFilter(label=_("Kun åbne mål"), field_name="closed_on", lookup_expr="isnull")

    class Meta:
        model = Goal
        fields = ["course", "citizen", "open"]


class CollaborationFilter(django_filters.FilterSet):
    course = IdFilter(label=_("Forløb (id)"), field_name="course_id")
    citizen = IdFilter(label=_("Borger (id)"), field_name="course__citizen_id")
    date_from = ApiDateFilter(label=_("Fra dato"), field_name="date", lookup_expr="gte")
    date_to = ApiDateFilter(label=_("Til dato"), field_name="date", lookup_expr="lte")

    class Meta:
        model = Collaboration
        fields = ["course", "citizen", "date_from", "date_to"]
