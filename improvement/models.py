"""Initiatives (forsøg): a new way of working tried in some units, the indicators it should move, method-fidelity
checks and a learning log — so a unit can see whether what it changed made a difference, and say what it learned."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tracker.models import OrganisationUnit


class Initiative(models.Model):
    """A new way of working tried from a start date in one or more units."""

    class Method(models.TextChoices):
        FIT = "fit", _("FIT (feedback-informeret indsats)")
        RECOVERY = "recovery", _("Recovery-orienteret praksis")
        IPS = "ips", _("IPS (individuelt planlagt job med støtte)")
        PEER = "peer", _("Peerstøtte")
        CTI = "cti", _("CTI (Critical Time Intervention)")
        OTHER = "other", _("Andet")

    name = models.CharField(_("navn"), max_length=200)
    description = models.TextField(_("beskrivelse"), blank=True)
    method = models.CharField(_("metode"), max_length=20, choices=Method.choices)
    units = models.ManyToManyField(OrganisationUnit, verbose_name=_("enheder"), related_name="initiatives")
    start = models.DateField(_("startdato"))
    end = models.DateField(_("slutdato"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("oprettet af"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)

    class Meta:
        verbose_name = _("forsøg")
        verbose_name_plural = _("forsøg")
        ordering = ["-start", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="initiative_end_after_start",
                violation_error_message=_("Slutdatoen kan ikke ligge før startdatoen."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("improvement:initiative_detail", args=[self.pk])


class Indicator(models.Model):
    """An indicator the initiative should move, and in which direction."""

    class Measure(models.TextChoices):
        MEAN_CHANGE = "mean_change", _("Gennemsnitlig ændring i WHO-5 ved opfølgning")
        IMPROVED_SHARE = "improved_share", _("Andel forbedrede")
        MEASURED_SHARE = "measured_share", _("Andel aktive forløb målt i måneden")
        COLLABORATIONS = "collaborations_per_citizen", _("Samarbejder pr. aktiv borger")
        SELF_COMPLETED = "self_completed_share", _("Andel målinger borgeren selv har udfyldt")

    class Direction(models.TextChoices):
        UP = "up", _("op")
        DOWN = "down", _("ned")

    initiative = models.ForeignKey(
        Initiative, verbose_name=_("forsøg"), on_delete=models.CASCADE, related_name="indicators"
    )
    measure = models.CharField(_("indikator"), max_length=40, choices=Measure.choices)
    direction = models.CharField(_("forventet retning"), max_length=4, choices=Direction.choices)

    class Meta:
        verbose_name = _("indikator")
        verbose_name_plural = _("indikatorer")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "measure"],
                name="indicator_once_per_initiative",
                violation_error_message=_("Indikatoren er allerede valgt for dette forsøg."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_measure_display()} ({self.get_direction_display()})"


class FidelityCheck(models.Model):
    """A method-fidelity check: how closely the unit works by the method, on a named fidelity scale."""

    initiative = models.ForeignKey(
        Initiative, verbose_name=_("forsøg"), on_delete=models.CASCADE, related_name="fidelity_checks"
    )
    date = models.DateField(_("dato"))
    scale = models.CharField(_("skala"), max_length=200, help_text=_("Fx IPS Fidelity Scale eller FIT-fidelitet."))
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registreret af"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("metodetroskabsmåling")
        verbose_name_plural = _("metodetroskabsmålinger")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.scale} {self.date:%d.%m.%Y}: {self.score}"


class LearningEntry(models.Model):
    """A dated entry in the initiative's learning log ("Hvad lærte vi?"), including what did not work."""

    initiative = models.ForeignKey(
        Initiative, verbose_name=_("forsøg"), on_delete=models.CASCADE, related_name="learning_entries"
    )
    date = models.DateField(_("dato"))
    tried = models.TextField(_("hvad vi prøvede"))
    saw = models.TextField(_("hvad vi så"))
    change_next = models.TextField(_("hvad vi ændrer nu"), blank=True)
    publishable = models.BooleanField(
        _("må indgå i en offentliggørelse"),
        default=False,
        help_text=_("Indlægget gennemgås som resten af offentliggørelsen, før det vises offentligt."),
    )
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("skrevet af"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("læringsindlæg")
        verbose_name_plural = _("læringsindlæg")
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        return f"{self.date:%d.%m.%Y}: {self.tried[:60]}"
