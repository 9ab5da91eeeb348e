"""Trajectory summaries: per (course, instrument) baseline, latest, change and reliable-change category.

``summarise`` is the one computation, used by the services on every write (``summary_refresh``) and by
``manage.py rebuild_summaries`` (``summaries_rebuild``), so the two can never disagree.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import groupby

from django.db import transaction

from outcomes import followup, statistics
from outcomes.models import Instrument, Measurement, TrajectorySummary
from tracker import dataversion
from tracker.models import Course

Method = TrajectorySummary.Method


@dataclass(frozen=True)
class Point:
    id: int
    date: datetime.date
    score: float | None


@dataclass(frozen=True)
class Params:
    """The instrument parameters the classification needs."""

    higher_is_better: bool
    reliability: float | None
    reference_sd: float | None
    cutoff: float | None
    mid: float | None
    min_interval_days: int = 1

    @classmethod
    def of(cls, instrument: Instrument) -> Params:
        return cls(
            instrument.higher_is_better,
            instrument.reliability,
            instrument.reference_sd,
            instrument.clinical_cutoff,
            instrument.mid,
            instrument.min_interval_days or 1,
        )

    def key(self) -> list:
        """The parameters as a cache-key part: a changed MID or interval is a different set of figures."""
        return [
            self.higher_is_better,
            self.reliability,
            self.reference_sd,
            self.cutoff,
            self.mid,
            self.min_interval_days,
        ]

    @property
    def method(self) -> str:
        if self.reliability is not None and self.reference_sd:
            return Method.RCI
        if self.mid:
            return Method.MID
        return Method.NONE


@functools.lru_cache(maxsize=65_536)
def classify(base_score: float, score: float, params: Params) -> tuple[float | None, str]:
    """(rci, category) of a change from ``base_score`` to ``score`` under the instrument's current parameters.

    Memoised: scores take few values (WHO-5: 26), and a comparison classifies tens of thousands of pairs."""
    if params.method == Method.RCI:
        rci = statistics.reliable_change_index(
            base_score, score, sd=params.reference_sd, reliability=params.reliability
        )
        category = statistics.classify_change(
            base_score,
            score,
            sd=params.reference_sd,
            reliability=params.reliability,
            cutoff=params.cutoff,
            higher_is_better=params.higher_is_better,
        )
        return rci, category
    if params.method == Method.MID:
        return None, statistics.classify_by_mid(
            base_score, score, mid=params.mid, higher_is_better=params.higher_is_better
        )
    return None, ""


def summarise(points: Sequence[Point], params: Params) -> dict:
    """Summary fields for one trajectory; points in any order.

    Baseline and latest are occasions (``outcomes.followup``: one per day, the day's last entry wins); the
    change is the follow-up as of today — the latest occasion, if it lies the minimum interval after the
    baseline.
    """
    ordered = followup.occasions((p.id, p.date, p.score) for p in points)
    fields = {
        "n_measurements": len(points),
        "baseline_id": None,
        "latest_id": None,
        "baseline_date": None,
        "latest_date": None,
        "baseline_score": None,
        "latest_score": None,
        "change": None,
        "rci": None,
        "category": "",
        "method": params.method,
    }
    if not ordered:
        return fields
    first, last = ordered[0], ordered[-1]
    fields.update(
        baseline_id=first.id,
        latest_id=last.id,
        baseline_date=first.date,
        latest_date=last.date,
        baseline_score=first.score,
        latest_score=last.score,
    )
    due = followup.follow_up(ordered, first.date, last.date, params.min_interval_days)
    if due is None or first.score is None or last.score is None:
        return fields
    fields["change"] = last.score - first.score
    fields["rci"], fields["category"] = classify(first.score, last.score, params)
    return fields


def _points(rows: Iterable[tuple[int, datetime.date, float | None]]) -> list[Point]:
    return [Point(pk, date, score) for pk, date, score in rows]


def summary_refresh(*, course: Course, instrument: Instrument) -> TrajectorySummary | None:
    """Recompute one summary from its measurements; call inside the writing transaction."""
    rows = Measurement.objects.filter(course=course, instrument=instrument).values_list("pk", "date", "score")
    fields = summarise(_points(rows), Params.of(instrument))
    if fields["n_measurements"] == 0:
        TrajectorySummary.objects.filter(course=course, instrument=instrument).delete()
        return None
    # One upsert rather than update_or_create's savepoint, select and write: this runs in every measurement save.
    summary = TrajectorySummary(course=course, instrument=instrument, unit_id=course.unit_id, **fields)
    TrajectorySummary.objects.bulk_create(
        [summary],
        update_conflicts=True,
        unique_fields=["course", "instrument"],
        update_fields=["unit_id", *fields],
    )
    return summary


@transaction.atomic
def summaries_rebuild(*, batch_size: int = 5000, instrument: Instrument | None = None) -> int:
    """Recompute every summary (or one instrument's) from the raw measurements; returns how many were written."""
    params = {i.pk: Params.of(i) for i in Instrument.objects.all()}
    units = dict(Course.objects.values_list("pk", "unit_id"))
    measurements = Measurement.objects.all()
    summaries = TrajectorySummary.objects.all()
    if instrument is not None:
        measurements = measurements.filter(instrument=instrument)
        summaries = summaries.filter(instrument=instrument)
    summaries.delete()
    rows = (
        measurements.order_by("course_id", "instrument_id", "date", "pk")
        .values_list("course_id", "instrument_id", "pk", "date", "score")
        .iterator(chunk_size=20000)
    )
    buffer: list[TrajectorySummary] = []
    written = 0
    for (course_id, instrument_id), group in groupby(rows, key=lambda r: (r[0], r[1])):
        fields = summarise([Point(r[2], r[3], r[4]) for r in group], params[instrument_id])
        buffer.append(
            TrajectorySummary(course_id=course_id, instrument_id=instrument_id, unit_id=units[course_id], **fields)
        )
        if len(buffer) >= batch_size:
            TrajectorySummary.objects.bulk_create(buffer)
            written += len(buffer)
            buffer = []
    TrajectorySummary.objects.bulk_create(buffer)
    # Bulk loads (seed, import) and parameter changes end here: cached aggregates must be recomputed.
    dataversion.bump()
    return written + len(buffer)


def summary_mismatches(*, course_ids: Iterable[int] | None = None) -> list[dict]:
    """Stored summaries that differ from a recomputation from the raw measurements (none, if every write kept
    them right), plus trajectories without a summary and summaries without measurements. For checks after a
    load test or an import; ``course_ids`` limits the check to those courses."""
    params = {i.pk: Params.of(i) for i in Instrument.objects.all()}
    measurements = Measurement.objects.order_by("course_id", "instrument_id", "date", "pk")
    stored = TrajectorySummary.objects.all()
    if course_ids is not None:
        course_ids = list(course_ids)
        measurements = measurements.filter(course_id__in=course_ids)
        stored = stored.filter(course_id__in=course_ids)
    stored_by_key = {(s.course_id, s.instrument_id): s for s in stored}
    out = []
    rows = measurements.values_list("course_id", "instrument_id", "pk", "date", "score")
    for key, group in groupby(rows.iterator(chunk_size=20000), key=lambda r: (r[0], r[1])):
        expected = summarise([Point(r[2], r[3], r[4]) for r in group], params[key[1]])
        summary = stored_by_key.pop(key, None)
        if summary is None:
            out.append({"course": key[0], "instrument": key[1], "problem": "missing"})
            continue
        differ = {f: (getattr(summary, f), v) for f, v in expected.items() if getattr(summary, f) != v}
        if differ:
            out.append({"course": key[0], "instrument": key[1], "problem": "differs", "fields": differ})
    out.extend({"course": c, "instrument": i, "problem": "orphan"} for c, i in stored_by_key)
    return out
