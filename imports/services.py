"""Writes of imports: create a job from an upload, check it (the preview), apply it — all rows or none.

Small files are checked and applied in the request; larger ones (more than ``EFFEKTSPOR_IMPORT_SYNC_MAX_ROWS`` rows,
default 5,000) go to the background worker (imports/tasks.py), which writes its progress to the job as it goes.

Applying runs the check again first (the database may have changed since the preview) and then writes everything
in one transaction with bulk inserts; the trajectory summaries of the affected courses are recomputed in the same
transaction, one audit entry names every citizen concerned, and the data version is bumped (through audit_log) so
that cached dashboards are recomputed.
"""

from __future__ import annotations

import datetime
import hashlib
import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from figures import hooks as figure_hooks
from imports import bulk, parsing, validation
from imports.models import ImportJob
from tracker.models import AuditEntry
from tracker.services import audit_log

Status = ImportJob.Status
Action = AuditEntry.Action
MAX_BYTES = 50 * 1024 * 1024
# The share of the progress bar that checking takes; writing takes the rest.
CHECK_SHARE = 80


def sync_max_rows() -> int:
    return int(getattr(settings, "EFFEKTSPOR_IMPORT_SYNC_MAX_ROWS", 5000))


class Progress:
    """Writes the job's progress in its own small updates (committed at once outside a transaction) and keeps the
    trace of what was shown. Writes are throttled to whole percent steps."""

    def __init__(self, job: ImportJob):
        self.job = job
        self.started = time.monotonic()
        self.last = -1
        self.trace: list = list(job.progress_trace or [])

    def __call__(self, percent: int, stage: str) -> None:
        percent = max(0, min(100, int(percent)))
        if percent == self.last and stage == self.job.stage:
            return
        self.last = percent
        self.trace.append([round(time.monotonic() - self.started, 3), percent, stage])
        self.job.progress, self.job.stage, self.job.progress_trace = percent, stage, self.trace
        ImportJob.objects.filter(pk=self.job.pk).update(progress=percent, stage=stage, progress_trace=self.trace)


def job_create(*, user, file_name: str, content: bytes, language: str | None = None) -> ImportJob:
    """Store an upload as a job. Raises ValidationError for a file we cannot take."""
    name = file_name.rsplit("/", 1)[-1][:200]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in ("csv", "xlsx", "txt"):
        raise ValidationError(_("Vælg en CSV-fil (.csv) eller et Excel-regneark (.xlsx)."))
    if len(content) > MAX_BYTES:
        raise ValidationError(_("Filen er for stor (højst 50 MB)."))
    file_format = ImportJob.Format.XLSX if extension == "xlsx" else ImportJob.Format.CSV
    try:
        # Counted by reading the rows, never from the file's own claims. An Excel file is counted only until it is
        # known to be larger than the synchronous limit (counting it all would cost the request what the worker is
        # for); the worker counts it exactly and refuses one over the row cap.
        stop = sync_max_rows() + 1 if file_format == ImportJob.Format.XLSX else None
        total = parsing.count_rows(content, file_format, stop_after=stop)
    except parsing.FileError as exc:
        raise ValidationError(str(exc)) from None
    if total > validation.max_rows():
        raise ValidationError(
            _("Filen har %(rows)s rækker; én import kan højst have %(cap)s. Del filen op.")
            % {"rows": total, "cap": validation.max_rows()}
        )
    job = ImportJob(
        created_by=user,
        language=(language or translation.get_language() or settings.LANGUAGE_CODE)[:10],
        file_name=name,
        file_format=file_format,
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
        status=Status.VALIDATION_QUEUED,
        total_rows=total,
    )
    job.full_clean(exclude=["content"])
    job.save()
    return job


def _claim(job: ImportJob, expected: str, new: str) -> bool:
    """Move the job from one status to the next only if it is still in the expected one (one UPDATE)."""
    if not ImportJob.objects.filter(pk=job.pk, status=expected).update(status=new):
        job.refresh_from_db(fields=["status"])
        return False
    job.status = new
    return True


def runs_in_background(job: ImportJob) -> bool:
    """More rows than the synchronous limit: always the worker, whatever the file format."""
    return job.total_rows > sync_max_rows()


def job_queue_validation(*, job: ImportJob) -> ImportJob:
    """After the upload: check a small file now, or hand a large one to the worker (the page shows progress)."""
    if runs_in_background(job):
        from imports.tasks import validate_import

        result = validate_import.enqueue(job.pk)
        job.task_id = str(result.id)
        job.save(update_fields=["task_id"])
        return job
    return job_validate(job=job)


