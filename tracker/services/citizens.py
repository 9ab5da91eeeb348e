"""Writes of citizens: create, change, and register from the page, the API or an import."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from tracker.models import AuditEntry, Citizen, Course, normalise_cpr
from tracker.services.audit import _changes, audit_log, cpr_keyed_hash, model_values, stored_values
from tracker.services.courses import course_start

Action = AuditEntry.Action


@transaction.atomic
def citizen_create(
    *,
    user,
    name: str,
    cpr: str | None = None,
    gender: str = Citizen.Gender.UNKNOWN,
    birth_year: int | None = None,
    external_id: str | None = None,
) -> Citizen:
    citizen = Citizen(name=name, cpr=cpr or None, gender=gender, birth_year=birth_year, external_id=external_id or None)
    citizen.full_clean()
    citizen.save()
    audit_log(
        user=user,
        action=Action.CREATE,
        citizen_id=citizen.pk,
        obj=citizen,
        detail={"after": model_values(citizen, exclude=("cpr", "created_at"))},
    )
    return citizen


@transaction.atomic
def citizen_update(*, user, citizen: Citizen, **fields: Any) -> Citizen:
    before = stored_values(citizen, exclude=("created_at",))
    for key, value in fields.items():
        setattr(citizen, key, value)
    citizen.full_clean()
    citizen.save()
    changes = _changes(before, model_values(citizen, exclude=("created_at",)), secret=("cpr",))
    audit_log(user=user, action=Action.CHANGE, citizen_id=citizen.pk, obj=citizen, detail={"changes": changes})
    return citizen


@transaction.atomic
def citizen_register(
    *,
    user,
    unit_ids: set[int] | frozenset[int],
    channel: str,
    name: str,
    cpr: str | None = None,
    gender: str = Citizen.Gender.UNKNOWN,
    birth_year: int | None = None,
    external_id: str | None = None,
) -> Citizen:
    """Register a citizen from the page, the API or an import — the one place the three channels share.

    The answer is the same whether or not the CPR number is already known, so registering is no way to learn
    whether someone is a citizen of another unit:

    - a CPR number already registered means the same person: the existing citizen is returned (the caller starts
      its course on it), its details are not changed, and the match is logged (``citizen_match``). What other units
      have recorded stays theirs: a unit sees only its own courses unless the citizen has consented;
    - an external id matches only a citizen with a course in one of ``unit_ids`` (the caller's own units); one that
      belongs to a citizen elsewhere is not stored on the new record (external ids are per system, and another
      unit's cannot identify anyone here), and that is logged too.
    """
    from tracker.selectors import citizen_matches

    digits = normalise_cpr(cpr) if cpr else None
    external_id = (external_id or "").strip() or None
    matches = citizen_matches(unit_ids=unit_ids, cprs=[digits], external_ids=[external_id])
    match = matches.by_cpr.get(digits) if digits else None
    if match is None and external_id:
        match = matches.by_external.get(external_id)
    known = Citizen.objects.get(pk=match.pk) if match else None
    if known is not None:
        # Validate what was typed as for a new citizen: the answer must not depend on the match.
        candidate = Citizen(name=name, cpr=digits, gender=gender, birth_year=birth_year)
        candidate.full_clean(exclude=["cpr", "external_id"], validate_unique=False, validate_constraints=False)
        audit_log(
            user=user,
            action=Action.SEARCH,
            citizen_id=known.pk,
            obj=known,
            purpose="citizen_match",
            detail={
                "channel": channel,
                "matched_on": "cpr" if digits and known.cpr == digits else "external_id",
                "known_in_own_unit": match.in_own_units,
            },
        )
        return known
    withheld = external_id in matches.external_taken
    citizen = citizen_create(
        user=user,
        name=name,
        cpr=digits,
        gender=gender,
        birth_year=birth_year,
        external_id=None if withheld else external_id,
    )
    if withheld:
        audit_log(
            user=user,
            action=Action.SEARCH,
            citizen_id=citizen.pk,
            obj=citizen,
            purpose="external_id_withheld",
            detail={"channel": channel},
        )
    return citizen


def cpr_change_allowed(*, user, citizen: Citizen, cpr: str | None) -> None:
    """A CPR number that belongs to another citizen cannot be given to this one (two records of one person must be
    merged by an administrator). The refusal says nothing about the other record, and the attempt is logged."""
    digits = normalise_cpr(cpr) if cpr else None
    if digits and Citizen.objects.filter(cpr=digits).exclude(pk=citizen.pk).exists():
        audit_log(
            user=user,
            action=Action.SEARCH,
            citizen_id=citizen.pk,
            obj=citizen,
            purpose="cpr_probe",
            detail={"cpr_hash": cpr_keyed_hash(digits)},
        )
        raise ValidationError(
            {
                "cpr": _(
                    "CPR-nummeret kan ikke gemmes på denne borger. Kontakt en administrator, hvis borgeren er "
                    "registreret to gange."
                )
            }
        )


@transaction.atomic
def register_citizen_with_course(
    *,
    user,
    unit_ids: set[int] | frozenset[int],
    channel: str,
    citizen: dict[str, Any],
    unit,
    legal_basis,
    start: datetime.date,
) -> tuple[Citizen, Course]:
    """Register a citizen (``citizen_register``: a known CPR number is the same person) and start their first course
    in one of ``unit_ids``: both or neither, for the page and the API alike."""
    registered = citizen_register(user=user, unit_ids=unit_ids, channel=channel, **citizen)
    course = course_start(user=user, citizen=registered, unit=unit, legal_basis=legal_basis, start=start)
    return registered, course


def citizen_change(*, user, citizen: Citizen, **fields: Any) -> Citizen:
    """Change a citizen's details, for the page and the API: a CPR number of another citizen is refused first,
    outside the update's transaction (the refused attempt is logged, and that entry must stay)."""
    if fields.get("cpr"):
        cpr_change_allowed(user=user, citizen=citizen, cpr=fields["cpr"])
    return citizen_update(user=user, citizen=citizen, **fields)


@transaction.atomic
def citizen_reveal(*, user, pk: int) -> Citizen:
    """Show the full CPR number once: a deliberate use, logged as such in the transaction of the read."""
    from tracker.selectors import citizen_get

    citizen = citizen_get(user=user, pk=pk)
    audit_log(user=user, action=Action.REVEAL, citizen_id=citizen.pk, obj=citizen, purpose="cpr_reveal")
    return citizen
