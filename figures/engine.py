"""The figures engine: one computation of a figure set from course records, for every role and channel.

``trajectories`` applies the shared follow-up rule (``outcomes.followup``) and the instrument's current
parameters to each course; ``group_figures`` turns a group of trajectories (a unit, a department, the whole
scope) into the counts, means and shares that the leader's page, the effect report, the director's comparison,
the exports, the API and the publications show. The unit dashboard and the comparison both call these two
functions; none of them computes a figure of its own. Disclosure control for aggregate-only audiences is
applied afterwards, once, by ``figures.disclosure``.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from figures.periods import Period, quarter_bounds, quarter_label, quarters_between
from figures.records import CourseRecord
from outcomes import followup, statistics
from outcomes.followup import Occasion
from outcomes.models import TrajectorySummary
from outcomes.summaries import Params, classify

Category = TrajectorySummary.Category
Method = TrajectorySummary.Method
IMPROVING = frozenset({Category.RECOVERED, Category.IMPROVED})
WORSENING = frozenset({Category.DETERIORATED, Category.HARMED})


@dataclass
class Trajectory:
    """A course's baseline, its follow-up in the period (if any) and the change between them."""

    record: CourseRecord
    baseline: Occasion | None
    latest: Occasion | None  # the latest occasion by the period's end (for follow-up lists)
    follow_up: Occasion | None  # the latest occasion in the period, the minimum interval after the baseline
    due: bool  # the baseline lies at least the minimum interval before the period's end
    change: float | None = None
    category: str = ""

    @property
    def paired(self) -> bool:
        return self.follow_up is not None and self.change is not None


def trajectory(
    record: CourseRecord, start: datetime.date, end: datetime.date, params: Params, instrument_id: int
) -> Trajectory:
    occ = record.occasions_of(instrument_id)
    base = followup.baseline(occ)
    if base is not None and base.date > end:
        base = None
    fu = followup.follow_up(occ, start, end, params.min_interval_days)
    t = Trajectory(
        record=record,
        baseline=base,
        latest=followup.latest_by(occ, end),
        follow_up=fu,
        due=followup.is_due(occ, end, params.min_interval_days),
    )
    if fu is not None and base is not None and base.score is not None and fu.score is not None:
        t.change = fu.score - base.score
        _rci, t.category = classify(base.score, fu.score, params)
    return t


def trajectories(
    records: Iterable[CourseRecord], period: Period, params: Params, instrument_id: int
) -> list[Trajectory]:
    return [trajectory(r, period.start, period.end, params, instrument_id) for r in records]


@dataclass(frozen=True)
class Summary:
    """A mean of n values with its SD (None below 2 values)."""

    n: int
    total: float
    sum_squares: float

    @property
    def mean(self) -> float | None:
        return self.total / self.n if self.n else None

    @property
    def sd(self) -> float | None:
        if self.n < 2:
            return None
        var = (self.sum_squares - self.total * self.total / self.n) / (self.n - 1)
        return max(0.0, var) ** 0.5

    @classmethod
    def of(cls, values: Sequence[float]) -> Summary:
        return cls(len(values), float(sum(values)), float(sum(v * v for v in values)))


@dataclass
class GroupFigures:
    """One group's figure set (a unit, a department or the whole scope) before disclosure control.

    ``citizens``/``courses`` are the ids behind each count, so disclosure control can key its perturbation to
    the exact set of citizens behind a figure (``figures.disclosure``); they never leave the engine.
    """

    key: int
    name: str
    active_citizens: set[int] = field(default_factory=set)
    active_courses: int = 0
    due_courses: int = 0
    paired_ids: list[int] = field(default_factory=list)  # course ids with a follow-up
    changes: list[float] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    baseline_scores: list[float] = field(default_factory=list)
    gas_scores: list[float] = field(default_factory=list)
    gas_course_ids: list[int] = field(default_factory=list)
    collaborations: int = 0
    collaboration_ids: list[int] = field(default_factory=list)  # course ids, one per collaboration
    collab_citizens: set[int] = field(default_factory=set)

    @property
    def paired(self) -> int:
        return len(self.paired_ids)

    @property
    def improved(self) -> int:
        return sum(1 for c in self.categories if c in IMPROVING)

    @property
    def deteriorated(self) -> int:
        return sum(1 for c in self.categories if c in WORSENING)

    @property
    def unchanged(self) -> int:
        return self.paired - self.improved - self.deteriorated

    @property
    def change(self) -> Summary:
        return Summary.of(self.changes)

    @property
    def category_counts(self) -> Counter:
        return Counter(self.categories)


