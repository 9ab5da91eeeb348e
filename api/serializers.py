"""The API's records: citizens, courses, measurements, goals (with reviews), collaborations, and reference data.

Serializers only describe and check the shape of the data; every write is done by the apps' services (which run
``full_clean()``, keep trajectory summaries current and write the audit entry), called from ``api.views``.
Reference data (legal bases, end reasons, life domains, sectors, collaboration kinds, instruments) are given by
their stable ``code``, not by database id. A CPR number is only ever returned masked (DDMMYY-xxxx).
"""

from __future__ import annotations

import datetime
import re

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.base import parse_date
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


@extend_schema_field({"type": "string", "format": "date"})
class DateField(serializers.DateField):
    """A date in a request body, in the same formats as the date filters (``api.base.DATE_INPUT_FORMATS``), with a
    message that shows the value."""

    def to_internal_value(self, value):
        try:
            return parse_date(value)
        except ValueError as exc:
            raise serializers.ValidationError(str(exc), code="invalid") from None


# Messages DRF ships without a Danish translation: ours, in the request's language.
MISSING_TRANSLATIONS = {
    serializers.DictField: {"empty": _("Angiv mindst ét svar.")},
    serializers.BooleanField: {"invalid": _("Skriv true eller false.")},
    serializers.CharField: {"invalid": _("Skriv en tekst.")},
    serializers.ListField: {
        "min_length": _("Angiv mindst {min_length}."),
        "max_length": _("Angiv højst {max_length}."),
    },
}


class LocalisedMixin:
    """Fills in the messages DRF has no Danish for (``MISSING_TRANSLATIONS``) on every field, and maps model date
    fields to our ``DateField``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            for node in (field, getattr(field, "child", None)):
                for kind, messages in MISSING_TRANSLATIONS.items():
                    if isinstance(node, kind):
                        node.error_messages.update(messages)


class Serializer(LocalisedMixin, serializers.Serializer):
    pass


class ModelSerializer(LocalisedMixin, serializers.ModelSerializer):
    serializer_field_mapping = {**serializers.ModelSerializer.serializer_field_mapping, models.DateField: DateField}


class CodeField(serializers.SlugRelatedField):
    """Reference data by code. Only a well-formed code is looked up (PostgreSQL refuses a NUL byte in a query)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("slug_field", "code")
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str) or not re.fullmatch(r"[-a-zA-Z0-9_]{1,60}", data):
            self.fail("does_not_exist", slug_name=self.slug_field, value=str(data)[:60])
        return super().to_internal_value(data)


def _code_field(model, **kwargs) -> CodeField:
    return CodeField(queryset=model.objects.all(), **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1})
class ScopedPrimaryKeyField(serializers.PrimaryKeyRelatedField):
    """An id among the records the requesting user may see; any other id is simply 'not found' (no 403 that
    would confirm it exists). The view passes the scoped queryset in the serializer's context."""

    def __init__(self, context_key: str, **kwargs):
        self.context_key = context_key
        super().__init__(**kwargs)

    def get_queryset(self):
        return self.context[self.context_key]


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
    """Register a citizen and start the first course in one of the user's units, both or neither (as the page)."""

    unit = ScopedPrimaryKeyField("units", help_text=_("En af dine enheder (id)."))
    legal_basis = _code_field(LegalBasis, help_text=_("Lovgrundlagets kode, fx sel-85."))
    start = DateField()

    def validate_start(self, value: datetime.date) -> datetime.date:
        if value > timezone.localdate() + datetime.timedelta(days=366):
            raise serializers.ValidationError(_("Startdatoen ligger mere end et år ude i fremtiden."))
        return value


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

    def validate_start(self, value: datetime.date) -> datetime.date:
        return CitizenCreateSerializer.validate_start(self, value)


class CourseEndSerializer(Serializer):
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

    def validate_date(self, value: datetime.date) -> datetime.date:
        if value > timezone.localdate():
            raise serializers.ValidationError(_("Datoen må ikke ligge i fremtiden."))
        return value

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
