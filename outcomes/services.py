"""Writes of measurements and goals; each keeps the trajectory summary current in the same transaction."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from outcomes import scoring
from outcomes.models import Completion, Goal, GoalReview, Instrument, ItemAnswer, Measurement
from outcomes.summaries import summary_refresh
from tracker.models import AuditEntry, Course
from tracker.services import audit_log, model_values

Action = AuditEntry.Action


def scoring_messages(errors: dict[str, str]) -> dict[str, str]:
    """Turn the pure scoring module's error keys into Danish/English messages for the user."""
    out = {}
    for key, code in errors.items():
        kind, _sep, rest = code.partition(":")
        lo, _sep, hi = rest.partition(":")
        if kind == scoring.MISSING:
            out[key] = _("Besvar dette spørgsmål (%(lo)s–%(hi)s).") % {"lo": lo, "hi": hi}
        elif kind in (scoring.OUT_OF_RANGE, scoring.NOT_INTEGER):
            out[key] = _("Svaret skal være et helt tal fra %(lo)s til %(hi)s.") % {"lo": lo, "hi": hi}
        elif kind == scoring.UNKNOWN_ITEM:
            out[key] = _("Spørgsmålet hører ikke til dette måleredskab.")
        elif kind == scoring.NOTHING_ANSWERED:
            out[key] = _("Besvar mindst ét spørgsmål.")
        else:
            out[key] = _("Målingen kan ikke registreres med dette redskab.")
    return out


def _validate_date(date: datetime.date, course: Course) -> None:
    if date > timezone.localdate():
        raise ValidationError({"date": _("Datoen må ikke ligge i fremtiden.")})
    if date < course.start:
        raise ValidationError(
            {"date": _("Datoen ligger før forløbets start (%(start)s).") % {"start": course.start.strftime("%d.%m.%Y")}}
        )
    if course.end and date > course.end:
        raise ValidationError({"date": _("Datoen ligger efter forløbets afslutning.")})


def _score(instrument: Instrument, items, answers: dict[str, Any]) -> scoring.ScoreResult:
    try:
        return scoring.score_answers(instrument.definition(items), answers)
    except scoring.ScoringError as exc:
        raise ValidationError(scoring_messages(exc.errors)) from None


@transaction.atomic
def measurement_record(
    *,
    course: Course,
    instrument: Instrument,
    answers: dict[str, Any],
    date: datetime.date,
    informer: str,
    recorded_by,
    note: str = "",
    completion: str = Completion.STAFF_ENTRY,
) -> Measurement:
    """Score and save one completion of an instrument; nothing is saved if any answer is wrong.

    ``completion`` says who typed the answers: staff (the default), or the citizen on a tablet or by a link."""
    if not instrument.is_recordable:
        raise ValidationError(_("Dette måleredskab registreres gennem mål, ikke som måling."))
    _validate_date(date, course)
    items = list(instrument.items.all())
    result = _score(instrument, items, answers)
    measurement = Measurement(
        course=course,
        instrument=instrument,
        date=date,
        informer=informer,
        recorded_by=recorded_by,
        note=note,
        raw_score=result.raw_score,
        score=result.score,
        completion=completion,
    )
    # The course, instrument and user are objects already read through the selectors: no need to query their
    # existence again (three queries on every save).
    measurement.full_clean(exclude=["course", "instrument", "recorded_by"])
    measurement.save()
    by_link = {item.link_id: item for item in items}
    ItemAnswer.objects.bulk_create(
        [ItemAnswer(measurement=measurement, item=by_link[k], value=v) for k, v in result.answers.items()]
    )
    summary_refresh(course=course, instrument=instrument)
    audit_log(
        user=recorded_by,
        action=Action.CREATE,
        citizen_id=course.citizen_id,
        obj=measurement,
        detail={"after": {**model_values(measurement, exclude=("note", "created_at")), "answers": result.answers}},
    )
    return measurement


