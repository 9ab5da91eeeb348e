"""Fill the database with a synthetic municipality: `manage.py seed --units 40 --citizens 10000`."""

import datetime
import time

from django.core.management.base import BaseCommand, CommandError

from devtools import demo as demo_data
from tracker.reference import load_reference_data


class Command(BaseCommand):
    help = (
        "Generate deterministic synthetic data (units, staff, citizens, courses, measurements, goals, collaborations)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--units", type=int, default=7)
        parser.add_argument("--citizens", type=int, default=300)
        parser.add_argument("--months", type=int, default=24)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--today",
            type=datetime.date.fromisoformat,
            default=None,
            help="The data's 'today' (YYYY-MM-DD); default the real date.",
        )
        parser.add_argument("--replace", action="store_true", help="Delete existing citizen data first.")

    def handle(self, *args, **opts):
        if opts["units"] < 1 or opts["citizens"] < 1 or opts["months"] < 2:
            raise CommandError("Need at least 1 unit, 1 citizen and 2 months.")
        started = time.perf_counter()
        load_reference_data()
        if opts["replace"]:
            demo_data.clear()
        try:
            result = demo_data.seed(
                units=opts["units"],
                citizens=opts["citizens"],
                months=opts["months"],
                seed=opts["seed"],
                today=opts["today"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"Seeded {result.units} units, {result.citizens} citizens, {result.courses} courses, "
            f"{result.measurements} measurements ({result.answers} answers), {result.goals} goals, "
            f"{result.collaborations} collaborations, {result.summaries} summaries in {elapsed:.1f} s"
        )
