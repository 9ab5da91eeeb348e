"""The files municipalities really have: one import, written the ways real programs write it.

Every variant goes through the upload page (so a 500 anywhere fails the test). A readable variant must preview
without errors and apply exactly its rows; an unreadable or wrong one must be refused with a message that shows the
offending value, and nothing of it may be saved. The 50,000-row file is timed (``test_a_50000_row_file``)."""

from __future__ import annotations

import codecs
import datetime
import io
import re
import time
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from devtools.import_benchmark import generate_csv, run_queued_tasks
from imports.models import ImportJob
from outcomes.models import Measurement
from tracker.models import Citizen, Course

START = timezone.localdate() - datetime.timedelta(days=200)
DATES = [timezone.localdate() - datetime.timedelta(days=n) for n in (150, 40, 20)]
HEADER = ["cpr", "navn", "enhed", "lovgrundlag", "forløb_start", "måleredskab", "dato"]
ITEMS = ["happy", "calm", "active", "rested", "interest"]
SYNONYMS = ["CPR-nr.", "Borgernavn", "Enhedskode", "Paragraf", "Startdato", "Måleinstrument", "Måledato"]


@pytest.fixture(autouse=True)
def danish():
    with translation.override("da"):
        yield


def serial(date: datetime.date) -> int:
    return (date - datetime.date(1899, 12, 30)).days


def table(*, cpr=("0203851111", "1507901234"), dates=None, start=None, answer="2", header=None) -> list[list]:
    """Two new citizens, three WHO-5 measurements; the second citizen's name tests the encoding."""
    dates = dates or [d.isoformat() for d in DATES]
    start = start or START.isoformat()
    return [
        (header or HEADER) + ITEMS,
        [cpr[0], "Carl", "a", "§ 85", start, "who5", dates[0], answer, "2", "1", "1", "2"],
        [cpr[0], "", "a", "", start, "who5", dates[1], "4", "4", "3", "3", "4"],
        [cpr[1], "Åse Ørum", "a", "§ 85", start, "who5", dates[2], "1", "1", "1", "1", "1"],
    ]


def as_csv(rows, *, encoding="utf-8", delimiter=";", newline="\n", bom=b"") -> bytes:
    text = newline.join(delimiter.join(str(v) for v in row) for row in rows) + newline
    return bom + text.encode(encoding)


