"""Every read and every write of citizen data writes exactly one audit entry, of the right kind.

The permission matrix marks the URLs that show or change citizen data (``citizen_data=True``); each of them has
its cases here, done by the rightful user with valid input, and the audit table must grow by exactly one entry
with the expected action, user and citizen. A new citizen-data URL without a case fails
``test_every_citizen_data_url_has_audit_cases``.

One documented exception: registering a citizen creates two records (the citizen and the first course), and each
gets its own create entry.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from outcomes.models import Instrument, LifeDomain
from tests.security import (
    matrix_api,
    matrix_consent,
    matrix_exchange,
    matrix_imports,
    matrix_improvement,
    matrix_selfservice,
)
from tests.security.conftest import days_ago
from tests.security.test_permission_matrix import MATRIX
from tracker.models import AuditEntry, CollaborationKind, EndReason, LegalBasis, Sector


def today() -> str:
    return timezone.localdate().isoformat()


@dataclass
class Case:
    name: str
    method: str
    user: str
    kwargs: Any  # world -> URL kwargs
    data: Any = None  # world -> GET query or POST data
    action: str = "read"
    purpose: str | None = None
    count: int = 1
    setup: Any = None  # world -> None, before the request
    expected_status: tuple[int, ...] = (200,)


def A_citizen(w):
    return {"pk": w.citizen_a.pk}


def A_course(w):
    return {"pk": w.course_a.pk}


def end_course_a(w):
    """A second course in unit A needs the first one closed (the database allows one open course per unit)."""
    w.course_a.end, w.course_a.end_reason = days_ago(1), EndReason.objects.get(code="moved")
    w.course_a.save()


def who5_answers(_w):
    items = Instrument.objects.get(code="who5").items.values_list("link_id", flat=True)
    return {"date": today(), "informer": "citizen", **{f"item_{link}": "3" for link in items}}


CASES = [
    Case("tracker:citizen_list", "GET", "alice", {}, purpose="citizen_list"),
    Case("tracker:citizen_list", "GET", "alice", {}, lambda w: {"q": "Anna"}, action="search"),
    Case("tracker:citizen_list", "GET", "alice", {}, lambda w: {"_export": "csv"}, action="export"),
    Case(
        "tracker:citizen_create",
        "POST",
        "alice",
        {},
        lambda w: {
            "citizen-name": "Carl Carlsen",
            "citizen-cpr": "020385-1234",
            "citizen-gender": "male",
            "citizen-birth_year": "",
            "course-unit": str(w.unit_a.pk),
            "course-legal_basis": str(LegalBasis.objects.get(code="sel-85").pk),
            "course-start": days_ago(3).isoformat(),
        },
        action="create",
        count=2,  # the citizen and the first course: two records, one entry each
        expected_status=(302,),
    ),
    Case("tracker:citizen_detail", "GET", "alice", A_citizen, purpose="citizen_detail"),
    Case("tracker:citizen_update", "GET", "alice", A_citizen, purpose="citizen_update_form"),
    Case(
        "tracker:citizen_update",
        "POST",
        "alice",
        A_citizen,
        lambda w: {"name": "Anna B. Andersen", "cpr": "", "gender": "female", "birth_year": ""},
        action="change",
        expected_status=(302,),
    ),
    Case("tracker:citizen_cpr_reveal", "POST", "alice", A_citizen, action="reveal", purpose="cpr_reveal"),
    Case("tracker:course_start", "GET", "alice", A_citizen, purpose="course_start_form"),
    Case(
        "tracker:course_start",
        "POST",
        "alice",
        A_citizen,
        lambda w: {"unit": w.unit_a.pk, "legal_basis": LegalBasis.objects.get(code="sel-85").pk, "start": today()},
        action="create",
        setup=end_course_a,
        expected_status=(302,),
    ),
    Case("tracker:course_end", "GET", "alice", A_course, purpose="course_end_form"),
    Case(
        "tracker:course_end",
        "POST",
        "alice",
        A_course,
        lambda w: {"end": today(), "end_reason": EndReason.objects.get(code="moved").pk},
        action="change",
        expected_status=(302,),
    ),
    Case("tracker:collaboration_create", "GET", "alice", A_course, purpose="collaboration_form"),
    Case(
        "tracker:collaboration_create",
        "POST",
        "alice",
        A_course,
        lambda w: {
            "partner_name": "Ny partner",
            "new_partner_sector": Sector.objects.get(code="peer").pk,
            "kind": CollaborationKind.objects.get(code="meeting").pk,
            "date": today(),
            "initiated_by": "unit",
            "citizen_participated": "on",
            "usefulness": "4",
        },
        action="create",
        expected_status=(302,),
    ),
    Case(
        "outcomes:measurement_create",
        "GET",
        "alice",
        lambda w: {"course_pk": w.course_a.pk, "code": "who5"},
        purpose="measurement_form",
    ),
    Case(
        "outcomes:measurement_create",
        "POST",
        "alice",
        lambda w: {"course_pk": w.course_a.pk, "code": "who5"},
        who5_answers,
        action="create",
        expected_status=(302,),
    ),
    Case(
        "outcomes:measurement_detail",
        "GET",
        "alice",
        lambda w: {"pk": w.measurement_a.pk},
        purpose="measurement_detail",
    ),
    Case("outcomes:goal_create", "GET", "alice", lambda w: {"course_pk": w.course_a.pk}, purpose="goal_form"),
    Case(
        "outcomes:goal_create",
        "POST",
        "alice",
        lambda w: {"course_pk": w.course_a.pk},
        lambda w: {
            "text": "At gå en tur hver dag",
            "life_domain": LifeDomain.objects.get(code="network").pk,
            "level_minus2": "a",
            "level_minus1": "b",
            "level_0": "c",
            "level_plus1": "d",
            "level_plus2": "e",
            "baseline_level": "-1",
            "created_on": today(),
        },
        action="create",
        expected_status=(302,),
    ),
    Case("outcomes:goal_review_create", "GET", "alice", lambda w: {"pk": w.goal_a.pk}, purpose="goal_review_form"),
    Case(
        "outcomes:goal_review_create",
        "POST",
        "alice",
        lambda w: {"pk": w.goal_a.pk},
        lambda w: {"level": "1", "date": today()},
        action="create",
        expected_status=(302,),
    ),
    Case("outcomes:citizen_summary", "GET", "alice", A_citizen, action="export", purpose="citizen_summary_print"),
]


# Each later app's cases live beside its matrix entries (tests/security/matrix_<app>.py, AUDIT_CASES: Case fields).
for _module in (matrix_selfservice, matrix_api, matrix_imports, matrix_exchange, matrix_consent, matrix_improvement):
    CASES += [Case(**case) for case in getattr(_module, "AUDIT_CASES", [])]


# Pages that write citizen data but whose GET shows none (an empty form): the GET logs nothing.
GET_WITHOUT_CITIZEN_DATA = {"tracker:citizen_create"}


def test_every_citizen_data_url_has_audit_cases():
    citizen_urls = {name for name, entry in MATRIX.items() if entry.citizen_data}
    assert citizen_urls == {case.name for case in CASES}
    # Both the read (GET) and the write (POST) of every page that accepts both are covered.
    for name, entry in MATRIX.items():
        if not entry.citizen_data:
            continue
        methods = {case.method for case in CASES if case.name == name}
        if entry.GET and 200 in entry.GET.values() and name not in GET_WITHOUT_CITIZEN_DATA:
            assert "GET" in methods, name
        if entry.POST and {200, 400} & set(entry.POST.values()):
            assert "POST" in methods, name


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.name}-{c.method}-{c.action}")
def test_each_use_of_citizen_data_writes_one_audit_entry(client, sec_world, case):
    if case.setup:
        case.setup(sec_world)
    user = getattr(sec_world, case.user)
    client.force_login(user)
    url = reverse(case.name, kwargs=case.kwargs(sec_world) if callable(case.kwargs) else case.kwargs)
    data = case.data(sec_world) if case.data else {}
    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = client.get(url, data) if case.method == "GET" else client.post(url, data)
    assert response.status_code in case.expected_status, (response.status_code, response.content[:2000])
    new = list(AuditEntry.objects.filter(pk__gt=last).order_by("pk"))
    assert len(new) == case.count, [(e.action, e.object_type, e.purpose) for e in new]
    for entry in new:
        assert entry.action == case.action
        assert entry.user == user
        if case.purpose:
            assert entry.purpose == case.purpose
    if case.name == "tracker:citizen_list":
        if case.action == "read":
            assert new[0].detail == {"citizen_ids": [sec_world.citizen_a.pk]}
        if case.action == "search":
            assert new[0].detail == {"criteria": {"q": "Anna"}}
    elif case.name != "tracker:citizen_create":
        assert {e.citizen_id for e in new} == {sec_world.citizen_a.pk}


def test_a_change_is_logged_with_before_and_after(client, sec_world):
    client.force_login(sec_world.alice)
    client.post(
        reverse("tracker:citizen_update", args=[sec_world.citizen_a.pk]),
        {"name": "Anna B. Andersen", "cpr": "", "gender": "female", "birth_year": "1990"},
    )
    entry = AuditEntry.objects.get(action="change")
    assert entry.detail["changes"]["name"] == {"before": "Anna Andersen", "after": "Anna B. Andersen"}
    assert entry.detail["changes"]["birth_year"] == {"before": None, "after": 1990}
    assert "0101901234" not in str(entry.detail)


NO_CITIZEN_DATA = [
    ("tracker:citizen_create", "alice"),
    ("tracker:partner_list", "alice"),
    ("tracker:partner_create", "alice"),
    ("tracker:no_role", "alice"),
    ("security:overview", "alice"),
    ("security:otp_setup", "alice"),
    ("login", None),
]


@pytest.mark.parametrize(("name", "who"), NO_CITIZEN_DATA)
def test_pages_without_citizen_data_log_nothing(client, sec_world, name, who):
    assert not MATRIX[name].citizen_data or name in GET_WITHOUT_CITIZEN_DATA
    if who:
        client.force_login(getattr(sec_world, who))
    before = AuditEntry.objects.count()
    assert client.get(reverse(name)).status_code == 200
    assert AuditEntry.objects.count() == before


def test_refused_requests_log_nothing(client, sec_world):
    """404 for another unit's citizen, 403 for the director: no use of data, so no entry."""
    # The URLs first: making their objects (a request for access, a consent) is logged, and is not what is counted.
    urls = [
        reverse(name, kwargs=entry.kwargs(sec_world))
        for name, entry in MATRIX.items()
        if entry.citizen_data and callable(entry.kwargs)
    ]
    before = AuditEntry.objects.count()
    for who in ("bob", "leader_b", "charlie"):
        client.force_login(getattr(sec_world, who))
        for url in urls:
            client.get(url)
    assert AuditEntry.objects.count() == before


def test_audit_entries_are_time_stamped_now(client, sec_world):
    client.force_login(sec_world.alice)
    client.get(reverse("tracker:citizen_detail", args=[sec_world.citizen_a.pk]))
    entry = AuditEntry.objects.latest("pk")
    assert abs(entry.time - timezone.now()) < datetime.timedelta(seconds=30)
