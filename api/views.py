"""The API's records: citizens, courses, measurements, goals and collaborations — scoped and logged as the pages.

Thin views, as the pages: every read goes through the selectors with the requesting user (another unit's record is
404, a director without a unit 403), every write through the services, and each use of citizen data writes one
audit entry in the transaction of the use itself — a read or search of a list, a read of one record, a create or a
change (the services log those).
"""

from __future__ import annotations

import functools
import hashlib
import json
import re

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers as drf_serializers
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from api import filters, selectors
from api import serializers as s
from api import services as api_services
from api.base import ApiMixin, IsCaseworker, Pagination
from api.exceptions import Conflict, IdempotencyKeyReused
from outcomes import selectors as outcome_selectors
from outcomes import services as outcome_services
from tracker import selectors as tracker_selectors
from tracker import services as tracker_services
from tracker.models import AuditEntry, Citizen, normalise_cpr

Action = AuditEntry.Action
ID = r"[0-9]{1,19}"
IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,255}")  # visible ASCII, as a header value can carry it


class _LostRace(Exception):
    """A concurrent request with the same Idempotency-Key was stored first: undo ours and replay that one."""


def idempotent(method):
    """A POST handler that honours ``Idempotency-Key``: the first successful answer is stored with the record it
    created (one transaction) and returned again, unchanged, to every retry with the same key and body."""

    @functools.wraps(method)
    def wrapper(self, request, *args, **kwargs):
        return self.run_idempotent(request, lambda: method(self, request, *args, **kwargs))

    return wrapper


