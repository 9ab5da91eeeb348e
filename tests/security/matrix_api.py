"""Permission-matrix entries for the api app (the REST API: api/).

The API answers an anonymous client 401 (not a redirect to the login page: a program cannot log in there), another
unit's record 404, a director asking for citizen-level data 403. An empty POST is 400 for the rightful user.
The matrix logs in with the session (the browser case); tests/api/ does the same with tokens.

Which uses are logged is checked in tests/api/test_audit.py (``CITIZEN_DATA`` below): the shared
tests/security/test_audit.py runs the pages' cases, whose requests are form posts rather than JSON.
"""

from __future__ import annotations

from tests.security.matrix import PUBLIC_GET, PUBLIC_WRONG_METHOD, Entry, statuses

# Lists and creation of citizen data: caseworkers and leaders of a unit (within their units); the director 403.
API_LIST_GET = statuses(401, 200, 200, 403, 200, 200)
API_CREATE_POST = statuses(401, 400, 400, 403, 400, 400)
# One record of unit A: other units 404 (existence is private), the director 403.
API_OBJECT_GET = statuses(401, 404, 404, 403, 200, 200)
API_OBJECT_POST = statuses(401, 404, 404, 403, 400, 400)
# A method the URL does not take: 405 once past the permission check, whatever the id.
API_WRONG_METHOD = statuses(401, 405, 405, 403, 405, 405)
# Reference data for every logged-in user / for unit members.
API_ANY_GET = statuses(401, 200, 200, 200, 200, 200)
API_ANY_WRONG_METHOD = statuses(401, 405, 405, 405, 405, 405)


def A_citizen(w):
    return {"pk": w.citizen_a.pk}


def A_course(w):
    return {"pk": w.course_a.pk}


def A_measurement(w):
    return {"pk": w.measurement_a.pk}


def A_goal(w):
    return {"pk": w.goal_a.pk}


def A_collaboration(w):
    from tests.api.helpers import collaboration_in

    return {"pk": collaboration_in(w.course_a, w.alice).pk}


def partner(w):
    from tests.api.helpers import collaboration_in
    from tracker.selectors import partner_list

    collaboration_in(w.course_a, w.alice)
    return {"pk": partner_list().first().pk}


ENTRIES: dict[str, Entry] = {
    # --- Records of citizen data ----------------------------------------------------------------------------------
    "api:citizen-list": Entry(GET=API_LIST_GET, POST=API_CREATE_POST),
    "api:citizen-detail": Entry(A_citizen, GET=API_OBJECT_GET, POST=API_WRONG_METHOD),
    "api:course-list": Entry(GET=API_LIST_GET, POST=API_CREATE_POST),
    "api:course-detail": Entry(A_course, GET=API_OBJECT_GET, POST=API_WRONG_METHOD),
    "api:course-end": Entry(A_course, GET=API_WRONG_METHOD, POST=API_OBJECT_POST),
    "api:measurement-list": Entry(GET=API_LIST_GET, POST=API_CREATE_POST),
    "api:measurement-detail": Entry(A_measurement, GET=API_OBJECT_GET, POST=API_WRONG_METHOD),
    "api:goal-list": Entry(GET=API_LIST_GET, POST=API_CREATE_POST),
    "api:goal-detail": Entry(A_goal, GET=API_OBJECT_GET, POST=API_WRONG_METHOD),
    "api:goal-reviews": Entry(A_goal, GET=API_WRONG_METHOD, POST=API_OBJECT_POST),
    "api:collaboration-list": Entry(GET=API_LIST_GET, POST=API_CREATE_POST),
    "api:collaboration-detail": Entry(A_collaboration, GET=API_OBJECT_GET, POST=API_WRONG_METHOD),
    # --- Reference data (no citizen data) -------------------------------------------------------------------------
    "api:instrument-list": Entry(GET=API_ANY_GET, POST=API_ANY_WRONG_METHOD),
    "api:instrument-detail": Entry({"code": "who5"}, GET=API_ANY_GET, POST=API_ANY_WRONG_METHOD),
    "api:partner-list": Entry(GET=API_LIST_GET, POST=API_WRONG_METHOD),
    "api:partner-detail": Entry(partner, GET=API_LIST_GET, POST=API_WRONG_METHOD),
    # Units the user works in: a director has none (403 as for every citizen-level list).
    "api:unit-list": Entry(GET=API_LIST_GET, POST=API_WRONG_METHOD),
    "api:unit-detail": Entry(lambda w: {"pk": w.unit_a.pk}, GET=API_OBJECT_GET, POST=API_WRONG_METHOD),
    # --- Aggregates: the unit's figures for its leaders, the comparison for directors --------------------------------
    "api:unit_figures": Entry(GET=statuses(401, 403, 200, 403, 403, 200), POST=statuses(401, 403, 405, 403, 403, 405)),
    "api:comparison": Entry(GET=statuses(401, 403, 403, 200, 403, 403), POST=statuses(401, 403, 403, 405, 403, 403)),
    # --- Schema and documentation: public, they hold no data; the token page for every logged-in user ------------
    "api:schema": Entry(GET=PUBLIC_GET, POST=PUBLIC_WRONG_METHOD),
    "api:docs": Entry(GET=PUBLIC_GET, POST=PUBLIC_WRONG_METHOD),
    "api:token": Entry(GET=statuses(302, 200, 200, 200, 200, 200), POST=statuses(302, 400, 400, 400, 400, 400)),
}

# The URLs that read or change citizen data: each has its audit cases in tests/api/test_audit.py.
CITIZEN_DATA = {
    name
    for name in ENTRIES
    if name.split(":")[1].split("-")[0] in ("citizen", "course", "measurement", "goal", "collaboration")
}
