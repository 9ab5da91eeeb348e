"""Django's ``flush``, through the audit log's sanctioned purge window (tracker/audit.py).

``flush`` empties every table. The audit log's triggers refuse deletes outside the purge window, so without this
override a flush (including the one Django's transactional tests run after each test) would fail as soon as the
log holds a row. A deliberate wipe of the whole database is no rewrite of history.
"""

from django.core.management.commands.flush import Command as DjangoFlushCommand

from tracker import audit


class Command(DjangoFlushCommand):
    def handle(self, **options):
        with audit.purge_window(None, using=options["database"]):
            return super().handle(**options)
