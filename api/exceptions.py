"""Structured errors for the API, in the client's language.

Every error answer has the same shape, so a client can handle them in one place::

    {"code": "invalid", "message": "Ugyldige data.", "errors": {"date": ["Datoen må ikke ligge i fremtiden."]}}

``code`` is stable and in English (for programs), ``message`` and the messages in ``errors`` are in the language
the client asked for with Accept-Language (``api.base.ApiMixin``). ``errors`` maps a field to its messages; nested
fields are joined with dots (``answers.happy``), and errors about the whole request are under ``non_field_errors``.
It is present on validation errors only.

The services raise Django's ``ValidationError`` (the pages turn it into form errors); here it becomes a 400 with the
same messages. ``Http404`` and ``PermissionDenied`` from the selectors keep their meaning (404 / 403), with a message
that does not echo the internal reason.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings

NON_FIELD = api_settings.NON_FIELD_ERRORS_KEY  # "non_field_errors"


def _messages(value: Any) -> list[str]:
    if isinstance(value, (list, tuple)):
        out: list[str] = []
        for item in value:
            out.extend(_messages(item))
        return out
    return [str(value)]


def flatten_errors(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"field.sub": [messages]}: one level, so every client reads it the same way."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            key = NON_FIELD if key == NON_FIELD_ERRORS else str(key)
            name = f"{prefix}.{key}" if prefix and key != NON_FIELD else (prefix or key)
            for field, messages in flatten_errors(value, name).items():
                out.setdefault(field, []).extend(messages)
    elif isinstance(detail, (list, tuple)) and any(isinstance(item, (dict, list)) for item in detail):
        for index, value in enumerate(detail):
            if value in ({}, [], None):
                continue
            name = f"{prefix}.{index}" if prefix else str(index)
            if not isinstance(value, (dict, list)):
                out.setdefault(prefix or NON_FIELD, []).append(str(value))
                continue
            for field, messages in flatten_errors(value, name).items():
                out.setdefault(field, []).extend(messages)
    else:
        out[prefix or NON_FIELD] = _messages(detail)
    return out


def django_validation_error(exc: DjangoValidationError) -> exceptions.ValidationError:
    """A service's ValidationError as DRF's, keeping the fields ('__all__' becomes 'non_field_errors')."""
    if hasattr(exc, "error_dict"):
        detail = {NON_FIELD if k == NON_FIELD_ERRORS else k: v for k, v in exc.message_dict.items()}
    else:
        detail = {NON_FIELD: exc.messages}
    return exceptions.ValidationError(detail)


class Conflict(exceptions.APIException):
    """409: the request would duplicate what exists, or clashes with a request in progress. ``extra`` (e.g. the
    existing record's id and URL) is added to the answer."""

    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"

    def __init__(self, detail: str, *, code: str = "conflict", extra: dict | None = None):
        super().__init__(detail, code)
        self.error_code = code
        self.extra = extra or {}


class IdempotencyKeyReused(exceptions.APIException):
    """422: an Idempotency-Key sent again with a different request."""

    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"


def parse_error_message(exc: exceptions.ParseError) -> str:
    """DRF's 'JSON parse error - <Python's English message>' in the client's language, with the position."""
    found = re.search(r"line (\d+) column (\d+)", str(exc.detail))
    if found:
        return _("Forespørgslens indhold er ikke gyldig JSON (linje %(line)s, kolonne %(column)s).") % {
            "line": found.group(1),
            "column": found.group(2),
        }
    return _("Forespørgslens indhold kunne ikke læses.")


CODES = {
    status.HTTP_400_BAD_REQUEST: "invalid",
    status.HTTP_401_UNAUTHORIZED: "not_authenticated",
    status.HTTP_403_FORBIDDEN: "permission_denied",
    status.HTTP_404_NOT_FOUND: "not_found",
    status.HTTP_405_METHOD_NOT_ALLOWED: "method_not_allowed",
    status.HTTP_406_NOT_ACCEPTABLE: "not_acceptable",
    status.HTTP_409_CONFLICT: "conflict",
    status.HTTP_415_UNSUPPORTED_MEDIA_TYPE: "unsupported_media_type",
    status.HTTP_422_UNPROCESSABLE_ENTITY: "idempotency_key_reused",
    status.HTTP_429_TOO_MANY_REQUESTS: "throttled",
}


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's EXCEPTION_HANDLER: every error as {code, message[, errors]}."""
    if isinstance(exc, DjangoValidationError):
        exc = django_validation_error(exc)
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("Findes ikke, eller du har ikke adgang til det."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(_("Du har ikke adgang til dette."))
    if not isinstance(exc, exceptions.APIException):
        return None  # a real server error: let Django report it
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if getattr(exc, "wait", None):
        headers["Retry-After"] = str(int(exc.wait))
    code = CODES.get(exc.status_code, "error")
    if isinstance(exc, exceptions.ValidationError):
        data = {"code": code, "message": _("Ugyldige data."), "errors": flatten_errors(exc.detail)}
    elif isinstance(exc, exceptions.ParseError):
        data = {"code": "parse_error", "message": parse_error_message(exc)}
    elif isinstance(exc, Conflict):
        data = {"code": exc.error_code, "message": str(exc.detail), **exc.extra}
    else:
        detail = exc.detail
        message = str(detail) if not isinstance(detail, (list, dict)) else "; ".join(_messages(list(detail)))
        data = {"code": code, "message": message}
    return Response(data, status=exc.status_code, headers=headers)