def _check(job: ImportJob, progress: Progress | None, share: int) -> validation.Plan:
    def on_rows(done: int, total: int) -> None:
        if progress is not None and total:
            progress(share * done // total, "checking")

    return validation.check_file(
        user=job.created_by, content=bytes(job.content), file_format=job.file_format, progress=on_rows
    )


def _store_errors(job: ImportJob, plan: validation.Plan) -> None:
    job.errors = plan.errors[: ImportJob.ERROR_LIMIT]
    job.error_count = len(plan.errors)
    job.counts = plan.counts
    if plan.errors:
        # A file with errors is corrected and uploaded again, never applied: its CPR numbers are not kept.
        job.content = b""


def job_validate(*, job: ImportJob) -> ImportJob:
    """The preview: check every row and store the counts (what applying would do) or the row-level errors.

    The lookup of the file's citizens is a search in citizen data: one audit entry names the citizens found.
    """
    if not _claim(job, Status.VALIDATION_QUEUED, Status.VALIDATING):
        return job  # already checked (a task run twice): nothing to do
    with translation.override(job.language):
        job.started_at = timezone.now()
        job.save(update_fields=["started_at"])
        progress = Progress(job)
        progress(0, "checking")
        plan = _check(job, progress, 100)
        _store_errors(job, plan)
        job.status = Status.INVALID if plan.errors else Status.VALIDATED
        job.total_rows = plan.total_rows or job.total_rows
        with transaction.atomic():
            job.save(update_fields=["status", "errors", "error_count", "counts", "total_rows", "content"])
            audit_log(
                user=job.created_by,
                action=Action.SEARCH,
                obj=job,
                purpose="import_preview",
                detail={
                    "criteria": {"file": job.file_name, "sha256": job.sha256},
                    "citizen_ids": sorted(plan.matched_citizen_ids),
                },
            )
        progress(100, "checked")
    return job


def job_queue_apply(*, job: ImportJob) -> ImportJob:
    """Confirmed by the user after the preview: apply now (small file) or hand it to the worker."""
    # One conditional update, so that a double click (or two tabs) cannot apply the same file twice.
    if not _claim(job, Status.VALIDATED, Status.APPLY_QUEUED):
        raise ValidationError(_("Importen kan ikke gennemføres i sin nuværende tilstand."))
    if runs_in_background(job):
        from imports.tasks import apply_import

        result = apply_import.enqueue(job.pk)
        job.task_id = str(result.id)
        job.save(update_fields=["task_id"])
        return job
    return job_apply(job=job)


def job_apply(*, job: ImportJob) -> ImportJob:
    """Check again, then write every row in one transaction, or nothing (the job records why)."""
    if not _claim(job, Status.APPLY_QUEUED, Status.APPLYING):
        return job  # already applied or being applied (a task run twice): nothing to do
    with translation.override(job.language):
        job.started_at, job.progress_trace = timezone.now(), []
        job.save(update_fields=["started_at", "progress_trace"])
        progress = Progress(job)
        progress(0, "checking")
        plan = _check(job, progress, CHECK_SHARE)
        if plan.errors:
            _store_errors(job, plan)
            job.status, job.finished_at = Status.INVALID, timezone.now()
            job.save(update_fields=["status", "errors", "error_count", "counts", "finished_at", "content"])
            return job
        progress(CHECK_SHARE, "writing")
        try:
            with transaction.atomic():
                citizen_ids = bulk.write(job=job, plan=plan)
                figure_hooks.drop_for_citizens(citizen_ids)  # raw inserts send no signals
                counts = plan.counts
                created = counts["citizens_new"] + counts["courses_new"] + counts["measurements_new"]
                audit_log(
                    user=job.created_by,
                    action=Action.CREATE if created else Action.CHANGE,
                    obj=job,
                    purpose="import",
                    detail={
                        "file": job.file_name,
                        "sha256": job.sha256,
                        "counts": counts,
                        "citizen_ids": sorted(citizen_ids),
                    },
                )
                # A citizen known only in another unit was joined to the same person: each match is logged.
                for matched in (c for c in plan.citizens if c.known_elsewhere):
                    audit_log(
                        user=job.created_by,
                        action=Action.SEARCH,
                        citizen_id=matched.existing_id,
                        obj=job,
                        purpose="citizen_match",
                        detail={"channel": "import", "matched_on": "cpr", "known_in_own_unit": False},
                    )
                job.status, job.counts, job.errors, job.error_count = Status.APPLIED, counts, [], 0
                job.finished_at, job.content = timezone.now(), b""
                job.save(update_fields=["status", "counts", "errors", "error_count", "finished_at", "content"])
        except DatabaseError:
            # A concurrent change (e.g. the same citizen registered meanwhile) broke a database rule: nothing saved.
            job.status, job.finished_at = Status.FAILED, timezone.now()
            job.failure = _("Data blev ændret, mens importen kørte, så intet er gemt. Prøv igen.")
            job.save(update_fields=["status", "finished_at", "failure"])
            return job
        progress(100, "done")
    return job


# A worker writes progress at least every few seconds while it checks, and commits the write in well under a
# minute for 100,000 rows: a running job silent for this long has lost its worker (stopped, or the machine went).
STALLED_AFTER = datetime.timedelta(minutes=30)


def job_recover_if_stalled(*, job: ImportJob) -> ImportJob:
    """Mark a job failed whose worker died mid-way, so that it does not show "Importeres" forever. Nothing of it was
    saved: the rows are written in one transaction, which died with the worker."""
    if job.status not in (Status.VALIDATING, Status.APPLYING) or job.started_at is None:
        return job
    last = job.started_at + datetime.timedelta(seconds=job.progress_trace[-1][0] if job.progress_trace else 0)
    if timezone.now() - last < STALLED_AFTER:
        return job
    failed = ImportJob.objects.filter(pk=job.pk, status=job.status).update(
        status=Status.FAILED,
        failure=_("Importen blev afbrudt, fordi baggrundsprocessen stoppede. Intet er gemt. Indlæs filen igen."),
        finished_at=timezone.now(),
        content=b"",
    )
    if failed:
        job.refresh_from_db()
    return job


def job_fail(*, job_id: int, message: str) -> None:
    ImportJob.objects.filter(pk=job_id).update(
        status=Status.FAILED, failure=message[:2000], finished_at=timezone.now(), content=b""
    )


def files_purge(*, older_than: datetime.timedelta) -> int:
    """Empty the stored files of imports that were uploaded but never applied (they hold CPR numbers); the job
    itself, with its counts and errors, stays. Returns the number of files emptied."""
    cutoff = timezone.now() - older_than
    running = (Status.VALIDATING, Status.APPLY_QUEUED, Status.APPLYING, Status.VALIDATION_QUEUED)
    stale = ImportJob.objects.filter(created_at__lt=cutoff).exclude(status__in=running).exclude(content=b"")
    return stale.update(content=b"")
