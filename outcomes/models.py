"""Instruments, measurements, goals and the per-course trajectory summaries."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from outcomes import scoring
from tracker.models import Course


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


class Goal(models.Model):
    """The citizen's own goal, in their own words, scored with Goal Attainment Scaling (−2…+2)."""

    course = models.ForeignKey(Course, verbose_name=_("forløb"), on_delete=models.CASCADE, related_name="goals")
    text = models.TextField(_("målet med borgerens egne ord"))
    life_domain = models.ForeignKey(LifeDomain, verbose_name=_("livsområde"), on_delete=models.PROTECT)
    level_minus2 = models.CharField(_("−2: meget mindre end forventet"), max_length=300)
    level_minus1 = models.CharField(_("−1: mindre end forventet"), max_length=300)
    level_0 = models.CharField(_("0: forventet niveau"), max_length=300)
    level_plus1 = models.CharField(_("+1: mere end forventet"), max_length=300)
    level_plus2 = models.CharField(_("+2: meget mere end forventet"), max_length=300)
    baseline_level = models.SmallIntegerField(
        _("niveau ved start"), default=-1, validators=[MinValueValidator(-2), MaxValueValidator(2)]
    )
    importance = models.PositiveSmallIntegerField(
        _("vigtighed (1–3)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    difficulty = models.PositiveSmallIntegerField(
        _("sværhed (1–3)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(3)]
    )
    created_on = models.DateField(_("oprettet"))
    target_date = models.DateField(_("forventet opfyldt"), null=True, blank=True)
    closed_on = models.DateField(_("afsluttet"), null=True, blank=True)

    class Meta:
        verbose_name = _("mål")
        verbose_name_plural = _("mål")
        ordering = ["created_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(baseline_level__gte=-2, baseline_level__lte=2),
                name="goal_baseline_level_range",
                violation_error_message=_("Niveauet skal ligge mellem −2 og +2."),
            ),
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("created_on")),
                name="goal_closed_after_created",
                violation_error_message=_("Et mål kan ikke afsluttes før det er oprettet."),
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def weight(self) -> float:
        """Kiresuk & Sherman's weight: importance × difficulty when both are given, otherwise 1."""
        if self.importance and self.difficulty:
            return float(self.importance * self.difficulty)
        return 1.0

    def level_texts(self) -> list[tuple[int, str]]:
        return [
            (2, self.level_plus2),
            (1, self.level_plus1),
            (0, self.level_0),
            (-1, self.level_minus1),
            (-2, self.level_minus2),
        ]


class GoalReview(models.Model):
    """A dated review of a goal recording the level reached."""

    goal = models.ForeignKey(Goal, verbose_name=_("mål"), on_delete=models.CASCADE, related_name="reviews")
    date = models.DateField(_("dato"))
    level = models.SmallIntegerField(_("opnået niveau"), validators=[MinValueValidator(-2), MaxValueValidator(2)])
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registreret af"), null=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("opfølgning på mål")
        verbose_name_plural = _("opfølgninger på mål")
        ordering = ["date", "id"]
        # "The goal's latest review by a date" (dashboards, comparison): one index step instead of a sort per goal.
        indexes = [models.Index(fields=["goal", "date", "id"], name="goalreview_goal_date_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__gte=-2, level__lte=2),
                name="goalreview_level_range",
                violation_error_message=_("Niveauet skal ligge mellem −2 og +2."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.goal} {self.date:%d.%m.%Y}: {self.level:+d}"


class TrajectorySummary(models.Model):
    """Per (course, instrument): baseline, latest, change and its reliable-change category.

    Kept current by the measurement services in the same transaction as every write; rebuilt from scratch
    by ``manage.py rebuild_summaries``. Dashboards read these rows, never the raw measurements.
    """

    class Category(models.TextChoices):
        RECOVERED = "recovered", _("Forbedret og krydset den kliniske grænse")
        IMPROVED = "improved", _("Forbedret")
        UNCHANGED = "unchanged", _("Uændret")
        DETERIORATED = "deteriorated", _("Forværret")
        HARMED = "harmed", _("Forværret og krydset den kliniske grænse")

    class Method(models.TextChoices):
        RCI = "rci", _("Pålidelig ændring (RCI, Jacobson & Truax)")
        MID = "mid", _("Mindste vigtige ændring (MID)")
        NONE = "none", _("Ingen klassifikation")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="summaries")
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="summaries")
    unit = models.ForeignKey("tracker.OrganisationUnit", on_delete=models.CASCADE, related_name="+")
    n_measurements = models.PositiveIntegerField(default=0)
    baseline = models.ForeignKey(Measurement, null=True, on_delete=models.SET_NULL, related_name="+")
    latest = models.ForeignKey(Measurement, null=True, on_delete=models.SET_NULL, related_name="+")
    baseline_date = models.DateField(null=True)
    latest_date = models.DateField(null=True)
    baseline_score = models.FloatField(null=True)
    latest_score = models.FloatField(null=True)
    change = models.FloatField(null=True)
    rci = models.FloatField(null=True)
    category = models.CharField(max_length=15, choices=Category.choices, blank=True)
    method = models.CharField(max_length=5, choices=Method.choices, default=Method.NONE)

    class Meta:
        verbose_name = _("forløbsopsummering")
        verbose_name_plural = _("forløbsopsummeringer")
        constraints = [
            models.UniqueConstraint(fields=["course", "instrument"], name="summary_unique_course_instrument")
        ]
        indexes = [models.Index(fields=["unit", "instrument"], name="summary_unit_instr_idx")]

    def __str__(self) -> str:
        return f"{self.course} {self.instrument.short_name}"

    @property
    def category_label(self) -> str:
        """The category in words that say how it was judged: 'pålideligt' only where the RCI was used."""
        if not self.category:
            return ""
        if self.method == self.Method.RCI:
            return str(RCI_LABELS[self.category])
        return str(MID_LABELS.get(self.category, self.get_category_display()))

    @property
    def meaningful_change_label(self) -> str:
        """Where the RCI judged the category: whether the change reaches the MID, called "meaningful change".

        The MID is never called reliable; it is shown beside the RCI category as a second, separate reading.
        Empty when the RCI did not judge the category or the instrument has no MID.
        """
        mid = self.instrument.mid
        if self.method != self.Method.RCI or not mid or self.change is None:
            return ""
        better = self.change if self.instrument.higher_is_better else -self.change
        words = {"mid": number_format(mid, decimal_pos=0 if float(mid).is_integer() else 1)}
        if better >= mid:
            return str(_("Meningsfuld forbedring (mindst %(mid)s point)") % words)
        if -better >= mid:
            return str(_("Meningsfuld forværring (mindst %(mid)s point)") % words)
        return str(_("Under den meningsfulde ændring (%(mid)s point)") % words)


RCI_LABELS = {
    TrajectorySummary.Category.RECOVERED: _("Pålideligt forbedret og krydset den kliniske grænse"),
    TrajectorySummary.Category.IMPROVED: _("Pålideligt forbedret"),
    TrajectorySummary.Category.UNCHANGED: _("Ingen pålidelig ændring"),
    TrajectorySummary.Category.DETERIORATED: _("Pålideligt forværret"),
    TrajectorySummary.Category.HARMED: _("Pålideligt forværret og krydset den kliniske grænse"),
}
MID_LABELS = {
    TrajectorySummary.Category.IMPROVED: _("Forbedret (mindst den mindste vigtige ændring)"),
    TrajectorySummary.Category.UNCHANGED: _("Uændret (mindre end den mindste vigtige ændring)"),
    TrajectorySummary.Category.DETERIORATED: _("Forværret (mindst den mindste vigtige ændring)"),
}
