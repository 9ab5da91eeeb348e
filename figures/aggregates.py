"""The pre-aggregated figure inputs of a unit × instrument × period: built, stored and read.

A row holds, per course active in the period, what every figure is computed from — citizen, legal basis,
whether a follow-up is due, the baseline, the latest occasion and the follow-up (id, date, score), and the
case-mix factors — plus per calendar quarter of the period the same for the trend, the GAS T-score per course
and the collaborations. Categories are not stored: they are computed at read time under the instrument's
current parameters. The columns are computed by the engine's own functions (``engine.trajectory``,
``engine.gas_by_course``) from the same rows ``figures.records`` reads, so figures from them are exactly the
figures from the per-course path (tests/figures/test_aggregates.py). Layout of ``data``:

- ``c``: one list per course, by course id: see ``C_FIELDS``;
- ``q``: per quarter ``[start ordinal, end ordinal, [[course index, measured score, paired follow-up score,
  due], …]]`` (measured: the latest score if dated in the quarter);
- ``g``: ``[[course, GAS T-score], …]``; ``k``: ``[[course, citizen], …]`` one per collaboration.
"""

from __future__ import annotations

import dataclasses
import datetime
import pickle
from collections import defaultdict
from collections.abc import Iterable, Sequence

from django.db.models import Exists, F, OuterRef, Q, Value

from figures import engine
from figures.models import UnitFigureInputs
from figures.periods import Period, quarter_bounds, quarters_between
from figures.records import CourseRecord
from outcomes.followup import Occasion, occasions
from outcomes.models import GoalReview, Instrument, Measurement
from outcomes.summaries import Params
from tracker.models import Collaboration, Course

C_FIELDS = [
    "course",
    "citizen",
    "basis",
    "start",
    "end",
    "due",
    "b_id",
    "b_date",
    "b_score",
    "l_id",
    "l_date",
    "l_score",
    "f_id",
    "f_date",
    "f_score",
    "birth_year",
    "gender",
    "first",
]
C = {name: i for i, name in enumerate(C_FIELDS)}


def _ord(day: datetime.date | None) -> int | None:
    return day.toordinal() if day is not None else None


def _occ(o: Occasion | None) -> list:
    return [None, None, None] if o is None else [o.id, o.date.toordinal(), o.score]


def _courses(unit_ids: Iterable[int], lo: datetime.date, hi: datetime.date) -> list[CourseRecord]:
    earlier = Course.objects.filter(citizen_id=OuterRef("citizen_id"), start__lt=OuterRef("start"))
    rows = (
        Course.objects.filter(Q(end__isnull=True) | Q(end__gte=lo), unit_id__in=sorted(unit_ids), start__lte=hi)
        .annotate(earlier=Exists(earlier))
        .values_list(
            "pk",
            "citizen_id",
            "unit_id",
            "legal_basis_id",
            "start",
            "end",
            "citizen__birth_year",
            "citizen__gender",
            "earlier",
        )
        .order_by("pk")
    )
    return [
        CourseRecord(pk, cit, "", unit, "", basis, start, end, born, gender, not earlier)
        for pk, cit, unit, basis, start, end, born, gender, earlier in rows
    ]


def _occasions(unit_ids, instrument: Instrument, lo, hi) -> dict[int, tuple[Occasion, ...]]:
    """Every course's occasions up to ``hi``. The instrument is compared through ``+ 0`` so that SQLite walks
    the (course, instrument, date) index from the units' courses rather than the whole instrument's range."""
    points: dict[int, list] = defaultdict(list)
    rows = (
        Measurement.objects.filter(
            Q(course__end__isnull=True) | Q(course__end__gte=lo),
            course__unit_id__in=sorted(unit_ids),
            course__start__lte=hi,
            date__lte=hi,
            **({"score__isnull": False} if instrument.has_score else {}),
        )
        .annotate(which=F("instrument_id") + Value(0))
        .filter(which=instrument.pk)
        .values_list("course_id", "pk", "date", "score")
    )
    for course_id, pk, day, score in rows.iterator(chunk_size=5000):
        points[course_id].append((pk, day, score))
    return {course_id: occasions(pts) for course_id, pts in points.items()}


