"""Time an import through the background path: `python manage.py bench_import --rows 100000 [--json]`.

Runs in the configured database (use the benchmark database, as `manage.py bench` does): it creates a unit
'bench-import' and a user of the same name, and replaces the citizens of an earlier run in that unit.
"""

import json

from django.core.management.base import BaseCommand

from devtools.import_benchmark import time_import


class Command(BaseCommand):
    help = "Generate an import file of N rows and time its check and apply in the background worker."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=100_000)
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args, **opts):
        result = time_import(opts["rows"])
        if opts["json"]:
            self.stdout.write(json.dumps(result, indent=2))
            return
        self.stdout.write(
            f"import of {result['rows']} rows ({result['file_bytes'] / 1e6:.1f} MB, "
            f"background: {result['background']}): "
            f"{result['status']} in {result['seconds']} s = {result['rows_per_second']} rows/s "
            f"(check {result['check_seconds']} s, apply {result['apply_seconds']} s)"
        )
        self.stdout.write(f"counts: {result['counts']}")
        trace = " ".join(f"{pct}%@{sec:.1f}s" for sec, pct, _stage in result["apply_progress"])
        self.stdout.write(f"apply progress: {trace}")
