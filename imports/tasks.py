"""Background tasks (Django's tasks framework, run by ``manage.py db_worker`` with django-tasks-db).

Arguments are the job's id only: the file itself waits in the database, so the worker may run on another server.
"""

from __future__ import annotations

from django.tasks import task
from django.utils.translation import gettext as _

from imports import services
from imports.models import ImportJob


def _run(job_id: int, step) -> dict:
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    try:
        job = step(job=job)
    except Exception:
        services.job_fail(job_id=job_id, message=_("Der opstod en uventet fejl. Intet er gemt."))
        raise
    return {"job": job.pk, "status": job.status, "counts": job.counts}


@task()
def validate_import(job_id: int) -> dict:
    """The preview of a large file: check every row, with progress."""
    return _run(job_id, services.job_validate)


@task()
def apply_import(job_id: int) -> dict:
    """Apply a large file after the user confirmed the preview: check again, then write all rows or none."""
    return _run(job_id, services.job_apply)
