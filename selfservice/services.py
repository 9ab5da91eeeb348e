"""Writes for self-completion: hand a questionnaire over, record the citizen's answers once, close a hand-over.

Each runs in one transaction and writes its audit entry there. The citizen has no user account, so the member
of staff who handed the questionnaire over is the responsible user in the audit log (and ``recorded_by`` of the
measurement); the measurement's ``completion`` says that the citizen typed the answers themselves.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from outcomes import services as outcome_services
from outcomes.models import Completion, Informer, Instrument, Measurement
from selfservice import tokens
from selfservice.models import SelfCompletion
from tracker.models import AuditEntry, Course
from tracker.services import audit_log

Action = AuditEntry.Action

LINK_DAYS_DEFAULT = 7
LINK_DAYS_MAX = 30
# A tablet hand-over is for one sitting; the session itself also ends after 30 minutes without activity.
TABLET_HOURS = 2


class Refused(Exception):
    """The hand-over cannot be used: already answered, expired or closed. ``status`` says which."""

    def __init__(self, status: str):
        super().__init__(status)
        self.status = status


@dataclass(frozen=True)
class NewLink:
    completion: SelfCompletion
    token: str
    code: str


# Questionnaires the citizen answers item by item: WHO-5 and the life-domain rating. Not ORS/SRS (licensed: no
# electronic copies of the form, totals only) and not GAS (scored through goals).
SELF_COMPLETABLE_SCORING = (Instrument.Scoring.SUM, Instrument.Scoring.PROFILE)


def self_completable(instrument: Instrument) -> bool:
    return instrument.active and instrument.scoring in SELF_COMPLETABLE_SCORING


def _check(course: Course, instrument: Instrument) -> None:
    if not course.is_open:
        raise ValidationError(_("Forløbet er afsluttet."))
    if not self_completable(instrument):
        raise ValidationError(_("Dette måleredskab kan ikke udfyldes af borgeren selv."))


def _log_handover(user, completion: SelfCompletion) -> None:
    audit_log(
        user=user,
        action=Action.CREATE,
        citizen_id=completion.course.citizen_id,
        obj=completion,
        purpose=f"selfservice_{completion.channel}",
        detail={
            "after": {
                "course_id": completion.course_id,
                "instrument": completion.instrument.code,
                "channel": completion.channel,
                "expires_at": completion.expires_at.isoformat(),
            }
        },
    )


@transaction.atomic
def link_create(
    *, user, course: Course, instrument: Instrument, days: int = LINK_DAYS_DEFAULT, layout: str = "all"
) -> NewLink:
    """A single-use personal link for one citizen and one instrument; the token and code are returned once."""
    _check(course, instrument)
    if not 1 <= days <= LINK_DAYS_MAX:
        raise ValidationError({"days": _("Et link kan gælde fra 1 til %(max)s dage.") % {"max": LINK_DAYS_MAX}})
    token, code = tokens.new_token(), tokens.new_code()
    while SelfCompletion.objects.filter(code_hash=tokens.code_hash(code)).exists():  # 2^-39 per open link
        code = tokens.new_code()
    completion = SelfCompletion(
        course=course,
        instrument=instrument,
        channel=SelfCompletion.Channel.LINK,
        layout=layout,
        token_hash=tokens.token_hash(token),
        code_hash=tokens.code_hash(code),
        created_by=user,
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    completion.full_clean()
    completion.save()
    _log_handover(user, completion)
    return NewLink(completion, token, code)


@transaction.atomic
def tablet_start(*, user, course: Course, instrument: Instrument, layout: str = "one") -> SelfCompletion:
    """A hand-over on the unit's tablet; the view then turns the browser session into the locked mode."""
    _check(course, instrument)
    completion = SelfCompletion(
        course=course,
        instrument=instrument,
        channel=SelfCompletion.Channel.TABLET,
        layout=layout,
        created_by=user,
        expires_at=timezone.now() + datetime.timedelta(hours=TABLET_HOURS),
    )
    completion.full_clean()
    completion.save()
    _log_handover(user, completion)
    return completion


@transaction.atomic
def answers_submit(*, completion: SelfCompletion, answers: dict[str, Any]) -> Measurement:
    """Record the citizen's answers, once. Nothing is saved when the hand-over is no longer open.

    The hand-over is claimed with a conditional UPDATE first, so two submissions racing each other cannot both
    pass: the second finds it used. If recording fails, the transaction rolls the claim back too.
    """
    now = timezone.now()
    claimed = SelfCompletion.objects.filter(
        pk=completion.pk, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    if not claimed:
        completion.refresh_from_db()
        raise Refused(completion.status(now))
    channel = Completion.LINK if completion.channel == SelfCompletion.Channel.LINK else Completion.TABLET
    measurement = outcome_services.measurement_record(
        course=completion.course,
        instrument=completion.instrument,
        answers=answers,
        date=timezone.localdate(),
        informer=Informer.CITIZEN,
        recorded_by=completion.created_by,
        completion=channel,
    )
    SelfCompletion.objects.filter(pk=completion.pk).update(measurement=measurement)
    completion.used_at, completion.measurement = now, measurement
    audit_log(
        user=completion.created_by,
        action=Action.CHANGE,
        citizen_id=completion.course.citizen_id,
        obj=completion,
        purpose=f"selfservice_{completion.channel}_used",
        detail={"changes": {"used_at": {"before": None, "after": now.isoformat()}}, "measurement_id": measurement.pk},
    )
    return measurement


@transaction.atomic
def handover_close(*, user, completion: SelfCompletion) -> SelfCompletion:
    """Close an unused hand-over: a link that should no longer work, or the tablet when the caseworker takes it."""
    if completion.used_at or completion.revoked_at:
        return completion
    now = timezone.now()
    SelfCompletion.objects.filter(pk=completion.pk).update(revoked_at=now)
    completion.revoked_at = now
    audit_log(
        user=user,
        action=Action.CHANGE,
        citizen_id=completion.course.citizen_id,
        obj=completion,
        purpose=f"selfservice_{completion.channel}_closed",
        detail={"changes": {"revoked_at": {"before": None, "after": now.isoformat()}}},
    )
    return completion
