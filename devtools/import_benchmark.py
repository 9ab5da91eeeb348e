"""Timing an import of many rows through the real background path: ``time_import(rows=100_000)``.

The file is generated (synthetic citizens, each with a course in a benchmark unit and five WHO-5 measurements),
uploaded as a job, and taken through both background tasks — the check (preview) and the apply — by running the
queued tasks the way ``manage.py db_worker`` does. Used by ``manage.py bench_import`` and, with a few thousand rows,
by the test suite.
"""

from __future__ import annotations

import csv
import datetime
import io
import time
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from imports import services
from imports.models import ImportJob
from tracker.models import Citizen, Course, LegalBasis, Membership, OrganisationUnit

BENCH_UNIT = "bench-import"
BENCH_USER = "bench-import"
MEASUREMENTS_PER_CITIZEN = 5


def generate_csv(rows: int, *, unit_code: str, today: datetime.date | None = None, start_index: int = 0) -> bytes:
    """A semicolon-separated file as Danish Excel writes it (cp1252): ``rows`` WHO-5 rows, five per citizen.

    CPR numbers are synthetic: a 20th-century date, then a serial starting 0–3; unique for up to 336,000 citizens.
    """
    today = today or timezone.localdate()
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(
        ["cpr", "navn", "køn", "enhed", "lovgrundlag", "forløb_start", "måleredskab", "dato", "hvem_svarede"]
        + ["happy", "calm", "active", "rested", "interest"]
    )
    course_start = today - datetime.timedelta(days=400)
    for index in range(rows):
        citizen = start_index + index // MEASUREMENTS_PER_CITIZEN
        visit = index % MEASUREMENTS_PER_CITIZEN
        day, month, year = 1 + citizen % 28, 1 + (citizen // 28) % 12, 60 + (citizen // 336) % 40
        cpr = f"{day:02d}{month:02d}{year:02d}-{citizen % 4000:04d}"
        date = course_start + datetime.timedelta(days=1 + 70 * visit)
        values = [(citizen + visit + k) % 6 for k in range(5)]
        writer.writerow(
            [cpr, f"Borger {citizen}", "kvinde" if citizen % 2 else "mand", unit_code, "§ 85",
             course_start.isoformat(), "who5", date.strftime("%d-%m-%Y"), "borger", *values]
        )  # fmt: skip
    return out.getvalue().encode("cp1252")


def _worker(worker_id: str = "effektspor-import") -> Worker:
    return Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )


def run_worker() -> None:
    """``manage.py db_worker --batch``: the worker's own loop, until no task is ready."""
    _worker("effektspor-bench").run()


def run_queued_tasks() -> int:
    """Run every ready task of the default database backend, as the worker does (claim, run, record the result).

    ``db_worker --batch`` would do the same, but it also closes "old" database connections between tasks, which
    inside a test's transaction would close the test's own connection; this loop leaves the connection alone.
    """
    worker = _worker()
    ran = 0
    while True:
        with transaction.atomic():
            task_result = DBTaskResult.objects.ready().filter(backend_name="default").get_locked()
            if task_result is None:
                return ran
            task_result.claim(worker.worker_id)
        worker.run_task(task_result)
        ran += 1


@transaction.atomic
def _bench_setup():
    """The benchmark unit and user; earlier benchmark citizens removed, so every run imports the same."""
    department = OrganisationUnit.objects.filter(parent__isnull=True).first()
    unit, _created = OrganisationUnit.objects.get_or_create(
        code=BENCH_UNIT, defaults={"name": "Benchmark: import", "parent": department}
    )
    unit.legal_bases.add(LegalBasis.objects.get(code="sel-85"))
    user, _created = get_user_model().objects.get_or_create(username=BENCH_USER, defaults={"is_active": True})
    Membership.objects.get_or_create(user=user, unit=unit, defaults={"role": Membership.Role.CASEWORKER})
    citizen_ids = list(Course.objects.filter(unit=unit).values_list("citizen_id", flat=True))
    Course.objects.filter(unit=unit).delete()
    Citizen.objects.filter(pk__in=citizen_ids, courses__isnull=True).delete()
    return unit, user


def time_import(rows: int, *, run_tasks: Callable[[], object] = run_worker) -> dict:
    """Generate ``rows`` rows, upload, check and apply them in the background; the times and the progress trace.

    ``run_tasks`` runs the queued tasks: the worker's own loop by default; the tests pass ``run_queued_tasks``.
    """
    unit, user = _bench_setup()
    content = generate_csv(rows, unit_code=unit.code)
    started = time.perf_counter()
    job = services.job_create(user=user, file_name=f"bench-{rows}.csv", content=content, language="da")
    job = services.job_queue_validation(job=job)
    background = job.status == ImportJob.Status.VALIDATION_QUEUED
    run_tasks()
    job.refresh_from_db()
    checked = time.perf_counter()
    check_trace = list(job.progress_trace)
    job = services.job_queue_apply(job=job)
    run_tasks()
    job.refresh_from_db()
    finished = time.perf_counter()
    seconds = finished - started
    return {
        "rows": rows,
        "background": background,
        "status": job.status,
        "counts": job.counts,
        "file_bytes": len(content),
        "check_seconds": round(checked - started, 2),
        "apply_seconds": round(finished - checked, 2),
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds) if seconds else None,
        "check_progress": check_trace,
        "apply_progress": list(job.progress_trace),
    }
