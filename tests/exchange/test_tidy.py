"""The tidy analyst export: one row per item answer, pseudonymous keys, the unit's own data only, logged."""

from __future__ import annotations

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from exchange import selectors, tidy
from exchange.pseudonyms import pseudonym, tidy_scope
from outcomes.models import ItemAnswer
from tests import factories
from tests.exchange.conftest import record
from tracker.models import AuditEntry


def fetch(client, user, unit) -> list[dict]:
    client.force_login(user)
    response = client.get(reverse("exchange:unit_tidy_csv", args=[unit.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    text = b"".join(response.streaming_content).decode("utf-8")
    reader = csv.DictReader(io.StringIO(text))
    assert tuple(reader.fieldnames) == tidy.HEADER
    return list(reader)


def test_one_row_per_item_answer_of_the_units_measurements(client, export_world):
    w = export_world
    rows = fetch(client, w.lena, w.unit_a)
    # 5 + 5 WHO-5 answers, 3 life-domain ratings, 1 ORS total; nothing from unit B.
    assert len(rows) == 14 == ItemAnswer.objects.filter(measurement__course__unit=w.unit_a).count()
    assert {r["unit"] for r in rows} == {"a"}
    assert {r["instrument"] for r in rows} == {"who5", "life-domains", "ors"}


def test_the_values_are_those_stored(client, export_world):
    w = export_world
    rows = fetch(client, w.lena, w.unit_a)
    m = w.who5_latest
    key = pseudonym(scope=tidy_scope(w.unit_a.pk), kind="measurement", pk=m.pk)
    mine = [r for r in rows if r["measurement_key"] == key]
    assert {r["item"]: int(r["value"]) for r in mine} == m.answer_map()
    for r in mine:
        assert r["date"] == m.date.isoformat()
        assert int(r["days_since_start"]) == (m.date - w.course_a.start).days
        assert r["informer"] == "citizen_staff"
        assert r["legal_basis"] == "sel-85"
        assert (r["raw_score"], r["score"]) == ("17", "68")  # 4+3+5+2+3 = 17, × 4 = 68
    rating = [r for r in rows if r["instrument"] == "life-domains"]
    assert {(r["item"], r["life_domain"], r["value"]) for r in rating} == {
        ("relationships", "relationships", "7"),
        ("network", "network", "3"),
        ("health", "health", "10"),
    }
    assert {r["score"] for r in rating} == {""}  # a profile is not summed
    (ors,) = [r for r in rows if r["instrument"] == "ors"]
    assert (ors["item"], ors["value"], ors["score"], ors["informer"]) == ("total", "22", "22", "staff")


def test_no_names_cpr_free_text_or_ids(client, export_world):
    w = export_world
    client.force_login(w.lena)
    text = b"".join(client.get(reverse("exchange:unit_tidy_csv", args=[w.unit_a.pk])).streaming_content).decode()
    assert "Anna" not in text and "0101901234" not in text and "Godt humør" not in text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["citizen_key"] for r in rows} == {
        pseudonym(scope=tidy_scope(w.unit_a.pk), kind="citizen", pk=w.citizen_a.pk)
    }
    assert str(w.citizen_a.pk) not in {r["citizen_key"] for r in rows}


def test_keys_are_stable_across_exports_of_a_unit_and_differ_between_units(client, export_world):
    w = export_world
    first = fetch(client, w.lena, w.unit_a)
    second = fetch(client, w.lena, w.unit_a)
    assert [r["citizen_key"] for r in first] == [r["citizen_key"] for r in second]
    assert [r["measurement_key"] for r in first] == [r["measurement_key"] for r in second]
    # The same citizen in unit B's export would carry another key: files of two units cannot be joined.
    assert pseudonym(scope=tidy_scope(w.unit_b.pk), kind="citizen", pk=w.citizen_a.pk) != first[0]["citizen_key"]


def test_every_citizen_in_the_export_gets_an_export_entry(client, export_world):
    w = export_world
    other = factories.CourseFactory(unit=w.unit_a)
    record(w, other, "who5", {"happy": 2, "calm": 2, "active": 2, "rested": 2, "interest": 2}, 5)
    factories.CourseFactory(unit=w.unit_a)  # a citizen without measurements is not in the file, nor in the log
    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    fetch(client, w.lena, w.unit_a)
    new = AuditEntry.objects.filter(pk__gt=last)
    assert sorted(new.values_list("citizen_id", flat=True)) == sorted([w.citizen_a.pk, other.citizen_id])
    assert {(e.action, e.purpose, e.user) for e in new} == {("export", "tidy_unit_export", w.lena)}


def test_a_unit_without_measurements_exports_a_header_and_one_entry(client, world):
    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    assert fetch(client, world.lena, world.unit_a) == []
    (entry,) = AuditEntry.objects.filter(pk__gt=last)
    assert entry.citizen_id is None and entry.action == "export"


@pytest.mark.parametrize("who", ["alice", "bob", "charlie"])
def test_only_leaders_of_the_unit_may_export(client, export_world, who):
    client.force_login(getattr(export_world, who))
    before = AuditEntry.objects.count()
    assert client.get(reverse("exchange:unit_tidy_csv", args=[export_world.unit_a.pk])).status_code == 403
    assert AuditEntry.objects.count() == before


def test_the_rows_are_read_in_one_query_whatever_the_amount_of_data(export_world):
    w = export_world

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            rows = list(tidy.tidy_rows(selectors.tidy_answer_values(unit=w.unit_a), unit_id=w.unit_a.pk))
        assert len(rows) == 1 + ItemAnswer.objects.filter(measurement__course__unit=w.unit_a).count()
        return len(ctx.captured_queries)

    small = queries()
    for _ in range(5):
        course = factories.CourseFactory(unit=w.unit_a)
        record(w, course, "who5", {"happy": 1, "calm": 1, "active": 1, "rested": 1, "interest": 1}, 3)
    assert queries() == small == 1


def test_the_dictionary_names_every_column_of_the_file():
    assert [c[0] for c in tidy.COLUMNS] == list(tidy.HEADER)
    assert all(str(text) for _name, _kind, text in tidy.COLUMNS)


def test_the_csv_is_streamed_in_chunks_that_add_up_to_the_whole_file():
    from exchange.views import _csv_chunks

    rows = [("a", "b"), *[(i, f"x,{i}") for i in range(7)]]
    chunks = list(_csv_chunks(iter(rows), rows_per_chunk=3))
    assert len(chunks) == 3  # 3 + 3 + 2 rows
    # RFC 4180 bytes from the one export writer.
    assert list(csv.reader(io.StringIO(b"".join(chunks).decode()))) == [[str(v) for v in row] for row in rows]
