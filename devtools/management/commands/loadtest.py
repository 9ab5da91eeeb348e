"""A load test that loses nothing: `python manage.py loadtest [--users 20 --readers 5 --seconds 60 --workers 4]
[--json]`.

Builds a fresh load-test database (SQLite in var/, or `<name>_loadtest` on PostgreSQL when DATABASE_URL points
there) with a seeded municipality, starts gunicorn on loopback with several workers on it, and lets locust run
``--users`` simulated caseworkers for ``--seconds``: each logs in through the login form, reads "Mine borgere"
and citizen pages, and records WHO-5 measurements (form, POST, result page), while ``--readers`` unit leaders
of the same units read their unit dashboard, which every write there makes stale (reported on its own: the
dashboards' median and 95th percentile under write load). Then it checks the database:

- every write the server acknowledged (a redirect to the new measurement) is there exactly once, found by the
  unique marker the caseworker wrote in its note — nothing lost, nothing duplicated;
- every trajectory summary agrees with a recomputation from the raw measurements.

It reports throughput, the median and 95th percentile per request type, and fails (exit status 1) on any error,
lost or duplicated write, or inconsistent summary.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections

from devtools.staticfiles import ensure_collected

LOCUSTFILE = Path(__file__).resolve().parents[2] / "loadtest" / "locustfile.py"
PASSWORD = "Loadtest-caseworker-2026"
DASHBOARD = "unit dashboard (leader, under write load)"  # the readers' request name in the locustfile


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def check_writes(acks_file: Path) -> dict:
    """Every acknowledged write exactly once; every summary consistent."""
    from django.db.models import Count

    from outcomes.models import Measurement
    from outcomes.summaries import summary_mismatches

    acks = [json.loads(line) for line in acks_file.read_text().splitlines() if line.strip()]
    loadtest_rows = Measurement.objects.filter(note__startswith="loadtest-")
    found = dict(loadtest_rows.order_by().values("note").annotate(n=Count("pk")).values_list("note", "n"))
    ids = dict(loadtest_rows.values_list("note", "pk"))
    lost = [a for a in acks if a["marker"] not in found or ids[a["marker"]] != a["id"]]
    duplicated = [a for a in acks if found.get(a["marker"], 0) > 1]
    unacknowledged = set(found) - {a["marker"] for a in acks}
    mismatches = summary_mismatches(course_ids={a["course"] for a in acks})
    return {
        "acknowledged_writes": len(acks),
        "writes_in_database": sum(found.values()),
        "lost": len(lost),
        "duplicated": len(duplicated),
        # Saved but not acknowledged (e.g. the client gave up waiting): not lost, reported for honesty.
        "saved_without_acknowledgement": len(unacknowledged),
        "summary_mismatches": len(mismatches),
        "summaries_checked_for_courses": len({a["course"] for a in acks}),
    }


def server_environment(database_url: str) -> dict[str, str]:
    """The environment gunicorn runs in: production settings (no debug, hashed static files) on loopback without
    HTTPS, with throwaway keys unless the caller's environment sets them (tests/devtools/test_loadtest_server.py
    checks that the settings accept it)."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "0",
        "EFFEKTSPOR_SECURE": "0",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or "loadtest-only-secret-key-0b6f3c2e9d1a",
        "EFFEKTSPOR_PSEUDONYM_KEY": os.environ.get("EFFEKTSPOR_PSEUDONYM_KEY")
        or "loadtest-only-pseudonym-key-7c41e0a95b2d",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    }


