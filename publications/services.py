"""Writes of publications: create (with the frozen snapshot), approve (four eyes), publish, unpublish, discard a
draft — each step logged."""

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


# Danish letters that slugify() would drop (æ, ø have no ASCII decomposition) or flatten (å → a), written as
# Danes write them without the letters: ae, oe, aa.
DANISH_LETTERS = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})


def _slug(title: str, start: datetime.date, end: datetime.date) -> str:
    base = slugify(f"{title.translate(DANISH_LETTERS)} {start:%Y%m%d}-{end:%Y%m%d}")[:100] or "effekter"
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


def _transition(
    *,
    publication: Publication,
    user,
    allowed_from: set[str],
    to: str,
    action: str,
    message: str,
    four_eyes: bool = False,
):
    with transaction.atomic():
        publication = Publication.objects.select_for_update().get(pk=publication.pk)
        _require_director(user, publication.scope_unit_id)
        if publication.status not in allowed_from:
            raise ValidationError(message)
        if four_eyes and publication.created_by_id == user.pk:
            raise ValidationError(
                _(
                    "Du har selv oprettet denne offentliggørelse og kan derfor ikke godkende den. "
                    "En anden direktør eller chef med adgang til området skal godkende tallene (fire øjne)."
                ),
                code="four_eyes",
            )
        publication.status = to
        if to == Status.PUBLISHED:
            publication.published_at = timezone.now()
        publication.full_clean()
        publication.save(update_fields=["status", "published_at"])
        _log(publication=publication, user=user, action=action, audit_action=AuditEntry.Action.CHANGE)
    return publication


def publication_approve(*, publication: Publication, user) -> Publication:
    """Draft → approved, by a director whose scope covers the publication's area and who did not create it.

    Four eyes: the one who created a publication cannot approve it, so no single person can both choose the
    figures (their period and area) and release them.
    """
    return _transition(
        publication=publication,
        user=user,
        allowed_from={Status.DRAFT},
        to=Status.APPROVED,
        action=PublicationEvent.Action.APPROVED,
        message=_("Kun en kladde kan godkendes."),
        four_eyes=True,
    )


@transaction.atomic
def publication_discard(*, publication: Publication, user) -> None:
    """Delete a draft (with its frozen figures and review steps); only a draft, never an approved or public one.

    The audit log keeps that it was discarded, by whom, and its title and period.
    """
    publication = Publication.objects.select_for_update().get(pk=publication.pk)
    _require_director(user, publication.scope_unit_id)
    if publication.status != Status.DRAFT:
        raise ValidationError(_("Kun en kladde kan kasseres."), code="not_draft")
    tracker_services.audit_log(
        user=user,
        action=AuditEntry.Action.DELETE,
        obj=publication,
        purpose="offentliggørelse",
        detail={
            "step": "discarded",
            "title": publication.title,
            "scope_unit": publication.scope_unit_id,
            "period": [publication.period_start.isoformat(), publication.period_end.isoformat()],
        },
    )
    publication.delete()


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
