"""Delete audit entries older than the retention period: `manage.py purge_audit_log [--dry-run]`.

Run it daily (cron or a systemd timer). It is the one sanctioned way to delete from the append-only audit log
(tracker/audit.py); the purge itself is logged.
"""

from django.conf import settings
from django.core.management.base import BaseCommand

from tracker import audit


class Command(BaseCommand):
    help = "Delete audit log entries older than EFFEKTSPOR_AUDIT_RETENTION_DAYS (default 183 days)."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count what would be deleted; delete nothing.")

    def handle(self, *args, **opts):
        cutoff = audit.retention_cutoff()
        count = audit.purge(before=cutoff, dry_run=opts["dry_run"])
        verb = "Would delete" if opts["dry_run"] else "Deleted"
        self.stdout.write(
            f"{verb} {count} audit log entries older than {cutoff:%Y-%m-%d %H:%M} "
            f"({settings.EFFEKTSPOR_AUDIT_RETENTION_DAYS} days)."
        )
