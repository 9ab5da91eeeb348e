"""Reads the API needs beyond the apps' own selectors — each built on them, so the scoping stays in one place."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from api.models import ApiKey, IdempotencyKey
from outcomes import selectors as outcome_selectors
from outcomes.models import Goal, GoalReview, Measurement
from tracker import selectors as tracker_selectors
from tracker.models import Collaboration


def api_key_get(*, user) -> ApiKey | None:
    """The user's own API key record (never the key itself: only its digest is stored)."""
    return ApiKey.objects.filter(user=user).first()


def collaboration_list(*, user) -> QuerySet[Collaboration]:
    """Collaborations around the courses the user may see (``tracker.selectors.course_list``)."""
    courses = tracker_selectors.course_list(user=user, open_only=False)
    return Collaboration.objects.filter(course__in=courses.values("pk")).select_related(
        "course", "partner__sector", "kind"
    )


def collaboration_get(*, user, pk: int) -> Collaboration:
    try:
        return collaboration_list(user=user).get(pk=pk)
    except Collaboration.DoesNotExist:
        raise Http404("No such collaboration") from None


def measurement_list(*, user) -> QuerySet[Measurement]:
    """``outcomes.selectors.measurement_list`` with the item answers fetched in one more query."""
    return outcome_selectors.measurement_list(user=user).prefetch_related("answers__item")


def goal_list(*, user) -> QuerySet[Goal]:
    """``outcomes.selectors.goal_list`` with the reviews, oldest first (the latest level is the last one)."""
    return outcome_selectors.goal_list(user=user).prefetch_related(
        Prefetch("reviews", queryset=GoalReview.objects.order_by("date", "pk"))
    )


def goal_get(*, user, pk: int) -> Goal:
    try:
        return goal_list(user=user).get(pk=pk)
    except Goal.DoesNotExist:
        raise Http404("No such goal") from None


def idempotency_get(*, user, key: str) -> IdempotencyKey | None:
    """The stored answer to the user's earlier request with this Idempotency-Key, if there is one."""
    return IdempotencyKey.objects.filter(user=user, key=key).first()


def measurement_identical(*, user, course, instrument, date, answers: dict[str, int]) -> Measurement | None:
    """A measurement the user may see with the same course, instrument, date and item answers (the API's natural
    key, as the import's: the same completion posted twice)."""
    candidates = measurement_list(user=user).filter(course=course, instrument=instrument, date=date).order_by("pk")
    for measurement in candidates:
        if {a.item.link_id: a.value for a in measurement.answers.all()} == answers:
            return measurement
    return None
