"""Empty the files of imports never applied: `python manage.py purge_import_files [--days 7]` (run daily).

An uploaded file holds CPR numbers; once applied it is emptied at once, and a file with errors is never kept.
A checked file waits for the user's approval — this removes it after the given number of days.
"""

import datetime

from django.core.management.base import BaseCommand

from imports.services import files_purge


class Command(BaseCommand):
    help = "Empty the stored files of imports that were checked but not applied within --days days."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7)

    def handle(self, *args, **opts):
        emptied = files_purge(older_than=datetime.timedelta(days=opts["days"]))
        self.stdout.write(f"{emptied} import files emptied.")
