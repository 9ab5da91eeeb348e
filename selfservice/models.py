"""Self-completion: a questionnaire handed to the citizen, on the unit's tablet or by a personal link."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from outcomes.models import Instrument, Measurement
from tracker.models import Course


class SelfCompletion(models.Model):
    """One hand-over of one instrument to one citizen, used at most once.

    A personal link is found by its token (in the QR code) or by its short code (read aloud); only keyed
    hashes of both are stored (``selfservice.tokens``), so the database alone cannot open a link. A tablet
    hand-over has neither: it lives in the browser session that the caseworker turned into the locked mode.
    """

    class Channel(models.TextChoices):
        TABLET = "tablet", _("Tablet (låst tilstand)")
        LINK = "link", _("Personligt link")

    class Layout(models.TextChoices):
        ONE = "one", _("Ét spørgsmål ad gangen")
        ALL = "all", _("Alle spørgsmål på én side")

    class Status(models.TextChoices):
        OPEN = "open", _("Åben")
        USED = "used", _("Besvaret")
        EXPIRED = "expired", _("Udløbet")
        REVOKED = "revoked", _("Lukket")

    course = models.ForeignKey(Course, verbose_name=_("forløb"), on_delete=models.CASCADE, related_name="+")
    instrument = models.ForeignKey(Instrument, verbose_name=_("måleredskab"), on_delete=models.PROTECT)
    channel = models.CharField(_("kanal"), max_length=10, choices=Channel.choices)
    layout = models.CharField(_("visning"), max_length=5, choices=Layout.choices, default=Layout.ALL)
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    code_hash = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    # The member of staff who handed the questionnaire over: responsible for it, and the user in the audit log
    # (the citizen has no user account).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("oprettet af"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)
    expires_at = models.DateTimeField(_("udløber"))
    used_at = models.DateTimeField(_("besvaret"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("lukket"), null=True, blank=True)
    measurement = models.OneToOneField(
        Measurement, verbose_name=_("måling"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("selvbesvarelse")
        verbose_name_plural = _("selvbesvarelser")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(channel="link", token_hash__isnull=False, code_hash__isnull=False)
                | Q(channel="tablet", token_hash__isnull=True, code_hash__isnull=True),
                name="selfcompletion_link_has_hashes",
                violation_error_message=_("Et personligt link skal have et token og en kode; en tablet ingen."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.instrument.short_name} ({self.created_at:%d.%m.%Y})"

    def status(self, now=None) -> str:
        now = now or timezone.now()
        if self.used_at:
            return self.Status.USED
        if self.revoked_at:
            return self.Status.REVOKED
        if self.expires_at <= now:
            return self.Status.EXPIRED
        return self.Status.OPEN

    @property
    def is_open(self) -> bool:
        return self.status() == self.Status.OPEN

    def get_status_display(self) -> str:
        return str(self.Status(self.status()).label)
