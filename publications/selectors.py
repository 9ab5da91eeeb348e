"""Reads of publications: a director's own area's publications, and the public (published) ones."""

from __future__ import annotations

from django.db.models import Case, QuerySet, When
from django.shortcuts import get_object_or_404

from publications.models import Publication
from tracker.models import OrganisationUnit
from tracker.selectors import access_for


def publication_list(*, user) -> QuerySet[Publication]:
    """Publications about areas in the director's scope."""
    return Publication.objects.filter(scope_unit_id__in=access_for(user).director_unit_ids).select_related(
        "scope_unit", "created_by"
    )


def publication_get(*, user, pk: int) -> Publication:
    """One publication in the director's scope, else 404 (existence outside the scope is private)."""
    return get_object_or_404(publication_list(user=user), pk=pk)


def publication_events(*, publication: Publication) -> QuerySet:
    """The review history of a publication the user may see (``publication_get``), with who took each step."""
    return publication.events.select_related("user")


def public_list() -> QuerySet[Publication]:
    """Published publications, newest first; no user needed."""
    return Publication.objects.filter(status=Publication.Status.PUBLISHED).order_by("-published_at", "-pk")


def public_get(*, slug: str) -> Publication:
    """A published publication, else 404: a draft or withdrawn one is not there for the public."""
    return get_object_or_404(public_list(), slug=slug)


def scope_choices(*, user) -> QuerySet[OrganisationUnit]:
    """The areas a director may publish about: the municipality, departments and units in their scope."""
    rank = Case(
        When(kind=OrganisationUnit.Kind.MUNICIPALITY, then=0),
        When(kind=OrganisationUnit.Kind.DEPARTMENT, then=1),
        default=2,
    )
    units = OrganisationUnit.objects.filter(pk__in=access_for(user).director_unit_ids)
    return units.annotate(rank=rank).order_by("rank", "name")