def _reviews(unit_ids, lo, hi) -> dict[int, list[tuple]]:
    """Per goal reviewed in [lo, hi]: (course, importance, difficulty, [(date, pk, level), …]) up to ``hi``."""
    goals: dict[int, list] = {}
    reviewed = GoalReview.objects.filter(goal__course__unit_id__in=sorted(unit_ids), date__range=(lo, hi))
    rows = GoalReview.objects.filter(goal_id__in=reviewed.values("goal_id"), date__lte=hi).values_list(
        "goal_id", "goal__course_id", "goal__importance", "goal__difficulty", "date", "pk", "level"
    )
    for goal_id, course_id, importance, difficulty, day, pk, level in rows.iterator(chunk_size=5000):
        goals.setdefault(goal_id, [course_id, importance, difficulty, []])[3].append((day, pk, level))
    return goals


def _gas(goals: dict[int, list], period: Period) -> dict[int, float]:
    """``records.goal_rows`` for one period, from the reviews: goals reviewed in it, at their latest level."""
    rows = []
    for goal_id in sorted(goals):
        course_id, importance, difficulty, reviews = goals[goal_id]
        if not any(period.start <= day <= period.end for day, _pk, _level in reviews):
            continue
        latest = max((r for r in reviews if r[0] <= period.end), key=lambda r: (r[0], r[1]))
        rows.append({"course_id": course_id, "level": latest[2], "importance": importance, "difficulty": difficulty})
    rows.sort(key=lambda r: r["course_id"])
    return engine.gas_by_course(rows)


def _row(recs, occ, goals, collabs, instrument: Instrument, params: Params, period: Period) -> dict:
    mine = []
    for r in recs:
        if engine.active_in(r, period.start, period.end):
            cut = tuple(o for o in occ.get(r.course_id, ()) if o.date <= period.end)
            mine.append(dataclasses.replace(r, occasions={instrument.pk: cut}))
    courses, index = [], {}
    for r in mine:
        t = engine.trajectory(r, period.start, period.end, params, instrument.pk)
        index[r.course_id] = len(courses)
        courses.append(
            [r.course_id, r.citizen_id, r.legal_basis_id, _ord(r.start), _ord(r.end), int(t.due)]
            + _occ(t.baseline)
            + _occ(t.latest)
            + _occ(t.follow_up)
            + [r.birth_year, r.gender, int(r.first_course)]
        )
    quarters = []
    for year, quarter in quarters_between(period.start, period.end):
        q_start, q_end = quarter_bounds(year, quarter)
        q_start, q_end = max(q_start, period.start), min(q_end, period.end)
        entries = []
        for r in mine:
            if not engine.active_in(r, q_start, q_end):
                continue
            t = engine.trajectory(r, q_start, q_end, params, instrument.pk)
            measured = t.latest.score if t.latest is not None and t.latest.date >= q_start else None
            entries.append([index[r.course_id], measured, t.follow_up.score if t.paired else None, int(t.due)])
        quarters.append([q_start.toordinal(), q_end.toordinal(), entries])
    gas = [[c, score] for c, score in _gas(goals, period).items() if c in index]
    collab = [
        [course_id, citizen_id]
        for course_id, citizen_id, day in collabs
        if course_id in index and period.start <= day <= period.end
    ]
    return {"c": courses, "q": quarters, "g": gas, "k": collab}


