"""The export pages: the FHIR download, the data dictionary, the links to them, and their audit entries."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.urls import reverse

from exchange import fhir, selectors, tidy
from exchange.kl import kl
from tests.security.conftest import sec_world  # noqa: F401 (the fixture of the audit cases)
from tests.security.matrix_exchange import AUDIT_CASES
from tracker.models import AuditEntry


def test_the_fhir_download_is_a_valid_bundle_with_the_courses_answers(client, export_world):
    w = export_world
    client.force_login(w.alice)
    response = client.get(reverse("exchange:course_fhir", args=[w.course_a.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="effektspor-forloeb-')
    text = response.content.decode()
    assert "Anna" not in text and "0101901234" not in text
    back = fhir.who5_answers(text, selectors.who5_items())
    assert [answers for _key, _date, answers in back] == [w.who5_first.answer_map(), w.who5_latest.answer_map()]
    assert json.loads(text)["entry"][0]["resource"]["questionnaire"] == kl().who5_questionnaire


def test_the_fhir_download_is_logged_once_as_an_export_of_the_citizen(client, export_world):
    w = export_world
    client.force_login(w.alice)
    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    client.get(reverse("exchange:course_fhir", args=[w.course_a.pk]))
    (entry,) = AuditEntry.objects.filter(pk__gt=last)
    assert (entry.action, entry.citizen_id, entry.purpose, entry.object_id) == (
        "export",
        w.citizen_a.pk,
        "fhir_course_export",
        w.course_a.pk,
    )
    assert entry.detail == {
        "format": "fhir-r4-bundle",
        "questionnaire_responses": 2,
        "life_domain_observations": 3,
        "goals": 1,
    }


@pytest.mark.parametrize(("who", "status"), [("bob", 404), ("charlie", 403)])
def test_another_units_course_cannot_be_exported_and_nothing_is_logged(client, export_world, who, status):
    client.force_login(getattr(export_world, who))
    before = AuditEntry.objects.count()
    assert client.get(reverse("exchange:course_fhir", args=[export_world.course_a.pk])).status_code == status
    assert AuditEntry.objects.count() == before


def test_the_citizen_page_links_each_course_to_its_fhir_export(client, export_world):
    client.force_login(export_world.alice)
    page = client.get(reverse("tracker:citizen_detail", args=[export_world.citizen_a.pk])).content.decode()
    assert reverse("exchange:course_fhir", args=[export_world.course_a.pk]) in page


def test_the_unit_dashboard_links_to_the_tidy_export_and_its_dictionary(client, export_world):
    client.force_login(export_world.lena)
    page = client.get(reverse("dashboards:unit_dashboard")).content.decode()
    assert reverse("exchange:unit_tidy_csv", args=[export_world.unit_a.pk]) in page
    assert reverse("exchange:data_dictionary") in page


def test_the_dictionary_page_lists_every_column_and_the_leaders_units(client, export_world):
    client.force_login(export_world.lena)
    page = client.get(reverse("exchange:data_dictionary")).content.decode()
    for name in tidy.HEADER:
        assert f"<code>{name}</code>" in page
    assert reverse("exchange:unit_tidy_csv", args=[export_world.unit_a.pk]) in page
    client.force_login(export_world.alice)  # a caseworker sees the dictionary, not a download link
    page = client.get(reverse("exchange:data_dictionary")).content.decode()
    assert "<code>citizen_key</code>" in page and "maalinger.csv" not in page


def test_the_dictionary_as_json_and_csv_matches_the_file(client, export_world):
    client.force_login(export_world.alice)
    data = client.get(reverse("exchange:data_dictionary_json")).json()
    assert [c["name"] for c in data["columns"]] == list(tidy.HEADER)
    who5 = next(i for i in data["instruments"] if i["code"] == "who5")
    assert [i["item"] for i in who5["items"]] == list(kl().who5_link_ids)
    assert {i["code"] for i in data["informers"]} == {
        "citizen",
        "citizen_relative",
        "citizen_staff",
        "relative",
        "staff",
    }
    assert "gas" not in {i["code"] for i in data["instruments"]}
    response = client.get(reverse("exchange:data_dictionary_csv"))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["column"] for r in rows] == list(tidy.HEADER)


def test_the_dictionary_follows_the_language(client, export_world):
    client.force_login(export_world.alice)
    client.cookies["django_language"] = "en"
    data = client.get(reverse("exchange:data_dictionary_json")).json()
    assert next(i for i in data["informers"] if i["code"] == "staff")["label"] != "Medarbejder alene"


# --- The audit cases of the permission matrix's citizen-data entries (tests/security/matrix_exchange.py) ------


@pytest.mark.parametrize("case", AUDIT_CASES, ids=lambda c: c["name"])
def test_each_export_writes_one_audit_entry_in_the_security_world(client, sec_world, case):  # noqa: F811
    user = getattr(sec_world, case["user"])
    client.force_login(user)
    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = client.get(reverse(case["name"], kwargs=case["kwargs"](sec_world)))
    assert response.status_code == 200
    new = list(AuditEntry.objects.filter(pk__gt=last))
    assert [(e.action, e.user, e.purpose, e.citizen_id) for e in new] == [
        (case["action"], user, case["purpose"], sec_world.citizen_a.pk)
    ]


# --- Content negotiation: 406 for formats we do not produce ----------------------------------------------------


@pytest.mark.parametrize(
    ("accept", "fmt", "status"),
    [
        ("application/fhir+xml", None, 406),
        ("application/xml, text/xml", None, 406),
        ("application/fhir+json;q=0, application/fhir+xml", None, 406),
        ("text/html", None, 406),
        (None, "xml", 406),
        ("application/fhir+json", "application/fhir+xml", 406),  # _format wins over Accept
        (None, None, 200),
        ("*/*", None, 200),
        ("application/fhir+xml;q=0.9, application/fhir+json", None, 200),
        ("application/json", None, 200),
        ("application/fhir+xml", "json", 200),
    ],
)
def test_the_fhir_export_answers_406_for_formats_we_do_not_produce(client, export_world, accept, fmt, status):
    client.force_login(export_world.alice)
    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    headers = {"HTTP_ACCEPT": accept} if accept else {}
    params = {"_format": fmt} if fmt else {}
    response = client.get(reverse("exchange:course_fhir", args=[export_world.course_a.pk]), params, **headers)
    assert response.status_code == status
    if status == 406:
        assert "application/fhir+json" in response.content.decode()
        assert not AuditEntry.objects.filter(pk__gt=last, action="export").exists()  # nothing was exported
    else:
        assert response["Content-Type"].startswith("application/fhir+json")


def test_a_406_for_another_units_course_is_still_404(client, export_world):
    client.force_login(export_world.bob)
    url = reverse("exchange:course_fhir", args=[export_world.course_a.pk])
    assert client.get(url, HTTP_ACCEPT="application/fhir+xml").status_code == 404


def test_the_dictionary_maps_each_life_domain_to_its_ffb_code_and_explains_missing_rows(client, export_world):
    client.force_login(export_world.alice)
    data = client.get(reverse("exchange:data_dictionary_json")).json()
    rows = {d["code"]: d for d in data["life_domains"]}
    assert len(rows) == 12
    assert rows["relationships"]["ffb_code"] == "3856b434-f72e-42a5-b9d1-0cc93f48434b"
    assert rows["relationships"]["ffb_name"] == "Relationer"
    assert rows["relationships"]["fhir_condition_name"] == "Indgå i samspil og kontakt"
    assert rows["health"]["fhir_condition_code"] == ""
    assert all(d["ffb_code"] and d["ffb_name"] for d in rows.values())
    assert "ikke vurderet" in data["missing_rows"]
    page = client.get(reverse("exchange:data_dictionary")).content.decode()
    assert "3856b434-f72e-42a5-b9d1-0cc93f48434b" in page and "ikke vurderet" in page