@transaction.atomic
def measurement_update(
    *,
    measurement: Measurement,
    user,
    answers: dict[str, Any] | None = None,
    date: datetime.date | None = None,
    informer: str | None = None,
    note: str | None = None,
    reason: str = "",
) -> Measurement:
    """Change a measurement's answers or details, rescoring it and refreshing the summary in the same transaction.

    ``reason`` (why it was corrected) is kept in the audit trail, where the record's edit history is read from."""
    before = {**model_values(measurement, exclude=("note", "created_at")), "answers": measurement.answer_map()}
    course, instrument = measurement.course, measurement.instrument
    if date is not None:
        _validate_date(date, course)
        measurement.date = date
    if informer is not None:
        measurement.informer = informer
    if note is not None:
        measurement.note = note
    if answers is not None:
        items = list(instrument.items.all())
        result = _score(instrument, items, answers)
        measurement.raw_score, measurement.score = result.raw_score, result.score
        measurement.answers.all().delete()
        by_link = {item.link_id: item for item in items}
        ItemAnswer.objects.bulk_create(
            [ItemAnswer(measurement=measurement, item=by_link[k], value=v) for k, v in result.answers.items()]
        )
    measurement.full_clean()
    measurement.save()
    summary_refresh(course=course, instrument=instrument)
    after = {**model_values(measurement, exclude=("note", "created_at")), "answers": measurement.answer_map()}
    audit_log(
        user=user,
        action=Action.CHANGE,
        citizen_id=course.citizen_id,
        obj=measurement,
        purpose="correction" if reason else "",
        detail=correction_detail(course, before, after, reason, note_changed=note is not None),
    )
    return measurement


@transaction.atomic
def measurement_delete(*, measurement: Measurement, user, reason: str = "") -> None:
    """Delete a measurement; the summary and every figure follow in the same transaction, and the audit trail keeps
    what it was and why it went."""
    course, instrument = measurement.course, measurement.instrument
    before = {**model_values(measurement, exclude=("note", "created_at")), "answers": measurement.answer_map()}
    audit_log(
        user=user,
        action=Action.DELETE,
        citizen_id=course.citizen_id,
        obj=measurement,
        purpose="correction" if reason else "",
        detail=correction_detail(course, before, None, reason),
    )
    measurement.delete()
    summary_refresh(course=course, instrument=instrument)


def correction_detail(
    course: Course, before: dict | None, after: dict | None, reason: str, *, note_changed: bool = False
) -> dict[str, Any]:
    """What a correction's audit entry holds: the values before and after (free texts left out), the course (so the
    history is shown only in its unit) and the reason given."""
    detail: dict[str, Any] = {"course_id": course.pk}
    if before is not None:
        detail["before"] = before
    if after is not None:
        detail["after"] = after
    if reason:
        detail["reason"] = reason
    if note_changed:
        detail["note_changed"] = True
    return detail


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Skriv kort, hvorfor registreringen rettes eller slettes.")})
    return reason[:500]


GOAL_TEXTS = ("text", "level_minus2", "level_minus1", "level_0", "level_plus1", "level_plus2")


@transaction.atomic
def goal_update(*, user, goal: Goal, reason: str, **fields: Any) -> Goal:
    """Correct a goal (its words, levels, weights or dates); the reason is kept in the audit trail."""
    reason = _require_reason(reason)
    course = goal.course
    before = model_values(Goal.objects.get(pk=goal.pk), exclude=GOAL_TEXTS)
    created_on = fields.get("created_on")
    if created_on and created_on > timezone.localdate():
        raise ValidationError({"created_on": _("Datoen må ikke ligge i fremtiden.")})
    if created_on and created_on < course.start:
        raise ValidationError({"created_on": _("Målet kan ikke sættes før forløbets start.")})
    if created_on and goal.reviews.filter(date__lt=created_on).exists():
        raise ValidationError({"created_on": _("Der er opfølgninger før denne dato.")})
    for key, value in fields.items():
        setattr(goal, key, value)
    goal.full_clean()
    goal.save()
    audit_log(
        user=user,
        action=Action.CHANGE,
        citizen_id=course.citizen_id,
        obj=goal,
        purpose="correction",
        detail=correction_detail(course, before, model_values(goal, exclude=GOAL_TEXTS), reason),
    )
    return goal


