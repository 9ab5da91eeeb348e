"""The append-only log of every use of citizen data."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """Append-only log of every use of citizen data (Datatilsynet's catalogue of measures)."""

    class Action(models.TextChoices):
        READ = "read", _("Læst")
        CREATE = "create", _("Oprettet")
        SEARCH = "search", _("Søgt")
        CHANGE = "change", _("Ændret")
        EXPORT = "export", _("Eksporteret")
        DELETE = "delete", _("Slettet")
        REVEAL = "reveal", _("CPR vist")

    time = models.DateTimeField(_("tidspunkt"), auto_now_add=True, db_index=True)
    # PROTECT, not SET_NULL: the log is append-only (tracker/audit.py), so a user who appears in it is deactivated
    # rather than deleted until the retention purge has removed their entries.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("bruger"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField(_("handling"), max_length=10, choices=Action.choices)
    # Plain ids, not foreign keys: the log must outlive the records it describes.
    citizen_id = models.BigIntegerField(_("borger-id"), null=True, blank=True, db_index=True)
    object_type = models.CharField(_("objekttype"), max_length=60, blank=True)
    object_id = models.BigIntegerField(_("objekt-id"), null=True, blank=True)
    purpose = models.CharField(_("formål"), max_length=200, blank=True)
    detail = models.JSONField(_("detaljer"), default=dict, blank=True)

    class Meta:
        verbose_name = _("logpost")
        verbose_name_plural = _("log over brug af persondata")
        ordering = ["-time"]

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M} {self.user} {self.action} {self.object_type} {self.object_id}"
