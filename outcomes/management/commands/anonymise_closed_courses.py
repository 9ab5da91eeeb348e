"""Anonymise citizens past the retention period: `manage.py anonymise_closed_courses [--dry-run]`.

A citizen is anonymised when all their courses are closed and the latest ended more than
EFFEKTSPOR_RETENTION_YEARS (default 5) years ago: name "Anonymiseret", no CPR number or external id, every free
text emptied; dates, scores and answers stay for statistics. Each anonymisation is logged. The listing names
citizens by id only: the console is no place for names. The figures cache is emptied afterwards: a page or a list
rendered before may hold a name in an entry that is never served again (its key changed with the data) but would
otherwise stay until it expires.
"""

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand

from outcomes import gdpr
from tracker import dataversion


class Command(BaseCommand):
    help = "Anonymise citizens whose courses all closed more than EFFEKTSPOR_RETENTION_YEARS years ago."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="List what would change; change nothing.")
        parser.add_argument(
            "--today", type=datetime.date.fromisoformat, default=None, help="Count from this date (YYYY-MM-DD)."
        )

    def handle(self, *args, **opts):
        cutoff = gdpr.retention_cutoff(opts["today"])
        candidates = list(gdpr.anonymisation_candidates(today=opts["today"]))
        dry_run = opts["dry_run"]
        self.stdout.write(
            f"{'Would anonymise' if dry_run else 'Anonymising'} {len(candidates)} citizens whose courses all ended "
            f"before {cutoff:%Y-%m-%d} ({settings.EFFEKTSPOR_RETENTION_YEARS} years)."
        )
        for citizen in candidates:
            counts = gdpr.free_text_counts(citizen) if dry_run else gdpr.citizen_anonymise(citizen=citizen)
            texts = ", ".join(f"{key} {value}" for key, value in counts.items())
            self.stdout.write(
                f"  citizen {citizen.pk}: {citizen.n_courses} closed courses, last ended {citizen.last_end:%Y-%m-%d}; "
                f"name, CPR and external id removed; free texts emptied: {texts}"
            )
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
        elif candidates:
            dataversion.clear()
            self.stdout.write("The figures cache was emptied: no cached page keeps an old name.")
