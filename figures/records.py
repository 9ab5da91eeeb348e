"""The rows the figures engine reads: one per course active in a period, with its occasions of an instrument.

Three queries whatever the size of the scope: the courses (with what case-mix needs of the citizen), their
measurements of the instrument up to the period's end, and — when asked — the goals and collaborations.
Everything else (baseline, follow-up, change, category, every count and mean) is computed from these rows by
``figures.engine`` under the instrument's current parameters, so a changed MID or minimum interval shows on
the next request, and the leader's page, the director's comparison, the exports, the API and the
publications cannot drift apart.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Exists, F, OuterRef, Q, Subquery, Value

from figures.periods import Period
from outcomes.followup import Occasion, occasions
from outcomes.models import Goal, GoalReview, Instrument, Measurement
from tracker.models import Collaboration, Course

COORDINATED_PLAN = "coordinated-plan"


@dataclass(frozen=True)
class Scope:
    """The courses a set of figures is about: those in these units (and with this legal basis, if given)."""

    unit_ids: frozenset[int]
    legal_basis_id: int | None = None

    def q(self, prefix: str = "") -> Q:
        q = Q(**{f"{prefix}unit_id__in": sorted(self.unit_ids)})
        if self.legal_basis_id is not None:
            q &= Q(**{f"{prefix}legal_basis_id": self.legal_basis_id})
        return q

    def via_course(self) -> Q:
        """The condition on a model with a ``course`` foreign key, as ``course_id IN (subquery)``: SQLite then
        walks the scope's courses through the (course, …) indexes instead of a whole instrument or date range."""
        return Q(course_id__in=Course.objects.filter(self.q()).values("pk"))


def active_q(period: Period, prefix: str = "") -> Q:
    """Courses that overlap the period: started on or before its end, not ended before its start."""
    return Q(**{f"{prefix}start__lte": period.end}) & (
        Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gte": period.start})
    )


@dataclass
class CourseRecord:
    """One course active in the period, and its occasions of the instrument up to the period's end."""

    course_id: int
    citizen_id: int
    citizen_name: str
    unit_id: int
    unit_name: str
    legal_basis_id: int
    start: datetime.date
    end: datetime.date | None
    birth_year: int | None
    gender: str
    first_course: bool  # the citizen's first course of support in the municipality
    occasions: dict[int, tuple[Occasion, ...]] = field(default_factory=dict)  # per instrument id

    def occasions_of(self, instrument_id: int) -> tuple[Occasion, ...]:
        return self.occasions.get(instrument_id, ())


def course_records(scope: Scope, period: Period, instruments: Sequence[Instrument]) -> list[CourseRecord]:
    """The courses active in the period with their occasions of each instrument up to its end (two queries)."""
    earlier = Course.objects.filter(citizen_id=OuterRef("citizen_id"), start__lt=OuterRef("start"))
    courses = (
        Course.objects.filter(scope.q(), active_q(period))
        .annotate(earlier=Exists(earlier))
        .values_list(
            "pk",
            "citizen_id",
            "citizen__name",
            "unit_id",
            "unit__name",
            "legal_basis_id",
            "start",
            "end",
            "citizen__birth_year",
            "citizen__gender",
            "earlier",
        )
        .order_by("citizen__name", "pk")
    )
    records = {
        pk: CourseRecord(pk, cit, name, unit, unit_name, basis, start, end, born, gender, not earlier)
        for pk, cit, name, unit, unit_name, basis, start, end, born, gender, earlier in courses
    }
    if not records:
        return []
    # An instrument with a score counts only scored measurements; the life-domain profile has none.
    # The instrument is compared through ``+ 0`` so that SQLite walks the (course, instrument, date) index from
    # the scope's courses rather than the (instrument, date) index over every unit (measured: 130 ms → 6 ms).
    which = Q()
    for instrument in instruments:
        which |= Q(which=instrument.pk, **({"score__isnull": False} if instrument.has_score else {}))
    points: dict[tuple[int, int], list] = defaultdict(list)
    rows = (
        Measurement.objects.annotate(which=F("instrument_id") + Value(0))
        .filter(
            which,
            course_id__in=Course.objects.filter(scope.q(), active_q(period)).values("pk"),
            date__lte=period.end,
        )
        .values_list("course_id", "instrument_id", "pk", "date", "score")
    )
    for course_id, instrument_id, pk, day, score in rows.iterator(chunk_size=5000):
        points[course_id, instrument_id].append((pk, day, score))
    for (course_id, instrument_id), pts in points.items():
        if course_id in records:
            records[course_id].occasions[instrument_id] = occasions(pts)
    return list(records.values())


def goal_rows(scope: Scope, period: Period) -> list[dict]:
    """Goals reviewed in the period: course, unit, level at the latest review by the period's end, weights —
    for the GAS T-score per course and the distribution of attained levels."""
    reviewed = GoalReview.objects.filter(goal_id=OuterRef("pk"), date__range=(period.start, period.end))
    latest = GoalReview.objects.filter(goal_id=OuterRef("pk"), date__lte=period.end).order_by("-date", "-pk")
    return list(
        Goal.objects.filter(scope.via_course())
        .annotate(reviewed=Exists(reviewed), level=Subquery(latest.values("level")[:1]))
        .filter(reviewed=True)
        .values("course_id", "course__unit_id", "course__citizen_id", "level", "importance", "difficulty")
        .order_by("course_id", "pk")
    )


def collaboration_rows(scope: Scope, period: Period) -> list[tuple[int, int, int, bool]]:
    """(course, unit, citizen, is a coordinated plan) per collaboration dated in the period, for active courses."""
    return list(
        Collaboration.objects.filter(
            scope.via_course(), active_q(period, "course__"), date__range=(period.start, period.end)
        )
        .annotate(plan=Q(kind__code=COORDINATED_PLAN))
        .values_list("course_id", "course__unit_id", "course__citizen_id", "plan")
    )
