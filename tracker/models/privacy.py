"""The citizen's consents to sharing between units and requests for access (GDPR art. 15)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from tracker.models.citizens import Citizen
from tracker.models.organisation import OrganisationUnit


class Consent(models.Model):
    """The citizen's consent (samtykke) that one unit may see what other units have recorded about them.

    Without an active consent a unit sees only its own courses; with one, the receiving unit's staff see the
    chosen kinds of records from the named units, and every look is logged. Given and withdrawn at the citizen's
    word (forvaltningsloven §28 and retssikkerhedsloven §11c; docs/privacy.md).
    """

    class Form(models.TextChoices):
        WRITTEN = "written", _("Skriftligt")
        ORAL = "oral", _("Mundtligt (noteret)")

    citizen = models.ForeignKey(Citizen, verbose_name=_("borger"), on_delete=models.CASCADE, related_name="consents")
    to_unit = models.ForeignKey(
        OrganisationUnit, verbose_name=_("enhed, der må se"), on_delete=models.PROTECT, related_name="consents_received"
    )
    from_units = models.ManyToManyField(
        OrganisationUnit, verbose_name=_("enheder, hvis oplysninger deles"), related_name="consents_given"
    )
    share_measurements = models.BooleanField(_("målinger"), default=True)
    share_goals = models.BooleanField(_("mål og opfølgninger"), default=True)
    share_collaborations = models.BooleanField(_("samarbejder"), default=False)
    form = models.CharField(_("form"), max_length=10, choices=Form.choices, default=Form.WRITTEN)
    given_on = models.DateField(_("givet den"))
    given_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("givet til"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    valid_until = models.DateField(_("gyldigt til"), null=True, blank=True)
    withdrawn_on = models.DateField(_("trukket tilbage den"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tilbagetrækning registreret af"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("registreret"), auto_now_add=True)

    class Meta:
        verbose_name = _("samtykke")
        verbose_name_plural = _("samtykker")
        ordering = ["-given_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("given_on")),
                name="consent_valid_after_given",
                violation_error_message=_("Samtykket kan ikke udløbe, før det er givet."),
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=F("given_on")),
                name="consent_withdrawn_after_given",
                violation_error_message=_("Samtykket kan ikke trækkes tilbage, før det er givet."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.citizen_id} → {self.to_unit} ({self.given_on:%d.%m.%Y})"

    def is_active(self, today: datetime.date) -> bool:
        return (
            self.given_on <= today
            and (self.valid_until is None or today <= self.valid_until)
            and (self.withdrawn_on is None or today < self.withdrawn_on)
        )

    @property
    def kinds(self) -> list[str]:
        return [
            kind
            for kind, on in (
                ("measurements", self.share_measurements),
                ("goals", self.share_goals),
                ("collaborations", self.share_collaborations),
            )
            if on
        ]


class AccessRequest(models.Model):
    """A citizen's request for access to their records (GDPR art. 15), registered before the record is produced."""

    class Delivery(models.TextChoices):
        IN_PERSON = "in_person", _("Udleveret personligt")
        DIGITAL_POST = "digital_post", _("Digital Post")
        LETTER = "letter", _("Brev")
        SECURE_EMAIL = "secure_email", _("Sikker e-mail")

    citizen = models.ForeignKey(
        Citizen, verbose_name=_("borger"), on_delete=models.CASCADE, related_name="access_requests"
    )
    unit = models.ForeignKey(
        OrganisationUnit, verbose_name=_("modtaget af enhed"), on_delete=models.PROTECT, related_name="+"
    )
    received_on = models.DateField(_("modtaget den"))
    delivery = models.CharField(_("udleveres som"), max_length=20, choices=Delivery.choices)
    note = models.CharField(_("bemærkning"), max_length=300, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registreret af"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    registered_at = models.DateTimeField(_("registreret"), auto_now_add=True)

    class Meta:
        verbose_name = _("anmodning om indsigt")
        verbose_name_plural = _("anmodninger om indsigt")
        ordering = ["-received_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.citizen_id} – {self.unit} ({self.received_on:%d.%m.%Y})"
