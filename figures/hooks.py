"""Keeping the pre-aggregates (``figures.aggregates``) current in each write's own transaction.

Model signals note what a write changes — (unit, instrument or every instrument, earliest date) — and the
notes are applied, rebuilding only those rows whose period ends on or after the date, when the write's
transaction bumps the data version (``tracker.dataversion.on_bump``: ``tracker.services.audit_log`` does, for
every write, inside the transaction). Reads apply pending notes first; a write outside the services is applied
on commit at the latest. A mass delete (more than ``MAX_NOTES`` notes, e.g. the seed's reset) drops every row
instead. Bulk writes that send no signals drop the rows they concern themselves, in their transaction
(``drop_for_citizens``: the import); rows dropped are built again on first read.
"""

from __future__ import annotations

import datetime
import threading

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from tracker import dataversion

MAX_NOTES = 500  # a write noting more changes than this (a mass delete) drops every row instead

_state = threading.local()


def _pending() -> dict:
    if not hasattr(_state, "pending"):
        _state.pending, _state.units, _state.notes, _state.drop_all = {}, {}, 0, False
    return _state.pending


def note(unit_id: int | None, instrument_id: int | None, since: datetime.date | None) -> None:
    """Record that the unit's rows (of one instrument, or all) from ``since`` (None: all periods) are stale."""
    pending = _pending()
    _state.notes += 1
    if _state.notes > MAX_NOTES:
        _state.drop_all = True
    if unit_id is None or _state.drop_all:
        return
    key = (unit_id, instrument_id)
    if key in pending:
        old = pending[key]
        since = None if old is None or since is None else min(old, since)
    pending[key] = since
    if connection.in_atomic_block and not getattr(_state, "on_commit", False):
        _state.on_commit = True
        transaction.on_commit(_after_commit)


def _after_commit() -> None:
    _state.on_commit = False
    flush()


def _unit_of(course_id: int | None) -> int | None:
    from tracker.models import Course

    _pending()
    if course_id is None or _state.drop_all:
        return None
    if course_id not in _state.units:
        _state.units[course_id] = Course.objects.filter(pk=course_id).values_list("unit_id", flat=True).first()
    return _state.units[course_id]


def flush() -> None:
    """Apply the pending notes: rebuild the rows they name (or drop every row after a mass write)."""
    from figures import aggregates
    from figures.models import UnitFigureInputs

    pending = _pending()
    if _state.drop_all:
        UnitFigureInputs.objects.all().delete()
    elif pending:
        by_unit: dict[int, dict] = {}
        for (unit_id, instrument_id), since in pending.items():
            by_unit.setdefault(unit_id, {})[instrument_id] = since
        for unit_id, notes in sorted(by_unit.items()):
            if None in notes:
                dates = list(notes.values())
                aggregates.refresh(unit_id, None, None if None in dates else min(dates))
            else:
                for instrument_id, since in sorted(notes.items()):
                    aggregates.refresh(unit_id, instrument_id, since)
    pending.clear()
    _state.units.clear()
    _state.notes, _state.drop_all, _state.on_commit = 0, False, False


def on_bump(units: set[int] | None) -> None:
    """Inside the write's transaction (``dataversion.bump``): apply what the signals noted."""
    flush()


def drop_for_citizens(citizen_ids) -> None:
    """For a bulk write that sends no signals (an import): drop the rows of every unit where these citizens
    have a course (a new course may change another course's first-course flag), in the caller's transaction."""
    from figures.models import UnitFigureInputs
    from tracker.models import Course

    units = Course.objects.filter(citizen_id__in=sorted(set(citizen_ids))).values("unit_id")
    UnitFigureInputs.objects.filter(unit_id__in=units).delete()


# --- the signal receivers -------------------------------------------------------------------------------------


def _earliest(*days: datetime.date | None) -> datetime.date | None:
    known = [d for d in days if d is not None]
    return min(known) if known else None


def _old(sender, instance, *fields):
    _pending()
    if instance._state.adding or instance.pk is None or _state.drop_all:
        return None
    return sender._default_manager.filter(pk=instance.pk).values_list(*fields).first()


def _measurement_saving(sender, instance, **kwargs):
    old = _old(sender, instance, "course_id", "instrument_id", "date")
    if old is not None:
        note(_unit_of(old[0]), old[1], old[2])