def build(
    unit_ids: Iterable[int], instrument: Instrument, periods: Sequence[Period], *, keep: dict | None = None
) -> dict[tuple, dict]:
    """{(unit, start, end): data} for every unit and period, from four queries whatever their number.

    ``keep``: the stored data of these rows, after a write of measurements only — their GAS and collaborations
    are kept (a measurement changes neither, nor the courses active), and two queries are saved."""
    unit_ids = sorted(set(unit_ids))
    if not unit_ids or not periods:
        return {}
    lo, hi = min(p.start for p in periods), max(p.end for p in periods)
    params = Params.of(instrument)
    recs = _courses(unit_ids, lo, hi)
    occ = _occasions(unit_ids, instrument, lo, hi)
    goals = _reviews(unit_ids, lo, hi) if keep is None else {}
    collabs = (
        list(
            Collaboration.objects.filter(course__unit_id__in=unit_ids, date__range=(lo, hi))
            .values_list("course_id", "course__citizen_id", "date")
            .order_by("pk")
        )
        if keep is None
        else []
    )
    by_unit: dict[int, list[CourseRecord]] = defaultdict(list)
    for r in recs:
        by_unit[r.unit_id].append(r)
    unit_of = {r.course_id: r.unit_id for r in recs}
    goals_of: dict[int, dict] = defaultdict(dict)
    for goal_id, goal in goals.items():
        if goal[0] in unit_of:
            goals_of[unit_of[goal[0]]][goal_id] = goal
    collabs_of: dict[int, list] = defaultdict(list)
    for collab in collabs:
        if collab[0] in unit_of:
            collabs_of[unit_of[collab[0]]].append(collab)
    out = {}
    for unit_id in unit_ids:
        for period in periods:
            key = (unit_id, period.start, period.end)
            out[key] = _row(by_unit[unit_id], occ, goals_of[unit_id], collabs_of[unit_id], instrument, params, period)
            if keep is not None:
                out[key]["g"], out[key]["k"] = keep[key]["g"], keep[key]["k"]
    return out


def store(instrument: Instrument, built: dict[tuple, dict]) -> None:
    if not built:
        return
    interval = Params.of(instrument).min_interval_days
    UnitFigureInputs.objects.bulk_create(
        [
            UnitFigureInputs(
                unit_id=unit_id,
                instrument=instrument,
                start=start,
                end=end,
                min_interval_days=interval,
                data=pickle.dumps(data, protocol=pickle.HIGHEST_PROTOCOL),
            )
            for (unit_id, start, end), data in built.items()
        ],
        update_conflicts=True,
        unique_fields=["unit", "instrument", "start", "end"],
        update_fields=["data", "min_interval_days", "built_at"],
    )


def load(unit_ids: Iterable[int], instrument: Instrument, period: Period) -> dict[int, dict]:
    """{unit: data} for the period, building (and storing) the rows not yet materialised or built under
    another minimum interval — in one batch, so a write in one unit costs one unit's rebuild at most."""
    out = stored(unit_ids, [instrument], period)[instrument.pk]
    missing = set(unit_ids) - set(out)
    if missing:
        built = build(missing, instrument, [period])
        store(instrument, built)
        out.update({unit_id: data for (unit_id, _s, _e), data in built.items()})
    return out


def stored(unit_ids: Iterable[int], instruments: Sequence[Instrument], period: Period) -> dict[int, dict[int, dict]]:
    """{instrument: {unit: data}} of the rows already materialised and current (one query)."""
    from figures import hooks

    hooks.flush()  # writes of this transaction not yet applied (a write outside the services)
    interval = {i.pk: Params.of(i).min_interval_days for i in instruments}
    rows = UnitFigureInputs.objects.filter(
        unit_id__in=sorted(set(unit_ids)), instrument_id__in=sorted(interval), start=period.start, end=period.end
    ).values_list("instrument_id", "unit_id", "min_interval_days", "data")
    out: dict[int, dict[int, dict]] = {pk: {} for pk in interval}
    for instrument_id, unit_id, days, data in rows:
        if days == interval[instrument_id]:
            out[instrument_id][unit_id] = pickle.loads(bytes(data))
    return out


def refresh(unit_id: int, instrument_id: int | None, since: datetime.date | None) -> None:
    """Rebuild the unit's stored rows (of one instrument — after a write of its measurements — or all) whose
    period ends on or after ``since``."""
    rows = UnitFigureInputs.objects.filter(unit_id=unit_id)
    if instrument_id is not None:
        rows = rows.filter(instrument_id=instrument_id)
    if since is not None:
        rows = rows.filter(end__gte=since)
    periods: dict[int, list[Period]] = defaultdict(list)
    keep: dict[tuple, dict] = {}
    fields = ("instrument_id", "start", "end") + (("data",) if instrument_id is not None else ())
    for inst_id, start, end, *data in rows.values_list(*fields):
        periods[inst_id].append(Period(start, end, "", ""))
        if data:
            keep[unit_id, start, end] = pickle.loads(bytes(data[0]))
    for instrument in Instrument.objects.filter(pk__in=sorted(periods)):
        built = build([unit_id], instrument, periods[instrument.pk], keep=keep if instrument_id is not None else None)
        store(instrument, built)
