"""The unit dashboard's figures as plain values: shares with Wilson intervals, means with t intervals, and
one dataclass per row of each table. No queries here; ``unit.py`` fills them.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from figures.periods import Period
from outcomes import statistics
from outcomes.models import Informer, Instrument, TrajectorySummary
from tracker.models import LegalBasis, OrganisationUnit

Category = TrajectorySummary.Category
Method = TrajectorySummary.Method
IMPROVING = (Category.RECOVERED, Category.IMPROVED)
WORSENING = (Category.DETERIORATED, Category.HARMED)


@dataclass(frozen=True)
class Share:
    """k of n, with a Wilson 95% interval (Newcombe 1998, method 3)."""

    k: int
    n: int

    @property
    def value(self) -> float | None:
        return self.k / self.n if self.n else None

    @cached_property
    def interval(self) -> tuple[float, float] | None:
        return statistics.wilson_interval(self.k, self.n) if self.n else None

    @property
    def low(self) -> float | None:
        return self.interval[0] if self.interval else None

    @property
    def high(self) -> float | None:
        return self.interval[1] if self.interval else None


@dataclass(frozen=True)
class Mean:
    """A mean of n values with a t-based 95% interval (needs n ≥ 2; ``outcomes.statistics.mean_change_ci``)."""

    n: int
    mean: float | None = None
    low: float | None = None
    high: float | None = None

    @classmethod
    def of(cls, values: Sequence[float]) -> Mean:
        if not values:
            return cls(0)
        if len(values) == 1:
            return cls(1, float(values[0]))
        mean, low, high = statistics.mean_change_ci(values)
        return cls(len(values), mean, low, high)


@dataclass
class CourseRow:
    """One active course, its baseline and its latest measurement by the end of the period."""

    course_id: int
    citizen_id: int
    citizen_name: str
    unit_id: int
    unit_name: str
    start: datetime.date
    end: datetime.date | None
    base_date: datetime.date | None
    base_score: float | None
    end_date: datetime.date | None
    end_score: float | None
    kind_ids: frozenset[int]
    category: str = ""  # classified from the baseline to the follow-up in the period
    change: float | None = None
    paired: bool = False  # has a follow-up in the period (figures.engine's rule); end_* is then the follow-up
    due: bool = False  # the baseline lies the minimum interval before the period's end

    @property
    def has_baseline(self) -> bool:
        return self.base_date is not None


@dataclass(frozen=True)
class CategoryShare:
    code: str
    label: str
    share: Share


@dataclass(frozen=True)
class QuarterRow:
    label: str
    start: datetime.date
    n: int  # courses measured in the quarter (each course's last measurement there)
    mean: float | None
    improved: Share | None  # of the follow-ups in the quarter; None when the instrument cannot classify


@dataclass(frozen=True)
class DomainChange:
    code: str
    label: str
    n: int
    mean_first: float | None
    mean_latest: float | None
    mean_change: float | None


@dataclass(frozen=True)
class GoalLevelRow:
    level: int
    label: str
    share: Share


@dataclass(frozen=True)
class GoalDomainRow:
    label: str
    set: int
    reviewed: int
    met: Share  # reviewed goals at or above the expected level


@dataclass(frozen=True)
class SectorRow:
    label: str
    n: int
    partners: int
    citizens: int
    participated: int
    rated: int
    usefulness: float | None


@dataclass(frozen=True)
class KindAssociation:
    code: str
    label: str
    with_kind: Mean
    without_kind: Mean

    @property
    def difference(self) -> float | None:
        if self.with_kind.mean is None or self.without_kind.mean is None:
            return None
        return self.with_kind.mean - self.without_kind.mean


@dataclass(frozen=True)
class InformerRow:
    code: str
    label: str
    share: Share
    self_completed: int = 0  # of these, completed by the citizen themselves (tablet or personal link)


@dataclass(frozen=True)
class FollowUpRow:
    citizen_id: int
    citizen_name: str
    unit_name: str
    start: datetime.date
    last_date: datetime.date | None
    days_since: int | None
    status: str  # "missing" (no baseline), "due", "overdue"
    status_label: str


@dataclass(frozen=True)
class NotOnTrackRow:
    citizen_id: int
    citizen_name: str
    unit_name: str
    base_date: datetime.date
    base_score: float
    end_date: datetime.date
    end_score: float
    change: float | None
    reason: str


@dataclass(frozen=True)
class UnitBreakdown:
    unit_id: int
    unit_name: str
    active_citizens: int
    active_courses: int
    coverage: Share
    mean_change: Mean
    improved: Share | None


@dataclass(frozen=True)
class DashboardParams:
    """What the dashboard is about: units (from ``leader_units``), period, instrument, legal basis."""

    units: tuple[OrganisationUnit, ...]
    period: Period
    instrument: Instrument
    legal_basis: LegalBasis | None = None

    @property
    def unit_ids(self) -> frozenset[int]:
        return frozenset(u.pk for u in self.units)


@dataclass
class UnitDashboard:
    params: DashboardParams
    units: list[OrganisationUnit]
    method: str
    threshold: float | None  # the MID or the raw reliable-change threshold
    counts: dict
    courses: list[CourseRow]
    coverage: Share
    no_baseline: Share
    mean_change: Mean
    categories: list[CategoryShare]
    effect_size: dict | None
    trend: list[QuarterRow]
    life_domains: list[DomainChange] | None  # None: the life-domain instrument does not exist
    goals_set: int
    goals_reviewed: int
    goal_levels: list[GoalLevelRow]
    gas: Mean
    goals_by_domain: list[GoalDomainRow]
    sectors: list[SectorRow]
    plan: Share
    kind_associations: list[KindAssociation]
    informers: list[InformerRow]
    follow_up: list[FollowUpRow]
    not_on_track: list[NotOnTrackRow]
    not_on_track_days: int
    by_unit: list[UnitBreakdown] = field(default_factory=list)

    @property
    def instrument(self) -> Instrument:
        return self.params.instrument

    @property
    def period(self) -> Period:
        return self.params.period

    @property
    def paired(self) -> list[CourseRow]:
        return [c for c in self.courses if c.paired]

    @property
    def has_measurements(self) -> bool:
        """Whether the units have any measurement at all (of any instrument, ever)."""
        return self.counts["measured_courses"] > 0

    @property
    def has_data_in_period(self) -> bool:
        return self.counts["active_courses"] > 0

    @property
    def measurements_in_period(self) -> int:
        return sum(r.share.k for r in self.informers)

    @property
    def instrument_used(self) -> bool:
        """Whether anyone in scope measured with the chosen instrument in the period."""
        return self.measurements_in_period > 0

    @property
    def staff_share(self) -> Share:
        return Share(sum(r.share.k for r in self.informers if r.code == Informer.STAFF), self.measurements_in_period)

    @property
    def citizen_share(self) -> Share:
        """Answered by the citizen, alone or supported by a relative or staff."""
        own = (Informer.CITIZEN, Informer.CITIZEN_RELATIVE, Informer.CITIZEN_STAFF)
        return Share(sum(r.share.k for r in self.informers if r.code in own), self.measurements_in_period)

    @property
    def self_completed_share(self) -> Share:
        """Completed by the citizen themselves, on the tablet or by a personal link (not typed in by staff)."""
        return Share(sum(r.self_completed for r in self.informers), self.measurements_in_period)

    @property
    def improved(self) -> Share | None:
        """Improved in all (recovered included), for the summaries that need one number."""
        if self.method == Method.NONE:
            return None
        return Share(sum(1 for c in self.paired if c.category in IMPROVING), len(self.paired))

    @property
    def deteriorated(self) -> Share | None:
        if self.method == Method.NONE:
            return None
        return Share(sum(1 for c in self.paired if c.category in WORSENING), len(self.paired))

    @property
    def due(self) -> list[FollowUpRow]:
        return [r for r in self.follow_up if r.status != "missing"]

    @property
    def collaborations(self) -> int:
        return sum(r.n for r in self.sectors)

    @property
    def usefulness(self) -> Mean:
        """The citizens' mean usefulness rating over all collaborations in the period (no interval)."""
        rated = sum(r.rated for r in self.sectors)
        if not rated:
            return Mean(0)
        return Mean(rated, sum(r.usefulness * r.rated for r in self.sectors if r.rated) / rated)
