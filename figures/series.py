"""Monthly series for run and control charts, from the figures engine's rows.

``monthly_series`` reads the scope's courses once for the whole span (``figures.records.course_records``) and
then applies the engine's follow-up rule per calendar month (``figures.engine.trajectory`` and
``group_figures``): the follow-up in a month is the latest occasion in that month at least the instrument's
minimum interval after the baseline — the same rule as every other figure (docs/figures.md). Per month:

- mean change at follow-up (and n) — the run chart;
- improved / paired — the p chart's events and totals;
- share of active courses measured in the month (an occasion of the instrument dated in it);
- collaborations per active citizen;
- share of the month's measurements of the instrument the citizen completed themselves (tablet or link).

For aggregate-only audiences (``disclose=True``) the engine's disclosure control applies as in
``figures.comparison``: a month about fewer than k citizens is hidden (before or after perturbation), effect
figures need k paired courses, counts and sums are perturbed by the cell key of the month's set of courses or
citizens, and across sibling series (the units of an area) a lone hidden unit-month hides the smallest shown
sibling too.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import pandas as pd
from django.db.models import Count, Q
from django.db.models.functions import TruncMonth

from figures import disclosure, engine, records
from figures.periods import Period, month_bounds, month_label
from outcomes.models import SELF_COMPLETED, Instrument, Measurement
from outcomes.summaries import Params
from tracker.models import Collaboration


@dataclass
class MonthPoint:
    """One calendar month of a series as shown to its audience (None: hidden or no data)."""

    month: datetime.date  # the first day
    label: str
    active: int | None = 0  # active citizens
    active_courses: int | None = 0
    paired: int | None = 0
    improved: int | None = 0
    mean_change: float | None = None
    measured: int | None = 0
    collaborations: int | None = 0
    self_completed: int | None = 0
    measurements: int | None = 0
    hidden: bool = False  # fewer than k citizens (aggregate-only audiences)
    effect_hidden: bool = False  # fewer than k paired courses
    # The sets behind the figures, for cell keys and secondary suppression; never shown.
    _citizens: frozenset[int] = field(default=frozenset(), repr=False)
    _paired: int = field(default=0, repr=False)

    @property
    def improved_share(self) -> float | None:
        if self.effect_hidden or not self.paired or self.improved is None:
            return None
        return min(1.0, self.improved / self.paired)

    @property
    def measured_share(self) -> float | None:
        if self.hidden or not self.active_courses or self.measured is None:
            return None
        return min(1.0, self.measured / self.active_courses)

    @property
    def collaborations_per_citizen(self) -> float | None:
        if self.hidden or not self.active or self.collaborations is None:
            return None
        return self.collaborations / self.active

    @property
    def self_completed_share(self) -> float | None:
        if self.hidden or not self.measurements or self.self_completed is None:
            return None
        return min(1.0, self.self_completed / self.measurements)


def months_between(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The first day of every calendar month overlapping [start, end]."""
    out, day = [], start.replace(day=1)
    while day <= end:
        out.append(day)
        day = month_bounds(day.year, day.month)[1] + datetime.timedelta(days=1)
    return out


def dated_collaborations(scope: records.Scope, period: Period) -> list[tuple[int, int, datetime.date]]:
    """(course, citizen, date) per collaboration in the period for courses active in it — the rows of
    ``figures.records.collaboration_rows`` with their date, so one query serves every month of a span."""
    return list(
        Collaboration.objects.filter(
            scope.via_course(), records.active_q(period, "course__"), date__range=(period.start, period.end)
        ).values_list("course_id", "course__citizen_id", "date")
    )


def self_completed_counts(
    scope: records.Scope, period: Period, instrument: Instrument
) -> dict[datetime.date, dict[int, tuple[int, int]]]:
    """Per month and course: (measurements of the instrument, of which self-completed) — one aggregate query."""
    rows = (
        Measurement.objects.filter(scope.via_course(), instrument=instrument, date__range=(period.start, period.end))
        .annotate(month=TruncMonth("date"))
        .values("month", "course_id")
        .annotate(n=Count("pk"), own=Count("pk", filter=Q(completion__in=SELF_COMPLETED)))
        .order_by()
    )
    out: dict[datetime.date, dict[int, tuple[int, int]]] = defaultdict(dict)
    for r in rows:
        month = r["month"]
        if isinstance(month, datetime.datetime):
            month = month.date()
        out[month][r["course_id"]] = (r["n"], r["own"])
    return out


