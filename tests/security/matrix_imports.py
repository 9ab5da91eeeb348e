"""Permission-matrix entries for the imports app (import: docs/exchange.md).

An import is seen only by the caseworker who uploaded it: another caseworker or leader (even of the same unit) gets
404, a director 403 (no citizen-level work), anonymous users the login page. The pages hold the counts and
row-level errors of the uploader's own file, not stored citizen data, so they are not ``citizen_data`` here; their
audit entries (one search entry per preview, one entry per applied import naming every citizen concerned) are
tested in tests/imports/test_import.py.
"""

from __future__ import annotations

from tests.security.matrix import (
    CASEWORKER_FORM_POST,
    CASEWORKER_GET,
    CASEWORKER_WRONG_METHOD,
    Entry,
    statuses,
)


def alice_job(w) -> dict:
    """A checked, not yet applied import of one new citizen by alice into unit A."""
    import datetime

    from django.utils import timezone

    from imports import services

    start = (timezone.localdate() - datetime.timedelta(days=9)).isoformat()
    content = f"cpr;navn;enhed;lovgrundlag;forløb_start\n020385-1111;Carl;a;§ 85;{start}\n".encode()
    job = services.job_create(user=w.alice, file_name="borgere.csv", content=content, language="da")
    return {"pk": services.job_validate(job=job).pk}


OWN_JOB_GET = statuses(302, 404, 404, 403, 200, 404)
OWN_JOB_FORM_POST = statuses(302, 404, 404, 403, 400, 404)

ENTRIES: dict[str, Entry] = {
    "imports:job_create": Entry(GET=CASEWORKER_GET, POST=CASEWORKER_FORM_POST),
    "imports:template_csv": Entry(GET=CASEWORKER_GET, POST=CASEWORKER_WRONG_METHOD),
    "imports:template_xlsx": Entry(GET=CASEWORKER_GET, POST=CASEWORKER_WRONG_METHOD),
    "imports:job_detail": Entry(alice_job, GET=OWN_JOB_GET, POST=CASEWORKER_WRONG_METHOD),
    "imports:job_apply": Entry(alice_job, GET=CASEWORKER_WRONG_METHOD, POST=OWN_JOB_FORM_POST),
}
