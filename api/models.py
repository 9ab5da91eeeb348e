"""API keys: stored only as a SHA-256 digest, one per user, with an expiry.

DRF's own tokens are stored in clear and never expire; a copy of the database would then open the API for every
user. A key here is 40 random characters (240 bits) shown once to its owner; only its digest and an 8-character
prefix (to recognise it) are kept, like GitHub's personal access tokens.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class ApiKey(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("bruger"), on_delete=models.CASCADE, related_name="api_key"
    )
    prefix = models.CharField(_("begyndelse"), max_length=8)
    digest = models.CharField(_("SHA-256 af nøglen"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    expires_at = models.DateTimeField(_("udløber"))
    last_used_at = models.DateTimeField(_("senest brugt"), null=True, blank=True)

    class Meta:
        verbose_name = _("API-nøgle")
        verbose_name_plural = _("API-nøgler")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user})"


class IdempotencyKey(models.Model):
    """The first successful answer to a POST sent with an ``Idempotency-Key`` header, so a retried request gets
    that answer again instead of creating a second record.

    Kept in the database, not in a process: production runs several app servers, and a retry may reach another
    one. The row is written in the same transaction as the record it answers for, so a key is stored exactly when
    its record is; the unique constraint makes a concurrent duplicate wait for the first and then replay it.
    Rows older than ``KEY_HOURS`` are deleted when new keys are stored."""

    KEY_HOURS = 24

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("bruger"), on_delete=models.CASCADE)
    key = models.CharField(_("nøgle"), max_length=255)
    fingerprint = models.CharField(_("SHA-256 af forespørgslen"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("statuskode"))
    body = models.JSONField(_("svar"))
    citizen_id = models.BigIntegerField(_("borger"), null=True, blank=True)
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("idempotensnøgle")
        verbose_name_plural = _("idempotensnøgler")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "key"],
                name="api_idempotency_key_unique_per_user",
                violation_error_message=_("Nøglen er allerede brugt."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.user})"
