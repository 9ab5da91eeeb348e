"""The unit dashboard's database queries: one query each, aggregated in the database wherever the figure allows.

Every function takes the scope (the units and, optionally, the legal basis) and the period, and returns
plain rows. The number of queries is fixed; only the rows that a figure needs per course (the changes
behind a confidence interval, the citizens on a follow-up list) grow with the data.

Baselines, follow-ups, changes and categories are not computed here but by the figures engine
(``figures.records`` and ``figures.engine``), the same for every role and channel.
"""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Avg,
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)

from figures.periods import Period
from figures.records import Scope, active_q
from outcomes.models import SELF_COMPLETED, Goal, GoalReview, InstrumentItem, ItemAnswer, Measurement
from tracker.models import Collaboration, CollaborationKind, Course

COORDINATED_PLAN = "coordinated-plan"
LIFE_DOMAINS = "life-domains"


def course_counts(scope: Scope, period: Period) -> dict[str, Any]:
    """Active courses and citizens, courses started and ended, and citizens with a coordinated plan or any
    collaboration — one aggregate. It reads courses and collaborations, not measurements (``measured_courses``)."""
    active = active_q(period)
    plan = Collaboration.objects.filter(course_id=OuterRef("pk"), kind__code=COORDINATED_PLAN, date__lte=period.end)
    collab = Collaboration.objects.filter(course_id=OuterRef("pk"), date__range=(period.start, period.end))
    qs = Course.objects.filter(scope.q()).annotate(has_plan=Exists(plan), has_collab=Exists(collab))
    return qs.aggregate(
        active_courses=Count("pk", filter=active),
        active_citizens=Count("citizen_id", distinct=True, filter=active),
        started=Count("pk", filter=Q(start__range=(period.start, period.end))),
        ended=Count("pk", filter=Q(end__range=(period.start, period.end))),
        plan_citizens=Count("citizen_id", distinct=True, filter=active & Q(has_plan=True)),
        collab_citizens=Count("citizen_id", distinct=True, filter=active & Q(has_collab=True)),
    )


def measured_courses(scope: Scope) -> int:
    """The courses in the scope with any measurement at all, of any instrument, ever."""
    measured = Measurement.objects.filter(course_id=OuterRef("pk"))
    return Course.objects.filter(scope.q()).filter(Exists(measured)).count()


def kinds_with_courses(scope: Scope, period: Period) -> list[tuple[CollaborationKind, frozenset[int]]]:
    """Every kind of collaboration, in its order, with the courses in the scope that have had one by the period's
    end (for the kind associations). One query: the kinds, and after them the (kind, course) pairs, as the two
    halves of a ``UNION ALL`` (a pair row has a course, a kind row none)."""
    kinds = CollaborationKind.objects.order_by().values_list(
        "pk", "code", "name_da", "name_en", "order", Value(None, output_field=IntegerField())
    )
    pairs = (
        Collaboration.objects.filter(scope.via_course(), date__lte=period.end)
        .order_by()
        .values_list("kind_id", Value(""), Value(""), Value(""), Value(0), "course_id")
        .distinct()
    )
    found: list[CollaborationKind] = []
    courses: dict[int, set[int]] = {}
    for pk, code, name_da, name_en, order, course_id in kinds.union(pairs, all=True):
        if course_id is None:
            found.append(CollaborationKind(pk=pk, code=code, name_da=name_da, name_en=name_en, order=order))
        else:
            courses.setdefault(pk, set()).add(course_id)
    found.sort(key=lambda kind: (kind.order, kind.code))
    return [(kind, frozenset(courses.get(kind.pk, ()))) for kind in found]


def life_domain_items() -> list[InstrumentItem]:
    """The life-domain self-rating's items with their domains (one query; empty if the instrument is missing)."""
    return list(
        InstrumentItem.objects.filter(instrument__code=LIFE_DOMAINS)
        .select_related("instrument", "life_domain")
        .order_by("order")
    )


