"""Writes of courses: start and end, each rule checked here for the page, the API and the import alike."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from tracker.models import AuditEntry, Citizen, Course, EndReason
from tracker.services.audit import _changes, audit_log, model_values, stored_values

Action = AuditEntry.Action

# A course may be registered shortly before it starts, not a year ahead (a typo in the year is the usual cause).
COURSE_START_MAX_DAYS_AHEAD = 31
COURSE_START_TOO_LATE = gettext_lazy("Startdatoen ligger mere end en måned ude i fremtiden. Tjek årstallet.")
COURSE_ALREADY_OPEN = gettext_lazy("Borgeren har allerede et åbent forløb i denne enhed.")
COURSE_END_IN_FUTURE = gettext_lazy("Slutdatoen må ikke ligge i fremtiden.")
COURSE_END_BEFORE_START = gettext_lazy("Et forløb kan ikke slutte før det begynder.")


def course_start_check(start: datetime.date, citizen: Citizen | None = None, unit=None) -> None:
    """The rules of a new course, for every channel: the start at most a month ahead, and no second open course of
    the citizen in the unit (the database holds this rule too, ``course_one_open_per_citizen_unit``; it is said here,
    on the unit, before it has to)."""
    if start > timezone.localdate() + datetime.timedelta(days=COURSE_START_MAX_DAYS_AHEAD):
        raise ValidationError({"start": COURSE_START_TOO_LATE})
    open_here = Course.objects.filter(citizen=citizen, unit=unit, end__isnull=True)
    if citizen is not None and citizen.pk and unit is not None and open_here.exists():
        raise ValidationError({"unit": COURSE_ALREADY_OPEN})


def course_end_check(course: Course, end: datetime.date) -> None:
    """The end date's rules, for every channel: not in the future, not before the course's start."""
    if end > timezone.localdate():
        raise ValidationError({"end": COURSE_END_IN_FUTURE})
    if course.start and end < course.start:
        raise ValidationError({"end": COURSE_END_BEFORE_START})


@transaction.atomic
def course_start(*, user, citizen: Citizen, unit, legal_basis, start: datetime.date) -> Course:
    """Start a course of support; the start date's rule (``course_start_check``) is checked here for every channel."""
    course_start_check(start, citizen, unit)
    course = Course(citizen=citizen, unit=unit, legal_basis=legal_basis, start=start)
    course.full_clean()
    course.save()
    audit_log(
        user=user, action=Action.CREATE, citizen_id=citizen.pk, obj=course, detail={"after": model_values(course)}
    )
    return course


@transaction.atomic
def course_end(*, user, course: Course, end: datetime.date, end_reason: EndReason) -> Course:
    """End a course; the end date's rules (``course_end_check``) are checked here for every channel."""
    course_end_check(course, end)
    before = stored_values(course)
    course.end, course.end_reason = end, end_reason
    course.full_clean()
    course.save()
    audit_log(
        user=user,
        action=Action.CHANGE,
        citizen_id=course.citizen_id,
        obj=course,
        detail={"changes": _changes(before, model_values(course))},
    )
    return course
