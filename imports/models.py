"""An import of citizens, courses and measurements from one CSV or Excel file, with its preview and progress."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ImportJob(models.Model):
    """One uploaded file on its way through preview (validation) and apply, all rows or none.

    The file is kept in the database (not on one server's disk), so the worker and every app server see it; it is
    emptied once the import has been applied, because it holds CPR numbers that are then stored where they belong.
    Progress is written here by the background task in small committed updates, so the progress page can read it.
    """

    class Status(models.TextChoices):
        VALIDATION_QUEUED = "validation_queued", _("Venter på kontrol")
        VALIDATING = "validating", _("Kontrolleres")
        VALIDATED = "validated", _("Klar til import")
        INVALID = "invalid", _("Fejl i filen")
        APPLY_QUEUED = "apply_queued", _("Venter på import")
        APPLYING = "applying", _("Importeres")
        APPLIED = "applied", _("Importeret")
        FAILED = "failed", _("Mislykkedes")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "Excel (.xlsx)"

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("oprettet af"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    language = models.CharField(_("sprog"), max_length=10, default="da")
    file_name = models.CharField(_("filnavn"), max_length=200)
    file_format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    content = models.BinaryField(_("indhold"), blank=True, default=b"")
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    total_rows = models.PositiveIntegerField(_("rækker"), default=0)
    progress = models.PositiveSmallIntegerField(_("fremdrift (%)"), default=0)
    stage = models.CharField(_("trin"), max_length=200, blank=True)
    # [[seconds since start, percent, stage code], …]: what the progress bar showed, for tests and the benchmark.
    progress_trace = models.JSONField(_("forløb af fremdrift"), default=list, blank=True)
    counts = models.JSONField(_("optælling"), default=dict, blank=True)
    # [{"row": 2, "column": "cpr", "message": "…"}, …] — capped at ERROR_LIMIT; error_count is the full number.
    errors = models.JSONField(_("fejl"), default=list, blank=True)
    error_count = models.PositiveIntegerField(_("antal fejl"), default=0)
    failure = models.TextField(_("fejlbesked"), blank=True)
    task_id = models.CharField(_("opgave-id"), max_length=64, blank=True)
    started_at = models.DateTimeField(_("startet"), null=True, blank=True)
    finished_at = models.DateTimeField(_("afsluttet"), null=True, blank=True)

    ERROR_LIMIT = 1000

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("importer")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_by", "created_at"], name="importjob_user_created_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100),
                name="importjob_progress_0_100",
                violation_error_message=_("Fremdriften ligger mellem 0 og 100 %."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("imports:job_detail", args=[self.pk])

    @property
    def is_running(self) -> bool:
        """Waiting for or inside the background worker: the page refreshes itself."""
        return self.status in (
            self.Status.VALIDATION_QUEUED,
            self.Status.VALIDATING,
            self.Status.APPLY_QUEUED,
            self.Status.APPLYING,
        )

    @property
    def can_apply(self) -> bool:
        return self.status == self.Status.VALIDATED
