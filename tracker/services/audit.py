"""The audit log: the one place where use of citizen data is recorded, and the values it keeps."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils.crypto import salted_hmac

from tracker import dataversion
from tracker.models import AuditEntry

Action = AuditEntry.Action


def _jsonable(value: Any) -> Any:
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, Model):
        return value.pk
    return value


def search_criteria(query, keys: tuple[str, ...]) -> dict[str, str]:
    """The search criteria of a request as the audit log keeps them: a CPR number is masked, with a keyed hash."""
    return {k: mask_search_value(v) if k == "q" else v for k, v in query.items() if k in keys and v}


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
        dataversion.bump(units=dataversion.units_of(obj, citizen_id), topic=dataversion.topic_of(obj))
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


def citizen_id_of(obj: Model) -> int | None:
    """The citizen a record is about: a citizen itself, or the citizen of its course (or of its goal's course)."""
    from tracker.models import Citizen

    if isinstance(obj, Citizen):
        return obj.pk
    for path in (("citizen_id",), ("course", "citizen_id"), ("goal", "course", "citizen_id")):
        value: Any = obj
        for attr in path:
            value = getattr(value, attr, None)
        if value is not None:
            return value
    return None


def audit_read(*, user, obj: Model, purpose: str, citizen_id: int | None = None, detail=None) -> AuditEntry:
    """A page or answer that shows a record of citizen data is a read: one audit entry."""
    citizen_id = citizen_id_of(obj) if citizen_id is None else citizen_id
    return audit_log(user=user, action=Action.READ, citizen_id=citizen_id, obj=obj, purpose=purpose, detail=detail)


@transaction.atomic
def read_logged[T](fetch: Callable[..., T], /, *, user, purpose: str, **kwargs: Any) -> T:
    """One record through a user-scoped selector (``fetch(user=user, **kwargs)``), its read logged in the same
    transaction; the selector's Http404 leaves no entry."""
    obj = fetch(user=user, **kwargs)
    audit_read(user=user, obj=obj, purpose=purpose)
    return obj


@transaction.atomic
def audit_list(
    *,
    user,
    purpose: str,
    citizen_ids,
    criteria: dict[str, Any] | None = None,
    export_format: str | None = None,
    search_found: bool = True,
) -> AuditEntry:
    """A list of citizens shown, searched or exported: an export with its format and criteria, a search with its
    criteria (and whom it found, unless ``search_found`` is False), else a read of the citizens shown."""
    ids = sorted(set(citizen_ids))
    if export_format:
        detail = {"format": export_format, "criteria": criteria or {}, "citizen_ids": ids}
        return audit_log(user=user, action=Action.EXPORT, purpose=purpose, detail=detail)
    if criteria:
        detail = {"criteria": criteria, "citizen_ids": ids} if search_found else {"criteria": criteria}
        return audit_log(user=user, action=Action.SEARCH, purpose=purpose, detail=detail)
    return audit_log(user=user, action=Action.READ, purpose=purpose, detail={"citizen_ids": ids})
