"""Tables for the listings of core records (django-tables2)."""

from __future__ import annotations

import functools
import inspect

import django_tables2 as tables
from django.template.defaultfilters import floatformat
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from common.formatting import short_date
from tracker.models import Course, Partner


def install_signature_cache() -> None:
    """Memoise django-tables2's ``utils.signature``, which calls ``inspect.signature`` for every cell it renders.

    On the unit dashboard (≈700 cells) that was a third of the rendering time. A bound method's signature is its
    function's without the first parameter, so the cache is keyed on the function, not on the (per-request) bound
    method; unhashable callables fall back to the original. Called once from ``TrackerConfig.ready``.
    """
    # Patches a library internal: tests/test_library_patches.py checks it still fits the pinned django-tables2.
    from django_tables2 import utils

    if getattr(utils.signature, "memoised", False):
        return
    original = utils.signature

    @functools.lru_cache(maxsize=2048)
    def of_function(fn, bound: bool):
        args, keywords = original(fn)
        return (args[1:] if bound else args), keywords

    def signature(fn):
        try:
            if inspect.ismethod(fn):
                return of_function(fn.__func__, True)
            return of_function(fn, False)
        except TypeError:  # unhashable
            return original(fn)

    signature.memoised = True
    signature.original = original
    utils.signature = signature


class ShortDateColumn(tables.Column):
    """A date in the short local format; a plain column (django-tables2's DateColumn renders a template per cell)."""

    def render(self, value):
        return short_date(value)

    def value(self, value):
        # Exports get the date itself: common.exports writes it as a date (xlsx) or ISO 8601 (CSV).
        return value


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
    start = ShortDateColumn(verbose_name=_("Forløb startet"))
    last_measured = ShortDateColumn(verbose_name=_("Seneste måling"))
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
        return round(value)

    def value_who5_change(self, value):
        return round(value)

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
