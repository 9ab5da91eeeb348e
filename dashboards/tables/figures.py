"""The aggregate tables behind the dashboard's charts: not sortable, not paginated."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from common import formatting as fmt
from tracker.tables import BaseTable


class FigureTable(BaseTable):
    """An aggregate table: not sortable, not paginated; ``Meta.attrs['id']`` is what its chart refers to."""

    class Meta(BaseTable.Meta):
        orderable = False
        empty_text = gettext_lazy("Ingen data i perioden.")


class CategoryTable(FigureTable):
    label = tables.Column(verbose_name=gettext_lazy("Ændring"))
    count = tables.Column(verbose_name=gettext_lazy("Antal forløb"), accessor="share__k")
    share = tables.Column(verbose_name=gettext_lazy("Andel"), accessor="share")
    interval = tables.Column(verbose_name=gettext_lazy("95 %-interval (Wilson)"), accessor="share", empty_values=())
    n = tables.Column(verbose_name=gettext_lazy("n"), accessor="share__n")

    class Meta(FigureTable.Meta):
        attrs = {"class": "table", "id": "categories-table"}

    def render_share(self, value):
        return fmt.pct(value.value)

    def render_interval(self, value):
        return fmt.share_interval(value)


class TrendTable(FigureTable):
    label = tables.Column(verbose_name=gettext_lazy("Kvartal"))
    n = tables.Column(verbose_name=gettext_lazy("Borgere målt"))
    mean = tables.Column(verbose_name=gettext_lazy("Gns. score"), empty_values=())
    followed = tables.Column(verbose_name=gettext_lazy("Heraf opfølgninger"), accessor="improved", empty_values=())
    improved = tables.Column(verbose_name=gettext_lazy("Forbedret siden første måling"), empty_values=())
    interval = tables.Column(verbose_name=gettext_lazy("95 %-interval"), accessor="improved", empty_values=())

    class Meta(FigureTable.Meta):
        attrs = {"class": "table", "id": "trend-table"}

    def render_mean(self, value):
        return fmt.num(value)

    def render_followed(self, value):
        return value.n if value is not None else fmt.DASH

    def render_improved(self, value):
        return fmt.share(value)

    def render_interval(self, value):
        return fmt.share_interval(value)


class LifeDomainTable(FigureTable):
    label = tables.Column(verbose_name=gettext_lazy("Livsområde"))
    n = tables.Column(verbose_name=gettext_lazy("n (forløb)"))
    mean_first = tables.Column(verbose_name=gettext_lazy("Gns. første"), empty_values=())
    mean_latest = tables.Column(verbose_name=gettext_lazy("Gns. seneste"), empty_values=())
    mean_change = tables.Column(verbose_name=gettext_lazy("Gns. ændring"), empty_values=())

    class Meta(FigureTable.Meta):
        attrs = {"class": "table", "id": "domains-table"}

    def render_mean_first(self, value):
        return fmt.num(value)

    def render_mean_latest(self, value):
        return fmt.num(value)

    def render_mean_change(self, value):
        return fmt.num(value, signed=True)


class GoalLevelTable(FigureTable):
    level = tables.Column(verbose_name=gettext_lazy("Niveau"))
    label = tables.Column(verbose_name=gettext_lazy("Betydning"))
    count = tables.Column(verbose_name=gettext_lazy("Antal mål"), accessor="share__k")
    share = tables.Column(verbose_name=gettext_lazy("Andel"), accessor="share")

    class Meta(FigureTable.Meta):
        attrs = {"class": "table", "id": "goal-levels-table"}

    def render_level(self, value):
        return f"{value:+d}" if value else "0"

    def render_share(self, value):
        return fmt.share(value)


class GoalDomainTable(FigureTable):
    label = tables.Column(verbose_name=gettext_lazy("Livsområde"))
    set = tables.Column(verbose_name=gettext_lazy("Mål sat i perioden"))
    reviewed = tables.Column(verbose_name=gettext_lazy("Mål fulgt op i perioden"))
    met = tables.Column(verbose_name=gettext_lazy("Nået mindst forventet niveau"))

    class Meta(FigureTable.Meta):
        attrs = {"class": "table", "id": "goal-domains-table"}

    def render_met(self, value):
        return fmt.share(value)


class SectorTable(FigureTable):
    label = tables.Column(verbose_name=gettext_lazy("Sektor"))
    n = tables.Column(verbose_name=gettext_lazy("Samarbejder"))
    partners = tables.Column(verbose_name=gettext_lazy("Samarbejdspartnere"))
    citizens = tables.Column(verbose_name=gettext_lazy("Borgere"))
    participated = tables.Column(verbose_name=gettext_lazy("Borgeren deltog"))
    usefulness = tables.Column(verbose_name=gettext_lazy("Borgernes gns. udbytte (1–5)"), empty_values=())

    class Meta(FigureTable.Meta):
        attrs = {"class": "table", "id": "sectors-table"}

    def render_usefulness(self, value, record):
        if not record.rated:
            return fmt.DASH
        return _("%(mean)s (n = %(n)s)") % {"mean": fmt.num(value), "n": record.rated}


class KindAssociationTable(FigureTable):
    label = tables.Column(verbose_name=gettext_lazy("Samarbejdsform"))
    with_kind = tables.Column(verbose_name=gettext_lazy("Gns. ændring med"), empty_values=())
    with_interval = tables.Column(verbose_name=gettext_lazy("95 %-KI med"), accessor="with_kind", empty_values=())
    without_kind = tables.Column(verbose_name=gettext_lazy("Gns. ændring uden"), empty_values=())
    without_interval = tables.Column(
        verbose_name=gettext_lazy("95 %-KI uden"), accessor="without_kind", empty_values=()
    )
    difference = tables.Column(verbose_name=gettext_lazy("Forskel"), empty_values=())

    class Meta(FigureTable.Meta):
        attrs = {"class": "table", "id": "kinds-table"}

    def render_with_kind(self, value):
        return fmt.mean(value, signed=True)

    def render_without_kind(self, value):
        return fmt.mean(value, signed=True)

    def render_with_interval(self, value):
        return fmt.interval(value.low, value.high)

    def render_without_interval(self, value):
        return fmt.interval(value.low, value.high)

    def render_difference(self, value):
        return fmt.num(value, signed=True)


class InformerTable(FigureTable):
    label = tables.Column(verbose_name=gettext_lazy("Hvem svarede"))
    count = tables.Column(verbose_name=gettext_lazy("Målinger"), accessor="share__k")
    share = tables.Column(verbose_name=gettext_lazy("Andel"), accessor="share")

    class Meta(FigureTable.Meta):
        attrs = {"class": "table", "id": "informers-table"}

    def render_share(self, value):
        return fmt.pct(value.value)


class UnitBreakdownTable(FigureTable):
    unit_name = tables.Column(verbose_name=gettext_lazy("Enhed"))
    active_citizens = tables.Column(verbose_name=gettext_lazy("Aktive borgere"))
    active_courses = tables.Column(verbose_name=gettext_lazy("Aktive forløb"))
    coverage = tables.Column(verbose_name=gettext_lazy("Dækning"))
    mean_change = tables.Column(verbose_name=gettext_lazy("Gns. ændring"))
    improved = tables.Column(verbose_name=gettext_lazy("Forbedret"), empty_values=())

    class Meta(FigureTable.Meta):
        attrs = {"class": "table", "id": "units-table"}

    def __init__(self, *args, link=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.link = link

    def render_unit_name(self, value, record):
        if self.link is None:
            return value
        return format_html('<a href="{}">{}</a>', self.link(record.unit_id), value)

    def value_unit_name(self, value):
        return value

    def render_coverage(self, value):
        return fmt.share(value)

    def render_mean_change(self, value):
        return fmt.mean(value, signed=True)

    def render_improved(self, value):
        return fmt.share(value)
