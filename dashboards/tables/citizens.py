"""The two citizen-level tables (the follow-up lists): the only ones with names; exporting them is logged."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.translation import gettext_lazy

from common import formatting as fmt
from tracker.tables import BaseTable

CITIZEN_LEVEL = frozenset({"follow_up", "not_on_track"})


def _date(value) -> str:
    return fmt.short_date(value) if value else fmt.DASH


class CitizenTable(BaseTable):
    """A citizen-level list: names linked to the citizen's page, sortable, paginated."""

    citizen_name = tables.Column(
        verbose_name=gettext_lazy("Borger"),
        linkify=lambda record: reverse("tracker:citizen_detail", args=[record.citizen_id]),
    )
    unit_name = tables.Column(verbose_name=gettext_lazy("Enhed"))

    class Meta(BaseTable.Meta):
        per_page = 25


class FollowUpTable(CitizenTable):
    start = tables.Column(verbose_name=gettext_lazy("Forløb startet"))
    last_date = tables.Column(verbose_name=gettext_lazy("Seneste måling"), empty_values=())
    days_since = tables.Column(verbose_name=gettext_lazy("Dage siden"), empty_values=())
    status_label = tables.Column(verbose_name=gettext_lazy("Status"), order_by=("status", "citizen_name"))

    class Meta(CitizenTable.Meta):
        attrs = {"class": "table", "id": "follow-up-table"}
        empty_text = gettext_lazy("Alle aktive borgere er målt inden for det anbefalede interval.")

    def render_start(self, value):
        return _date(value)

    def render_last_date(self, value):
        return _date(value)

    def render_days_since(self, value):
        return fmt.DASH if value is None else value

    # Exports carry typed values (common.exports): dates as dates, numbers as numbers.
    def value_start(self, value):
        return value

    def value_last_date(self, value):
        return value

    def value_days_since(self, value):
        return value


class NotOnTrackTable(CitizenTable):
    base_date = tables.Column(verbose_name=gettext_lazy("Første måling"))
    base_score = tables.Column(verbose_name=gettext_lazy("Første score"))
    end_date = tables.Column(verbose_name=gettext_lazy("Seneste måling"))
    end_score = tables.Column(verbose_name=gettext_lazy("Seneste score"))
    change = tables.Column(verbose_name=gettext_lazy("Ændring"), empty_values=())
    reason = tables.Column(verbose_name=gettext_lazy("Hvorfor på listen"))

    class Meta(CitizenTable.Meta):
        attrs = {"class": "table", "id": "not-on-track-table"}
        empty_text = gettext_lazy("Ingen borgere er i øjeblikket forværret eller fastlåst under grænsen.")

    def render_base_date(self, value):
        return _date(value)

    def render_end_date(self, value):
        return _date(value)

    def render_base_score(self, value):
        return fmt.num(value, 0)

    def render_end_score(self, value):
        return fmt.num(value, 0)

    def render_change(self, value):
        return fmt.num(value, 0, signed=True)

    def value_base_date(self, value):
        return value

    def value_end_date(self, value):
        return value

    def value_base_score(self, value):
        return value

    def value_end_score(self, value):
        return value

    def value_change(self, value):
        return value