def group_figures(
    key: int,
    name: str,
    trajs: Iterable[Trajectory],
    *,
    gas: dict[int, float] | None = None,
    collaborations: Iterable[tuple[int, int]] = (),
) -> GroupFigures:
    """The figure set of one group of trajectories; ``gas`` maps course → T-score for courses with a goal
    reviewed in the period; ``collaborations`` are (course, citizen) per collaboration in the period."""
    g = GroupFigures(key=key, name=name)
    course_ids = set()
    for t in trajs:
        r = t.record
        course_ids.add(r.course_id)
        g.active_citizens.add(r.citizen_id)
        g.active_courses += 1
        g.due_courses += t.due
        if t.paired:
            g.paired_ids.append(r.course_id)
            g.changes.append(t.change)
            g.categories.append(t.category)
            g.baseline_scores.append(t.baseline.score)
    return add_goals_and_collaborations(g, course_ids, (gas or {}).items(), collaborations)


def add_goals_and_collaborations(
    g: GroupFigures, course_ids: set[int], gas: Iterable[Sequence], collaborations: Iterable[Sequence]
) -> GroupFigures:
    """Add the GAS T-scores (course, score) and collaborations (course, citizen) of the group's courses."""
    for course_id, score in gas:
        if course_id in course_ids:
            g.gas_course_ids.append(course_id)
            g.gas_scores.append(score)
    for course_id, citizen_id in collaborations:
        if course_id in course_ids:
            g.collaborations += 1
            g.collaboration_ids.append(course_id)
            g.collab_citizens.add(citizen_id)
    return g


def gas_by_course(goal_rows: Iterable[dict]) -> dict[int, float]:
    """Each course's GAS T-score (Kiresuk & Sherman 1968) over its goals reviewed in the period."""
    by_course: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for r in goal_rows:
        if r["level"] is None:
            continue
        weight = float(r["importance"] * r["difficulty"]) if r["importance"] and r["difficulty"] else 1.0
        by_course[r["course_id"]].append((r["level"], weight))
    out = {}
    for course_id, goals in by_course.items():
        levels, weights = zip(*goals, strict=True)
        out[course_id] = statistics.gas_t_score(levels, weights)
    return out


@dataclass(frozen=True)
class QuarterFigures:
    """One calendar quarter of a trend, by the same rule as the period's figures."""

    year: int
    quarter: int
    label: str
    start: datetime.date
    measured: int  # courses with an occasion in the quarter
    mean_score: float | None  # mean of those courses' latest occasion in the quarter
    figures: GroupFigures  # follow-ups in the quarter: change, categories


def quarterly(
    records: Sequence[CourseRecord], period: Period, params: Params, instrument_id: int, *, key: int = 0
) -> list[QuarterFigures]:
    """Per calendar quarter overlapping the period (clipped to it): the same figures as for a period."""
    out = []
    for year, quarter in quarters_between(period.start, period.end):
        q_start, q_end = quarter_bounds(year, quarter)
        q_start, q_end = max(q_start, period.start), min(q_end, period.end)
        trajs = [trajectory(r, q_start, q_end, params, instrument_id) for r in records if active_in(r, q_start, q_end)]
        latest = [t.latest for t in trajs if t.latest is not None and t.latest.date >= q_start]
        scores = [o.score for o in latest if o.score is not None]
        out.append(
            QuarterFigures(
                year=year,
                quarter=quarter,
                label=quarter_label(year, quarter),
                start=q_start,
                measured=len(scores),
                mean_score=sum(scores) / len(scores) if scores else None,
                figures=group_figures(key, quarter_label(year, quarter), trajs),
            )
        )
    return out


def active_in(r: CourseRecord, start: datetime.date, end: datetime.date) -> bool:
    """The course overlaps [start, end] (``records.active_q`` as a test on one record)."""
    return r.start <= end and (r.end is None or r.end >= start)
