"""Writes for the API's keys: make (replacing any old one) and revoke one's own key."""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from api.models import ApiKey, digest


def key_lifetime() -> datetime.timedelta:
    return datetime.timedelta(days=int(getattr(settings, "EFFEKTSPOR_API_KEY_DAYS", 180)))


@transaction.atomic
def api_key_create(*, user) -> tuple[ApiKey, str]:
    """A new key for the user; the old one (if any) stops working. Returns the record and the key, which is not
    stored and cannot be shown again."""
    key = secrets.token_urlsafe(30)  # 40 characters, 240 bits
    ApiKey.objects.filter(user=user).delete()
    api_key = ApiKey.objects.create(
        user=user, prefix=key[:8], digest=digest(key), expires_at=timezone.now() + key_lifetime()
    )
    return api_key, key


def api_key_revoke(*, user) -> None:
    ApiKey.objects.filter(user=user).delete()
