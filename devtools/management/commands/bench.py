"""Measure the main pages on a seeded benchmark database: `python manage.py bench [--national] [--json]`.

Seeds a separate database (SQLite file in var/, or `<name>_bench_…` on PostgreSQL when DATABASE_URL points
there) unless it already holds the requested data set, then times, warm, at least 20 requests of each page
through Django's test client in this process (server time: middleware, views, queries and templates —
no network), with their query counts, and times a naive baseline: one raw SQL query computing each unit's
mean change (first to latest measurement per course) straight from the measurement rows, as a
spreadsheet-style implementation would.

Each run measures a fresh copy of the seeded database (``…-run``), after opening the director's comparison once
(as in a municipality at work: every unit's pre-aggregated rows exist), so runs start from the same data.

"After a write" is what a user meets when someone has just saved data their page shows: for each page, a
WHO-5 is recorded through the service in each of ``--writes`` (≥ 10) different units, each followed by the
page's first request as seen from that unit (its caseworker or leader; the director sees them all). Reported as
the median and the maximum of those requests.
"""

from __future__ import annotations

import datetime
import gc
import json
import statistics as stats
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from devtools import benchdb
from devtools.memory import peak_rss_mb, reset_peak
from devtools.staticfiles import ensure_collected

# The spreadsheet way: each course's first and latest measurement found from its raw rows (by date), their
# difference averaged per unit. Window functions were tried too and were slower on SQLite.
NAIVE_SQL = """
SELECT c.unit_id, AVG(latest.score - first.score) AS mean_change, COUNT(*) AS n
FROM (
    SELECT course_id, MIN(date) AS first_date, MAX(date) AS latest_date
    FROM outcomes_measurement
    WHERE instrument_id = %(instrument)s
    GROUP BY course_id
    HAVING COUNT(*) > 1
) span
JOIN outcomes_measurement first
  ON first.course_id = span.course_id AND first.date = span.first_date AND first.instrument_id = %(instrument)s
JOIN outcomes_measurement latest
  ON latest.course_id = span.course_id AND latest.date = span.latest_date AND latest.instrument_id = %(instrument)s
JOIN tracker_course c ON c.id = span.course_id
GROUP BY c.unit_id
"""


