"""Writes of partners and collaborations, and their corrections (each with a reason)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.models import AuditEntry, Collaboration, Course, Partner
from tracker.services.audit import audit_log, model_values, stored_values

Action = AuditEntry.Action


def collaboration_date_check(course: Course, date: datetime.date) -> None:
    """A collaboration's date, for every channel: not in the future, and within its course."""
    if date > timezone.localdate():
        raise ValidationError({"date": _("Datoen må ikke ligge i fremtiden.")})
    if date < course.start:
        raise ValidationError({"date": _("Datoen ligger før forløbets start.")})
    if course.end and date > course.end:
        raise ValidationError({"date": _("Datoen ligger efter forløbets afslutning.")})


@transaction.atomic
def partner_create(*, user, name: str, sector, contact: str = "") -> Partner:
    partner = Partner(name=name.strip(), sector=sector, contact=contact)
    partner.full_clean()
    partner.save()
    return partner


@transaction.atomic
def collaboration_log(
    *, user, course: Course, partner: Partner | None, new_partner_name: str = "", new_partner_sector=None, **fields: Any
) -> Collaboration:
    """Record a collaboration, creating its partner first when it is new — both or neither. A partner of that name
    already in that sector's register is the one meant, not a second copy."""
    if partner is None:
        partner = partner_for(user=user, name=new_partner_name, sector=new_partner_sector)
    return collaboration_record(user=user, course=course, partner=partner, **fields)


def partner_for(*, user, name: str, sector) -> Partner:
    """The partner of that name in that sector's register, created if it is new."""
    name = name.strip()
    return Partner.objects.filter(name__iexact=name, sector=sector).first() or partner_create(
        user=user, name=name, sector=sector
    )


@transaction.atomic
def collaboration_record(
    *,
    user,
    course: Course,
    partner: Partner,
    kind,
    date: datetime.date,
    initiated_by: str,
    citizen_participated: bool = True,
    usefulness: int | None = None,
    note: str = "",
) -> Collaboration:
    collaboration_date_check(course, date)
    collab = Collaboration(
        course=course,
        partner=partner,
        kind=kind,
        date=date,
        initiated_by=initiated_by,
        citizen_participated=citizen_participated,
        usefulness=usefulness,
        note=note,
        recorded_by=user if getattr(user, "is_authenticated", False) else None,
    )
    collab.full_clean()
    collab.save()
    audit_log(
        user=user,
        action=Action.CREATE,
        citizen_id=course.citizen_id,
        obj=collab,
        detail={"after": model_values(collab, exclude=("note",))},
    )
    return collab


COLLABORATION_FIELDS = ("partner", "kind", "date", "initiated_by", "citizen_participated", "usefulness", "note")


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Skriv kort, hvorfor registreringen rettes eller slettes.")})
    return reason[:500]


@transaction.atomic
def collaboration_update(*, user, collaboration: Collaboration, reason: str, **fields: Any) -> Collaboration:
    """Correct a collaboration; figures follow (data version bumped); the reason is kept in the audit trail."""
    reason = _reason(reason)
    course = collaboration.course
    before = stored_values(collaboration, exclude=("note",))
    old_note = Collaboration.objects.values_list("note", flat=True).get(pk=collaboration.pk)
    date = fields.get("date", collaboration.date)
    collaboration_date_check(course, date)
    for key, value in fields.items():
        if key not in COLLABORATION_FIELDS:
            raise TypeError(key)
        setattr(collaboration, key, value)
    collaboration.full_clean()
    collaboration.save()
    detail = {
        "course_id": course.pk,
        "before": before,
        "after": model_values(collaboration, exclude=("note",)),
        "reason": reason,
    }
    if collaboration.note != old_note:
        detail["note_changed"] = True
    audit_log(
        user=user,
        action=Action.CHANGE,
        citizen_id=course.citizen_id,
        obj=collaboration,
        purpose="correction",
        detail=detail,
    )
    return collaboration


@transaction.atomic
def collaboration_delete(*, user, collaboration: Collaboration, reason: str) -> None:
    reason = _reason(reason)
    course = collaboration.course
    audit_log(
        user=user,
        action=Action.DELETE,
        citizen_id=course.citizen_id,
        obj=collaboration,
        purpose="correction",
        detail={"course_id": course.pk, "before": model_values(collaboration, exclude=("note",)), "reason": reason},
    )
    collaboration.delete()


@transaction.atomic
def collaboration_correct(
    *,
    user,
    collaboration: Collaboration,
    reason: str,
    partner: Partner | None,
    new_partner_name: str = "",
    new_partner_sector=None,
    **fields: Any,
) -> Collaboration:
    """Correct a collaboration, creating its partner first when it is new: both or neither (as in
    ``collaboration_log``)."""
    if partner is None:
        partner = partner_for(user=user, name=new_partner_name, sector=new_partner_sector)
    return collaboration_update(user=user, collaboration=collaboration, reason=reason, partner=partner, **fields)
