"""The API's records: citizens, courses, measurements, goals (with reviews), collaborations, and reference data.

Serializers only describe and check the shape of the data; every write is done by the apps' services (which run
``full_clean()``, keep trajectory summaries current and write the audit entry), called from ``api.views``.
Reference data (legal bases, end reasons, life domains, sectors, collaboration kinds, instruments) are given by
their stable ``code``, not by database id. A CPR number is only ever returned masked (DDMMYY-xxxx).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.fields import CodeField, DateField, ModelSerializer, ScopedPrimaryKeyField, Serializer, _code_field
from outcomes.models import Goal, GoalReview, Informer, Instrument, InstrumentItem, LifeDomain, Measurement
from outcomes.selectors import goal_latest_level
from tracker.models import (
    Citizen,
    Collaboration,
    CollaborationKind,
    Course,
    EndReason,
    LegalBasis,
    OrganisationUnit,
    Partner,
    Sector,
)

# --- Citizens ----------------------------------------------------------------------------------------------------


class CitizenSerializer(ModelSerializer):
    cpr_masked = serializers.CharField(read_only=True, help_text=_("CPR-nummeret maskeret: DDMMÅÅ-xxxx."))

    class Meta:
        model = Citizen
        fields = ["id", "name", "cpr_masked", "birth_year", "gender", "external_id", "created_at"]
        read_only_fields = fields


class CitizenWriteSerializer(Serializer):
    """A citizen's own details. The CPR number is write-only: DDMMÅÅ-XXXX or ten digits."""

    name = serializers.CharField(max_length=200)
    cpr = serializers.CharField(
        max_length=11, required=False, allow_blank=True, allow_null=True, write_only=True, help_text=_("Valgfrit.")
    )
    gender = serializers.ChoiceField(choices=Citizen.Gender.choices, required=False)
    birth_year = serializers.IntegerField(min_value=1900, max_value=2100, required=False, allow_null=True)
    external_id = serializers.CharField(max_length=60, required=False, allow_blank=True, allow_null=True)


class CitizenCreateSerializer(CitizenWriteSerializer):
    """Register a citizen and start the first course in one of the user's units, both or neither (as the page). The
    start date's rule is the service's (``tracker.services.course_start``), as for the page."""

    unit = ScopedPrimaryKeyField("units", help_text=_("En af dine enheder (id)."))
    legal_basis = _code_field(LegalBasis, help_text=_("Lovgrundlagets kode, fx sel-85."))
    start = DateField()


# --- Courses ------------------------------------------------------------------------------------------------------


