"""The base of the API's record endpoints: scoped lists and records, each use logged, and Idempotency-Key.

Every read goes through the selectors with the requesting user (another unit's record is 404, a director without a
unit 403), every write through the services, and each use of citizen data writes one audit entry in the transaction
of the use itself — a read or search of a list, a read of one record, a create or a change (the services log those).
"""

from __future__ import annotations

import functools
import hashlib
import json
import re

from django.utils.translation import gettext
from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import serializers as drf_serializers
from rest_framework import status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from api import selectors
from api import services as api_services
from api.base import ApiMixin, IsCaseworker, Pagination
from api.exceptions import Conflict, IdempotencyKeyReused
from tracker import selectors as tracker_selectors
from tracker import services as tracker_services
from tracker.models import AuditEntry

Action = AuditEntry.Action
ID = r"[0-9]{1,19}"
IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,255}")  # visible ASCII, as a header value can carry it


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
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        data = self.get_serializer(page, many=True).data
        names = self.filterset_class.base_filters
        # A search is logged with its criteria (Datatilsynet) and whom it found; a plain list as a read.
        tracker_services.audit_list(
            user=request.user,
            purpose=self.purpose,
            citizen_ids=[self.citizen_id_of(obj) for obj in page],
            criteria={k: v for k, v in request.query_params.items() if k in names and v},
        )
        return self.get_paginated_response(data)

    def retrieve(self, request, pk: str, *args, **kwargs):
        obj = tracker_services.read_logged(
            lambda user, pk: self.get_record(pk), user=request.user, pk=int(pk), purpose=f"{self.purpose}_detail"
        )
        return Response(self.get_serializer(obj).data)

    def validated(self, serializer_class, data=None, **kwargs) -> dict:
        data = self.request.data if data is None else data
        serializer = serializer_class(data=data, context=self.get_serializer_context(), **kwargs)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def created(self, obj) -> Response:
        return Response(self.get_serializer(obj).data, status=status.HTTP_201_CREATED)

    def response_citizen_id(self, data) -> int | None:
        data = data if isinstance(data, dict) else {}
        return data.get("citizen", data.get("id") if self.basename == "citizen" else None)

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
                # An error is raised, rolls back and is never stored.
                response = api_services.idempotency_produce(
                    user=request.user,
                    key=key,
                    fingerprint=fingerprint,
                    produce=produce,
                    citizen_id_of=self.response_citizen_id,
                )
            except api_services.LostRace:
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
        # The answer holds citizen data: returning it again is a read, logged as one.
        tracker_services.audit_log(
            user=request.user,
            action=Action.READ,
            citizen_id=stored.citizen_id,
            purpose=f"{self.purpose}_replay",
            detail={"idempotency_key": stored.key},
        )
        return Response(stored.body, status=stored.status_code, headers={"Idempotent-Replayed": "true"})
