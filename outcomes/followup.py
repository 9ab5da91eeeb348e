"""The one definition of a baseline and a follow-up, shared by every page, export, API and publication.

Pure functions of a course's measurements of one instrument (no Django), so the trajectory summaries, the
figures engine and the tests use the same rule (docs/figures.md, "Periods and follow-up"):

- *occasion*: the measurements of one day are one occasion; the later entry (the higher id) is the
  correction and wins;
- *baseline*: the course's first occasion;
- *follow-up in a period*: the latest occasion dated inside the period, provided it lies at least the
  instrument's minimum interval after the baseline (a measurement too soon after the first one measures the
  same state twice, not a change);
- a course is *due* a follow-up in a period when its baseline lies at least the minimum interval before the
  period's end.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Occasion:
    id: int  # the measurement that stands for the day
    date: datetime.date
    score: float | None


def occasions(points: Iterable[tuple[int, datetime.date, float | None]]) -> tuple[Occasion, ...]:
    """(id, date, score) in any order → one occasion per day, oldest first; the day's highest id wins."""
    by_day: dict[datetime.date, tuple[int, float | None]] = {}
    for pk, day, score in points:
        kept = by_day.get(day)
        if kept is None or pk > kept[0]:
            by_day[day] = (pk, score)
    return tuple(Occasion(pk, day, score) for day, (pk, score) in sorted(by_day.items()))


def baseline(occ: Sequence[Occasion]) -> Occasion | None:
    return occ[0] if occ else None


def latest_by(occ: Sequence[Occasion], end: datetime.date) -> Occasion | None:
    """The latest occasion on or before ``end``."""
    for o in reversed(occ):
        if o.date <= end:
            return o
    return None


def follow_up(
    occ: Sequence[Occasion], start: datetime.date, end: datetime.date, min_interval_days: int
) -> Occasion | None:
    """The latest occasion in [start, end] if it lies at least ``min_interval_days`` after the baseline.

    Occasions after the baseline are in date order, so if the latest one in the period is too soon, every
    earlier one is too: there is no follow-up in the period.
    """
    if len(occ) < 2:
        return None
    last = latest_by(occ, end)
    if last is None or last.date < start or last is occ[0]:
        return None
    if (last.date - occ[0].date).days < max(1, min_interval_days):
        return None
    return last


def is_due(occ: Sequence[Occasion], end: datetime.date, min_interval_days: int) -> bool:
    """Whether a follow-up could be dated by ``end``: the baseline lies at least the interval before it."""
    return bool(occ) and (end - occ[0].date).days >= max(1, min_interval_days)
