"""Keep the figures cache bounded: ``manage.py prune_cache`` (run it daily, e.g. from cron)."""

from django.core.management.base import BaseCommand

from tracker import dataversion


class Command(BaseCommand):
    help = (
        "Delete expired cached figures and all but the newest entries of the database cache; --all empties the "
        "cache, Redis too (after restoring the database from a backup). See tracker/dataversion.py."
    )

    def add_arguments(self, parser):
        parser.add_argument("--keep", type=int, default=dataversion.MAX_ENTRIES)
        parser.add_argument("--all", action="store_true", help="Empty the figures cache.")

    def handle(self, *args, keep: int, **options):
        if options["all"]:
            dataversion.clear()
            self.stdout.write("figures cache emptied")
            return
        deleted = dataversion.prune(keep=keep)
        left = dataversion.entry_count()
        self.stdout.write(
            f"{deleted} cache entries deleted"
            + (f", {left} left" if left is not None else " (Redis expires its entries itself)")
        )
