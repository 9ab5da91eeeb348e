"""The API's records: citizens, courses, measurements, goals and collaborations — scoped and logged as the pages.

Thin views, as the pages (the base, ``api.viewsets.CitizenDataViewSet``, scopes and logs every list and record): every
write goes through the services the pages use, so a rule refuses the same input with the same message in both.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers as drf_serializers
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from api import filters, selectors
from api import serializers as s
from api import services as api_services
from api.exceptions import Conflict
from api.viewsets import CitizenDataViewSet, idempotent
from outcomes import selectors as outcome_selectors
from outcomes import services as outcome_services
from tracker import selectors as tracker_selectors
from tracker import services as tracker_services
from tracker.models import Citizen, normalise_cpr


def _cpr(value: str | None) -> str | None:
    if not value or not value.strip():
        return None
    try:
        return normalise_cpr(value)
    except DjangoValidationError as exc:
        raise drf_serializers.ValidationError({"cpr": exc.messages}) from None


@extend_schema_view(
    list=extend_schema(summary=_("Borgere"), description=_("Borgere med et forløb i dine enheder.")),
    retrieve=extend_schema(summary=_("Borger")),
    create=extend_schema(
        summary=_("Opret borger med første forløb"),
        request=s.CitizenCreateSerializer,
        responses={201: s.CitizenSerializer},
    ),
    partial_update=extend_schema(
        summary=_("Ret borgerens oplysninger"),
        description=_("Felter, der udelades, beholdes. cpr: null eller tom fjerner CPR-nummeret."),
        request=s.CitizenWriteSerializer,
        responses={200: s.CitizenSerializer},
    ),
)
class CitizenViewSet(CitizenDataViewSet):
    serializer_class = s.CitizenSerializer
    filterset_class = filters.CitizenFilter
    purpose = "api_citizens"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return tracker_selectors.citizen_list(user=self.request.user).order_by("name", "pk")

    def get_record(self, pk: int) -> Citizen:
        return tracker_selectors.citizen_get(user=self.request.user, pk=pk)

    @staticmethod
    def citizen_id_of(obj) -> int:
        return obj.pk

    @idempotent
    def create(self, request, *args, **kwargs):
        data = self.validated(s.CitizenCreateSerializer)
        # The citizen and the first course: both or neither, by the service the page uses. A CPR number known in
        # another unit is the same person, and the answer is the same as for a new one.
        citizen, _course = tracker_services.register_citizen_with_course(
            user=request.user,
            unit_ids=tracker_selectors.access_for(request.user).member_unit_ids,
            channel="api",
            citizen={
                "name": data["name"],
                "cpr": _cpr(data.get("cpr")),
                "gender": data.get("gender") or Citizen.Gender.UNKNOWN,
                "birth_year": data.get("birth_year"),
                "external_id": data.get("external_id") or None,
            },
            unit=data["unit"],
            legal_basis=data["legal_basis"],
            start=data["start"],
        )
        return self.created(citizen)

    def partial_update(self, request, pk: str, *args, **kwargs):
        citizen = self.get_record(int(pk))
        data = dict(self.validated(s.CitizenWriteSerializer, partial=True))
        if "cpr" in data:
            data["cpr"] = _cpr(data["cpr"])
        if "external_id" in data:
            data["external_id"] = data["external_id"] or None
        citizen = tracker_services.citizen_change(user=request.user, citizen=citizen, **data)
        return Response(self.get_serializer(citizen).data)


@extend_schema_view(
    list=extend_schema(summary=_("Forløb")),
    retrieve=extend_schema(summary=_("Forløb")),
    create=extend_schema(
        summary=_("Start et forløb"), request=s.CourseCreateSerializer, responses={201: s.CourseSerializer}
    ),
    end=extend_schema(
        summary=_("Afslut et forløb"), request=s.CourseEndSerializer, responses={200: s.CourseSerializer}
    ),
)
class CourseViewSet(CitizenDataViewSet):
    serializer_class = s.CourseSerializer
    filterset_class = filters.CourseFilter
    purpose = "api_courses"

    def get_queryset(self):
        return tracker_selectors.course_list(user=self.request.user, open_only=False).order_by("-start", "pk")

    def get_record(self, pk: int):
        return tracker_selectors.course_get(user=self.request.user, pk=pk)

    @staticmethod
    def citizen_id_of(obj) -> int:
        return obj.citizen_id

    @idempotent
    def create(self, request, *args, **kwargs):
        data = self.validated(s.CourseCreateSerializer)
        course = tracker_services.course_start(
            user=request.user,
            citizen=data["citizen"],
            unit=data["unit"],
            legal_basis=data["legal_basis"],
            start=data["start"],
        )
        return self.created(course)

    @action(detail=True, methods=["post"])
    @idempotent
    def end(self, request, pk: str):
        course = self.get_record(int(pk))
        data = self.validated(s.CourseEndSerializer)
        course = tracker_services.course_end(
            user=request.user, course=course, end=data["end"], end_reason=data["end_reason"]
        )
        return Response(self.get_serializer(course).data)


@extend_schema_view(
    list=extend_schema(summary=_("Målinger"), description=_("Med svarene pr. item.")),
    retrieve=extend_schema(summary=_("Måling")),
    create=extend_schema(
        summary=_("Registrér en måling"),
        description=_("Scores, opsummeres og logges som på siden (outcomes.services.measurement_record)."),
        request=s.MeasurementCreateSerializer,
        responses={201: s.MeasurementSerializer},
    ),
)
class MeasurementViewSet(CitizenDataViewSet):
    serializer_class = s.MeasurementSerializer
    filterset_class = filters.MeasurementFilter
    purpose = "api_measurements"

    def get_queryset(self):
        return selectors.measurement_list(user=self.request.user).order_by("date", "pk")

    def get_record(self, pk: int):
        return outcome_selectors.measurement_get(user=self.request.user, pk=pk)

    @idempotent
    def create(self, request, *args, **kwargs):
        data = self.validated(s.MeasurementCreateSerializer)
        try:
            # The same completion posted twice (a client's retry without Idempotency-Key) is refused.
            measurement = api_services.measurement_record_once(
                user=request.user,
                course=data["course"],
                instrument=data["instrument"],
                answers=data["answers"],
                date=data["date"],
                informer=data["informer"],
                note=data.get("note", ""),
            )
        except api_services.DuplicateMeasurement as duplicate:
            existing = duplicate.existing
            raise Conflict(
                gettext("Målingen findes allerede (id %(id)s): samme forløb, måleredskab, dato og svar.")
                % {"id": existing.pk},
                code="duplicate_measurement",
                extra={
                    "existing_id": existing.pk,
                    "existing_url": reverse("api:measurement-detail", args=[existing.pk]),
                },
            ) from None
        except DjangoValidationError as exc:
            raise _answer_errors(exc) from None
        return self.created(measurement)


def _answer_errors(exc: DjangoValidationError) -> drf_serializers.ValidationError:
    """The scoring module reports a wrong answer under its linkId; in the API it is the field answers.<linkId>."""
    if not hasattr(exc, "error_dict"):
        return drf_serializers.ValidationError({"non_field_errors": exc.messages})
    known = {"date", "informer", "note", "course", "instrument", "__all__"}
    errors = {}
    for field, messages in exc.message_dict.items():
        key = "non_field_errors" if field == "__all__" else field if field in known else f"answers.{field}"
        errors[key] = messages
    return drf_serializers.ValidationError(errors)


@extend_schema_view(
    list=extend_schema(summary=_("Mål"), description=_("Borgernes mål med opfølgninger og livsområdets FFB-kode.")),
    retrieve=extend_schema(summary=_("Mål")),
    create=extend_schema(summary=_("Sæt et mål"), request=s.GoalCreateSerializer, responses={201: s.GoalSerializer}),
    reviews=extend_schema(
        summary=_("Følg op på et mål"), request=s.GoalReviewSerializer, responses={201: s.GoalReviewSerializer}
    ),
)
class GoalViewSet(CitizenDataViewSet):
    serializer_class = s.GoalSerializer
    filterset_class = filters.GoalFilter
    purpose = "api_goals"

    def get_queryset(self):
        return selectors.goal_list(user=self.request.user).order_by("created_on", "pk")

    def get_record(self, pk: int):
        return selectors.goal_get(user=self.request.user, pk=pk)

    @idempotent
    def create(self, request, *args, **kwargs):
        data = dict(self.validated(s.GoalCreateSerializer))
        course = data.pop("course")
        goal = outcome_services.goal_create(user=request.user, course=course, **data)
        return self.created(selectors.goal_list(user=request.user).get(pk=goal.pk))

    @action(detail=True, methods=["post"])
    @idempotent
    def reviews(self, request, pk: str):
        goal = outcome_selectors.goal_get(user=request.user, pk=int(pk))
        data = self.validated(s.GoalReviewSerializer)
        review = outcome_services.goal_review_record(
            user=request.user, goal=goal, date=data["date"], level=data["level"], note=data.get("note", "")
        )
        return Response(s.GoalReviewSerializer(review).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(summary=_("Samarbejder")),
    retrieve=extend_schema(summary=_("Samarbejde")),
    create=extend_schema(
        summary=_("Registrér et samarbejde"),
        description=_("Med en kendt samarbejdspartner (partner) eller en ny (new_partner_name og new_partner_sector)."),
        request=s.CollaborationCreateSerializer,
        responses={201: s.CollaborationSerializer},
    ),
)
class CollaborationViewSet(CitizenDataViewSet):
    serializer_class = s.CollaborationSerializer
    filterset_class = filters.CollaborationFilter
    purpose = "api_collaborations"

    def get_queryset(self):
        return selectors.collaboration_list(user=self.request.user).order_by("-date", "pk")

    def get_record(self, pk: int):
        return selectors.collaboration_get(user=self.request.user, pk=pk)

    @idempotent
    def create(self, request, *args, **kwargs):
        data = self.validated(s.CollaborationCreateSerializer)
        collaboration = tracker_services.collaboration_log(
            user=request.user,
            course=data["course"],
            partner=data.get("partner"),
            new_partner_name=data.get("new_partner_name", ""),
            new_partner_sector=data.get("new_partner_sector"),
            kind=data["kind"],
            date=data["date"],
            initiated_by=data["initiated_by"],
            citizen_participated=data["citizen_participated"],
            usefulness=data.get("usefulness"),
            note=data.get("note", ""),
        )
        return self.created(collaboration)