class CitizenDataViewSet(ApiMixin, viewsets.GenericViewSet):
    """Lists and records of citizen data: caseworkers and leaders of a unit, within their units."""

    permission_classes = [IsAuthenticated, IsCaseworker]
    filter_backends = [DjangoFilterBackend]
    pagination_class = Pagination
    lookup_value_regex = ID
    purpose = ""  # "api_<records>", in the audit log

    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()
        user = self.request.user
        context.update(
            units=tracker_selectors.unit_list(user=user),
            citizens=tracker_selectors.citizen_list(user=user),
            courses=tracker_selectors.course_list(user=user, open_only=False),
        )
        return context

    @staticmethod
    def citizen_id_of(obj) -> int:
        return obj.course.citizen_id

    def get_record(self, pk: int):  # one record the user may see, or Http404
        raise NotImplementedError

    def list(self, request, *args, **kwargs):
        with transaction.atomic():
            queryset = self.filter_queryset(self.get_queryset())
            page = self.paginate_queryset(queryset)
            data = self.get_serializer(page, many=True).data
            citizen_ids = sorted({self.citizen_id_of(obj) for obj in page})
            names = self.filterset_class.base_filters
            criteria = {k: v for k, v in request.query_params.items() if k in names and v}
            if criteria:
                # A search, logged with its criteria (Datatilsynet) and whom it found.
                detail = {"criteria": criteria, "citizen_ids": citizen_ids}
                tracker_services.audit_log(user=request.user, action=Action.SEARCH, purpose=self.purpose, detail=detail)
            else:
                detail = {"citizen_ids": citizen_ids}
                tracker_services.audit_log(user=request.user, action=Action.READ, purpose=self.purpose, detail=detail)
        return self.get_paginated_response(data)

    def retrieve(self, request, pk: str, *args, **kwargs):
        with transaction.atomic():
            obj = self.get_record(int(pk))
            data = self.get_serializer(obj).data
            tracker_services.audit_log(
                user=request.user,
                action=Action.READ,
                citizen_id=self.citizen_id_of(obj),
                obj=obj,
                purpose=f"{self.purpose}_detail",
            )
        return Response(data)

    def validated(self, serializer_class, data=None, **kwargs) -> dict:
        data = self.request.data if data is None else data
        serializer = serializer_class(data=data, context=self.get_serializer_context(), **kwargs)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def created(self, obj) -> Response:
        return Response(self.get_serializer(obj).data, status=status.HTTP_201_CREATED)

    def run_idempotent(self, request, produce) -> Response:
        key = request.headers.get(IDEMPOTENCY_HEADER)
        if key is None:
            return produce()
        if not IDEMPOTENCY_KEY.fullmatch(key):
            message = gettext("Idempotency-Key skal være 1–255 synlige ASCII-tegn (fx et UUID).")
            raise drf_serializers.ValidationError({IDEMPOTENCY_HEADER: [message]})
        body = json.dumps(request.data, sort_keys=True, default=str, ensure_ascii=False)
        fingerprint = hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()
        for _attempt in range(3):
            stored = selectors.idempotency_get(user=request.user, key=key)
            if stored is not None:
                return self.replay(request, stored, fingerprint)
            try:
                with transaction.atomic():
                    response = produce()  # an error is raised, rolls back and is never stored
                    data = response.data if isinstance(response.data, dict) else {}
                    citizen_id = data.get("citizen", data.get("id") if self.basename == "citizen" else None)
                    kept = api_services.idempotency_store(
                        user=request.user,
                        key=key,
                        fingerprint=fingerprint,
                        status_code=response.status_code,
                        body=json.loads(json.dumps(response.data, default=str)),
                        citizen_id=citizen_id,
                    )
                    if kept is None:
                        raise _LostRace
            except _LostRace:
                continue
            except Conflict:
                # The same request, committed meanwhile by another server (we waited for its lock, then saw its
                # record): answer as it did, not with a 409.
                if selectors.idempotency_get(user=request.user, key=key) is not None:
                    continue
                raise
            api_services.idempotency_purge()
            return response
        raise Conflict(gettext("En anden forespørgsel med samme Idempotency-Key er ved at blive behandlet."))

    def replay(self, request, stored, fingerprint: str) -> Response:
        if stored.fingerprint != fingerprint:
            raise IdempotencyKeyReused(
                gettext("Idempotency-Key er allerede brugt til en anden forespørgsel. Brug en ny nøgle.")
            )
        with transaction.atomic():
            # The answer holds citizen data: returning it again is a read, logged as one.
            tracker_services.audit_log(
                user=request.user,
                action=Action.READ,
                citizen_id=stored.citizen_id,
                purpose=f"{self.purpose}_replay",
                detail={"idempotency_key": stored.key},
            )
        return Response(stored.body, status=stored.status_code, headers={"Idempotent-Replayed": "true"})


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
        # The citizen and the first course: both or neither (as the page).
        with transaction.atomic():
            # A CPR number known in another unit is the same person, and the answer is the same as for a new one.
            citizen = tracker_services.citizen_register(
                user=request.user,
                unit_ids=tracker_selectors.access_for(request.user).member_unit_ids,
                channel="api",
                name=data["name"],
                cpr=_cpr(data.get("cpr")),
                gender=data.get("gender") or Citizen.Gender.UNKNOWN,
                birth_year=data.get("birth_year"),
                external_id=data.get("external_id") or None,
            )
            tracker_services.course_start(
                user=request.user,
                citizen=citizen,
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
        if data.get("cpr"):
            # Outside the update's transaction: a refused attempt is logged and the log entry must stay.
            tracker_services.cpr_change_allowed(user=request.user, citizen=citizen, cpr=data["cpr"])
        citizen = tracker_services.citizen_update(user=request.user, citizen=citizen, **data)
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
        with transaction.atomic():
            # The same completion posted twice (a client's retry without Idempotency-Key) is refused, as the
            # import skips it: course, instrument, date and every answer equal. Checked under the course's lock.
            api_services.course_lock(course=data["course"])
            existing = selectors.measurement_identical(
                user=request.user,
                course=data["course"],
                instrument=data["instrument"],
                date=data["date"],
                answers=dict(data["answers"]),
            )
            if existing is not None:
                raise Conflict(
                    gettext("Målingen findes allerede (id %(id)s): samme forløb, måleredskab, dato og svar.")
                    % {"id": existing.pk},
                    code="duplicate_measurement",
                    extra={
                        "existing_id": existing.pk,
                        "existing_url": reverse("api:measurement-detail", args=[existing.pk]),
                    },
                )
            try:
                measurement = outcome_services.measurement_record(
                    course=data["course"],
                    instrument=data["instrument"],
                    answers=data["answers"],
                    date=data["date"],
                    informer=data["informer"],
                    recorded_by=request.user,
                    note=data.get("note", ""),
                )
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
