"""'Mine borgere': the caseworker's open courses with what they need at a glance from the measurements and goals.

A read scoped to the user like every selector: the courses come from ``tracker.selectors.course_list``.
"""

from __future__ import annotations

import datetime

from django.db.models import BooleanField, Case, Count, OuterRef, Q, QuerySet, Subquery, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from outcomes.models import Goal, GoalReview, Instrument, TrajectorySummary
from tracker.models import Course
from tracker.selectors import course_list


def my_citizens(*, user, today: datetime.date | None = None) -> QuerySet[Course]:
    """'Mine borgere': open courses in the user's units, annotated with what the caseworker needs at a glance.

    Every column is an annotation (subqueries on the trajectory summaries and goals), so the page costs the
    same number of queries whatever the number of citizens or measurements.
    """
    today = today or timezone.localdate()
    who5 = Instrument.objects.filter(code="who5").first()
    interval = datetime.timedelta(days=(who5.interval_days if who5 and who5.interval_days else 90))
    summary = TrajectorySummary.objects.filter(course=OuterRef("pk"))
    who5_summary = summary.filter(instrument=who5)
    latest_level = GoalReview.objects.filter(goal=OuterRef("pk")).order_by("-date", "-pk").values("level")[:1]
    goals = Goal.objects.filter(course=OuterRef("pk"), closed_on__isnull=True)
    goal_count = goals.values("course").annotate(n=Count("pk")).values("n")
    on_track = (
        # Not yet reviewed: the goal is where it started (as on the citizen page).
        goals.annotate(latest_level=Coalesce(Subquery(latest_level), "baseline_level"))
        .filter(latest_level__gte=0)
        .values("course")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        course_list(user=user)
        .annotate(
            last_measured=Subquery(summary.order_by("-latest_date").values("latest_date")[:1]),
            who5_latest_date=Subquery(who5_summary.values("latest_date")[:1]),
            who5_latest=Subquery(who5_summary.values("latest_score")[:1]),
            who5_change=Subquery(who5_summary.values("change")[:1]),
            goals_total=Coalesce(Subquery(goal_count), 0),
            goals_on_track=Coalesce(Subquery(on_track), 0),
        )
        .annotate(
            due=Case(
                When(Q(who5_latest_date__isnull=True) | Q(who5_latest_date__lt=today - interval), then=True),
                default=False,
                output_field=BooleanField(),
            )
        )
    )