class Command(BaseCommand):
    help = "Run gunicorn with several workers under simulated caseworkers, then check that no write was lost."

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=20, help="Simulated caseworkers (default 20).")
        parser.add_argument(
            "--readers", type=int, default=5, help="Simulated unit leaders reading dashboards (default 5)."
        )
        parser.add_argument("--seconds", type=int, default=60, help="How long they work (default 60).")
        parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes (default 4).")
        parser.add_argument("--citizens", type=int, default=2000)
        parser.add_argument("--units", type=int, default=20)
        parser.add_argument("--json", action="store_true", help="Print one JSON object instead of a report.")

    def handle(self, *args, **opts):
        work = Path(settings.EFFEKTSPOR_VAR_DIR) / "loadtest"
        work.mkdir(parents=True, exist_ok=True)
        url = self.fresh_database(work)
        self.log(f"Seeding {opts['citizens']} citizens in {opts['units']} units …")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("createcachetable", verbosity=0)
        from devtools import demo as demo_data
        from tracker.reference import load_reference_data

        load_reference_data()
        demo_data.seed(units=opts["units"], citizens=opts["citizens"], months=12, seed=8)
        setup_file, acks_file = work / "setup.json", work / "acks.jsonl"
        setup_file.write_text(json.dumps(self.setup(opts["users"], opts["readers"])))
        acks_file.write_text("")
        connection.close()
        ensure_collected(self.stderr, debug=False)  # gunicorn runs as in production: hashed static files

        port = free_port()
        host = f"http://127.0.0.1:{port}"
        env = {
            **server_environment(url),
            "EFFEKTSPOR_LOADTEST_SETUP": str(setup_file),
            "EFFEKTSPOR_LOADTEST_ACKS": str(acks_file),
            "EFFEKTSPOR_LOADTEST_WRITERS": str(opts["users"]),
            "EFFEKTSPOR_LOADTEST_READERS": str(opts["readers"]),
        }
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "tracker.wsgi:application",
                f"--workers={opts['workers']}",
                f"--bind=127.0.0.1:{port}",
                "--log-level=warning",
                "--timeout=60",
            ],
            env=env,
            cwd=settings.BASE_DIR,
        )
        try:
            self.wait_until_up(host)
            self.log(
                f"gunicorn ({opts['workers']} workers) on {host}; {opts['users']} caseworkers and "
                f"{opts['readers']} leaders for {opts['seconds']} s"
            )
            prefix = work / "locust"
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "locust",
                    "-f",
                    str(LOCUSTFILE),
                    "--headless",
                    f"--users={opts['users'] + opts['readers']}",
                    f"--spawn-rate={opts['users'] + opts['readers']}",
                    f"--run-time={opts['seconds']}s",
                    f"--host={host}",
                    f"--csv={prefix}",
                    "--only-summary",
                    "--loglevel=WARNING",
                ],
                env=env,
                cwd=settings.BASE_DIR,
                check=False,
                timeout=opts["seconds"] + 120,
                stdout=subprocess.DEVNULL if opts["json"] else None,
            )
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)

        stats = self.read_stats(Path(f"{prefix}_stats.csv"))
        connection.close()  # a new connection sees everything the server committed
        checks = check_writes(acks_file)
        result = {
            "database": connection.vendor,
            "users": opts["users"],
            "readers": opts["readers"],
            "seconds": opts["seconds"],
            "workers": opts["workers"],
            **stats,
            **checks,
        }
        ok = result["errors"] == 0 and not (checks["lost"] or checks["duplicated"] or checks["summary_mismatches"])
        result["ok"] = ok and checks["acknowledged_writes"] > 0
        if opts["json"]:
            self.stdout.write(json.dumps(result))
        else:
            self.report(result)
        if not result["ok"]:
            raise CommandError("load test failed: see the report above")

    def log(self, text: str) -> None:
        self.stderr.write(text)

    # --- the database ------------------------------------------------------------------------------------
    def fresh_database(self, work: Path) -> str:
        """Point the default connection at a new, empty load-test database; its URL for gunicorn."""
        db = connections.databases["default"]
        connection.close()
        if db["ENGINE"] == "django.db.backends.sqlite3":
            path = work / "loadtest.sqlite3"
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            db["NAME"] = str(path)
            return f"sqlite:///{path}"
        name = f"{db['NAME']}_loadtest"
        with connection._nodb_cursor() as cursor:  # the maintenance database: ours need not exist yet
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{name}"')
        connection.close()
        db["NAME"] = name
        user = db.get("USER") or ""
        auth = f"{user}:{db['PASSWORD']}@" if db.get("PASSWORD") else (f"{user}@" if user else "")
        return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{name}"

    def setup(self, users: int, readers: int) -> dict:
        """Caseworkers with a known password, each with their open courses and citizens; leaders of their units."""
        from django.contrib.auth import get_user_model
        from django.contrib.auth.hashers import make_password

        from outcomes.models import InstrumentItem
        from tracker.models import Course, Membership

        memberships = (
            Membership.objects.filter(role=Membership.Role.CASEWORKER)
            .select_related("user")
            .order_by("unit_id", "user_id")
        )
        chosen, seen = [], set()
        for m in memberships:
            if m.user_id not in seen:
                seen.add(m.user_id)
                chosen.append(m)
        if len(chosen) < users:
            raise CommandError(f"the seeded municipality has {len(chosen)} caseworkers; ask for fewer --users")
        chosen = chosen[:users]
        leaders = self.leaders([m.unit_id for m in chosen], readers)
        get_user_model().objects.filter(pk__in=[m.user_id for m in chosen] + [u for u, _ in leaders]).update(
            password=make_password(PASSWORD)
        )
        caseworkers = []
        for m in chosen:
            courses = list(
                Course.objects.filter(unit_id=m.unit_id, end__isnull=True)
                .order_by("pk")
                .values("pk", "citizen_id")[:40]
            )
            caseworkers.append(
                {
                    "username": m.user.username,
                    "courses": [c["pk"] for c in courses],
                    "citizens": [c["citizen_id"] for c in courses],
                }
            )
        items = list(
            InstrumentItem.objects.filter(instrument__code="who5").order_by("order").values_list("link_id", flat=True)
        )
        from django.urls import reverse

        names = dict(get_user_model().objects.filter(pk__in=[u for u, _ in leaders]).values_list("pk", "username"))
        dashboard = reverse("dashboards:leader_home")
        return {
            "password": PASSWORD,
            "caseworkers": caseworkers,
            "leaders": [{"username": names[u], "dashboard": f"{dashboard}?unit={unit}"} for u, unit in leaders],
            "who5_items": items,
        }

    def leaders(self, units: list[int], n: int) -> list[tuple[int, int]]:
        """(user, unit) of ``n`` leaders, first of the units the caseworkers write in."""
        from tracker.models import Membership

        found, seen = [], set()
        rows = Membership.objects.filter(role=Membership.Role.LEADER).order_by("unit_id", "user_id")
        order = {u: i for i, u in enumerate(dict.fromkeys(units))}
        for m in sorted(rows, key=lambda m: order.get(m.unit_id, len(order))):
            if m.user_id not in seen:
                seen.add(m.user_id)
                found.append((m.user_id, m.unit_id))
        if len(found) < n:
            raise CommandError(f"the seeded municipality has {len(found)} leaders; ask for fewer --readers")
        return found[:n]

    def wait_until_up(self, host: str) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"{host}/login/", timeout=5) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise CommandError("gunicorn did not answer within 60 s")

    # --- the results -------------------------------------------------------------------------------------
    def read_stats(self, path: Path) -> dict:
        pages, total = {}, None
        with path.open() as f:
            for row in csv.DictReader(f):
                entry = {
                    "requests": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "median_ms": float(row["Median Response Time"]),
                    "p95_ms": float(row["95%"]),
                    "requests_per_s": round(float(row["Requests/s"]), 1),
                }
                if row["Name"] == "Aggregated":
                    total = entry
                else:
                    pages[f"{row['Type']} {row['Name']}"] = entry
        if total is None:
            raise CommandError(f"no aggregate row in {path}")
        dashboards = pages.get(f"GET {DASHBOARD}", {"requests": 0, "failures": 0, "median_ms": None, "p95_ms": None})
        return {
            "requests": total["requests"],
            "errors": total["failures"],
            "dashboards_under_write_load": dashboards,
            "throughput_rps": total["requests_per_s"],
            "median_ms": total["median_ms"],
            "p95_ms": total["p95_ms"],
            "pages": pages,
        }

    def report(self, r: dict) -> None:
        w = self.stdout.write
        w(
            f"Load test on {r['database']}: {r['users']} caseworkers, {r['readers']} leaders, {r['seconds']} s, "
            f"gunicorn {r['workers']} workers"
        )
        w(f"{'request':55} {'n':>6} {'fail':>5} {'median ms':>10} {'p95 ms':>8}")
        for name, p in sorted(r["pages"].items()):
            w(f"{name:55} {p['requests']:>6} {p['failures']:>5} {p['median_ms']:>10.0f} {p['p95_ms']:>8.0f}")
        w(f"{'all':55} {r['requests']:>6} {r['errors']:>5} {r['median_ms']:>10.0f} {r['p95_ms']:>8.0f}")
        w(f"throughput {r['throughput_rps']} requests/s")
        d = r["dashboards_under_write_load"]
        w(
            f"unit dashboards read by {r['readers']} leaders while {r['users']} caseworkers write: "
            f"{d['requests']} requests, median {d['median_ms']} ms, p95 {d['p95_ms']} ms, {d['failures']} failed"
        )
        w(
            f"writes acknowledged {r['acknowledged_writes']}, in the database {r['writes_in_database']}, "
            f"lost {r['lost']}, duplicated {r['duplicated']}, saved without acknowledgement "
            f"{r['saved_without_acknowledgement']}"
        )
        w(
            f"trajectory summaries: {r['summary_mismatches']} inconsistent "
            f"(checked every course written to: {r['summaries_checked_for_courses']})"
        )
        w("OK" if r["ok"] else "FAILED")
