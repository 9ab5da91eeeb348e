"""Recompute every trajectory summary from the raw measurements: `manage.py rebuild_summaries`."""

import time

from django.core.management.base import BaseCommand

from outcomes.summaries import summaries_rebuild


class Command(BaseCommand):
    help = "Recompute all per-(course, instrument) trajectory summaries from the measurements."

    def handle(self, *args, **opts):
        started = time.perf_counter()
        n = summaries_rebuild()
        self.stdout.write(f"Rebuilt {n} trajectory summaries in {time.perf_counter() - started:.1f} s")
