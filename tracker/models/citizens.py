"""Citizens (with CPR number handling) and their courses of support."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tracker.models.organisation import OrganisationUnit
from tracker.models.reference import EndReason, LegalBasis


def cpr_birth_date(cpr: str) -> datetime.date:
    """The birth date encoded in a CPR number (DDMMYY + the century from the 7th digit).

    CPR-kontoret's century rule: 7th digit 0–3 → 1900s; 4 and 9 → 2000s if YY ≤ 36 else 1900s;
    5–8 → 2000s if YY ≤ 57 else 1800s. Raises ValueError on an impossible date.
    """
    day, month, year2, seventh = int(cpr[0:2]), int(cpr[2:4]), int(cpr[4:6]), int(cpr[6])
    if seventh <= 3:
        century = 1900
    elif seventh in (4, 9):
        century = 2000 if year2 <= 36 else 1900
    else:
        century = 2000 if year2 <= 57 else 1800
    return datetime.date(century + year2, month, day)


def normalise_cpr(value: str) -> str:
    """Return the 10 digits of a CPR number given as DDMMYY-XXXX or DDMMYYXXXX, or raise ValidationError."""
    digits = (value or "").strip().replace("-", "").replace(" ", "")
    if len(digits) != 10 or not digits.isdigit():
        raise ValidationError(_("Et CPR-nummer består af 10 cifre (DDMMÅÅ-XXXX)."), code="cpr_format")
    try:
        cpr_birth_date(digits)
    except ValueError:
        raise ValidationError(
            _("De første seks cifre i CPR-nummeret er ikke en gyldig dato (DDMMÅÅ)."), code="cpr_date"
        ) from None
    return digits


def validate_cpr(value: str) -> None:
    normalise_cpr(value)


class Citizen(models.Model):
    """A citizen receiving support. CPR is optional, stored once as 10 digits and shown masked."""

    class Gender(models.TextChoices):
        FEMALE = "female", _("Kvinde")
        MALE = "male", _("Mand")
        OTHER = "other", _("Andet")
        UNKNOWN = "unknown", _("Ikke oplyst")

    name = models.CharField(_("navn eller initialer"), max_length=200)
    cpr = models.CharField(
        _("CPR-nummer"), max_length=10, null=True, blank=True, unique=True, validators=[validate_cpr]
    )
    birth_year = models.PositiveSmallIntegerField(
        _("fødselsår"), null=True, blank=True, validators=[MinValueValidator(1900), MaxValueValidator(2100)]
    )
    gender = models.CharField(_("køn"), max_length=10, choices=Gender.choices, default=Gender.UNKNOWN)
    external_id = models.CharField(_("eksternt id"), max_length=60, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(_("oprettet"), auto_now_add=True)

    class Meta:
        verbose_name = _("borger")
        verbose_name_plural = _("borgere")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cpr__isnull=True) | Q(cpr__regex=r"^[0-9]{10}$"),
                name="citizen_cpr_ten_digits",
                violation_error_message=_("Et CPR-nummer består af 10 cifre."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("tracker:citizen_detail", args=[self.pk])

    def clean_fields(self, exclude=None) -> None:
        # Accept DDMMYY-XXXX: store the ten digits before the field's own checks (max_length=10) run.
        if self.cpr:
            digits = self.cpr.strip().replace("-", "").replace(" ", "")
            if len(digits) == 10 and digits.isdigit():
                self.cpr = digits
        elif self.cpr == "":
            self.cpr = None
        super().clean_fields(exclude=exclude)

    def clean(self) -> None:
        # An invalid CPR number has already been reported by the field's validator.
        if not self.cpr:
            return
        try:
            year = cpr_birth_date(normalise_cpr(self.cpr)).year
        except (ValidationError, ValueError):
            return
        if self.birth_year is None:
            self.birth_year = year
        elif self.birth_year != year:
            raise ValidationError(
                {"birth_year": _("Fødselsåret passer ikke med CPR-nummeret (født %(year)s).") % {"year": year}}
            )

    @property
    def cpr_masked(self) -> str:
        """DDMMYY-xxxx: the date part only; revealing the rest is a logged action."""
        return f"{self.cpr[:6]}-xxxx" if self.cpr else ""


class Course(models.Model):
    """A course of support (forløb): citizen × unit × legal basis × start/end."""

    citizen = models.ForeignKey(Citizen, verbose_name=_("borger"), on_delete=models.PROTECT, related_name="courses")
    unit = models.ForeignKey(
        OrganisationUnit, verbose_name=_("enhed"), on_delete=models.PROTECT, related_name="courses"
    )
    legal_basis = models.ForeignKey(LegalBasis, verbose_name=_("lovgrundlag"), on_delete=models.PROTECT)
    start = models.DateField(_("startdato"))
    end = models.DateField(_("slutdato"), null=True, blank=True)
    end_reason = models.ForeignKey(
        EndReason, verbose_name=_("afslutningsårsag"), null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        verbose_name = _("forløb")
        verbose_name_plural = _("forløb")
        ordering = ["-start"]
        indexes = [models.Index(fields=["unit", "end"], name="course_unit_end_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=F("start")),
                name="course_end_not_before_start",
                violation_error_message=_("Et forløb kan ikke slutte før det begynder."),
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True, end_reason__isnull=True) | Q(end__isnull=False, end_reason__isnull=False),
                name="course_end_has_reason",
                violation_error_message=_("Angiv både slutdato og afslutningsårsag."),
            ),
            models.UniqueConstraint(
                fields=["citizen", "unit"],
                condition=Q(end__isnull=True),
                name="course_one_open_per_citizen_unit",
                violation_error_message=_("Borgeren har allerede et åbent forløb i denne enhed."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.citizen} – {self.unit} ({self.start:%d.%m.%Y})"

    @property
    def is_open(self) -> bool:
        return self.end is None

    def clean(self) -> None:
        offered = self.unit.legal_bases.all() if self.unit_id else None
        if (
            self.legal_basis_id
            and offered is not None
            and offered.exists()
            and not offered.filter(pk=self.legal_basis_id).exists()
        ):
            raise ValidationError({"legal_basis": _("Enheden tilbyder ikke dette lovgrundlag.")})
