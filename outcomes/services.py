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
) -> Measurement:
    """Change a measurement's answers or details, rescoring it and refreshing the summary."""
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
        detail={"before": before, "after": after},
    )
    return measurement


@transaction.atomic
def measurement_delete(*, measurement: Measurement, user) -> None:
    course, instrument = measurement.course, measurement.instrument
    before = {**model_values(measurement, exclude=("note", "created_at")), "answers": measurement.answer_map()}
    audit_log(user=user, action=Action.DELETE, citizen_id=course.citizen_id, obj=measurement, detail={"before": before})
    measurement.delete()
    summary_refresh(course=course, instrument=instrument)


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
