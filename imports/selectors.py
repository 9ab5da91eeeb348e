"""Reads of imports, scoped to the user: a job is seen only by the caseworker who uploaded it."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from imports.models import ImportJob
from outcomes.models import Instrument
from tracker.selectors import access_for


def import_job_list(*, user) -> QuerySet[ImportJob]:
    """The user's own imports, newest first (without the file itself)."""
    if not access_for(user).is_caseworker:
        return ImportJob.objects.none()
    return ImportJob.objects.filter(created_by=user).defer("content", "progress_trace", "errors")


def import_job_get(*, user, pk: int) -> ImportJob:
    """One of the user's own imports, or Http404 (another user's import is not revealed)."""
    try:
        return ImportJob.objects.filter(created_by=user).defer("content").get(pk=pk)
    except ImportJob.DoesNotExist:
        raise Http404("No such import") from None


def item_columns() -> list[tuple[str, str]]:
    """The answer columns of the template: (linkId, which instrument(s) and range), in the instruments' order."""
    columns: dict[str, list[str]] = {}
    ranges: dict[str, str] = {}
    for instrument in Instrument.objects.filter(active=True).prefetch_related("items").order_by("order", "code"):
        if not instrument.is_recordable:
            continue
        for item in instrument.items.all():
            columns.setdefault(item.link_id, []).append(instrument.short_name)
            ranges.setdefault(item.link_id, f"{item.min_value}–{item.max_value}")
    return [(link, f"{', '.join(names)}: {ranges[link]}") for link, names in columns.items()]
