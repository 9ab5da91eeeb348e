"""Helpers for the API tests (and the permission matrix's API entries)."""

from __future__ import annotations

import datetime

from django.utils import timezone
from rest_framework.test import APIClient

from api.models import ApiKey, digest
from api.services import api_key_create
from tracker import services as tracker_services
from tracker.models import Collaboration, CollaborationKind, Partner, Sector


def collaboration_in(course, user) -> Collaboration:
    """A collaboration around the course (with the course's own partner, made the first time), via the service."""
    name = f"Jobcenter {course.pk}"
    return tracker_services.collaboration_log(
        user=user,
        course=course,
        partner=Partner.objects.filter(name=name).first(),
        new_partner_name=name,
        new_partner_sector=Sector.objects.get(code="jobcenter"),
        kind=CollaborationKind.objects.get(code="meeting"),
        date=timezone.localdate() - datetime.timedelta(days=3),
        initiated_by="unit",
        usefulness=4,
    )


def api_key_for(user) -> str:
    """The user's API key (made once per user object: a new key would revoke the one other clients hold)."""
    key = getattr(user, "_test_api_key", None)
    if key is None or not ApiKey.objects.filter(user=user, digest=digest(key)).exists():
        _record, key = api_key_create(user=user)
        user._test_api_key = key
    return key


def token_client(user, language: str | None = None) -> APIClient:
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Token {api_key_for(user)}",
        **({"HTTP_ACCEPT_LANGUAGE": language} if language else {}),
    )
    return client
