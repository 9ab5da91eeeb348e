"""Reads of initiatives, scoped to the requesting user: leaders see the initiatives of the units they lead,
directors those of the units in their subtree. Only a leader of every one of its units may change one."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from improvement.models import FidelityCheck, Initiative, LearningEntry
from tracker.models import OrganisationUnit
from tracker.selectors import access_for


def visible_unit_ids(*, user) -> frozenset[int]:
    access = access_for(user)
    return access.leader_unit_ids | access.director_unit_ids


def initiative_list(*, user) -> QuerySet[Initiative]:
    unit_ids = visible_unit_ids(user=user)
    ids = Initiative.objects.filter(units__in=unit_ids).values("pk")
    return (
        Initiative.objects.filter(pk__in=ids)
        .prefetch_related(
            Prefetch("units", queryset=OrganisationUnit.objects.order_by("name")),
            "indicators",
        )
        .order_by("-start", "name")
    )


def initiative_get(*, user, pk: int) -> Initiative:
    try:
        return initiative_list(user=user).get(pk=pk)
    except Initiative.DoesNotExist:
        raise Http404("No such initiative") from None


def can_edit(*, user, initiative: Initiative) -> bool:
    """A leader of every unit of the initiative (a director only reads)."""
    leads = access_for(user).leader_unit_ids
    unit_ids = {u.pk for u in initiative.units.all()}
    return bool(unit_ids) and unit_ids <= leads


def leader_units(*, user) -> QuerySet[OrganisationUnit]:
    return OrganisationUnit.objects.filter(pk__in=access_for(user).leader_unit_ids).order_by("name")


def fidelity_checks(*, initiative: Initiative) -> QuerySet[FidelityCheck]:
    return initiative.fidelity_checks.order_by("date", "pk")


def learning_entries(*, initiative: Initiative) -> QuerySet[LearningEntry]:
    return initiative.learning_entries.order_by("-date", "-pk")