@transaction.atomic
def goal_delete(*, user, goal: Goal, reason: str) -> None:
    """Delete a goal with its reviews (the GAS figures follow at once); the audit trail keeps it with the reason."""
    reason = _require_reason(reason)
    course = goal.course
    before = {
        **model_values(goal, exclude=GOAL_TEXTS),
        "reviews": [model_values(r, exclude=("note",)) for r in goal.reviews.order_by("date", "pk")],
    }
    audit_log(
        user=user,
        action=Action.DELETE,
        citizen_id=course.citizen_id,
        obj=goal,
        purpose="correction",
        detail=correction_detail(course, before, None, reason),
    )
    goal.delete()


@transaction.atomic
def goal_review_update(
    *, user, review: GoalReview, reason: str, date: datetime.date, level: int, note: str = ""
) -> GoalReview:
    reason = _require_reason(reason)
    goal = review.goal
    before = model_values(GoalReview.objects.get(pk=review.pk), exclude=("note",))
    if date > timezone.localdate():
        raise ValidationError({"date": _("Datoen må ikke ligge i fremtiden.")})
    if date < goal.created_on:
        raise ValidationError({"date": _("Opfølgningen kan ikke ligge før målet blev sat.")})
    note_changed = note != review.note
    review.date, review.level, review.note = date, level, note
    review.full_clean()
    review.save()
    audit_log(
        user=user,
        action=Action.CHANGE,
        citizen_id=goal.course.citizen_id,
        obj=review,
        purpose="correction",
        detail=correction_detail(
            goal.course, before, model_values(review, exclude=("note",)), reason, note_changed=note_changed
        ),
    )
    return review


@transaction.atomic
def goal_review_delete(*, user, review: GoalReview, reason: str) -> None:
    reason = _require_reason(reason)
    course = review.goal.course
    audit_log(
        user=user,
        action=Action.DELETE,
        citizen_id=course.citizen_id,
        obj=review,
        purpose="correction",
        detail=correction_detail(course, model_values(review, exclude=("note",)), None, reason),
    )
    review.delete()


@transaction.atomic
def goal_create(*, user, course: Course, **fields: Any) -> Goal:
    created_on = fields.get("created_on")
    if created_on and created_on > timezone.localdate():
        raise ValidationError({"created_on": _("Datoen må ikke ligge i fremtiden.")})
    if created_on and created_on < course.start:
        raise ValidationError({"created_on": _("Målet kan ikke sættes før forløbets start.")})
    if created_on and course.end and created_on > course.end:
        raise ValidationError({"created_on": _("Datoen ligger efter forløbets afslutning.")})
    goal = Goal(course=course, **fields)
    goal.full_clean()
    goal.save()
    audit_log(
        user=user,
        action=Action.CREATE,
        citizen_id=course.citizen_id,
        obj=goal,
        detail={
            "after": model_values(
                goal, exclude=("text", "level_minus2", "level_minus1", "level_0", "level_plus1", "level_plus2")
            )
        },
    )
    return goal


@transaction.atomic
def goal_review_record(*, user, goal: Goal, date: datetime.date, level: int, note: str = "") -> GoalReview:
    if date > timezone.localdate():
        raise ValidationError({"date": _("Datoen må ikke ligge i fremtiden.")})
    if date < goal.created_on:
        raise ValidationError({"date": _("Opfølgningen kan ikke ligge før målet blev sat.")})
    review = GoalReview(
        goal=goal,
        date=date,
        level=level,
        note=note,
        recorded_by=user if getattr(user, "is_authenticated", False) else None,
    )
    review.full_clean()
    review.save()
    audit_log(
        user=user,
        action=Action.CREATE,
        citizen_id=goal.course.citizen_id,
        obj=review,
        detail={"after": model_values(review, exclude=("note",))},
    )
    return review
