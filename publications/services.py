"""Writes of publications: create (with the frozen snapshot), approve, publish, unpublish — each step logged."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django.utils.text import slugify
from django.utils.translation import gettext as _

from figures.periods import CUSTOM, Period
from outcomes.models import Instrument
from publications.models import Publication, PublicationEvent
from publications.snapshot import build_snapshot
from tracker import services as tracker_services
from tracker.models import AuditEntry, OrganisationUnit
from tracker.selectors import access_for

Status = Publication.Status


def _require_director(user, scope_unit_id: int) -> None:
    if scope_unit_id not in access_for(user).director_unit_ids:
        raise PermissionDenied


def _log(*, publication: Publication, user, action: str, audit_action: str) -> None:
    PublicationEvent.objects.create(publication=publication, user=user, action=action)
    tracker_services.audit_log(
        user=user, action=audit_action, obj=publication, purpose="offentliggørelse", detail={"step": action}
    )


def _slug(title: str, start: datetime.date, end: datetime.date) -> str:
    base = slugify(f"{title} {start:%Y%m%d}-{end:%Y%m%d}")[:100] or "effekter"
    return f"{base}-{get_random_string(6, 'abcdefghijkmnpqrstuvwxyz23456789')}"


@transaction.atomic
def publication_create(
    *,
    user,
    title: str,
    scope_unit: OrganisationUnit,
    instruments: list[Instrument],
    period: Period,
    figures: list[str],
) -> Publication:
    """A draft with its figures computed now, once: later data never change them.

    Only a completed period of the grid (``figures.periods``) can be published: a running period changes every
    day, and two publications a day apart could be differenced."""
    _require_director(user, scope_unit.pk)
    if period.code == CUSTOM or period.end >= timezone.localdate():
        raise ValidationError(_("Kun en afsluttet periode kan offentliggøres."))
    start, end = period.start, period.end
    publication = Publication(
        slug=_slug(title, start, end),
        title=title,
        scope_unit=scope_unit,
        period_start=start,
        period_end=end,
        created_by=user,
        snapshot=build_snapshot(
            user=user, scope_unit=scope_unit, instruments=instruments, period=period, figures=figures
        ),
    )
    publication.full_clean()
    publication.save()
    _log(
        publication=publication,
        user=user,
        action=PublicationEvent.Action.CREATED,
        audit_action=AuditEntry.Action.CREATE,
    )
    return publication


def _transition(*, publication: Publication, user, allowed_from: set[str], to: str, action: str, message: str):
    with transaction.atomic():
        publication = Publication.objects.select_for_update().get(pk=publication.pk)
        _require_director(user, publication.scope_unit_id)
        if publication.status not in allowed_from:
            raise ValidationError(message)
        publication.status = to
        if to == Status.PUBLISHED:
            publication.published_at = timezone.now()
        publication.full_clean()
        publication.save(update_fields=["status", "published_at"])
        _log(publication=publication, user=user, action=action, audit_action=AuditEntry.Action.CHANGE)
    return publication


def publication_approve(*, publication: Publication, user) -> Publication:
    """Draft → approved, by a director whose scope covers the publication's area."""
    return _transition(
        publication=publication,
        user=user,
        allowed_from={Status.DRAFT},
        to=Status.APPROVED,
        action=PublicationEvent.Action.APPROVED,
        message=_("Kun en kladde kan godkendes."),
    )


def publication_publish(*, publication: Publication, user) -> Publication:
    """Approved (or withdrawn) → published: the public page and the open data open."""
    return _transition(
        publication=publication,
        user=user,
        allowed_from={Status.APPROVED, Status.WITHDRAWN},
        to=Status.PUBLISHED,
        action=PublicationEvent.Action.PUBLISHED,
        message=_("Tallene skal godkendes, før de kan offentliggøres."),
    )


def publication_unpublish(*, publication: Publication, user) -> Publication:
    """Published → withdrawn: the public page and the open data close (404)."""
    return _transition(
        publication=publication,
        user=user,
        allowed_from={Status.PUBLISHED},
        to=Status.WITHDRAWN,
        action=PublicationEvent.Action.UNPUBLISHED,
        message=_("Kun en offentliggjort udgivelse kan trækkes tilbage."),
    )
