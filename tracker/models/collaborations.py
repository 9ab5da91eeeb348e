"""Partners outside the unit and the collaborations with them about a course."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tracker.models.citizens import Course
from tracker.models.reference import CollaborationKind, Sector


class Partner(models.Model):
    """An organisation or person outside the unit, typed by sector."""

    name = models.CharField(_("navn"), max_length=200)
    sector = models.ForeignKey(Sector, verbose_name=_("sektor"), on_delete=models.PROTECT, related_name="partners")
    contact = models.CharField(_("kontakt"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("samarbejdspartner")
        verbose_name_plural = _("samarbejdspartnere")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "sector"],
                name="partner_unique_name_sector",
                violation_error_message=_("Der findes allerede en samarbejdspartner med dette navn i sektoren."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.sector})"


class Collaboration(models.Model):
    """One dated event of cross-sector work around a course."""

    class Initiator(models.TextChoices):
        UNIT = "unit", _("Enheden")
        PARTNER = "partner", _("Samarbejdspartneren")
        CITIZEN = "citizen", _("Borgeren")

    course = models.ForeignKey(
        Course, verbose_name=_("forløb"), on_delete=models.CASCADE, related_name="collaborations"
    )
    partner = models.ForeignKey(
        Partner, verbose_name=_("samarbejdspartner"), on_delete=models.PROTECT, related_name="collaborations"
    )
    kind = models.ForeignKey(CollaborationKind, verbose_name=_("form"), on_delete=models.PROTECT)
    date = models.DateField(_("dato"))
    citizen_participated = models.BooleanField(_("borgeren deltog"), default=True)
    initiated_by = models.CharField(_("taget initiativ af"), max_length=10, choices=Initiator.choices)
    usefulness = models.PositiveSmallIntegerField(
        _("borgerens vurdering af udbytte (1–5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registreret af"), null=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("samarbejde")
        verbose_name_plural = _("samarbejder")
        ordering = ["-date"]
        indexes = [models.Index(fields=["course", "date"], name="collab_course_date_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(usefulness__isnull=True) | Q(usefulness__gte=1, usefulness__lte=5),
                name="collaboration_usefulness_1_5",
                violation_error_message=_("Udbyttet vurderes fra 1 til 5."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} – {self.partner} ({self.date:%d.%m.%Y})"