def actors():
    """The busiest open unit, one of its caseworkers and its leader, a director of the municipality, and the
    unit's open course with goals, collaborations and the most measurements."""
    from django.contrib.auth import get_user_model
    from django.db.models import Count

    from tracker.models import Course, DirectorScope, Membership, OrganisationUnit

    user_model = get_user_model()
    unit_id = (
        Course.objects.filter(end__isnull=True)
        .values("unit_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("unit_id", flat=True)
        .first()
    )
    caseworker = Membership.objects.filter(unit_id=unit_id, role=Membership.Role.CASEWORKER).first().user
    leader = Membership.objects.filter(unit_id=unit_id, role=Membership.Role.LEADER).first().user
    director, _ = user_model.objects.get_or_create(username="bench-director")
    DirectorScope.objects.get_or_create(user=director, unit=OrganisationUnit.objects.get(code="egekaer"))
    # A full citizen page: goals and collaborations as well as many measurements.
    open_courses = Course.objects.filter(unit_id=unit_id, end__isnull=True)
    full = open_courses.filter(goals__isnull=False, collaborations__isnull=False)
    course = (
        (full if full.exists() else open_courses)
        .annotate(n=Count("measurements", distinct=True))
        .order_by("-n", "pk")
        .first()
    )
    return unit_id, caseworker, leader, director, course


def unit_actors(n: int) -> list[tuple[int, object, object, object]]:
    """Up to ``n`` units with open courses, a caseworker and a leader, busiest first: (unit, caseworker, leader,
    course)."""
    from django.db.models import Count

    from tracker.models import Course, Membership

    busiest = (
        Course.objects.filter(end__isnull=True)
        .values("unit_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "unit_id")
        .values_list("unit_id", flat=True)
    )
    out = []
    for unit_id in busiest:
        roles = {m.role: m.user for m in Membership.objects.filter(unit_id=unit_id).select_related("user")}
        course = Course.objects.filter(unit_id=unit_id, end__isnull=True).order_by("pk").first()
        if Membership.Role.CASEWORKER in roles and Membership.Role.LEADER in roles:
            out.append((unit_id, roles[Membership.Role.CASEWORKER], roles[Membership.Role.LEADER], course))
        if len(out) == n:
            break
    return out


def record_who5(course, user) -> None:
    """A write as a caseworker makes it: a WHO-5 through the service (summaries, audit log, data versions)."""
    from outcomes import services
    from outcomes.models import Instrument

    instrument = Instrument.objects.prefetch_related("items").get(code="who5")
    services.measurement_record(
        course=course,
        instrument=instrument,
        answers={item.link_id: 3 for item in instrument.items.all()},
        date=datetime.date.today(),
        informer="citizen",
        recorded_by=user,
        note="bench",
    )


def page_requests(unit_id: int, course) -> dict[str, tuple[str, str, str, dict | None]]:
    """The measured pages: name → (who, method, url, POST data)."""
    today = datetime.date.today().isoformat()
    post = {
        "item_happy": "3",
        "item_calm": "3",
        "item_active": "2",
        "item_rested": "3",
        "item_interest": "4",
        "date": today,
        "informer": "citizen",
        "confirm_duplicate": "on",
    }
    pages = {
        "my_citizens": ("caseworker", "get", reverse("tracker:citizen_list"), None),
        "citizen_page": ("caseworker", "get", reverse("tracker:citizen_detail", args=[course.citizen_id]), None),
        "record_measurement": (
            "caseworker",
            "post",
            reverse("outcomes:measurement_create", args=[course.pk, "who5"]),
            post,
        ),
        "unit_dashboard": ("leader", "get", reverse("dashboards:leader_home") + f"?unit={unit_id}", None),
        "director_comparison": ("director", "get", reverse("dashboards:director_home"), None),
        "comparison_export": ("director", "get", reverse("dashboards:director_home") + "?_export=csv", None),
    }
    return pages


class Command(BaseCommand):
    help = "Seed (once) a benchmark database and time the main pages against a naive baseline."

    def add_arguments(self, parser):
        parser.add_argument("--citizens", type=int, default=10000)
        parser.add_argument("--units", type=int, default=40)
        parser.add_argument("--months", type=int, default=24)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--requests", type=int, default=20)
        parser.add_argument(
            "--writes", type=int, default=10, help="Writes, each in another unit, timed per page (at least 10)."
        )
        parser.add_argument(
            "--national",
            action="store_true",
            help="The national scale: 50,000 citizens, 100 units, 36 months. PostgreSQL only (DATABASE_URL).",
        )
        parser.add_argument("--json", action="store_true", help="Print one JSON object instead of a table.")
        parser.add_argument(
            "--import-rows",
            type=int,
            default=0,
            help="Also time an import of this many rows through the background worker, in a database "
            "of its own so the page data set stays as it was.",
        )

    def handle(self, *args, **opts):
        if opts["writes"] < 10:
            raise CommandError("--writes must be at least 10")
        if opts["national"]:
            if connection.vendor != "postgresql":
                raise CommandError(
                    "--national seeds 50,000 citizens: run it on PostgreSQL (DATABASE_URL=postgres://…), not SQLite"
                )
            opts.update(citizens=50000, units=100, months=36)
        signature = f"c{opts['citizens']}-u{opts['units']}-m{opts['months']}-s{opts['seed']}"
        self.base_name = benchdb.use_bench_database(signature)
        seed_seconds = benchdb.ensure_dataset(signature, opts, self.stderr)
        seed_peak = round(peak_rss_mb(), 1) if seed_seconds is not None else None
        benchdb.use_working_copy()
        gc.collect()
        peak_reset = reset_peak()
        ensure_collected(self.stderr)
        settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
        # As in an app server (tracker/wsgi.py): the start-up heap is frozen out of the full garbage collections.
        # Django's test environment is not set up: it instruments every template render, which no server does.
        gc.freeze()
        pages = self.measure_pages(opts["requests"], opts["writes"])
        baseline = self.measure_baseline(opts["requests"])
        result = {
            "dataset": {
                "signature": signature,
                "database": connection.vendor,
                "seed_seconds": seed_seconds,
                **self.dataset_counts(),
            },
            "pages": pages,
            "baseline_ms": baseline,
            # The pages' peak: from after seeding (when the system can reset the peak), else since start.
            "peak_rss_mb": round(peak_rss_mb(), 1),
            "peak_rss_excludes_seeding": peak_reset,
            "seed_peak_rss_mb": seed_peak,
        }
        for page in pages.values():
            page["ratio_to_baseline"] = round(page["median_ms"] / baseline, 3) if baseline else None
        if opts["import_rows"]:
            result["import"] = self.measure_import(opts["import_rows"])
        if opts["json"]:
            self.stdout.write(json.dumps(result))
            return
        self.stdout.write(f"Dataset {signature} on {connection.vendor}: {result['dataset']}")
        self.stdout.write(
            f"{'page':22} {'median ms':>10} {'p95 ms':>8} {'after write':>12} {'(max)':>8} {'queries':>8} "
            f"{'× baseline':>11}"
        )
        for name, page in pages.items():
            self.stdout.write(
                f"{name:22} {page['median_ms']:>10.1f} {page['p95_ms']:>8.1f} {page['after_write_ms']:>12.1f} "
                f"{page['after_write_max_ms']:>8.1f} {page['queries']:>8} {page['ratio_to_baseline']:>11}"
            )
        self.stdout.write(f"after a write: median and maximum of {opts['writes']} writes, each in another unit")
        self.stdout.write(f"{'naive baseline (raw SQL)':28} {baseline:>10.1f}")
        self.stdout.write(
            f"peak RSS {result['peak_rss_mb']} MB"
            + (" (seeding excluded)" if peak_reset else "")
            + (f"; seeding peaked at {seed_peak} MB" if seed_peak is not None else "")
        )
        if "import" in result:
            i = result["import"]
            self.stdout.write(
                f"import of {i['rows']} rows in the background: {i['status']} in {i['seconds']} s "
                f"({i['rows_per_second']} rows/s; check {i['check_seconds']} s, apply {i['apply_seconds']} s)"
            )

    def dataset_counts(self) -> dict:
        from outcomes.models import Measurement
        from tracker.models import Citizen, Course, OrganisationUnit

        return {
            "citizens": Citizen.objects.count(),
            "courses": Course.objects.count(),
            "measurements": Measurement.objects.count(),
            "units": OrganisationUnit.objects.filter(kind=OrganisationUnit.Kind.UNIT).count(),
        }

    # --- the pages -------------------------------------------------------------------------------------
    def measure_pages(self, n: int, writes: int) -> dict:
        unit_id, caseworker, leader, director, course = actors()
        clients = {"caseworker": caseworker, "leader": leader, "director": director}
        clients = {name: _client(user) for name, user in clients.items()}
        pages = page_requests(unit_id, course)
        # The units written to, each with its own caseworker and leader; the director's client sees them all.
        spread = unit_actors(writes)
        if len(spread) < writes:
            raise CommandError(f"only {len(spread)} units with a caseworker and a leader; ask for fewer --writes")
        units = [
            (course, c, page_requests(u, course), {"caseworker": _client(c), "leader": _client(lead)})
            for u, c, lead, course in spread
        ]
        # As in a municipality at work: the director's comparison has been opened, so every unit's pre-aggregated
        # rows exist and a write keeps them current (on a fresh copy none exist, and a write would be cheaper).
        _call(clients["director"], *pages["director_comparison"][1:])()
        out = {}
        for name, (who, method, url, data) in pages.items():
            call = _call(clients[who], method, url, data)
            for _ in range(2):  # warm up: caches, imports, query plans
                response = call()
            if response.status_code not in (200, 302):
                raise RuntimeError(f"{name}: {url} answered {response.status_code}")
            with CaptureQueriesContext(connection) as ctx:
                call()
            queries = len(ctx)  # read now: later requests reset the connection's query log
            timings = []
            for _ in range(n):
                started = time.perf_counter()
                call()
                timings.append((time.perf_counter() - started) * 1000)
            timings.sort()
            after_write = self.after_writes(name, who, units, clients)
            out[name] = {
                "median_ms": round(stats.median(timings), 1),
                "p95_ms": round(timings[min(len(timings) - 1, int(round(0.95 * (len(timings) - 1))))], 1),
                "after_write_ms": round(stats.median(after_write), 1),
                "after_write_max_ms": round(max(after_write), 1),
                "after_write_writes": len(after_write),
                "queries": queries,
            }
        return out

    def after_writes(self, name: str, who: str, units, clients) -> list[float]:
        """The page's first request after a write in each unit, as seen from that unit."""
        timings = []
        for course, writer, requests, unit_clients in units:
            _who, method, url, data = requests[name]
            client = clients["director"] if who == "director" else unit_clients[who]
            call = _call(client, method, url, data)
            call()  # cached before the write, so that the write is what makes it stale
            record_who5(course, writer)
            started = time.perf_counter()
            response = call()
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code not in (200, 302):
                raise RuntimeError(f"{name}: {url} answered {response.status_code} after a write")
        return timings

    def measure_import(self, rows: int) -> dict:
        """time_import (devtools.import_benchmark) in a database of its own (var/bench-import…, or <name>_bench_…)."""
        from devtools.import_benchmark import time_import
        from tracker.reference import load_reference_data

        benchdb.use_bench_database("import", self.base_name)
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        load_reference_data()
        result = time_import(rows)
        keep = ("rows", "status", "seconds", "rows_per_second", "check_seconds", "apply_seconds", "background")
        return {key: result[key] for key in keep if key in result}

    def measure_baseline(self, n: int) -> float:
        from outcomes.models import Instrument

        instrument_id = Instrument.objects.get(code="who5").pk
        timings = []
        for i in range(n + 2):
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute(NAIVE_SQL, {"instrument": instrument_id})
                cursor.fetchall()
            if i >= 2:
                timings.append((time.perf_counter() - started) * 1000)
        return round(stats.median(timings), 1)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _call(client, method, url, data):
    return (lambda: client.post(url, data)) if method == "post" else (lambda: client.get(url))
