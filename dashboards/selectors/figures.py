"""Headline figures per unit for the directors' comparison: open courses, all time, never citizen-level rows."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Avg, Count, Q

from outcomes.models import Instrument, TrajectorySummary
from tracker.models import Course, OrganisationUnit

IMPROVED = (TrajectorySummary.Category.IMPROVED, TrajectorySummary.Category.RECOVERED)
DETERIORATED = (TrajectorySummary.Category.DETERIORATED, TrajectorySummary.Category.HARMED)


@dataclass
class UnitFigures:
    unit: OrganisationUnit
    active: int
    paired: int  # open courses with a baseline and a follow-up of the instrument
    coverage: float | None
    mean_change: float | None
    improved: int
    deteriorated: int

    @property
    def improved_share(self) -> float | None:
        return self.improved / self.paired if self.paired else None

    @property
    def deteriorated_share(self) -> float | None:
        return self.deteriorated / self.paired if self.paired else None


def unit_figures(*, unit_ids, instrument: Instrument) -> list[UnitFigures]:
    """Headline figures per unit for open courses, from trajectory summaries: two queries in all."""
    units = OrganisationUnit.objects.filter(pk__in=unit_ids, kind=OrganisationUnit.Kind.UNIT).order_by("name")
    active = dict(
        Course.objects.filter(unit_id__in=unit_ids, end__isnull=True)
        .values_list("unit_id")
        .annotate(n=Count("citizen_id", distinct=True))
        .values_list("unit_id", "n")
    )
    rows = (
        TrajectorySummary.objects.filter(
            unit_id__in=unit_ids, instrument=instrument, course__end__isnull=True, change__isnull=False
        )
        .values("unit_id")
        .annotate(
            paired=Count("pk"),
            mean_change=Avg("change"),
            improved=Count("pk", filter=Q(category__in=IMPROVED)),
            deteriorated=Count("pk", filter=Q(category__in=DETERIORATED)),
        )
    )
    by_unit = {r["unit_id"]: r for r in rows}
    out = []
    for unit in units:
        r = by_unit.get(unit.pk, {})
        n_active = active.get(unit.pk, 0)
        paired = r.get("paired", 0)
        out.append(
            UnitFigures(
                unit=unit,
                active=n_active,
                paired=paired,
                coverage=paired / n_active if n_active else None,
                mean_change=r.get("mean_change"),
                improved=r.get("improved", 0),
                deteriorated=r.get("deteriorated", 0),
            )
        )
    return out


def small_number_k() -> int:
    return settings.SMALL_NUMBER_K
