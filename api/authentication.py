"""``Authorization: Token <key>`` against the stored digests (api.models.ApiKey): expired keys and inactive users
are refused; the last use is recorded at most once an hour (no write on every call)."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from api.models import ApiKey, digest

LAST_USED_RESOLUTION = datetime.timedelta(hours=1)


class ApiKeyAuthentication(TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key):
        try:
            api_key = ApiKey.objects.select_related("user").get(digest=digest(key))
        except ApiKey.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Ugyldig adgangsnøgle.")) from None
        now = timezone.now()
        if api_key.expires_at <= now:
            raise exceptions.AuthenticationFailed(_("Adgangsnøglen er udløbet. Lav en ny på siden Sikkerhed."))
        if not api_key.user.is_active:
            raise exceptions.AuthenticationFailed(_("Brugeren er ikke aktiv."))
        if api_key.last_used_at is None or now - api_key.last_used_at > LAST_USED_RESOLUTION:
            ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        return api_key.user, api_key
