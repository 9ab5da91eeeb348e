"""Writes of initiatives, fidelity checks and learning entries: keyword-only, atomic, validated, audited."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import transaction

from improvement import selectors
from improvement.models import FidelityCheck, Indicator, Initiative, LearningEntry
from tracker.models import AuditEntry, OrganisationUnit
from tracker.selectors import access_for
from tracker.services import audit_log

PURPOSE = "forsøg og forbedring"


def _require_leader_of(user, units: Iterable[OrganisationUnit]) -> None:
    leads = access_for(user).leader_unit_ids
    ids = {u.pk for u in units}
    if not ids or not ids <= leads:
        raise PermissionDenied


def _set_indicators(initiative: Initiative, indicators: dict[str, str]) -> None:
    initiative.indicators.all().delete()
    for measure, direction in sorted(indicators.items()):
        indicator = Indicator(initiative=initiative, measure=measure, direction=direction)
        indicator.full_clean()
        indicator.save()


@transaction.atomic
def initiative_create(
    *,
    user,
    name: str,
    description: str,
    method: str,
    units: list[OrganisationUnit],
    start: datetime.date,
    end: datetime.date | None,
    indicators: dict[str, str],
) -> Initiative:
    """A new initiative in units the user leads, with the indicators it should move (measure → direction)."""
    _require_leader_of(user, units)
    initiative = Initiative(name=name, description=description, method=method, start=start, end=end, created_by=user)
    initiative.full_clean()
    initiative.save()
    initiative.units.set(units)
    _set_indicators(initiative, indicators)
    audit_log(
        user=user,
        action=AuditEntry.Action.CREATE,
        obj=initiative,
        purpose=PURPOSE,
        detail={"units": sorted(u.pk for u in units), "indicators": indicators},
    )
    return initiative


@transaction.atomic
def initiative_update(
    *,
    user,
    initiative: Initiative,
    name: str,
    description: str,
    method: str,
    units: list[OrganisationUnit],
    start: datetime.date,
    end: datetime.date | None,
    indicators: dict[str, str],
) -> Initiative:
    """Change an initiative: the user must lead every unit it had and every unit it gets."""
    if not selectors.can_edit(user=user, initiative=initiative):
        raise PermissionDenied
    _require_leader_of(user, units)
    before = {"name": initiative.name, "start": str(initiative.start), "end": str(initiative.end)}
    initiative.name, initiative.description, initiative.method = name, description, method
    initiative.start, initiative.end = start, end
    initiative.full_clean()
    initiative.save()
    initiative.units.set(units)
    _set_indicators(initiative, indicators)
    audit_log(
        user=user,
        action=AuditEntry.Action.CHANGE,
        obj=initiative,
        purpose=PURPOSE,
        detail={"before": before, "units": sorted(u.pk for u in units), "indicators": indicators},
    )
    return initiative


@transaction.atomic
def fidelity_check_record(
    *, user, initiative: Initiative, date: datetime.date, scale: str, score: Decimal, note: str = ""
) -> FidelityCheck:
    if not selectors.can_edit(user=user, initiative=initiative):
        raise PermissionDenied
    check = FidelityCheck(initiative=initiative, date=date, scale=scale, score=score, note=note, recorded_by=user)
    check.full_clean()
    check.save()
    audit_log(user=user, action=AuditEntry.Action.CREATE, obj=check, purpose=PURPOSE)
    return check


@transaction.atomic
def learning_entry_record(
    *,
    user,
    initiative: Initiative,
    date: datetime.date,
    tried: str,
    saw: str,
    change_next: str = "",
    publishable: bool = False,
) -> LearningEntry:
    if not selectors.can_edit(user=user, initiative=initiative):
        raise PermissionDenied
    entry = LearningEntry(
        initiative=initiative,
        date=date,
        tried=tried,
        saw=saw,
        change_next=change_next,
        publishable=publishable,
        written_by=user,
    )
    entry.full_clean()
    entry.save()
    audit_log(user=user, action=AuditEntry.Action.CREATE, obj=entry, purpose=PURPOSE)
    return entry


@transaction.atomic
def initiative_read(*, user, initiative: Initiative, purpose: str) -> None:
    """Showing an initiative's figures is a read of the units' aggregates: logged as the other pages are."""
    audit_log(user=user, action=AuditEntry.Action.READ, obj=initiative, purpose=purpose)