class CourseSerializer(ModelSerializer):
    citizen = serializers.IntegerField(source="citizen_id", read_only=True)
    unit = serializers.IntegerField(source="unit_id", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    legal_basis = serializers.CharField(source="legal_basis.code", read_only=True)
    end_reason = serializers.CharField(source="end_reason.code", read_only=True, allow_null=True, default=None)
    is_open = serializers.BooleanField(read_only=True)

    class Meta:
        model = Course
        fields = ["id", "citizen", "unit", "unit_name", "legal_basis", "start", "end", "end_reason", "is_open"]
        read_only_fields = fields


class CourseCreateSerializer(Serializer):
    citizen = ScopedPrimaryKeyField("citizens", help_text=_("En borger, du har adgang til (id)."))
    unit = ScopedPrimaryKeyField("units", help_text=_("En af dine enheder (id)."))
    legal_basis = _code_field(LegalBasis)
    start = DateField()


class CourseEndSerializer(Serializer):
    """The end date's rules are the service's (``tracker.services.course_end``), as for the page."""

    end = DateField()
    end_reason = _code_field(EndReason, help_text=_("Afslutningsårsagens kode, fx moved."))


# --- Measurements -------------------------------------------------------------------------------------------------


class MeasurementSerializer(ModelSerializer):
    course = serializers.IntegerField(source="course_id", read_only=True)
    citizen = serializers.IntegerField(source="course.citizen_id", read_only=True)
    instrument = serializers.CharField(source="instrument.code", read_only=True)
    answers = serializers.SerializerMethodField(help_text=_("Svarene pr. item (linkId → værdi)."))

    class Meta:
        model = Measurement
        fields = [
            "id",
            "course",
            "citizen",
            "instrument",
            "date",
            "informer",
            "completion",
            "raw_score",
            "score",
            "answers",
            "note",
            "created_at",
        ]
        read_only_fields = fields

    @extend_schema_field({"type": "object", "additionalProperties": {"type": "integer"}})
    def get_answers(self, measurement: Measurement) -> dict[str, int]:
        return {a.item.link_id: a.value for a in measurement.answers.all()}


class MeasurementCreateSerializer(Serializer):
    """One completion of an instrument; scored, summarised and logged by ``outcomes.services.measurement_record``."""

    course = ScopedPrimaryKeyField("courses", help_text=_("Et åbent forløb, du har adgang til (id)."))
    instrument = CodeField(queryset=Instrument.objects.filter(active=True), help_text=_("Måleredskabets kode."))
    date = DateField()
    informer = serializers.ChoiceField(choices=Informer.choices, default=Informer.CITIZEN)
    answers = serializers.DictField(
        child=serializers.IntegerField(min_value=-1000, max_value=1000),
        allow_empty=False,
        help_text=_('Svarene pr. item: linkId → heltal, fx {"happy": 3}.'),
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")

    def validate_course(self, course: Course) -> Course:
        if not course.is_open:
            raise serializers.ValidationError(_("Forløbet er afsluttet; der kan ikke registreres nye målinger."))
        return course


# --- Goals --------------------------------------------------------------------------------------------------------


class GoalReviewSerializer(ModelSerializer):
    class Meta:
        model = GoalReview
        fields = ["id", "date", "level", "note"]
        read_only_fields = ["id"]
        extra_kwargs = {"note": {"required": False, "allow_blank": True}}


class GoalSerializer(ModelSerializer):
    course = serializers.IntegerField(source="course_id", read_only=True)
    citizen = serializers.IntegerField(source="course.citizen_id", read_only=True)
    life_domain = serializers.CharField(source="life_domain.code", read_only=True)
    ffb_code = serializers.CharField(source="life_domain.ffb_code", read_only=True)
    latest_level = serializers.SerializerMethodField(help_text=_("Niveauet ved seneste opfølgning, ellers ved start."))
    reviews = GoalReviewSerializer(many=True, read_only=True)

    class Meta:
        model = Goal
        fields = [
            "id",
            "course",
            "citizen",
            "text",
            "life_domain",
            "ffb_code",
            "level_minus2",
            "level_minus1",
            "level_0",
            "level_plus1",
            "level_plus2",
            "baseline_level",
            "importance",
            "difficulty",
            "created_on",
            "target_date",
            "closed_on",
            "latest_level",
            "reviews",
        ]
        read_only_fields = fields

    def get_latest_level(self, goal: Goal) -> int:
        return goal_latest_level(goal)


class GoalCreateSerializer(ModelSerializer):
    course = ScopedPrimaryKeyField("courses", help_text=_("Et forløb, du har adgang til (id)."))
    life_domain = _code_field(LifeDomain, help_text=_("Livsområdets kode, fx network."))

    class Meta:
        model = Goal
        fields = [
            "course",
            "text",
            "life_domain",
            "level_minus2",
            "level_minus1",
            "level_0",
            "level_plus1",
            "level_plus2",
            "baseline_level",
            "importance",
            "difficulty",
            "created_on",
            "target_date",
        ]


# --- Collaborations -----------------------------------------------------------------------------------------------


class CollaborationSerializer(ModelSerializer):
    course = serializers.IntegerField(source="course_id", read_only=True)
    citizen = serializers.IntegerField(source="course.citizen_id", read_only=True)
    partner = serializers.IntegerField(source="partner_id", read_only=True)
    partner_name = serializers.CharField(source="partner.name", read_only=True)
    sector = serializers.CharField(source="partner.sector.code", read_only=True)
    kind = serializers.CharField(source="kind.code", read_only=True)

    class Meta:
        model = Collaboration
        fields = [
            "id",
            "course",
            "citizen",
            "partner",
            "partner_name",
            "sector",
            "kind",
            "date",
            "citizen_participated",
            "initiated_by",
            "usefulness",
            "note",
        ]
        read_only_fields = fields


class CollaborationCreateSerializer(Serializer):
    """A collaboration with an existing partner (``partner``) or a new one (``new_partner_name`` and
    ``new_partner_sector``), created in the same transaction."""

    course = ScopedPrimaryKeyField("courses", help_text=_("Et forløb, du har adgang til (id)."))
    partner = serializers.PrimaryKeyRelatedField(queryset=Partner.objects.all(), required=False, allow_null=True)
    new_partner_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    new_partner_sector = _code_field(Sector, required=False, allow_null=True, default=None)
    kind = _code_field(CollaborationKind, help_text=_("Samarbejdsformens kode, fx meeting."))
    date = DateField()
    initiated_by = serializers.ChoiceField(choices=Collaboration.Initiator.choices)
    citizen_participated = serializers.BooleanField(default=True)
    usefulness = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True, default=None)
    note = serializers.CharField(required=False, allow_blank=True, default="")

    def validate(self, attrs: dict) -> dict:
        # As the page's form: either a known partner, or the name and sector of a new one.
        if attrs.get("partner") is None:
            errors = {}
            if not attrs.get("new_partner_name", "").strip():
                errors["new_partner_name"] = [_("Vælg en samarbejdspartner, eller skriv navnet på en ny.")]
            if attrs.get("new_partner_sector") is None:
                errors["new_partner_sector"] = [_("Vælg sektor for den nye samarbejdspartner.")]
            if errors:
                raise serializers.ValidationError(errors)
        return attrs


# --- Reference data -----------------------------------------------------------------------------------------------


class PartnerSerializer(ModelSerializer):
    sector = serializers.CharField(source="sector.code", read_only=True)

    class Meta:
        model = Partner
        fields = ["id", "name", "sector", "contact"]
        read_only_fields = fields


class InstrumentItemSerializer(ModelSerializer):
    text = serializers.CharField(read_only=True)
    life_domain = serializers.CharField(source="life_domain.code", read_only=True, allow_null=True, default=None)

    class Meta:
        model = InstrumentItem
        fields = ["link_id", "text", "min_value", "max_value", "life_domain"]
        read_only_fields = fields


class InstrumentSerializer(ModelSerializer):
    name = serializers.CharField(read_only=True)
    items = InstrumentItemSerializer(many=True, read_only=True)
    recordable = serializers.BooleanField(source="is_recordable", read_only=True)
    # Blank for our own instruments: a plain string, since "" is no URI.
    fhir_questionnaire = serializers.CharField(read_only=True, help_text=_("Kanonisk URL, hvis der er en."))

    class Meta:
        model = Instrument
        fields = [
            "code",
            "name",
            "short_name",
            "scoring",
            "score_min",
            "score_max",
            "higher_is_better",
            "clinical_cutoff",
            "fhir_questionnaire",
            "recordable",
            "items",
        ]
        read_only_fields = fields


class UnitSerializer(ModelSerializer):
    class Meta:
        model = OrganisationUnit
        fields = ["id", "name", "code"]
        read_only_fields = fields


__all__ = [
    "CitizenCreateSerializer",
    "CitizenSerializer",
    "CitizenWriteSerializer",
    "CollaborationCreateSerializer",
    "CollaborationSerializer",
    "CourseCreateSerializer",
    "CourseEndSerializer",
    "CourseSerializer",
    "GoalCreateSerializer",
    "GoalReviewSerializer",
    "GoalSerializer",
    "InstrumentSerializer",
    "MeasurementCreateSerializer",
    "MeasurementSerializer",
    "PartnerSerializer",
    "UnitSerializer",
]
