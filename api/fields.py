"""The fields and base classes of the API's serializers: dates in the API's formats, Danish messages DRF lacks,
reference data by code, and ids among the records the requesting user may see."""

from __future__ import annotations

import re

from django.db import models
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.base import parse_date


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
