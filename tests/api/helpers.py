"""Helpers for the API tests (and the permission matrix's API entries)."""

from __future__ import annotations

import datetime

from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

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


def token_client(user, language: str | None = None) -> APIClient:
    client = APIClient()
    client.credentials(
        HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}",
        **({"HTTP_ACCEPT_LANGUAGE": language} if language else {}),
    )
    return client
