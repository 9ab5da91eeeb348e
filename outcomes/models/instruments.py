"""Instruments (questionnaires), their items and the life domains they cover."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from outcomes import scoring


def _in_english() -> bool:
    return (get_language() or "da").startswith("en")


class LifeDomain(models.Model):
    """A life domain from KL's Fælles Faglige Begreber (FFB) / VUM 2.0."""

    class Group(models.TextChoices):
        ACTIVITY = "activity", _("Aktivitet og deltagelse")
        FUNCTION = "function", _("Funktioner og forhold")
        ENVIRONMENT = "environment", _("Omgivelser")

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    ffb_code = models.CharField(_("FFB-kode"), max_length=60, blank=True)
    group = models.CharField(_("gruppe"), max_length=20, choices=Group.choices)
    name_da = models.CharField(_("navn (dansk)"), max_length=200)
    name_en = models.CharField(_("navn (engelsk)"), max_length=200)
    description_da = models.CharField(_("beskrivelse (dansk)"), max_length=300, blank=True)
    description_en = models.CharField(_("beskrivelse (engelsk)"), max_length=300, blank=True)
    order = models.PositiveSmallIntegerField(_("rækkefølge"), default=0)

    class Meta:
        verbose_name = _("livsområde")
        verbose_name_plural = _("livsområder")
        ordering = ["order"]

    @property
    def name(self) -> str:
        return self.name_en if _in_english() else self.name_da

    def __str__(self) -> str:
        return self.name