def _measurement_written(sender, instance, **kwargs):
    course = sender.course.field.get_cached_value(instance, None)  # the service passes the course: no query
    unit_id = course.unit_id if course is not None and course.pk == instance.course_id else _unit_of(instance.course_id)
    note(unit_id, instance.instrument_id, instance.date)


def _dated_saving(sender, instance, **kwargs):
    """A collaboration or goal review: every instrument's rows (GAS and collaborations are in each)."""
    old = _old(sender, instance, *_DATED[sender])
    if old is not None:
        note(_course_unit(sender, old[0]), None, old[1] if len(old) > 1 else None)


def _dated_written(sender, instance, **kwargs):
    fields = _DATED[sender]
    course_key = getattr(instance, fields[0])
    since = getattr(instance, fields[1]) if len(fields) > 1 else None
    note(_course_unit(sender, course_key), None, since)


def _course_unit(sender, key):
    """The unit of a collaboration's or goal's course (``key`` a course id), or of a review's goal (a goal id)."""
    from outcomes.models import Goal

    if sender.__name__ == "GoalReview" and not _state.drop_all:
        return _unit_of(Goal.objects.filter(pk=key).values_list("course_id", flat=True).first())
    return _unit_of(key)


def _course_saving(sender, instance, **kwargs):
    old = _old(sender, instance, "unit_id", "citizen_id", "start")
    if old is not None:
        _course_changed(old[0], old[1], old[2])


def _course_written(sender, instance, **kwargs):
    _course_changed(instance.unit_id, instance.citizen_id, instance.start)


def _course_changed(unit_id: int, citizen_id: int, start: datetime.date) -> None:
    """A course's own unit, and every unit where the citizen has a course (its first-course flag may change)."""
    from tracker.models import Course

    note(unit_id, None, start)
    if _state.drop_all:
        return
    for other in Course.objects.filter(citizen_id=citizen_id).values_list("unit_id", flat=True).distinct():
        note(other, None, start)


def _citizen_saving(sender, instance, **kwargs):
    from tracker.models import Course

    _pending()
    old = None if _state.drop_all else _old(sender, instance, "birth_year", "gender")
    if old is not None and old != (instance.birth_year, instance.gender):
        for unit_id in Course.objects.filter(citizen_id=instance.pk).values_list("unit_id", flat=True).distinct():
            note(unit_id, None, None)


def _instrument_saved(sender, instance, **kwargs):
    from figures.models import UnitFigureInputs

    UnitFigureInputs.objects.filter(instrument_id=instance.pk).delete()


def _maybe_flush(sender, **kwargs):
    if not connection.in_atomic_block:
        flush()


_DATED: dict = {}


def connect() -> None:
    from outcomes.models import Goal, GoalReview, Instrument, Measurement
    from tracker.models import Citizen, Collaboration, Course

    _DATED.update({Collaboration: ("course_id", "date"), GoalReview: ("goal_id", "date"), Goal: ("course_id",)})
    uid = "figures.hooks"
    pre_save.connect(_measurement_saving, Measurement, dispatch_uid=uid)
    post_save.connect(_measurement_written, Measurement, dispatch_uid=uid)
    pre_delete.connect(_measurement_written, Measurement, dispatch_uid=uid)
    for model in _DATED:
        pre_save.connect(_dated_saving, model, dispatch_uid=uid)
        post_save.connect(_dated_written, model, dispatch_uid=uid)
        pre_delete.connect(_dated_written, model, dispatch_uid=uid)
    pre_save.connect(_course_saving, Course, dispatch_uid=uid)
    post_save.connect(_course_written, Course, dispatch_uid=uid)
    pre_delete.connect(_course_written, Course, dispatch_uid=uid)
    pre_save.connect(_citizen_saving, Citizen, dispatch_uid=uid)
    post_save.connect(_instrument_saved, Instrument, dispatch_uid=uid)
    for model in (Measurement, Course, Citizen, *_DATED):
        post_save.connect(_maybe_flush, model, dispatch_uid=uid + ".flush")
        post_delete.connect(_maybe_flush, model, dispatch_uid=uid + ".flush")
    dataversion.on_bump(on_bump)
