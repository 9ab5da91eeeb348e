"""The engine's figure sets from the pre-aggregated rows (``figures.aggregates``) instead of per-course rows.

Every function here returns what the per-course path returns (``engine.group_figures``, ``engine.quarterly``,
``engine.trajectories``) for the same courses in the same order; categories are classified here, at read time,
under the instrument's current parameters. tests/figures/test_aggregates.py checks the equality.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from django.db.models import OuterRef, Subquery

from figures import aggregates, engine, records
from figures.aggregates import C
from figures.periods import Period, quarter_label
from outcomes.followup import Occasion
from outcomes.models import Instrument
from outcomes.summaries import Params, classify
from tracker.models import Citizen

COURSE, CITIZEN, BASIS, DUE = C["course"], C["citizen"], C["basis"], C["due"]
B_SCORE, F_ID, F_SCORE = C["b_score"], C["f_id"], C["f_score"]


def paired(c: list) -> bool:
    return c[F_ID] is not None and c[B_SCORE] is not None and c[F_SCORE] is not None


def courses(data: dict, legal_basis_id: int | None) -> list[list]:
    """The row's course columns in the scope (all, or those with the legal basis)."""
    return [c for c in data["c"] if legal_basis_id is None or c[BASIS] == legal_basis_id]


def group_figures(
    key: int,
    name: str,
    rows: Iterable[list],
    params: Params,
    *,
    gas: Iterable[Sequence] = (),
    collaborations: Iterable[Sequence] = (),
) -> engine.GroupFigures:
    """``engine.group_figures`` over course columns (in course order)."""
    g = engine.GroupFigures(key=key, name=name)
    rows = rows if isinstance(rows, list) else list(rows)
    ids = {c[COURSE] for c in rows}
    g.active_citizens = {c[CITIZEN] for c in rows}
    g.active_courses = len(rows)
    g.due_courses = sum(1 for c in rows if c[DUE])
    categories: dict[tuple, str] = {}  # scores take few values: classify each pair once
    for c in rows:
        if c[F_ID] is not None and c[B_SCORE] is not None and c[F_SCORE] is not None:
            base, score = c[B_SCORE], c[F_SCORE]
            category = categories.get((base, score))
            if category is None:
                category = categories[base, score] = classify(base, score, params)[1]
            g.paired_ids.append(c[COURSE])
            g.changes.append(score - base)
            g.categories.append(category)
            g.baseline_scores.append(base)
    return engine.add_goals_and_collaborations(g, ids, gas, collaborations)


