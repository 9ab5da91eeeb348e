"""No CPR number in clear in the audit table: searches keep it masked with a keyed hash, and a safety net under
every entry masks whatever a caller put in. Played through every channel that takes a CPR number."""

from __future__ import annotations

import datetime
import json
import re

from django.urls import reverse
from django.utils import timezone

from imports import validation
from tests.api.helpers import token_client
from tracker import services
from tracker.models import AuditEntry, LegalBasis

CPRS = ["0101901234", "0203851111", "1203854322", "2505804321"]
ANY_CPR = re.compile(r"(?<![0-9])[0-9]{6}-?[0-9]{4}(?![0-9])")


def all_audit_text() -> str:
    rows = AuditEntry.objects.values_list("purpose", "detail", "object_type")
    return "\n".join(f"{purpose} {json.dumps(detail, ensure_ascii=False)} {kind}" for purpose, detail, kind in rows)


def test_no_cpr_number_in_clear_after_every_channel(client, sec_world):
    w = sec_world
    w.citizen_b.cpr = "2505804321"
    w.citizen_b.save()
    day = (timezone.localdate() - datetime.timedelta(days=2)).isoformat()
    client.force_login(w.alice)
    # Searches, with and without the hyphen, and an export of the search.
    for q in ("010190-1234", "0101901234", "250580-4321", "2505804321"):
        client.get(reverse("tracker:citizen_list"), {"q": q})
    client.get(reverse("tracker:citizen_list"), {"q": "0101901234", "_export": "csv"})
    # Registering on the page: a new number and one known in unit B.
    for cpr in ("120385-4322", "250580-4321"):
        client.post(
            reverse("tracker:citizen_create"),
            {
                "citizen-name": "Ny",
                "citizen-cpr": cpr,
                "citizen-gender": "unknown",
                "citizen-birth_year": "",
                "course-unit": str(w.unit_a.pk),
                "course-legal_basis": str(LegalBasis.objects.get(code="sel-85").pk),
                "course-start": day,
            },
        )
    # Changing a CPR number to another citizen's (a probe), and revealing one.
    client.post(
        reverse("tracker:citizen_update", args=[w.citizen_a.pk]),
        {"name": "Anna Andersen", "cpr": "250580-4321", "gender": "female", "birth_year": ""},
    )
    client.post(reverse("tracker:citizen_cpr_reveal", args=[w.citizen_a.pk]))
    # The API, and an import preview.
    token_client(w.alice).post(
        reverse("api:citizen-list"),
        {"name": "Via API", "cpr": "020385-1111", "unit": w.unit_a.pk, "legal_basis": "sel-85", "start": day},
        format="json",
    )
    content = f"cpr;navn;enhed;lovgrundlag;forløb_start\n020385-1111;Carl;a;§ 85;{day}\n".encode()
    validation.check_file(user=w.alice, content=content, file_format="csv")
    from imports import services as import_services

    job = import_services.job_create(user=w.alice, file_name="b.csv", content=content, language="da")
    import_services.job_validate(job=job)
    # A caller that puts a number into the detail or the purpose by mistake.
    services.audit_log(user=w.alice, action="read", purpose="note 0101901234", detail={"free": ["x 010190-1234 y"]})

    text = all_audit_text()
    assert AuditEntry.objects.count() >= 12
    for cpr in CPRS:
        assert cpr not in text and f"{cpr[:6]}-{cpr[6:]}" not in text, cpr
    assert not ANY_CPR.search(text.replace("-xxxx", "")), ANY_CPR.search(text)
    # What stays: the date part masked, and the keyed hash that finds the same number again.
    assert "010190-xxxx" in text
    hashes = {
        e.detail["criteria"]["q"]["cpr_hash"]
        for e in AuditEntry.objects.filter(action="search", purpose="citizen_list")
        if isinstance(e.detail["criteria"].get("q"), dict) and e.detail["criteria"]["q"]["cpr_masked"] == "010190-xxxx"
    }
    assert len(hashes) == 1


def test_the_keyed_hash_depends_on_the_secret_key(settings):
    first = services.cpr_keyed_hash("0101901234")
    assert first == services.cpr_keyed_hash("010190-1234")
    settings.SECRET_KEY = "another-secret-key-for-this-test-only-0123456789"
    assert services.cpr_keyed_hash("0101901234") != first


def test_admin_reads_of_the_audit_log_are_logged(client, sec_world):
    from tests.security.conftest import login_verified

    login_verified(client, sec_world.root)
    services.audit_log(user=sec_world.alice, action="read", citizen_id=sec_world.citizen_a.pk, purpose="citizen_detail")
    before = AuditEntry.objects.count()
    assert client.get(reverse("admin:tracker_auditentry_changelist")).status_code == 200
    entry = AuditEntry.objects.latest("pk")
    assert AuditEntry.objects.count() == before + 1
    assert (entry.user, entry.purpose, entry.action) == (sec_world.root, "admin_audit_log", "read")
    assert sec_world.citizen_a.pk in entry.detail["citizen_ids"]
    target = AuditEntry.objects.filter(purpose="citizen_detail").first()
    assert client.get(reverse("admin:tracker_auditentry_change", args=[target.pk])).status_code == 200
    assert AuditEntry.objects.latest("pk").object_id == target.pk
