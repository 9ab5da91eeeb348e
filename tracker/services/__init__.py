"""Writes of core records. Each runs in one transaction, validates with full_clean() and writes its audit entry.

One module per kind of record (``audit``, ``citizens``, ``courses``, ``collaborations``, ``consent``); every public
name is here too, so callers write ``tracker.services.course_start``.
"""

from tracker.services.audit import (
    CPR_HASH_SALT,
    CPR_PATTERN,
    audit_list,
    audit_log,
    audit_read,
    citizen_id_of,
    cpr_keyed_hash,
    mask_cpr_text,
    mask_search_value,
    model_values,
    read_logged,
    stored_values,
)
from tracker.services.citizens import (
    citizen_change,
    citizen_create,
    citizen_register,
    citizen_reveal,
    citizen_update,
    cpr_change_allowed,
    register_citizen_with_course,
)
from tracker.services.collaborations import (
    COLLABORATION_FIELDS,
    collaboration_correct,
    collaboration_delete,
    collaboration_log,
    collaboration_record,
    collaboration_update,
    partner_create,
    partner_for,
)
from tracker.services.consent import access_request_register, consent_record, consent_withdraw
from tracker.services.courses import (
    COURSE_ALREADY_OPEN,
    COURSE_END_BEFORE_START,
    COURSE_END_IN_FUTURE,
    COURSE_START_MAX_DAYS_AHEAD,
    COURSE_START_TOO_LATE,
    course_end,
    course_end_check,
    course_start,
    course_start_check,
)

__all__ = [
    "COURSE_ALREADY_OPEN",
    "COLLABORATION_FIELDS",
    "COURSE_END_BEFORE_START",
    "COURSE_END_IN_FUTURE",
    "COURSE_START_MAX_DAYS_AHEAD",
    "COURSE_START_TOO_LATE",
    "CPR_HASH_SALT",
    "CPR_PATTERN",
    "access_request_register",
    "audit_list",
    "audit_log",
    "audit_read",
    "citizen_change",
    "citizen_create",
    "citizen_id_of",
    "citizen_register",
    "citizen_reveal",
    "citizen_update",
    "collaboration_correct",
    "collaboration_delete",
    "collaboration_log",
    "collaboration_record",
    "collaboration_update",
    "consent_record",
    "consent_withdraw",
    "course_end",
    "course_end_check",
    "course_start",
    "course_start_check",
    "cpr_change_allowed",
    "cpr_keyed_hash",
    "mask_cpr_text",
    "mask_search_value",
    "model_values",
    "partner_create",
    "partner_for",
    "read_logged",
    "register_citizen_with_course",
    "stored_values",
]
