"""Tables for the listings of core records (django-tables2)."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from tracker.models import Course, Partner


class BaseTable(tables.Table):
    """Project defaults: our table class, Danish empty text, 25 rows a page."""

    class Meta:
        attrs = {"class": "table"}
        empty_text = _("Ingen rækker matcher.")
        per_page = 25
        template_name = "includes/_table.html"


class CitizenCourseTable(BaseTable):
    """'Mine borgere': one row per open course in the user's units."""

    citizen = tables.Column(
        verbose_name=_("Borger"), linkify=lambda record: record.citizen.get_absolute_url(), order_by=("citizen__name",)
    )
    unit = tables.Column(verbose_name=_("Enhed"), order_by=("unit__name",))
    legal_basis = tables.Column(verbose_name=_("Lovgrundlag"), accessor="legal_basis__paragraph")
    start = tables.DateColumn(verbose_name=_("Forløb startet"), short=True)

    class Meta(BaseTable.Meta):
        model = Course
        fields = ("citizen", "unit", "legal_basis", "start")
        order_by = ("citizen",)


class PartnerTable(BaseTable):
    name = tables.Column(verbose_name=_("Navn"))
    sector = tables.Column(verbose_name=_("Sektor"), order_by=("sector__order",))
    contact = tables.Column(verbose_name=_("Kontakt"))

    class Meta(BaseTable.Meta):
        model = Partner
        fields = ("name", "sector", "contact")