def _month_point(
    month: datetime.date,
    recs: Sequence[records.CourseRecord],
    params: Params,
    instrument_id: int,
    collabs: Iterable[tuple[int, int]],
    completed: dict[int, tuple[int, int]],
) -> tuple[MonthPoint, engine.GroupFigures, set[int], frozenset[int]]:
    start, end = month_bounds(month.year, month.month)
    active = [r for r in recs if r.start <= end and (r.end is None or r.end >= start)]
    trajs = [engine.trajectory(r, start, end, params, instrument_id) for r in active]
    figures = engine.group_figures(0, "", trajs, collaborations=collabs)
    measured = {r.course_id for r in active if any(start <= o.date <= end for o in r.occasions_of(instrument_id))}
    active_ids = {r.course_id for r in active}
    measured_courses = frozenset(c for c in completed if c in active_ids)
    n = sum(completed[c][0] for c in measured_courses)
    own = sum(completed[c][1] for c in measured_courses)
    point = MonthPoint(
        month=month,
        label=month_label(month.year, month.month),
        active=len(figures.active_citizens),
        active_courses=figures.active_courses,
        paired=figures.paired,
        improved=figures.improved,
        mean_change=figures.change.mean,
        measured=len(measured),
        collaborations=figures.collaborations,
        self_completed=own,
        measurements=n,
        _citizens=frozenset(figures.active_citizens),
    )
    return point, figures, measured, measured_courses


def _disclose(point: MonthPoint, figures: engine.GroupFigures, measured: set[int], measured_courses, k: int, step):
    """The month as an aggregate-only audience sees it (figures.comparison's rules, per month)."""
    citizens_key = disclosure.cell_key("citizen", figures.active_citizens)
    courses_key = disclosure.cell_key("course", figures.paired_ids)
    measured_key = disclosure.cell_key("course", measured)
    collab_key = disclosure.cell_key("citizen", figures.collab_citizens)
    completed_key = disclosure.cell_key("course", measured_courses)
    true_active = len(figures.active_citizens)
    point.active = disclosure.count(true_active, citizens_key, "active")
    point.active_courses = disclosure.count(figures.active_courses, citizens_key, "due")
    point.measured = min(disclosure.count(len(measured), measured_key, "measured"), point.active_courses)
    point.collaborations = disclosure.count(figures.collaborations, collab_key, "collaborations")
    if 0 < len(figures.collab_citizens) < k:
        point.collaborations = None
    # Offsets of their own (figures.disclosure has none named for these): the set of measured courses is usually
    # the same as for ``measured``, and the same offset would give both counts the same noise, so their difference
    # would be exact.
    point.measurements = disclosure.count(point.measurements or 0, completed_key, "gas_courses")
    point.self_completed = min(disclosure.count(point.self_completed or 0, completed_key, "score"), point.measurements)
    if 0 < len(measured_courses) < k:
        point.self_completed = point.measurements = None
    if figures.paired:
        point.paired = disclosure.count(figures.paired, courses_key, "paired")
        point.improved = min(disclosure.count(figures.improved, courses_key, "improved"), point.paired)
        point.mean_change = disclosure.mean(figures.change.total, figures.paired, courses_key, "change", step)
    if min(true_active, point.active) < k:
        hide(point)
    elif min(figures.paired, point.paired or 0) < k:
        hide_effect(point)


def hide(point: MonthPoint) -> None:
    point.hidden = True
    point.active = point.active_courses = point.measured = point.collaborations = None
    point.self_completed = point.measurements = None
    hide_effect(point)


def hide_effect(point: MonthPoint) -> None:
    point.effect_hidden = True
    point.paired = point.improved = None
    point.mean_change = None


def _step(instrument: Instrument) -> float:
    return float(instrument.score_multiplier or 1.0)


