"""Consent to share records between units, and requests for access (GDPR art. 15)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tracker.models import AccessRequest, AuditEntry, Citizen, Consent
from tracker.services.audit import audit_log, model_values

Action = AuditEntry.Action


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
