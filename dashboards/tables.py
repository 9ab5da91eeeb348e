"""The unit dashboard's tables (django-tables2): every chart's numbers, the headline, and the follow-up lists.

Rows are the selector's dataclasses (or dicts for the headline); numbers are written by
``dashboards.formatting`` in the active language, and CSV/Excel exports carry the same text. The two
citizen-level tables (``CITIZEN_LEVEL``) are the only ones with names; exporting them is logged.
"""

from __future__ import annotations

from typing import Any

import django_tables2 as tables
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dashboards import formatting as fmt
from dashboards.selectors import UnitDashboard
from tracker.tables import BaseTable


def _date(value) -> str:
    return date_format(value, "SHORT_DATE_FORMAT") if value else fmt.DASH


class FigureTable(BaseTable):
    """An aggregate table: not sortable, not paginated; ``Meta.attrs['id']`` is what its chart refers to."""

    class Meta(BaseTable.Meta):
        orderable = False
        empty_text = gettext_lazy("Ingen data i perioden.")


class HeadlineTable(FigureTable):
    figure = tables.Column(verbose_name=gettext_lazy("Nøgletal"))
    value = tables.Column(verbose_name=gettext_lazy("Værdi"))
    interval = tables.Column(verbose_name=gettext_lazy("95 %-konfidensinterval"))
    n = tables.Column(verbose_name=gettext_lazy("n (grundlag)"))

    class Meta(FigureTable.Meta):
        attrs = {"class": "table headline-table", "id": "headline-table"}


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


CITIZEN_LEVEL = frozenset({"follow_up", "not_on_track"})


def headline_rows(d: UnitDashboard) -> list[dict[str, Any]]:
    """The headline figures as rows: figure, value, 95% interval, n. Every figure with its n."""
    name = d.instrument.short_name
    counts = d.counts
    rows: list[dict[str, Any]] = [
        {
            "figure": _("Aktive borgere i perioden"),
            "value": counts["active_citizens"],
            "interval": fmt.DASH,
            "n": fmt.DASH,
        },
        {
            "figure": _("Aktive forløb i perioden"),
            "value": counts["active_courses"],
            "interval": fmt.DASH,
            "n": fmt.DASH,
        },
        {"figure": _("Forløb startet i perioden"), "value": counts["started"], "interval": fmt.DASH, "n": fmt.DASH},
        {"figure": _("Forløb afsluttet i perioden"), "value": counts["ended"], "interval": fmt.DASH, "n": fmt.DASH},
        {
            "figure": _("Dækning: aktive forløb med første og opfølgende %(name)s-måling") % {"name": name},
            "value": fmt.share(d.coverage),
            "interval": fmt.share_interval(d.coverage),
            "n": d.coverage.n,
        },
        {
            "figure": _("Gennemsnitlig ændring i %(name)s (point)") % {"name": name},
            "value": fmt.num(d.mean_change.mean, signed=True),
            "interval": fmt.interval(d.mean_change.low, d.mean_change.high),
            "n": d.mean_change.n,
        },
    ]
    for c in d.categories:
        rows.append(
            {
                "figure": c.label,
                "value": fmt.share(c.share),
                "interval": fmt.share_interval(c.share),
                "n": c.share.n,
            }
        )
    es = d.effect_size
    rows.append(
        {
            "figure": _("Effektstørrelse (d, ændring ÷ SD ved start)"),
            "value": fmt.num(es["d"], 2, signed=True) if es else fmt.DASH,
            "interval": fmt.interval(es["low"], es["high"], 2) if es else fmt.DASH,
            "n": int(es["n"]) if es else len(d.paired),
        }
    )
    rows += [
        {
            "figure": _("Målopfyldelse: gns. GAS T-score pr. forløb (50 = som forventet)"),
            "value": fmt.num(d.gas.mean),
            "interval": fmt.interval(d.gas.low, d.gas.high),
            "n": d.gas.n,
        },
        {
            "figure": _("Borgere med koordinerende indsatsplan"),
            "value": fmt.share(d.plan),
            "interval": fmt.share_interval(d.plan),
            "n": d.plan.n,
        },
        {
            "figure": _("Målinger udfyldt af medarbejder alene"),
            "value": fmt.share(d.staff_share),
            "interval": fmt.share_interval(d.staff_share),
            "n": d.staff_share.n,
        },
        {
            "figure": _("Åbne forløb uden første %(name)s-måling") % {"name": name},
            "value": fmt.share(d.no_baseline),
            "interval": fmt.share_interval(d.no_baseline),
            "n": d.no_baseline.n,
        },
    ]
    return rows


def dashboard_tables(d: UnitDashboard, *, unit_link=None) -> dict[str, tables.Table]:
    """Every table of the dashboard, by the name used in export links (``?_export=csv&table=<name>``)."""
    out: dict[str, tables.Table] = {
        "headline": HeadlineTable(headline_rows(d)),
        "categories": CategoryTable(d.categories),
        "trend": TrendTable(d.trend),
        "domains": LifeDomainTable(d.life_domains or []),
        "goal_levels": GoalLevelTable(d.goal_levels),
        "goal_domains": GoalDomainTable(d.goals_by_domain),
        "sectors": SectorTable(d.sectors),
        "kinds": KindAssociationTable(d.kind_associations),
        "informers": InformerTable(d.informers),
        "follow_up": FollowUpTable(d.follow_up, prefix="fu-"),
        "not_on_track": NotOnTrackTable(d.not_on_track, prefix="nt-"),
    }
    if d.by_unit:
        out["units"] = UnitBreakdownTable(d.by_unit, link=unit_link)
    return out