class Instrument(models.Model):
    """An instrument definition: data, not code, so administrators can add instruments."""

    class Scoring(models.TextChoices):
        SUM = "sum", _("Sum af items")
        PROFILE = "profile", _("Profil (summeres ikke)")
        TOTAL = "total", _("Total indtastet fra papirskema")
        GAS = "gas", _("Målopfyldelse (GAS) via mål")

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name_da = models.CharField(_("navn (dansk)"), max_length=200)
    name_en = models.CharField(_("navn (engelsk)"), max_length=200)
    short_name = models.CharField(_("kort navn"), max_length=40)
    description_da = models.TextField(_("beskrivelse (dansk)"), blank=True)
    description_en = models.TextField(_("beskrivelse (engelsk)"), blank=True)
    stem_da = models.CharField(_("indledning (dansk)"), max_length=300, blank=True)
    stem_en = models.CharField(_("indledning (engelsk)"), max_length=300, blank=True)
    scoring = models.CharField(_("scoring"), max_length=10, choices=Scoring.choices)
    score_multiplier = models.FloatField(
        _("faktor på råscore"), default=1.0, help_text=_("WHO-5: råscoren 0–25 ganges med 4 til 0–100.")
    )
    score_min = models.FloatField(_("laveste score"))
    score_max = models.FloatField(_("højeste score"))
    score_unit = models.CharField(_("enhed for score"), max_length=40, blank=True)
    higher_is_better = models.BooleanField(_("høj score er bedst"), default=True)
    reliability = models.FloatField(
        _("reliabilitet (rₓₓ)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text=_("Publiceret reliabilitet til pålidelig ændring. Tom: klassificér efter mindste vigtige ændring."),
    )
    reference_sd = models.FloatField(_("reference-SD (s₁)"), null=True, blank=True)
    clinical_cutoff = models.FloatField(_("klinisk grænse"), null=True, blank=True)
    mid = models.FloatField(_("mindste vigtige ændring (MID)"), null=True, blank=True)
    interval_days = models.PositiveSmallIntegerField(_("anbefalet interval (dage)"), null=True, blank=True)
    min_interval_days = models.PositiveSmallIntegerField(
        _("mindste interval til opfølgning (dage)"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_(
            "En måling tæller først som opfølgning, når den ligger mindst så mange dage efter den første måling."
        ),
    )
    min_interval_reason = models.CharField(_("begrundelse for mindste interval"), max_length=300, blank=True)
    licence_note = models.TextField(_("licens"), blank=True)
    parameter_sources = models.TextField(_("kilder til parametre"), blank=True)
    fhir_questionnaire = models.URLField(_("FHIR Questionnaire (kanonisk URL)"), blank=True)
    snomed_code = models.CharField(_("SNOMED CT-kode"), max_length=30, blank=True)
    active = models.BooleanField(_("aktiv"), default=True)
    order = models.PositiveSmallIntegerField(_("rækkefølge"), default=0)

    class Meta:
        verbose_name = _("måleredskab")
        verbose_name_plural = _("måleredskaber")
        ordering = ["order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(score_max__gt=F("score_min")),
                name="instrument_score_range",
                violation_error_message=_("Højeste score skal være større end laveste."),
            ),
            models.CheckConstraint(
                condition=Q(reliability__isnull=True) | Q(reliability__gt=0, reliability__lt=1),
                name="instrument_reliability_0_1",
                violation_error_message=_("Reliabiliteten skal ligge mellem 0 og 1."),
            ),
        ]

    @property
    def name(self) -> str:
        return self.name_en if _in_english() else self.name_da

    @property
    def stem(self) -> str:
        return self.stem_en if _in_english() else self.stem_da

    @property
    def is_recordable(self) -> bool:
        return self.scoring != self.Scoring.GAS

    @property
    def has_score(self) -> bool:
        """Whether a measurement yields one score (a profile does not)."""
        return self.scoring in (self.Scoring.SUM, self.Scoring.TOTAL)

    def __str__(self) -> str:
        return self.name

    def definition(self, items: list[InstrumentItem] | None = None) -> scoring.InstrumentDefinition:
        """The plain-number definition the pure scoring module works on."""
        items = list(self.items.all()) if items is None else items
        return scoring.InstrumentDefinition(
            code=self.code,
            scoring=self.scoring,
            multiplier=self.score_multiplier,
            items=tuple(scoring.ItemDefinition(i.link_id, i.min_value, i.max_value) for i in items),
        )


class InstrumentItem(models.Model):
    """One item of an instrument, with its answer range and optional labelled answer options."""

    instrument = models.ForeignKey(
        Instrument, verbose_name=_("måleredskab"), on_delete=models.CASCADE, related_name="items"
    )
    link_id = models.SlugField(_("linkId"), max_length=40)
    order = models.PositiveSmallIntegerField(_("rækkefølge"), default=0)
    text_da = models.CharField(_("tekst (dansk)"), max_length=300)
    text_en = models.CharField(_("tekst (engelsk)"), max_length=300)
    min_value = models.SmallIntegerField(_("laveste svar"))
    max_value = models.SmallIntegerField(_("højeste svar"))
    life_domain = models.ForeignKey(
        LifeDomain, verbose_name=_("livsområde"), null=True, blank=True, on_delete=models.PROTECT
    )
    # [{"value": 5, "label_da": "Hele tiden", "label_en": "All of the time", "code": "<KLToolsCodes code>"}]
    options = models.JSONField(_("svarmuligheder"), default=list, blank=True)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["instrument", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "link_id"],
                name="item_unique_link_id",
                violation_error_message=_("Et item-id skal være entydigt i måleredskabet."),
            ),
            models.CheckConstraint(
                condition=Q(max_value__gt=F("min_value")),
                name="item_range",
                violation_error_message=_("Højeste svar skal være større end laveste."),
            ),
        ]

    @property
    def text(self) -> str:
        return self.text_en if _in_english() else self.text_da

    def choices(self) -> list[tuple[int, str]]:
        """(value, label) pairs, highest first as on the paper forms; plain numbers where no labels exist."""
        english = _in_english()
        if self.options:
            return [(o["value"], o["label_en"] if english else o["label_da"]) for o in self.options]
        return [(v, str(v)) for v in range(self.min_value, self.max_value + 1)]

    def __str__(self) -> str:
        return f"{self.instrument.short_name}: {self.text}"
