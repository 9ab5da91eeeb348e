"""Permission-matrix entries for the improvement app (initiatives, fidelity checks, learning log).

- The list is for leaders and directors; caseworkers 403.
- A new initiative is registered by a leader (for units they lead); a director only reads: 403.
- An initiative of unit A (registered by lena): lena and the director read it; leader_b (unit B) gets 404
  (existence is private to the units' leaders and directors); caseworkers 403.
- Editing, fidelity checks and learning entries: only a leader of every unit of the initiative (lena); leader_b
  404, the director 403.
"""

from __future__ import annotations

import datetime

from tests.security.matrix import Entry, statuses


def A_initiative(w) -> dict:
    from improvement import services

    initiative = services.initiative_create(
        user=w.lena,
        name="FIT",
        description="",
        method="fit",
        units=[w.unit_a],
        start=datetime.date.today() - datetime.timedelta(days=90),
        end=None,
        indicators={"mean_change": "up"},
    )
    return {"pk": initiative.pk}


LEADER_OR_DIRECTOR_GET = statuses(302, 403, 200, 200, 403, 200)
LEADER_OR_DIRECTOR_WRONG_METHOD = statuses(302, 403, 405, 405, 403, 405)
LEADER_GET = statuses(302, 403, 200, 403, 403, 200)
LEADER_FORM_POST = statuses(302, 403, 400, 403, 403, 400)
OWN_GET = statuses(302, 403, 404, 200, 403, 200)
EDIT_GET = statuses(302, 403, 404, 403, 403, 200)
EDIT_POST = statuses(302, 403, 404, 403, 403, 400)

ENTRIES: dict[str, Entry] = {
    "improvement:initiative_list": Entry(GET=LEADER_OR_DIRECTOR_GET, POST=LEADER_OR_DIRECTOR_WRONG_METHOD),
    "improvement:initiative_create": Entry(GET=LEADER_GET, POST=LEADER_FORM_POST),
    "improvement:initiative_detail": Entry(A_initiative, GET=OWN_GET, POST=LEADER_OR_DIRECTOR_WRONG_METHOD),
    "improvement:initiative_update": Entry(A_initiative, GET=EDIT_GET, POST=EDIT_POST),
    "improvement:fidelity_check_create": Entry(A_initiative, GET=EDIT_GET, POST=EDIT_POST),
    "improvement:learning_entry_create": Entry(A_initiative, GET=EDIT_GET, POST=EDIT_POST),
}

# The API (session login in the matrix; anonymous 401 as the rest of the API).
ENTRIES["api:initiative_list"] = Entry(
    GET=statuses(401, 403, 200, 200, 403, 200), POST=statuses(401, 403, 405, 405, 403, 405)
)
ENTRIES["api:initiative_series"] = Entry(
    A_initiative, GET=statuses(401, 403, 404, 200, 403, 200), POST=statuses(401, 403, 405, 405, 403, 405)
)
