"""Writes of core records. Each runs in one transaction, validates with full_clean() and writes its audit entry."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tracker import dataversion
from tracker.models import (
    AccessRequest,
    AuditEntry,
    Citizen,
    Collaboration,
    Consent,
    Course,
    EndReason,
    Partner,
    normalise_cpr,
)

Action = AuditEntry.Action

# A course may be registered shortly before it starts, not a year ahead (a typo in the year is the usual cause).
COURSE_START_MAX_DAYS_AHEAD = 31
COURSE_START_TOO_LATE = gettext_lazy("Startdatoen ligger mere end en måned ude i fremtiden. Tjek årstallet.")


def _jsonable(value: Any) -> Any:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, Model):
        return value.pk
    return value


def model_values(obj: Model, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """A model's concrete field values as JSON-able data (foreign keys as ids), for before/after logging."""
    return {
        f.attname: _jsonable(getattr(obj, f.attname))
        for f in obj._meta.concrete_fields
        if f.attname not in exclude and f.name not in exclude
    }


def stored_values(obj: Model, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """The values as stored in the database (a form may already have changed the instance in memory)."""
    return model_values(type(obj)._default_manager.get(pk=obj.pk), exclude=exclude)


# Ten digits, with or without the hyphen after the sixth, not part of a longer number: what a CPR number looks like.
CPR_PATTERN = re.compile(r"(?<![0-9])([0-9]{6})[- ]?([0-9]{4})(?![0-9])")
CPR_HASH_SALT = "effektspor.audit.cpr"


def cpr_keyed_hash(cpr: str) -> str:
    """A keyed hash (HMAC-SHA256 with the site's secret) of a CPR number's ten digits.

    The audit log keeps this instead of the number: whoever holds the key (the application) can find every
    look-up of one CPR number; whoever reads only the table (a backup, the admin) cannot reverse it by trying
    the few million possible numbers, as they could with a plain hash.
    """
    digits = re.sub(r"[^0-9]", "", cpr or "")
    return salted_hmac(CPR_HASH_SALT, digits, algorithm="sha256").hexdigest()


def mask_cpr_text(text: str) -> str:
    """Every CPR-like number in a text, masked to its date part (DDMMYY-xxxx)."""
    return CPR_PATTERN.sub(lambda m: f"{m.group(1)}-xxxx", text)


def mask_search_value(value: str) -> Any:
    """A search text as the audit log keeps it: a CPR number (or its first digits) masked, with a keyed hash."""
    digits = re.sub(r"[- ]", "", value.strip())
    if digits.isdigit() and len(digits) >= 6:
        return {"cpr_masked": f"{digits[:6]}-xxxx", "cpr_hash": cpr_keyed_hash(digits)}
    return value


def _scrub(value: Any) -> Any:
    """A safety net under every audit entry: no CPR number in clear, wherever in the detail it was put."""
    if isinstance(value, str):
        return mask_cpr_text(value)
    if isinstance(value, dict):
        return {key: _scrub(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_scrub(item) for item in value]
    return value


def audit_log(
    *,
    user,
    action: str,
    citizen_id: int | None = None,
    obj: Model | None = None,
    purpose: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """The single place where use of citizen data is recorded; call inside the transaction of the use itself.

    A write (create, change, delete) also bumps the data version of the units it concerns, so their cached
    aggregates are recomputed and other units' stay warm.
    """
    if action in (Action.CREATE, Action.CHANGE, Action.DELETE):
        dataversion.bump(units=dataversion.units_of(obj, citizen_id))
    return AuditEntry.objects.create(
        user=user if getattr(user, "is_authenticated", False) else None,
        action=action,
        citizen_id=citizen_id,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=obj.pk if obj is not None else None,
        purpose=mask_cpr_text(purpose)[:200],
        detail=_scrub(detail or {}),
    )


def _changes(before: dict[str, Any], after: dict[str, Any], secret: tuple[str, ...] = ()) -> dict[str, Any]:
    changed = {}
    for key, new in after.items():
        old = before.get(key)
        if old != new:
            # CPR numbers are never copied into the log; that they changed is enough.
            changed[key] = {"before": "***", "after": "***"} if key in secret else {"before": old, "after": new}
    return changed


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
def course_start(*, user, citizen: Citizen, unit, legal_basis, start: datetime.date) -> Course:
    if start > timezone.localdate() + datetime.timedelta(days=COURSE_START_MAX_DAYS_AHEAD):
        raise ValidationError({"start": COURSE_START_TOO_LATE})
    course = Course(citizen=citizen, unit=unit, legal_basis=legal_basis, start=start)
    course.full_clean()
    course.save()
    audit_log(
        user=user, action=Action.CREATE, citizen_id=citizen.pk, obj=course, detail={"after": model_values(course)}
    )
    return course


@transaction.atomic
def course_end(*, user, course: Course, end: datetime.date, end_reason: EndReason) -> Course:
    before = stored_values(course)
    course.end, course.end_reason = end, end_reason
    course.full_clean()
    course.save()
    audit_log(
        user=user,
        action=Action.CHANGE,
        citizen_id=course.citizen_id,
        obj=course,
        detail={"changes": _changes(before, model_values(course))},
    )
    return course


@transaction.atomic
def partner_create(*, user, name: str, sector, contact: str = "") -> Partner:
    partner = Partner(name=name.strip(), sector=sector, contact=contact)
    partner.full_clean()
    partner.save()
    return partner


@transaction.atomic
def collaboration_log(
    *, user, course: Course, partner: Partner | None, new_partner_name: str = "", new_partner_sector=None, **fields: Any
) -> Collaboration:
    """Record a collaboration, creating its partner first when it is new — both or neither. A partner of that name
    already in that sector's register is the one meant, not a second copy."""
    if partner is None:
        partner = partner_for(user=user, name=new_partner_name, sector=new_partner_sector)
    return collaboration_record(user=user, course=course, partner=partner, **fields)


def partner_for(*, user, name: str, sector) -> Partner:
    """The partner of that name in that sector's register, created if it is new."""
    name = name.strip()
    return Partner.objects.filter(name__iexact=name, sector=sector).first() or partner_create(
        user=user, name=name, sector=sector
    )


@transaction.atomic
def collaboration_record(
    *,
    user,
    course: Course,
    partner: Partner,
    kind,
    date: datetime.date,
    initiated_by: str,
    citizen_participated: bool = True,
    usefulness: int | None = None,
    note: str = "",
) -> Collaboration:
    if date < course.start:
        raise ValidationError({"date": _("Datoen ligger før forløbets start.")})
    if course.end and date > course.end:
        raise ValidationError({"date": _("Datoen ligger efter forløbets afslutning.")})
    collab = Collaboration(
        course=course,
        partner=partner,
        kind=kind,
        date=date,
        initiated_by=initiated_by,
        citizen_participated=citizen_participated,
        usefulness=usefulness,
        note=note,
        recorded_by=user if getattr(user, "is_authenticated", False) else None,
    )
    collab.full_clean()
    collab.save()
    audit_log(
        user=user,
        action=Action.CREATE,
        citizen_id=course.citizen_id,
        obj=collab,
        detail={"after": model_values(collab, exclude=("note",))},
    )
    return collab


# --- A citizen known elsewhere ---------------------------------------------------------------------------------


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


# --- Consent and the right of access -------------------------------------------------------------------------


@transaction.atomic
def consent_record(
    *,
    user,
    citizen: Citizen,
    to_unit,
    from_units,
    given_on: datetime.date,
    share_measurements: bool = True,
    share_goals: bool = True,
    share_collaborations: bool = False,
    form: str = Consent.Form.WRITTEN,
    valid_until: datetime.date | None = None,
) -> Consent:
    """Record the citizen's consent that ``to_unit`` may see what ``from_units`` have recorded (chosen kinds)."""
    if given_on > timezone.localdate():
        raise ValidationError({"given_on": _("Datoen må ikke ligge i fremtiden.")})
    from_units = [u for u in from_units if u.pk != to_unit.pk]
    if not from_units:
        raise ValidationError({"from_units": _("Vælg mindst én anden enhed, hvis oplysninger må deles.")})
    if not (share_measurements or share_goals or share_collaborations):
        raise ValidationError(_("Vælg mindst én slags oplysninger, der må deles."))
    consent = Consent(
        citizen=citizen,
        to_unit=to_unit,
        given_on=given_on,
        given_to=user if getattr(user, "is_authenticated", False) else None,
        share_measurements=share_measurements,
        share_goals=share_goals,
        share_collaborations=share_collaborations,
        form=form,
        valid_until=valid_until,
    )
    consent.full_clean()
    consent.save()
    consent.from_units.set(from_units)
    audit_log(
        user=user,
        action=Action.CREATE,
        citizen_id=citizen.pk,
        obj=consent,
        purpose="consent",
        detail={"after": {**model_values(consent), "from_units": sorted(u.pk for u in from_units)}},
    )
    return consent


@transaction.atomic
def consent_withdraw(*, user, consent: Consent, withdrawn_on: datetime.date) -> Consent:
    if consent.withdrawn_on is not None:
        raise ValidationError(_("Samtykket er allerede trukket tilbage."))
    consent.withdrawn_on = withdrawn_on
    consent.withdrawn_by = user if getattr(user, "is_authenticated", False) else None
    consent.full_clean()
    consent.save()
    audit_log(
        user=user,
        action=Action.CHANGE,
        citizen_id=consent.citizen_id,
        obj=consent,
        purpose="consent_withdrawn",
        detail={"withdrawn_on": withdrawn_on.isoformat()},
    )
    return consent


@transaction.atomic
def access_request_register(
    *, user, citizen: Citizen, unit, received_on: datetime.date, delivery: str, note: str = ""
) -> AccessRequest:
    """Register a request for access (GDPR art. 15) before anything is produced: when, where, how delivered."""
    if received_on > timezone.localdate():
        raise ValidationError({"received_on": _("Datoen må ikke ligge i fremtiden.")})
    request = AccessRequest(
        citizen=citizen,
        unit=unit,
        received_on=received_on,
        delivery=delivery,
        note=note,
        registered_by=user if getattr(user, "is_authenticated", False) else None,
    )
    request.full_clean()
    request.save()
    audit_log(
        user=user,
        action=Action.CREATE,
        citizen_id=citizen.pk,
        obj=request,
        purpose="access_request",
        detail={"after": model_values(request, exclude=("note",))},
    )
    return request


# --- Corrections -----------------------------------------------------------------------------------------------

COLLABORATION_FIELDS = ("partner", "kind", "date", "initiated_by", "citizen_participated", "usefulness", "note")


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Skriv kort, hvorfor registreringen rettes eller slettes.")})
    return reason[:500]


@transaction.atomic
def collaboration_update(*, user, collaboration: Collaboration, reason: str, **fields: Any) -> Collaboration:
    """Correct a collaboration; figures follow (data version bumped); the reason is kept in the audit trail."""
    reason = _reason(reason)
    course = collaboration.course
    before = stored_values(collaboration, exclude=("note",))
    old_note = Collaboration.objects.values_list("note", flat=True).get(pk=collaboration.pk)
    date = fields.get("date", collaboration.date)
    if date < course.start:
        raise ValidationError({"date": _("Datoen ligger før forløbets start.")})
    if course.end and date > course.end:
        raise ValidationError({"date": _("Datoen ligger efter forløbets afslutning.")})
    for key, value in fields.items():
        if key not in COLLABORATION_FIELDS:
            raise TypeError(key)
        setattr(collaboration, key, value)
    collaboration.full_clean()
    collaboration.save()
    detail = {
        "course_id": course.pk,
        "before": before,
        "after": model_values(collaboration, exclude=("note",)),
        "reason": reason,
    }
    if collaboration.note != old_note:
        detail["note_changed"] = True
    audit_log(
        user=user,
        action=Action.CHANGE,
        citizen_id=course.citizen_id,
        obj=collaboration,
        purpose="correction",
        detail=detail,
    )
    return collaboration


@transaction.atomic
def collaboration_delete(*, user, collaboration: Collaboration, reason: str) -> None:
    reason = _reason(reason)
    course = collaboration.course
    audit_log(
        user=user,
        action=Action.DELETE,
        citizen_id=course.citizen_id,
        obj=collaboration,
        purpose="correction",
        detail={"course_id": course.pk, "before": model_values(collaboration, exclude=("note",)), "reason": reason},
    )
    collaboration.delete()