def quarterly(
    datas: Iterable[dict], legal_basis_id: int | None, params: Params, *, key: int = 0, order=None, full=True
) -> list[engine.QuarterFigures]:
    """``engine.quarterly`` over the rows of one or more units (same period); ``order``: course → position
    (default: course id, the order the rows are stored in). ``full=False``: only what a trend shows (measured,
    mean score, active citizens and courses), not the quarter's follow-ups and categories."""
    datas = list(datas)
    if not datas:
        return []
    out = []
    for qi, (q_start, _q_end, _e) in enumerate(datas[0]["q"]):
        # (course, citizen, measured score, baseline score, paired follow-up score, due)
        entries = [
            (c[COURSE], c[CITIZEN], measured, c[B_SCORE], fu, due)
            for data in datas
            for c, (idx, measured, fu, due) in ((data["c"][e[0]], e) for e in data["q"][qi][2])
            if legal_basis_id is None or c[BASIS] == legal_basis_id
        ]
        if order is not None:
            entries.sort(key=lambda e: order[e[0]])
        elif len(datas) > 1:
            entries.sort()
        start = datetime.date.fromordinal(q_start)
        label = quarter_label(start.year, (start.month - 1) // 3 + 1)
        scores = [e[2] for e in entries if e[2] is not None]
        g = engine.GroupFigures(key=key, name=label)
        g.active_citizens = {e[1] for e in entries}
        g.active_courses = len(entries)
        g.due_courses = sum(1 for e in entries if e[5])
        for course_id, _citizen, _m, base, fu, _due in entries if full else ():
            if fu is not None:
                g.paired_ids.append(course_id)
                g.changes.append(fu - base)
                g.categories.append(classify(base, fu, params)[1])
                g.baseline_scores.append(base)
        out.append(
            engine.QuarterFigures(
                year=start.year,
                quarter=(start.month - 1) // 3 + 1,
                label=label,
                start=start,
                measured=len(scores),
                mean_score=sum(scores) / len(scores) if scores else None,
                figures=g,
            )
        )
    return out


def _occasion(c: list, prefix: str) -> Occasion | None:
    pk = c[C[f"{prefix}_id"]]
    if pk is None:
        return None
    return Occasion(pk, datetime.date.fromordinal(c[C[f"{prefix}_date"]]), c[C[f"{prefix}_score"]])


def trajectories(
    datas: dict[int, dict], names: Sequence[tuple[int, str, str]], period: Period, params: Params, instrument_id: int
) -> list[engine.Trajectory]:
    """``engine.trajectories`` over the rows, in the order of ``names`` ((course, citizen name, unit name))."""
    by_id = {(unit_id, c[COURSE]): c for unit_id, data in datas.items() for c in data["c"]}
    by_course = {course_id: (unit_id, c) for (unit_id, course_id), c in by_id.items()}
    out = []
    for course_id, citizen_name, unit_name in names:
        if course_id not in by_course:
            continue
        unit_id, c = by_course[course_id]
        end = c[C["end"]]
        record = records.CourseRecord(
            course_id=course_id,
            citizen_id=c[CITIZEN],
            citizen_name=citizen_name,
            unit_id=unit_id,
            unit_name=unit_name,
            legal_basis_id=c[BASIS],
            start=datetime.date.fromordinal(c[C["start"]]),
            end=datetime.date.fromordinal(end) if end is not None else None,
            birth_year=c[C["birth_year"]],
            gender=c[C["gender"]],
            first_course=bool(c[C["first"]]),
        )
        t = engine.Trajectory(
            record=record,
            baseline=_occasion(c, "b"),
            latest=_occasion(c, "l"),
            follow_up=_occasion(c, "f"),
            due=bool(c[DUE]),
        )
        if paired(c):
            t.change = c[F_SCORE] - c[B_SCORE]
            _rci, t.category = classify(c[B_SCORE], c[F_SCORE], params)
        out.append(t)
    return out


def dashboard_inputs(
    scope: records.Scope, period: Period, instrument: Instrument, *, source: str = "rows"
) -> tuple[list[engine.Trajectory], list[engine.QuarterFigures]]:
    """The unit dashboard's trajectories and quarterly trend, in the course order of ``records.course_records``
    (citizen name, course). ``source="records"``: the per-course path."""
    params = Params.of(instrument)
    datas = aggregates.stored(scope.unit_ids, [instrument], period)[instrument.pk] if source == "rows" else {}
    if source == "records" or set(datas) != set(scope.unit_ids):
        # Rows not materialised (they are built by the comparison, by ``rebuild_figures``, or on a later read):
        # the per-course path, which gives the same figures.
        recs = records.course_records(scope, period, [instrument])
        return engine.trajectories(recs, period, params, instrument.pk), engine.quarterly(
            recs, period, params, instrument.pk
        )
    # The citizen's name by a correlated subquery, not a join: PostgreSQL would hash-join a unit's few hundred
    # courses with every citizen of the municipality (measured at 50,000 citizens: 8 ms → 4 ms).
    name = Citizen.objects.filter(pk=OuterRef("citizen_id")).order_by().values("name")
    names = list(
        records.Course.objects.filter(scope.q(), records.active_q(period))
        .annotate(citizen_name=Subquery(name))
        .order_by("citizen_name", "pk")
        .values_list("pk", "citizen_name", "unit__name")
    )
    order = {pk: i for i, (pk, _n, _u) in enumerate(names)}
    trajs = trajectories(datas, names, period, params, instrument.pk)
    quarters = quarterly([datas[u] for u in sorted(datas)], scope.legal_basis_id, params, order=order)
    return trajs, quarters


def life_inputs(scope: records.Scope, period: Period, life_instrument: Instrument | None) -> list[engine.Trajectory]:
    """The life-domain trajectories, read per course (two small queries: its item answers are read per course
    anyway)."""
    if life_instrument is None:
        return []
    recs = records.course_records(scope, period, [life_instrument])
    return engine.trajectories(recs, period, Params.of(life_instrument), life_instrument.pk)
