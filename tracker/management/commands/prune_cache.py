"""Keep the aggregate cache bounded: ``manage.py prune_cache`` (run it daily, e.g. from cron)."""

from django.core.management.base import BaseCommand

from tracker import dataversion


class Command(BaseCommand):
    help = "Delete cached figures of older releases and all but the newest entries (tracker/dataversion.py)."

    def add_arguments(self, parser):
        parser.add_argument("--keep", type=int, default=dataversion.MAX_ENTRIES)

    def handle(self, *args, keep: int, **options):
        self.stdout.write(f"{dataversion.prune(keep=keep)} cache entries deleted")
