"""Every use of citizen data through the API writes exactly one audit entry, of the right kind, in the transaction
of the use — as tests/security/test_audit.py checks for the pages. A citizen-data URL of the API without a case
here fails ``test_every_citizen_data_url_of_the_api_has_audit_cases``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.api.helpers import collaboration_in, token_client
from tests.security.matrix_api import CITIZEN_DATA, ENTRIES
from tracker.models import AuditEntry, EndReason

pytestmark = pytest.mark.django_db


def today() -> str:
    return timezone.localdate().isoformat()


@dataclass
class Case:
    name: str
    method: str
    kwargs: Any = None  # world -> URL kwargs
    data: Any = None  # world -> query or JSON body
    action: str = "read"
    purpose: str | None = None
    count: int = 1
    status: int = 200
    setup: Any = None
    citizen: bool = True  # the entry names citizen_a (lists name them in detail instead)


def end_course_a(w):
    w.course_a.end, w.course_a.end_reason = w.course_a.start, EndReason.objects.get(code="moved")
    w.course_a.save()


def collab_a(w):
    return {"pk": collaboration_in(w.course_a, w.alice).pk}


def who5(w):
    return {
        "course": w.course_a.pk,
        "instrument": "who5",
        "date": today(),
        "answers": {"happy": 2, "calm": 2, "active": 2, "rested": 2, "interest": 2},
    }


def goal(w):
    return {
        "course": w.course_a.pk,
        "text": "Mål",
        "life_domain": "network",
        **{f"level_{x}": x for x in ("minus2", "minus1", "0", "plus1", "plus2")},
        "baseline_level": -1,
        "created_on": today(),
    }


CASES = [
    Case("api:citizen-list", "GET", purpose="api_citizens", citizen=False),
    Case("api:citizen-list", "GET", data=lambda w: {"q": "Anna"}, action="search", citizen=False),
    Case(
        "api:citizen-list",
        "POST",
        data=lambda w: {"name": "Carl", "unit": w.unit_a.pk, "legal_basis": "sel-85", "start": today()},
        action="create",
        count=2,  # the citizen and the first course, one entry each (as the page)
        status=201,
        citizen=False,
    ),
    Case("api:citizen-detail", "GET", lambda w: {"pk": w.citizen_a.pk}, purpose="api_citizens_detail"),
    Case(
        "api:citizen-detail",
        "PATCH",
        lambda w: {"pk": w.citizen_a.pk},
        lambda w: {"name": "Anna B."},
        action="change",
    ),
    Case("api:course-list", "GET", purpose="api_courses", citizen=False),
    Case(
        "api:course-list",
        "POST",
        data=lambda w: {"citizen": w.citizen_a.pk, "unit": w.unit_a.pk, "legal_basis": "sel-85", "start": today()},
        action="create",
        status=201,
        setup=end_course_a,
    ),
    Case("api:course-detail", "GET", lambda w: {"pk": w.course_a.pk}, purpose="api_courses_detail"),
    Case(
        "api:course-end",
        "POST",
        lambda w: {"pk": w.course_a.pk},
        lambda w: {"end": today(), "end_reason": "moved"},
        action="change",
    ),
    Case("api:measurement-list", "GET", purpose="api_measurements", citizen=False),
    Case("api:measurement-list", "POST", data=who5, action="create", status=201),
    Case("api:measurement-detail", "GET", lambda w: {"pk": w.measurement_a.pk}, purpose="api_measurements_detail"),
    Case("api:goal-list", "GET", purpose="api_goals", citizen=False),
    Case("api:goal-list", "POST", data=goal, action="create", status=201),
    Case("api:goal-detail", "GET", lambda w: {"pk": w.goal_a.pk}, purpose="api_goals_detail"),
    Case(
        "api:goal-reviews",
        "POST",
        lambda w: {"pk": w.goal_a.pk},
        lambda w: {"date": today(), "level": 2},
        action="create",
        status=201,
    ),
    Case("api:collaboration-list", "GET", purpose="api_collaborations", citizen=False),
    Case(
        "api:collaboration-list",
        "POST",
        data=lambda w: {
            "course": w.course_a.pk,
            "new_partner_name": "Ny",
            "new_partner_sector": "peer",
            "kind": "meeting",
            "date": today(),
            "initiated_by": "unit",
        },
        action="create",
        status=201,
    ),
    Case("api:collaboration-detail", "GET", collab_a, purpose="api_collaborations_detail"),
]


def test_every_citizen_data_url_of_the_api_has_audit_cases():
    assert {case.name for case in CASES} == CITIZEN_DATA
    for name in CITIZEN_DATA:
        methods = {case.method for case in CASES if case.name == name}
        if 200 in ENTRIES[name].GET.values():
            assert "GET" in methods, name
        if {200, 400} & set(ENTRIES[name].POST.values()):
            assert "POST" in methods, name


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.name}-{c.method}-{c.action}")
def test_each_use_of_citizen_data_writes_one_audit_entry(sec_world, case):
    if case.setup:
        case.setup(sec_world)
    url = reverse(case.name, kwargs=case.kwargs(sec_world) if case.kwargs else {})
    data = case.data(sec_world) if case.data else {}
    client = token_client(sec_world.alice)
    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    if case.method == "GET":
        response = client.get(url, data)
    else:
        response = getattr(client, case.method.lower())(url, data, format="json")
    assert response.status_code == case.status, response.content
    new = list(AuditEntry.objects.filter(pk__gt=last).order_by("pk"))
    assert len(new) == case.count, [(e.action, e.object_type, e.purpose) for e in new]
    for entry in new:
        assert entry.action == case.action
        assert entry.user == sec_world.alice
        if case.purpose:
            assert entry.purpose == case.purpose
    if case.citizen:
        assert {e.citizen_id for e in new} == {sec_world.citizen_a.pk}


def test_a_list_read_names_the_citizens_shown_and_a_search_its_criteria(sec_world):
    client = token_client(sec_world.alice)
    client.get(reverse("api:citizen-list"))
    assert AuditEntry.objects.latest("pk").detail == {"citizen_ids": [sec_world.citizen_a.pk]}
    client.get(reverse("api:measurement-list"), {"instrument": "who5", "page": "1"})
    entry = AuditEntry.objects.latest("pk")
    assert entry.action == "search"
    assert entry.detail == {"criteria": {"instrument": "who5"}, "citizen_ids": [sec_world.citizen_a.pk]}


def test_refused_and_invalid_requests_log_nothing(sec_world):
    """404 for another unit's record, 403 for the director, 400 for invalid data: no use of data, no entry."""
    urls = [
        reverse(n, kwargs=ENTRIES[n].kwargs(sec_world)) for n in sorted(CITIZEN_DATA) if callable(ENTRIES[n].kwargs)
    ]
    before = AuditEntry.objects.count()
    for who in ("bob", "leader_b", "charlie"):
        client = token_client(getattr(sec_world, who))
        for url in urls:
            assert client.get(url).status_code in (403, 404, 405)
            assert client.post(url, {}, format="json").status_code in (403, 404, 405)
    alice = token_client(sec_world.alice)
    for name in ("api:citizen-list", "api:measurement-list", "api:goal-list", "api:collaboration-list"):
        assert alice.post(reverse(name), {}, format="json").status_code == 400
    assert AuditEntry.objects.count() == before
