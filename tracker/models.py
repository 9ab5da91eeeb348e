"""Core records: organisation units, staff roles, citizens, courses of support, partners, collaborations, audit."""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class ReferenceData(models.Model):
    """A small code list loaded from fixtures, named in Danish and English."""

    code = models.SlugField(_("kode"), max_length=40, unique=True)
    name_da = models.CharField(_("navn (dansk)"), max_length=200)
    name_en = models.CharField(_("navn (engelsk)"), max_length=200)
    order = models.PositiveSmallIntegerField(_("rækkefølge"), default=0)

    class Meta:
        abstract = True
        ordering = ["order", "code"]

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "da").startswith("en") else self.name_da

    def __str__(self) -> str:
        return self.name


class LegalBasis(ReferenceData):
    """A legal basis for support, e.g. Serviceloven §85 (bostøtte)."""

    paragraph = models.CharField(_("paragraf"), max_length=40)

    class Meta(ReferenceData.Meta):
        verbose_name = _("lovgrundlag")
        verbose_name_plural = _("lovgrundlag")


class EndReason(ReferenceData):
    """Why a course of support ended."""

    class Meta(ReferenceData.Meta):
        verbose_name = _("afslutningsårsag")
        verbose_name_plural = _("afslutningsårsager")


class Sector(ReferenceData):
    """The sector a partner belongs to (jobcenter, regional psychiatry, civil society, …)."""

    class Meta(ReferenceData.Meta):
        verbose_name = _("sektor")
        verbose_name_plural = _("sektorer")


class CollaborationKind(ReferenceData):
    """The kind of a collaboration event (meeting, coordinated plan, referral, …)."""

    class Meta(ReferenceData.Meta):
        verbose_name = _("samarbejdsform")
        verbose_name_plural = _("samarbejdsformer")


class OrganisationUnit(models.Model):
    """A node in the organisation tree: municipality → department → unit."""

    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality", _("Kommune")
        DEPARTMENT = "department", _("Afdeling")
        UNIT = "unit", _("Enhed")

    name = models.CharField(_("navn"), max_length=200)
    code = models.SlugField(_("kode"), max_length=60, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices, default=Kind.UNIT)
    parent = models.ForeignKey(
        "self", verbose_name=_("overordnet"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    legal_bases = models.ManyToManyField(LegalBasis, verbose_name=_("lovgrundlag"), blank=True)
    description = models.CharField(_("beskrivelse"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("organisationsenhed")
        verbose_name_plural = _("organisationsenheder")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(parent=F("id")),
                name="unit_not_own_parent",
                violation_error_message=_("En enhed kan ikke være sin egen overordnede."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # Walk up the tree: a unit may not become a descendant of itself.
        node, seen = self.parent, set()
        while node is not None and self.pk is not None:
            if node.pk == self.pk or node.pk in seen:
                raise ValidationError({"parent": _("Enhedstræet må ikke indeholde en løkke.")})
            seen.add(node.pk)
            node = node.parent


class Membership(models.Model):
    """A member of staff's role in a unit (caseworker or leader)."""

    class Role(models.TextChoices):
        CASEWORKER = "caseworker", _("Medarbejder")
        LEADER = "leader", _("Leder")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("bruger"), on_delete=models.CASCADE, related_name="memberships"
    )
    unit = models.ForeignKey(
        OrganisationUnit, verbose_name=_("enhed"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("rolle"), max_length=20, choices=Role.choices)

    class Meta:
        verbose_name = _("medlemskab")
        verbose_name_plural = _("medlemskaber")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit"],
                name="membership_unique_user_unit",
                violation_error_message=_("Brugeren har allerede en rolle i denne enhed."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} – {self.unit}"


class DirectorScope(models.Model):
    """A director's scope: an organisation subtree whose aggregated figures they may see."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("bruger"), on_delete=models.CASCADE, related_name="director_scopes"
    )
    unit = models.ForeignKey(
        OrganisationUnit, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="director_scopes"
    )

    class Meta:
        verbose_name = _("direktørområde")
        verbose_name_plural = _("direktørområder")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit"],
                name="directorscope_unique_user_unit",
                violation_error_message=_("Brugeren har allerede dette område."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.unit}"


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


def new_epoch() -> str:
    return secrets.token_hex(8)


class DataVersion(models.Model):
    """One counter, bumped in the same transaction as every write of citizen data.

    Cached aggregates (dashboards, comparisons) are keyed on it, so a cache entry can never outlive the data
    it was computed from: after a write commits, every reader sees the new version and recomputes. One row
    in the shared database means several app servers agree on it without any per-process state.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    value = models.BigIntegerField(default=0)
    # Made with the row: part of every cache key, so a database created anew (its counter back at 0) never meets
    # the cached entries of an earlier one in a shared Redis (tracker/dataversion.py).
    epoch = models.CharField(max_length=32, default=new_epoch, editable=False)

    class Meta:
        verbose_name = _("dataversion")
        verbose_name_plural = _("dataversion")

    def __str__(self) -> str:
        return str(self.value)


class UnitDataVersion(models.Model):
    """A unit's own counter, bumped with every write of citizen data in the unit.

    A cached figure set for some units is valid while the global counter (``DataVersion``) and these units'
    counters are unchanged, so a write in one unit leaves every other unit's dashboards warm, and writers in
    different units do not queue on one row's lock.
    """

    unit = models.OneToOneField(OrganisationUnit, on_delete=models.CASCADE, primary_key=True, related_name="+")
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("dataversion for en enhed")
        verbose_name_plural = _("dataversioner for enheder")

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.value}"


class RateCounter(models.Model):
    """A fixed-window counter for rate limits when the shared cache is the database (selfservice.ratelimit).

    Django's database cache increments by reading and writing the value back, so parallel requests lose
    increments; a row here is incremented by one ``UPDATE … SET count = count + 1``, which the database serialises.
    """

    key = models.CharField(max_length=100, primary_key=True)
    count = models.IntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("tæller (hastighedsgrænse)")
        verbose_name_plural = _("tællere (hastighedsgrænser)")

    def __str__(self) -> str:
        return f"{self.key}: {self.count}"


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
