"""Each use of citizen data through the self-completion pages writes exactly one audit entry of the right kind.

tests/security/test_audit.py checks every URL marked ``citizen_data`` in the permission matrix against its own
CASES list, which this app may not edit; the same check function runs here for this app's URLs (see
tests/security/matrix_selfservice.py). The locked tablet mode needs a locked session, so its cases are in
test_tablet.py. Refused requests (another unit, the director) log nothing.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from outcomes.models import Instrument
from selfservice import services
from tests.security import test_audit
from tests.security.test_audit import Case
from tracker.models import AuditEntry


def A_citizen(w):
    return {"pk": w.citizen_a.pk}


def _link(w):
    if not hasattr(w, "_link"):
        w._link = services.link_create(user=w.alice, course=w.course_a, instrument=Instrument.objects.get(code="who5"))
    return w._link


def handover_data(prefix: str):
    def data(w):
        values = {
            f"{prefix}-course": str(w.course_a.pk),
            f"{prefix}-instrument": str(Instrument.objects.get(code="who5").pk),
            f"{prefix}-layout": "all",
        }
        if prefix == "link":
            values["link-days"] = "7"
        return values

    return data


WHO5 = {f"item_{k}": "3" for k in ("happy", "calm", "active", "rested", "interest")}

AUDIT_CASES = [
    Case("selfservice:start", "GET", "alice", A_citizen, purpose="selfservice_start"),
    # Starting the locked mode logs the hand-over (and then logs the caseworker out).
    Case(
        "selfservice:tablet_start",
        "POST",
        "alice",
        A_citizen,
        handover_data("tablet"),
        action="create",
        purpose="selfservice_tablet",
        expected_status=(302,),
    ),
    Case(
        "selfservice:link_create",
        "POST",
        "alice",
        A_citizen,
        handover_data("link"),
        action="create",
        purpose="selfservice_link",
    ),
    Case(
        "selfservice:handover_close",
        "POST",
        "alice",
        lambda w: {"pk": _link(w).completion.pk},
        setup=_link,
        action="change",
        purpose="selfservice_link_closed",
        expected_status=(302,),
    ),
    # The citizen's pages have no user: the caseworker who created the link is the responsible user.
    Case(
        "selfservice:link",
        "GET",
        "alice",
        lambda w: {"token": _link(w).token},
        setup=_link,
        purpose="selfservice_link_opened",
    ),
    Case(
        "selfservice:code",
        "POST",
        "alice",
        {},
        lambda w: {"code": _link(w).code},
        setup=_link,
        purpose="selfservice_link_opened",
    ),
    # Recording: the measurement's create entry and the link's use entry.
    Case(
        "selfservice:link",
        "POST",
        "alice",
        lambda w: {"token": _link(w).token},
        lambda w: WHO5,
        setup=_link,
        action="create",
        count=2,  # the measurement (create) and the use of the link (change): checked one by one below
    ),
]


@pytest.mark.parametrize("case", [c for c in AUDIT_CASES if c.count == 1], ids=lambda c: f"{c.name}-{c.method}")
def test_each_use_writes_one_audit_entry(client, sec_world, case):
    test_audit.test_each_use_of_citizen_data_writes_one_audit_entry(client, sec_world, case)


def test_answering_by_link_logs_the_measurement_and_the_use_of_the_link(client, sec_world):
    (case,) = [c for c in AUDIT_CASES if c.count == 2]
    case.setup(sec_world)
    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    response = client.post(reverse(case.name, kwargs=case.kwargs(sec_world)), case.data(sec_world))
    assert response.status_code == 200
    new = list(AuditEntry.objects.filter(pk__gt=last).order_by("pk"))
    assert [(e.action, e.object_type, e.purpose) for e in new] == [
        ("create", "outcomes.measurement", ""),
        ("change", "selfservice.selfcompletion", "selfservice_link_used"),
    ]
    assert {(e.user, e.citizen_id) for e in new} == {(sec_world.alice, sec_world.citizen_a.pk)}


def test_refused_requests_log_nothing(client, sec_world):
    link = _link(sec_world)
    before = AuditEntry.objects.count()
    for who in ("bob", "leader_b", "charlie"):
        client.force_login(getattr(sec_world, who))
        client.get(reverse("selfservice:start", args=[sec_world.citizen_a.pk]))
        client.post(reverse("selfservice:handover_close", args=[link.completion.pk]))
        client.post(reverse("selfservice:link_create", args=[sec_world.citizen_a.pk]), handover_data("link")(sec_world))
        client.post(
            reverse("selfservice:tablet_start", args=[sec_world.citizen_a.pk]), handover_data("tablet")(sec_world)
        )
    client.logout()
    client.get(reverse("selfservice:link", args=["not-a-real-token-" + "x" * 30]))
    client.post(reverse("selfservice:code"), {"code": "ZZZZZZZZ"})
    assert AuditEntry.objects.count() == before
