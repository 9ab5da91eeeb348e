"""Rebuild the pre-aggregated figure inputs (figures/aggregates.py): every stored row, and optionally every unit's
rows for grid periods (``--period 12m --period q2026-3``) of every active instrument."""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from figures import aggregates
from figures.models import UnitFigureInputs
from figures.periods import Period, resolve_period
from outcomes.models import Instrument
from tracker.models import OrganisationUnit


class Command(BaseCommand):
    help = "Rebuild the pre-aggregated figure inputs from the records (all stored rows, and --period ones)."

    def add_arguments(self, parser):
        parser.add_argument("--period", action="append", default=[], help="A grid period code to materialise.")

    def handle(self, *args, **opts):
        today = timezone.localdate()
        wanted: dict[int, set[tuple]] = {}
        for instrument_id, start, end in UnitFigureInputs.objects.values_list("instrument_id", "start", "end"):
            wanted.setdefault(instrument_id, set()).add((start, end))
        extra = [resolve_period(code, today=today) for code in opts["period"]]
        for instrument in Instrument.objects.filter(active=True):
            wanted.setdefault(instrument.pk, set()).update((p.start, p.end) for p in extra)
        units = list(OrganisationUnit.objects.filter(kind=OrganisationUnit.Kind.UNIT).values_list("pk", flat=True))
        rows = 0
        with transaction.atomic():
            UnitFigureInputs.objects.all().delete()
            for instrument in Instrument.objects.filter(pk__in=sorted(wanted)):
                periods = [Period(start, end, "", "") for start, end in sorted(wanted[instrument.pk])]
                built = aggregates.build(units, instrument, periods)
                aggregates.store(instrument, built)
                rows += len(built)
        self.stdout.write(f"{rows} rows rebuilt")