def as_xlsx(rows, *, dimension: str | None = "keep") -> bytes:
    """An Excel file; ``dimension``: "keep" (as openpyxl writes it), None (no <dimension>, as some generators
    write), or a wrong range (as some exporters write)."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    if dimension == "keep":
        return out.getvalue()
    source, target = zipfile.ZipFile(io.BytesIO(out.getvalue())), io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as rewritten:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                replacement = b"" if dimension is None else f'<dimension ref="{dimension}"/>'.encode()
                data = re.sub(rb"<dimension ref=\"[^\"]*\"\s*/>", replacement, data)
                assert (b"<dimension" in data) == (dimension is not None)
            rewritten.writestr(item, data)
    return target.getvalue()


def typed(rows, **columns):
    """The rows with some cells as Excel would hold them (numbers, dates): columns maps a header to a function."""
    header = rows[0]
    out = [header]
    for row in rows[1:]:
        out.append([columns[h](v) if h in columns and v != "" else v for h, v in zip(header, row, strict=True)])
    return out


def numeric_cpr(value):
    return int(value)  # Excel shows 0203851111 as 203851111


ISO = [d.isoformat() for d in DATES]
ACCEPTED = {
    "utf8, semicolons, LF": (as_csv(table()), "csv"),
    "utf8 with BOM, commas, CRLF": (as_csv(table(), delimiter=",", newline="\r\n", bom=codecs.BOM_UTF8), "csv"),
    "Excel 'Unicode-tekst': UTF-16 LE with BOM, tabs, CRLF": (
        as_csv(table(), encoding="utf-16-le", delimiter="\t", newline="\r\n", bom=codecs.BOM_UTF16_LE),
        "txt",
    ),
    "UTF-16 BE without BOM, tabs": (as_csv(table(), encoding="utf-16-be", delimiter="\t"), "txt"),
    "Danish Excel CSV: cp1252, semicolons, CRLF": (as_csv(table(), encoding="cp1252", newline="\r\n"), "csv"),
    "Excel 'CSV (Macintosh)': cp1252, CR only": (as_csv(table(), encoding="cp1252", newline="\r"), "csv"),
    "utf8, tabs, LF": (as_csv(table(), delimiter="\t"), "csv"),
    "Excel serial dates as text": (
        as_csv(table(dates=[str(serial(d)) for d in DATES], start=str(serial(START)))),
        "csv",
    ),
    "Excel serial dates with a time fraction, decimal comma": (
        as_csv(table(dates=[f"{serial(d)},5" for d in DATES])),
        "csv",
    ),
    "CPR without its leading zero in a CSV": (as_csv(table(cpr=("203851111", "1507901234"))), "csv"),
    "header synonyms (CPR-nr., Måledato …)": (as_csv(table(header=SYNONYMS)), "csv"),
    "Danish dates DD.MM.ÅÅÅÅ": (as_csv(table(dates=[f"{d:%d.%m.%Y}" for d in DATES])), "csv"),
    "xlsx with date cells and a numeric CPR": (
        as_xlsx(
            typed(table(), cpr=numeric_cpr, dato=datetime.date.fromisoformat, forløb_start=datetime.date.fromisoformat)
        ),
        "xlsx",
    ),
    "xlsx with serial dates as numbers": (
        as_xlsx(typed(table(dates=[str(serial(d)) for d in DATES]), dato=int)),
        "xlsx",
    ),
    "xlsx with serial dates as text": (as_xlsx(table(dates=[str(serial(d)) for d in DATES])), "xlsx"),
    "xlsx without <dimension>": (as_xlsx(table(), dimension=None), "xlsx"),
    "xlsx with a wrong <dimension> (A1:C2)": (as_xlsx(table(), dimension="A1:C2"), "xlsx"),
}

# (file, format, the value an error must show, where: an error's column or "upload" for the upload form)
REFUSED = {
    "a nine-digit CPR that is no date with a zero in front": (
        as_csv(table(cpr=("993851111", "1507901234"))),
        "csv",
        "993851111",
        "cpr",
    ),
    "a number in a date column that is no Excel date": (
        as_csv(table(dates=["12345", *ISO[1:]])),
        "csv",
        "12345",
        "dato",
    ),
    "a date that does not exist": (as_csv(table(dates=["31-02-2025", *ISO[1:]])), "csv", "31-02-2025", "dato"),
    "a month-first date": (as_csv(table(dates=["12/31/2025", *ISO[1:]])), "csv", "12/31/2025", "dato"),
    "an answer '²' (superscript two)": (as_csv(table(answer="²")), "csv", "²", "happy"),
    "an answer out of range in xlsx": (as_xlsx(typed(table(answer="7"), happy=int)), "xlsx", "7", "happy"),
    "an unknown header, with the closest template name": (
        as_csv(table(header=["cpr", "navn", "enhed", "lovgrundlag", "forløb_start", "måleredskab", "måledatoo"])),
        "csv",
        "måledatoo",
        "måledatoo",
    ),
    "a pipe-separated file": (as_csv(table(), delimiter="|"), "csv", "cpr|navn", None),
    "bytes that are no text": (b"cpr;navn\r\n\x81\x8d\x8f\x90\x9d;\x00\xff\r\n" * 3, "csv", "0x81", "upload"),
    "not a workbook": (b"PK\x03\x04 this is not a zip", "xlsx", None, "upload"),
}


def upload(client, content: bytes, extension: str):
    handle = io.BytesIO(content)
    handle.name = f"fil.{extension}"
    return client.post(reverse("imports:job_create"), {"file": handle})


def snapshot() -> tuple[int, int, int]:
    return Citizen.objects.count(), Course.objects.count(), Measurement.objects.count()


@pytest.mark.parametrize("variant", list(ACCEPTED))
def test_a_readable_variant_previews_cleanly_and_applies_all_its_rows(client, world, variant):
    content, extension = ACCEPTED[variant]
    client.force_login(world.alice)
    before = snapshot()
    response = upload(client, content, extension)
    assert response.status_code == 302, response.content.decode()[:2000]
    job = ImportJob.objects.latest("pk")
    assert job.status == ImportJob.Status.VALIDATED, job.errors
    assert job.counts["rows"] == 3 and job.counts["measurements_new"] == 3
    assert snapshot() == before
    response = client.post(reverse("imports:job_apply", args=[job.pk]), {"confirm": "True"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.APPLIED
    assert snapshot() == (before[0] + 2, before[1] + 2, before[2] + 3)
    assert Citizen.objects.filter(name="Åse Ørum", cpr="1507901234").exists()  # the encoding was read right
    carl = Citizen.objects.get(name="Carl")
    assert carl.cpr == "0203851111"  # the leading zero, whatever the file did to it
    dates = sorted(Measurement.objects.filter(course__citizen__in=[carl]).values_list("date", flat=True))
    assert dates == sorted(DATES[:2])  # every date read as the day it was
    assert carl.courses.get().start == START


@pytest.mark.parametrize("variant", list(REFUSED))
def test_a_wrong_variant_is_refused_showing_the_value_and_saves_nothing(client, world, variant):
    content, extension, value, where = REFUSED[variant]
    client.force_login(world.alice)
    before, jobs = snapshot(), ImportJob.objects.count()
    response = upload(client, content, extension)
    assert response.status_code in (302, 400)
    if where == "upload":
        assert response.status_code == 400 and ImportJob.objects.count() == jobs
        page = response.content.decode()
        assert value is None or value in page
        assert "form-error" in page or "errorlist" in page or "error" in page
    else:
        job = ImportJob.objects.latest("pk")
        assert job.status == ImportJob.Status.INVALID
        shown = [e for e in job.errors if value in e["value"] or value in e["message"]]
        assert shown, job.errors
        if where is not None:
            assert any(e["column"] == where for e in shown), job.errors
        page = client.get(job.get_absolute_url()).content.decode()
        assert value in page
        assert client.post(reverse("imports:job_apply", args=[job.pk]), {"confirm": "True"}).status_code == 400
    assert snapshot() == before


def test_the_closest_template_header_and_code_are_suggested(client, world):
    client.force_login(world.alice)
    rows = table(header=["cpr", "navn", "enhed", "lovgrundlag", "forløb_start", "måleredskab", "måledatoo"])
    upload(client, as_csv(rows), "csv")
    (error,) = ImportJob.objects.latest("pk").errors
    assert error["message"].endswith("Mente du »dato«?")
    rows = table()
    rows[1][5] = "whoo5"
    upload(client, as_csv(rows), "csv")
    (error,) = ImportJob.objects.latest("pk").errors
    assert (error["row"], error["column"], error["value"]) == (2, "måleredskab", "whoo5")
    assert "Mente du »who5«?" in error["message"]


def test_the_row_cap_refuses_a_larger_file_csv_at_upload_and_xlsx_in_the_check(client, world, settings):
    settings.EFFEKTSPOR_IMPORT_MAX_ROWS = 2
    client.force_login(world.alice)
    before = snapshot()
    response = upload(client, as_csv(table()), "csv")
    assert (
        response.status_code == 400 and "Filen har 3 rækker; én import kan højst have 2." in response.content.decode()
    )
    settings.EFFEKTSPOR_IMPORT_SYNC_MAX_ROWS = 1  # the xlsx is counted only up to the synchronous limit in the request
    assert upload(client, as_xlsx(table()), "xlsx").status_code == 302
    job = ImportJob.objects.latest("pk")
    assert job.status == ImportJob.Status.VALIDATION_QUEUED
    run_queued_tasks()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.INVALID
    assert job.errors[0]["message"].startswith("Filen har flere end 2 rækker") and job.errors[0]["value"] == "3"
    assert snapshot() == before


def test_an_xlsx_over_the_synchronous_limit_goes_to_the_worker_whatever_its_dimension(client, world, settings):
    settings.EFFEKTSPOR_IMPORT_SYNC_MAX_ROWS = 2
    client.force_login(world.alice)
    for dimension in (None, "A1:C2"):
        upload(client, as_xlsx(table(), dimension=dimension), "xlsx")
        job = ImportJob.objects.latest("pk")
        assert job.status == ImportJob.Status.VALIDATION_QUEUED  # not checked in the request
        assert job.total_rows == 3  # counted by reading (stopped once past the limit)


def test_a_50000_row_file_goes_to_the_background_and_applies_whole(client, world, settings, capsys):
    rows = 50_000
    content = generate_csv(rows, unit_code="a")
    client.force_login(world.alice)
    started = time.perf_counter()
    response = upload(client, content, "csv")
    upload_seconds = time.perf_counter() - started
    job = ImportJob.objects.latest("pk")
    assert response.status_code == 302
    assert (job.status, job.total_rows) == (ImportJob.Status.VALIDATION_QUEUED, rows)
    assert run_queued_tasks() == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALIDATED, job.errors[:3]
    checked = time.perf_counter() - started
    client.post(reverse("imports:job_apply", args=[job.pk]), {"confirm": "True"})
    assert run_queued_tasks() == 1
    job.refresh_from_db()
    total = time.perf_counter() - started
    assert job.status == ImportJob.Status.APPLIED
    assert Measurement.objects.filter(course__unit=world.unit_a).count() == rows
    with capsys.disabled():
        print(
            f"\n50,000-row CSV import: upload {upload_seconds:.2f} s, checked after {checked:.1f} s, "
            f"applied after {total:.1f} s"
        )
