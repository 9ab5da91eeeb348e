"""Measurements (one completed instrument on a date) and their item answers."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from outcomes.models.instruments import Instrument, InstrumentItem
from tracker.models import Course


class Informer(models.TextChoices):
    """Who answered: KL's five 'finding informer' values (codes in KL_INFORMER_CODES)."""

    CITIZEN = "citizen", _("Borger")
    CITIZEN_RELATIVE = "citizen_relative", _("Borger støttet af pårørende")
    CITIZEN_STAFF = "citizen_staff", _("Borger støttet af medarbejder")
    RELATIVE = "relative", _("Pårørende alene")
    STAFF = "staff", _("Medarbejder alene")


KL_INFORMER_CODES = {
    Informer.CITIZEN: "a3d30bf2-4a3c-4c49-9001-5363ae11681c",
    Informer.CITIZEN_RELATIVE: "71675b26-285e-4551-9488-991d8b34a12a",
    Informer.CITIZEN_STAFF: "5937b533-a4e3-45af-9ddf-61dce1d56b74",
    Informer.RELATIVE: "d5762abe-706b-4d52-ac2b-2621c60486b2",
    Informer.STAFF: "111b2c8a-389d-4ecc-9187-ce78f019649b",
}


class Completion(models.TextChoices):
    """How a measurement was completed: typed in by staff, or by the citizen themselves.

    The informer says whose answers they are; this says who typed them. "Borger" typed in by a caseworker
    during a conversation and "Borger" answered on the citizen's own phone are both the citizen's answers,
    but only the second is the citizen's own voice without anyone in between.
    """

    STAFF_ENTRY = "staff_entry", _("Indtastet af medarbejder")
    TABLET = "tablet", _("Borgeren selv på tablet")
    LINK = "link", _("Borgeren selv via personligt link")


SELF_COMPLETED = (Completion.TABLET, Completion.LINK)


class Measurement(models.Model):
    """One completion of an instrument in a course, with its computed score."""

    course = models.ForeignKey(Course, verbose_name=_("forløb"), on_delete=models.CASCADE, related_name="measurements")
    instrument = models.ForeignKey(
        Instrument, verbose_name=_("måleredskab"), on_delete=models.PROTECT, related_name="measurements"
    )
    date = models.DateField(_("dato"))
    informer = models.CharField(_("hvem svarede"), max_length=20, choices=Informer.choices, default=Informer.CITIZEN)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registreret af"), null=True, on_delete=models.SET_NULL
    )
    raw_score = models.FloatField(_("råscore"), null=True, blank=True)
    score = models.FloatField(_("score"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    completion = models.CharField(
        _("udfyldt"), max_length=12, choices=Completion.choices, default=Completion.STAFF_ENTRY
    )
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)

    class Meta:
        verbose_name = _("måling")
        verbose_name_plural = _("målinger")
        ordering = ["date", "id"]
        indexes = [
            models.Index(fields=["course", "instrument", "date"], name="measurement_course_instr_idx"),
            models.Index(fields=["instrument", "date"], name="measurement_instr_date_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.instrument.short_name} {self.date:%d.%m.%Y}"

    def get_absolute_url(self) -> str:
        return reverse("outcomes:measurement_detail", args=[self.pk])

    def answer_map(self) -> dict[str, int]:
        return {a.item.link_id: a.value for a in self.answers.all()}


class ItemAnswer(models.Model):
    """The answer to one item in one measurement."""

    measurement = models.ForeignKey(
        Measurement, verbose_name=_("måling"), on_delete=models.CASCADE, related_name="answers"
    )
    item = models.ForeignKey(InstrumentItem, verbose_name=_("item"), on_delete=models.PROTECT)
    value = models.SmallIntegerField(_("svar"))

    class Meta:
        verbose_name = _("svar")
        verbose_name_plural = _("svar")
        constraints = [
            models.UniqueConstraint(
                fields=["measurement", "item"],
                name="answer_unique_item",
                violation_error_message=_("Et item kan kun besvares én gang pr. måling."),
            ),
            # Every instrument we know answers within 0–100; the item's own range is checked in clean().
            models.CheckConstraint(
                condition=Q(value__gte=-100, value__lte=100),
                name="answer_value_bounded",
                violation_error_message=_("Svaret ligger uden for det tilladte område."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item.link_id}={self.value}"

    def clean(self) -> None:
        if self.item_id and not (self.item.min_value <= self.value <= self.item.max_value):
            raise ValidationError(
                {
                    "value": _("Svaret skal ligge mellem %(lo)s og %(hi)s.")
                    % {"lo": self.item.min_value, "hi": self.item.max_value}
                }
            )
