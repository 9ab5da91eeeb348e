"""Permission-matrix entries for the exchange app (FHIR and tidy export: docs/exchange.md).

- The FHIR export of a course is a caseworker object page: the course's unit gets it (alice, lena), other units
  404, the director 403.
- The tidy CSV of a unit is for that unit's leaders, as the unit dashboard: lena gets it; leader_b (another unit)
  and everyone without a leader role 403.
- The data dictionary holds no data: anyone logged in.

``AUDIT_CASES`` are the audit cases of the two exports (citizen_data=True), in the fields of
``tests/security/test_audit.py``'s ``Case``; ``tests/exchange/test_audit_cases.py`` runs them the same way.
"""

from __future__ import annotations

from tests.security.matrix import (
    ANY_LOGGED_IN_GET,
    ANY_LOGGED_IN_WRONG_METHOD,
    CASEWORKER_WRONG_METHOD,
    OBJECT_GET,
    A_course,
    Entry,
    statuses,
)


def A_unit(w):
    return {"pk": w.unit_a.pk}


LEADER_OF_UNIT_GET = statuses(302, 403, 403, 403, 403, 200)
LEADER_OF_UNIT_WRONG_METHOD = statuses(302, 403, 405, 403, 403, 405)

ENTRIES: dict[str, Entry] = {
    "exchange:course_fhir": Entry(A_course, GET=OBJECT_GET, POST=CASEWORKER_WRONG_METHOD, citizen_data=True),
    "exchange:unit_tidy_csv": Entry(
        A_unit, GET=LEADER_OF_UNIT_GET, POST=LEADER_OF_UNIT_WRONG_METHOD, citizen_data=True
    ),
    "exchange:data_dictionary": Entry(GET=ANY_LOGGED_IN_GET, POST=ANY_LOGGED_IN_WRONG_METHOD),
    "exchange:data_dictionary_json": Entry(GET=ANY_LOGGED_IN_GET, POST=ANY_LOGGED_IN_WRONG_METHOD),
    "exchange:data_dictionary_csv": Entry(GET=ANY_LOGGED_IN_GET, POST=ANY_LOGGED_IN_WRONG_METHOD),
}

AUDIT_CASES: list[dict] = [
    {
        "name": "exchange:course_fhir",
        "method": "GET",
        "user": "alice",
        "kwargs": A_course,
        "action": "export",
        "purpose": "fhir_course_export",
    },
    {
        "name": "exchange:unit_tidy_csv",
        "method": "GET",
        "user": "lena",
        "kwargs": A_unit,
        "action": "export",
        "purpose": "tidy_unit_export",
    },
]
