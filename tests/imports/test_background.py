"""Large imports run in the background worker (Django's tasks framework, django-tasks-db) with visible progress.

The 100,000-row case is timed by ``manage.py bench_import`` (devtools/import_benchmark.py); here the same path runs
with a few thousand rows, through the real pages, with the threshold for the background lowered."""

from __future__ import annotations

import io
import time

import pytest
from django.urls import reverse
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from devtools.import_benchmark import generate_csv, run_queued_tasks
from imports.models import ImportJob
from outcomes.models import Measurement, TrajectorySummary
from tracker.models import AuditEntry, Citizen

ROWS = 2000


@pytest.fixture(autouse=True)
def danish():
    with translation.override("da"):
        yield


def test_a_large_file_is_checked_and_applied_in_the_background_with_progress_from_0_to_100(client, world, settings):
    settings.EFFEKTSPOR_IMPORT_SYNC_MAX_ROWS = 500
    client.force_login(world.alice)
    handle = io.BytesIO(generate_csv(ROWS, unit_code="a"))
    handle.name = "stor.csv"
    started = time.perf_counter()

    # Upload: nothing is checked in the request; the job waits for the worker, and its page says so.
    response = client.post(reverse("imports:job_create"), {"file": handle})
    job = ImportJob.objects.get()
    assert response.url == job.get_absolute_url()
    assert (job.status, job.total_rows, job.progress) == (ImportJob.Status.VALIDATION_QUEUED, ROWS, 0)
    assert DBTaskResult.objects.get(id=job.task_id).task_path == "imports.tasks.validate_import"
    page = client.get(job.get_absolute_url()).content.decode()
    assert '<progress id="import-progress" max="100" value="0">' in page
    assert "data-import-running" in page and "js/imports.js" in page

    assert run_queued_tasks() == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALIDATED, job.errors[:3]
    assert job.counts["measurements_new"] == ROWS
    assert job.progress == 100

    # Confirm: the apply goes to the worker too; the page shows progress, then the result.
    response = client.post(reverse("imports:job_apply", args=[job.pk]), {"confirm": "True"})
    job.refresh_from_db()
    assert job.status == ImportJob.Status.APPLY_QUEUED
    assert Measurement.objects.filter(course__unit=world.unit_a).count() == 0
    assert run_queued_tasks() == 1
    elapsed = time.perf_counter() - started
    job.refresh_from_db()
    assert job.status == ImportJob.Status.APPLIED, (job.failure, job.errors[:3])
    assert DBTaskResult.objects.get(id=job.task_id).status == "SUCCESSFUL"

    percents = [pct for _seconds, pct, _stage in job.progress_trace]
    assert percents[0] == 0 and percents[-1] == 100
    assert percents == sorted(percents) and len(set(percents)) >= 4, percents
    stages = [stage for *_rest, stage in job.progress_trace]
    assert stages[0] == "checking" and "writing" in stages and stages[-1] == "done"

    assert Measurement.objects.filter(course__unit=world.unit_a).count() == ROWS
    assert Citizen.objects.filter(name__startswith="Borger ").count() == ROWS // 5
    assert TrajectorySummary.objects.filter(unit=world.unit_a, n_measurements=5).count() == ROWS // 5
    assert AuditEntry.objects.filter(purpose="import", object_id=job.pk).count() == 1
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Importeret" in page and "<progress" not in page
    print(f"\n{ROWS} rows in the background (check + apply): {elapsed:.2f} s")


def test_a_failing_background_task_marks_the_job_failed_and_saves_nothing(client, world, settings, monkeypatch):
    from imports import bulk

    settings.EFFEKTSPOR_IMPORT_SYNC_MAX_ROWS = 5
    client.force_login(world.alice)
    handle = io.BytesIO(generate_csv(20, unit_code="a"))
    handle.name = "stor.csv"
    client.post(reverse("imports:job_create"), {"file": handle})
    run_queued_tasks()
    job = ImportJob.objects.get()
    client.post(reverse("imports:job_apply", args=[job.pk]), {"confirm": "True"})

    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(bulk, "summaries_refresh", broken)
    before = Measurement.objects.count()
    run_queued_tasks()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.failure == "Der opstod en uventet fejl. Intet er gemt."
    assert DBTaskResult.objects.get(id=job.task_id).status == "FAILED"
    assert Measurement.objects.count() == before
    assert not Citizen.objects.filter(name__startswith="Borger ").exists()


def test_time_import_reports_seconds_rows_per_second_and_the_progress(db, settings):
    """What `manage.py bench_import --rows 100000` prints, on a small file (the lead's `bench` calls it)."""
    from devtools.import_benchmark import time_import

    settings.EFFEKTSPOR_IMPORT_SYNC_MAX_ROWS = 500
    result = time_import(1500, run_tasks=run_queued_tasks)
    assert result["status"] == ImportJob.Status.APPLIED and result["background"] is True
    assert result["counts"]["measurements_new"] == 1500 and result["counts"]["citizens_new"] == 300
    assert result["seconds"] > 0 and result["rows_per_second"] > 0
    assert result["check_progress"][0][1] == 0 and result["check_progress"][-1][1] == 100
    assert result["apply_progress"][0][1] == 0 and result["apply_progress"][-1][1] == 100
    # Run again: the benchmark replaces its own earlier citizens, so it measures the same work.
    again = time_import(1500, run_tasks=run_queued_tasks)
    assert again["counts"]["measurements_new"] == 1500


def test_a_job_whose_worker_died_is_marked_failed_and_a_running_one_is_left_alone(client, world):
    import datetime

    from django.utils import timezone

    from imports import services

    client.force_login(world.alice)
    handle = io.BytesIO(generate_csv(20, unit_code="a"))
    handle.name = "lille.csv"
    client.post(reverse("imports:job_create"), {"file": handle})
    job = ImportJob.objects.get()
    running_since = timezone.now() - services.STALLED_AFTER + datetime.timedelta(minutes=1)
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.APPLYING, started_at=running_since, progress=80, progress_trace=[[0.0, 0, "checking"]]
    )
    # Still within the time a worker may be silent: the page shows it running.
    client.get(job.get_absolute_url())
    job.refresh_from_db()
    assert job.status == ImportJob.Status.APPLYING

    # Silent for longer (its worker was stopped mid-way): failed, with a reason, and nothing was saved.
    ImportJob.objects.filter(pk=job.pk).update(started_at=running_since - datetime.timedelta(minutes=2))
    page = client.get(job.get_absolute_url()).content.decode()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "baggrundsprocessen stoppede" in job.failure and "baggrundsprocessen stoppede" in page
    assert job.content == b"" and Measurement.objects.filter(course__unit=world.unit_a).count() == 0