def life_domain_changes(pairs: list[tuple[int, int]]) -> list[dict[str, Any]]:
    """Per item (life domain), over (baseline, follow-up) measurement pairs: n, the mean rating at each end
    and the mean of the paired changes. Items skipped ("ikke vurderet") at either end do not count."""
    if not pairs:
        return []
    baseline_of = {fu: base for base, fu in pairs}
    answers = {
        (m, item): value
        for m, item, value in ItemAnswer.objects.filter(
            measurement_id__in=sorted(set(baseline_of) | set(baseline_of.values()))
        ).values_list("measurement_id", "item_id", "value")
    }
    sums: dict[int, list[float]] = {}
    for (m, item), value in answers.items():
        if m not in baseline_of:
            continue
        before = answers.get((baseline_of[m], item))
        if before is None:
            continue
        acc = sums.setdefault(item, [0, 0.0, 0.0])
        acc[0] += 1
        acc[1] += before
        acc[2] += value
    return [
        {
            "item_id": item,
            "n": n,
            "mean_first": a / n,
            "mean_latest": b / n,
            "mean_change": (b - a) / n,
        }
        for item, (n, a, b) in sorted(sums.items())
    ]


def _goals(scope: Scope, period: Period) -> QuerySet[Goal]:
    reviewed = GoalReview.objects.filter(goal_id=OuterRef("pk"), date__range=(period.start, period.end))
    latest = GoalReview.objects.filter(goal_id=OuterRef("pk"), date__lte=period.end).order_by("-date", "-pk")
    return Goal.objects.filter(scope.via_course()).annotate(
        reviewed=Exists(reviewed), level=Subquery(latest.values("level")[:1])
    )


def goals(scope: Scope, period: Period) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One query for both of the goals' figures:

    - the goals reviewed in the period: course, level at the latest review and the weights — for the GAS T-score
      per course, and counted by level for the distribution of attained levels (in course order);
    - per life domain (in the domains' order): goals set in the period, goals reviewed in it, and of those how
      many reached at least the expected level (0) at their latest review."""
    in_period = Q(created_on__range=(period.start, period.end))
    rows = (
        _goals(scope, period)
        .filter(in_period | Q(reviewed=True))
        .annotate(set_in_period=ExpressionWrapper(in_period, output_field=BooleanField()))
        .values(
            "course_id",
            "level",
            "importance",
            "difficulty",
            "reviewed",
            "set_in_period",
            "life_domain_id",
            "life_domain__name_da",
            "life_domain__name_en",
            "life_domain__order",
        )
        .order_by("course_id", "pk")
    )
    reviewed, domains = [], {}
    for r in rows:
        if r["reviewed"]:
            reviewed.append({k: r[k] for k in ("course_id", "level", "importance", "difficulty")})
        domain = domains.setdefault(
            r["life_domain_id"],
            {k: r[k] for k in ("life_domain_id", "life_domain__name_da", "life_domain__name_en", "life_domain__order")}
            | {"set": 0, "reviewed_n": 0, "met": 0},
        )
        domain["set"] += bool(r["set_in_period"])
        domain["reviewed_n"] += bool(r["reviewed"])
        domain["met"] += bool(r["reviewed"] and r["level"] is not None and r["level"] >= 0)
    by_domain = sorted(domains.values(), key=lambda d: (d["life_domain__order"], d["life_domain_id"] or 0))
    return reviewed, by_domain


def sectors(scope: Scope, period: Period) -> list[dict[str, Any]]:
    """Collaborations in the period per partner sector: how many, with how many partners and citizens,
    how often the citizen took part, and the citizens' usefulness ratings (mean and n)."""
    return list(
        Collaboration.objects.filter(scope.via_course(), date__range=(period.start, period.end))
        .values("partner__sector_id", "partner__sector__name_da", "partner__sector__name_en", "partner__sector__order")
        .annotate(
            n=Count("pk"),
            partners=Count("partner_id", distinct=True),
            citizens=Count("course__citizen_id", distinct=True),
            participated=Count("pk", filter=Q(citizen_participated=True)),
            rated=Count("usefulness"),
            usefulness=Avg("usefulness"),
        )
        .order_by("-n", "partner__sector__order")
    )


def informers(scope: Scope, period: Period, instrument_id: int) -> list[dict[str, Any]]:
    """Measurements of the instrument in the period, counted by who answered, and how many of them the citizen
    completed themselves (on the tablet or by a personal link)."""
    return list(
        Measurement.objects.filter(
            scope.via_course(), instrument_id=instrument_id, date__range=(period.start, period.end)
        )
        .values("informer")
        .annotate(n=Count("pk"), self_completed=Count("pk", filter=Q(completion__in=SELF_COMPLETED)))
        .order_by("informer")
    )
