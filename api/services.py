"""Writes for the API: its keys (make, replacing any old one; revoke), the answers kept for Idempotency-Key, and the
lock that serialises identical measurements."""

from __future__ import annotations

import datetime
import json
import secrets

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from api.models import ApiKey, IdempotencyKey, digest
from tracker.models import Course


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


# --- Idempotency-Key --------------------------------------------------------------------------------------------


def idempotency_purge() -> None:
    """Forget answers older than IdempotencyKey.KEY_HOURS (a retry comes within minutes; a day is generous)."""
    cutoff = timezone.now() - datetime.timedelta(hours=IdempotencyKey.KEY_HOURS)
    IdempotencyKey.objects.filter(created_at__lt=cutoff).delete()


def idempotency_store(
    *, user, key: str, fingerprint: str, status_code: int, body, citizen_id: int | None
) -> IdempotencyKey | None:
    """Remember the answer to a request sent with ``key``, in the caller's transaction (so it is stored exactly when
    the record it answers for is). Returns None when a concurrent request with the same key was stored first: the
    caller must then undo its own work and replay that one."""
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(
                user=user,
                key=key,
                fingerprint=fingerprint,
                status_code=status_code,
                body=body,
                citizen_id=citizen_id,
            )
    except IntegrityError:
        return None


def course_lock(*, course) -> None:
    """Lock the course's row until the transaction ends, so two identical measurements posted at the same moment
    are checked one after the other (the second sees the first). SQLite's IMMEDIATE transactions serialise anyway."""
    Course.objects.select_for_update().filter(pk=course.pk).values_list("pk", flat=True).first()


class LostRace(Exception):
    """A concurrent request with the same Idempotency-Key was stored first: ours is undone; replay that one."""


@transaction.atomic
def idempotency_produce(*, user, key: str, fingerprint: str, produce, citizen_id_of):
    """Answer a request sent with ``key`` (``produce()``) and remember the answer, in one transaction: the record
    and the stored answer both or neither. Raises ``LostRace`` (all undone) when another request won the key."""
    response = produce()
    kept = idempotency_store(
        user=user,
        key=key,
        fingerprint=fingerprint,
        status_code=response.status_code,
        body=json.loads(json.dumps(response.data, default=str)),
        citizen_id=citizen_id_of(response.data),
    )
    if kept is None:
        raise LostRace
    return response


class DuplicateMeasurement(Exception):
    def __init__(self, existing):
        super().__init__(existing.pk)
        self.existing = existing


@transaction.atomic
def measurement_record_once(*, user, course, instrument, date, answers, informer, note: str = ""):
    """Record a measurement from the API, unless the same completion is already there (a client's retry without
    Idempotency-Key): course, instrument, date and every answer equal, as the import skips it. Checked under the
    course's lock; raises ``DuplicateMeasurement`` with the one already recorded."""
    from api import selectors
    from outcomes import services as outcome_services

    course_lock(course=course)
    existing = selectors.measurement_identical(
        user=user, course=course, instrument=instrument, date=date, answers=dict(answers)
    )
    if existing is not None:
        raise DuplicateMeasurement(existing)
    return outcome_services.measurement_record(
        course=course,
        instrument=instrument,
        answers=answers,
        date=date,
        informer=informer,
        recorded_by=user,
        note=note,
    )