def monthly_series(
    *,
    scope: records.Scope,
    instrument: Instrument,
    start: datetime.date,
    end: datetime.date,
    disclose: bool,
    k: int | None = None,
    by_unit: bool = False,
    families: Sequence[frozenset[int]] = (),
) -> dict[int, list[MonthPoint]]:
    """The months from ``start`` to ``end`` for the whole scope (key 0) and, with ``by_unit``, for each unit.

    One read of the courses for the whole span; collaborations and self-completion in one query each.
    ``disclose=True`` for aggregate-only audiences (directors): see the module docstring. ``families`` are the
    sibling groups of units in which the director's comparison applies secondary suppression (the units of a
    department): a month a unit is hidden in the comparison — by its own size or as a complement — is hidden in
    the series too, so the comparison's total minus this series cannot give a hidden sibling."""
    k = k if k is not None else disclosure.Policy.current().k
    params = Params.of(instrument)
    span = Period(start.replace(day=1), end, "custom", "")
    family_units = frozenset().union(*families) if families else frozenset()
    read = records.Scope(scope.unit_ids | family_units, scope.legal_basis_id)
    every = records.course_records(read, span, [instrument])
    recs = [r for r in every if r.unit_id in scope.unit_ids]
    collabs_by_month: dict[datetime.date, list[tuple[int, int]]] = defaultdict(list)
    for course_id, citizen_id, day in dated_collaborations(read, span):
        collabs_by_month[day.replace(day=1)].append((course_id, citizen_id))
    completed = self_completed_counts(read, span, instrument)

    groups: dict[int, list[records.CourseRecord]] = {0: recs}
    if by_unit or (disclose and family_units):
        for unit_id in sorted(scope.unit_ids | family_units):
            groups[unit_id] = [r for r in every if r.unit_id == unit_id]
    step = _step(instrument)
    out: dict[int, list[MonthPoint]] = {}
    for key, members in groups.items():
        ids = {r.course_id for r in members}
        points = []
        for month in months_between(start, end):
            collabs = [(c, cit) for c, cit in collabs_by_month.get(month, ()) if c in ids]
            point, figures, measured, measured_courses = _month_point(
                month, members, params, instrument.pk, collabs, completed.get(month, {})
            )
            point._paired = figures.paired
            if disclose:
                _disclose(point, figures, measured, measured_courses, k, step)
            points.append(point)
        out[key] = points
    if disclose:
        siblings = [set(f) for f in families if len(f) > 1]
        if len(scope.unit_ids) > 1:
            siblings.append(set(scope.unit_ids))
        _secondary(out, siblings)
        if len(scope.unit_ids) == 1:
            # The whole scope is one unit: it is that unit's series, hidden wherever the unit is.
            (only,) = scope.unit_ids
            for whole, unit in zip(out[0], out.get(only, out[0]), strict=True):
                if unit.hidden and not whole.hidden:
                    hide(whole)
                elif unit.effect_hidden and not whole.effect_hidden:
                    hide_effect(whole)
    keep = {0} | (set(scope.unit_ids) if by_unit else set())
    return {key: points for key, points in out.items() if key in keep}


def _secondary(series: dict[int, list[MonthPoint]], families: list[set[int]]) -> None:
    """Secondary suppression per month as the comparison's: in every family of siblings where exactly one unit
    with data is hidden, hide the smallest shown one too (active citizens; for effect figures, paired courses)."""
    units = [u for u in series if u]
    if not units or not families:
        return
    for i in range(len(series[0])):
        sizes_active = {u: len(series[u][i]._citizens) for u in units}
        sizes_paired = {u: series[u][i]._paired for u in units}
        primary = {u for u in units if series[u][i].hidden}
        hidden = disclosure.complementary(primary, sizes_active, families)
        effect_primary = {u for u in units if series[u][i].effect_hidden} | hidden
        effect_hidden = disclosure.complementary(effect_primary, sizes_paired, families)
        for u in units:
            if u in hidden and not series[u][i].hidden:
                hide(series[u][i])
            elif u in effect_hidden and not series[u][i].effect_hidden:
                hide_effect(series[u][i])


def frame(points: Sequence[MonthPoint]) -> pd.DataFrame:
    """The series as a table (one row per month) — for the chart builders, the page's tables and the API."""
    return pd.DataFrame(
        {
            "month": [p.month for p in points],
            "label": [p.label for p in points],
            "active": [p.active for p in points],
            "paired": [p.paired for p in points],
            "improved": [p.improved for p in points],
            "mean_change": [p.mean_change for p in points],
            "improved_share": [p.improved_share for p in points],
            "measured_share": [p.measured_share for p in points],
            "collaborations_per_citizen": [p.collaborations_per_citizen for p in points],
            "self_completed_share": [p.self_completed_share for p in points],
            "hidden": [p.hidden for p in points],
        }
    )
