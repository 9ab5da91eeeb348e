"""Tables for the listings of core records (django-tables2)."""

from __future__ import annotations

import django_tables2 as tables
from django.template.defaultfilters import floatformat
from django.utils.html import format_html
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
    """'Mine borgere': one row per open course in the user's units (columns annotated by the selector)."""

    citizen = tables.Column(
        verbose_name=_("Borger"), linkify=lambda record: record.citizen.get_absolute_url(), order_by=("citizen__name",)
    )
    unit = tables.Column(verbose_name=_("Enhed"), order_by=("unit__name",))
    legal_basis = tables.Column(verbose_name=_("Lovgrundlag"), accessor="legal_basis__paragraph")
    start = tables.DateColumn(verbose_name=_("Forløb startet"), short=True)
    last_measured = tables.DateColumn(verbose_name=_("Seneste måling"), short=True)
    who5_latest = tables.Column(verbose_name=_("Seneste WHO-5"))
    who5_change = tables.Column(verbose_name=_("WHO-5-ændring siden start"))
    goals = tables.Column(verbose_name=_("Mål på sporet"), accessor="goals_on_track", order_by=("goals_on_track",))
    due = tables.Column(verbose_name=_("Opfølgning"))

    class Meta(BaseTable.Meta):
        model = Course
        fields = (
            "citizen",
            "unit",
            "legal_basis",
            "start",
            "last_measured",
            "who5_latest",
            "who5_change",
            "goals",
            "due",
        )
        order_by = ("citizen",)

    def render_who5_latest(self, value):
        return floatformat(value, 0)

    def render_who5_change(self, value):
        return f"{value:+.0f}"

    def value_who5_latest(self, value):
        return f"{value:.0f}"

    def value_who5_change(self, value):
        return f"{value:+.0f}"

    def render_goals(self, value, record):
        return _("%(on)s af %(total)s") % {"on": value, "total": record.goals_total} if record.goals_total else "–"

    def value_goals(self, value, record):
        return f"{value}/{record.goals_total}"

    def render_due(self, value):
        return format_html('<span class="due">⚠ {}</span>', _("Måling forfalden")) if value else _("I orden")

    def value_due(self, value):
        return _("forfalden") if value else ""

    def value_citizen(self, value):
        return value.name


class PartnerTable(BaseTable):
    name = tables.Column(verbose_name=_("Navn"))
    sector = tables.Column(verbose_name=_("Sektor"), order_by=("sector__order",))
    contact = tables.Column(verbose_name=_("Kontakt"))
    n_collaborations = tables.Column(verbose_name=_("Samarbejder i mine enheder"))
    mean_usefulness = tables.Column(verbose_name=_("Borgernes gns. udbytte (1–5)"))

    class Meta(BaseTable.Meta):
        model = Partner
        fields = ("name", "sector", "contact", "n_collaborations", "mean_usefulness")
        order_by = ("name",)

    def render_mean_usefulness(self, value):
        return floatformat(value, 1)
