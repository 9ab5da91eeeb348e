"""Import of citizens, courses and measurements (docs/exchange.md): a valid file applies; a file with one bad
row applies nothing and reports that row; the same file twice creates no duplicates; the formats staff really have
(Danish Excel's cp1252 with ';', UTF-8 with ',', .xlsx with date cells and CPR numbers as numbers) all read."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from imports import services, validation
from imports.models import ImportJob
from outcomes.models import ItemAnswer, Measurement, TrajectorySummary
from tests import factories
from tracker import dataversion
from tracker.models import AuditEntry, Citizen, Course

HEADER = (
    "cpr;eksternt_id;navn;køn;enhed;lovgrundlag;forløb_start;måleredskab;dato;hvem_svarede;"
    "happy;calm;active;rested;interest"
)


@pytest.fixture(autouse=True)
def danish():
    with translation.override("da"):
        yield


def d(days_ago: int) -> str:
    return (timezone.localdate() - datetime.timedelta(days=days_ago)).isoformat()


def valid_rows() -> list[str]:
    """Two new citizens with a course and two WHO-5s each, and one measurement into citizen_a's existing course."""
    return [
        f"020385-1111;;Carl Carlsen;mand;a;§ 85;{d(100)};who5;{d(90)};borger;2;2;1;1;2",
        f"020385-1111;;;;a;;{d(100)};who5;{d(10)};borger;4;4;3;3;4",
        f";EXT-7;D. D.;kvinde;Bostøtte A;sel-85;{d(60)};who5;{d(50)};medarbejder alene;1;1;1;1;1",
        f";EXT-7;;;a;;;who5;{d(5)};;3;3;3;3;3",
        f"010190-1234;;;;a;;;who5;{d(3)};borger;5;5;4;4;5",
    ]


def csv_bytes(rows: list[str], header: str = HEADER, encoding: str = "utf-8") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode(encoding)


def counts() -> dict[str, int]:
    return {
        "citizens": Citizen.objects.count(),
        "courses": Course.objects.count(),
        "measurements": Measurement.objects.count(),
        "answers": ItemAnswer.objects.count(),
        "summaries": TrajectorySummary.objects.count(),
    }


def post_file(client, content: bytes, name: str = "borgere.csv"):
    handle = io.BytesIO(content)
    handle.name = name
    return client.post(reverse("imports:job_create"), {"file": handle})


def latest_job() -> ImportJob:
    return ImportJob.objects.latest("pk")


def test_a_valid_file_previews_then_applies_everything(client, world):
    client.force_login(world.alice)
    before = counts()
    version = dataversion.current()
    response = post_file(client, csv_bytes(valid_rows()))
    job = latest_job()
    assert response.status_code == 302 and response.url == job.get_absolute_url()
    assert job.status == ImportJob.Status.VALIDATED, job.errors
    assert job.counts == {
        "rows": 5,
        "citizens_new": 2,
        "citizens_existing": 1,
        "courses_new": 2,
        "courses_existing": 1,
        "measurements_new": 5,
        "measurements_updated": 0,
        "measurements_skipped": 0,
        "errors": 0,
    }
    assert counts() == before  # the preview writes nothing
    page = client.get(job.get_absolute_url())
    assert "Nye borgere" in page.content.decode() and "Godkend og importér" in page.content.decode()

    response = client.post(reverse("imports:job_apply", args=[job.pk]), {"confirm": "True"})
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.APPLIED
    assert job.content == b""  # the file (with CPR numbers) is not kept once applied
    after = counts()
    assert after["citizens"] == before["citizens"] + 2
    assert after["courses"] == before["courses"] + 2
    assert after["measurements"] == before["measurements"] + 5
    assert after["answers"] == before["answers"] + 25
    carl = Citizen.objects.get(cpr="0203851111")
    assert (carl.name, carl.gender, carl.birth_year) == ("Carl Carlsen", "male", 1985)
    course = carl.courses.get()
    assert course.unit == world.unit_a and course.legal_basis.code == "sel-85" and course.end is None
    # Scored as the form would, and the trajectory summary is right: 32 → 72.
    summary = TrajectorySummary.objects.get(course=course, instrument__code="who5")
    assert (summary.n_measurements, summary.baseline_score, summary.latest_score, summary.change) == (2, 32, 72, 40)
    ext = Citizen.objects.get(external_id="EXT-7")
    assert ext.courses.get().measurements.get(date=timezone.localdate() - datetime.timedelta(days=50)).informer == (
        "staff"
    )
    # The row without a course start went into the course on its date: citizen_a's existing course.
    assert world.course_a.measurements.get().score == 92
    assert TrajectorySummary.objects.get(course=world.course_a).latest_score == 92
    assert dataversion.current() > version  # cached dashboards are recomputed


def test_a_file_with_one_bad_row_applies_nothing_and_reports_that_row(client, world):
    client.force_login(world.alice)
    rows = valid_rows()
    rows[2] = rows[2].replace(";1;1;1;1;1", ";1;7;1;1;1")  # file row 4: calm = 7 on a 0–5 item
    before = counts()
    post_file(client, csv_bytes(rows))
    job = latest_job()
    assert job.status == ImportJob.Status.INVALID
    assert job.errors == [
        {"row": 4, "column": "calm", "value": "7", "message": "Svaret skal være et helt tal fra 0 til 5. Fik »7«."}
    ]
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Filen har 1 fejl. Intet er gemt." in page
    assert "<td>4</td>" in page and "Svaret skal være et helt tal fra 0 til 5." in page
    assert "Godkend" not in page
    # Applying is refused, and nothing was written.
    response = client.post(reverse("imports:job_apply", args=[job.pk]), {"confirm": "True"})
    assert response.status_code == 400
    assert counts() == before


def test_a_bad_row_found_only_at_apply_time_rolls_everything_back(client, world):
    """The check runs again when applying; a row that became wrong meanwhile stops the whole file."""
    client.force_login(world.alice)
    post_file(client, csv_bytes(valid_rows()))
    job = latest_job()
    assert job.status == ImportJob.Status.VALIDATED
    # Meanwhile a colleague registers Carl's CPR number in unit A with an external id that the file contradicts.
    factories.CourseFactory(
        unit=world.unit_a, citizen=factories.CitizenFactory(name="Carl", cpr="0203851111", external_id="OTHER")
    )
    job.content = csv_bytes([r.replace("020385-1111;;", "020385-1111;EXT-C;") for r in valid_rows()])
    job.save()
    before = counts()
    services.job_queue_apply(job=job)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.INVALID
    assert {e["row"] for e in job.errors} == {2, 3}
    assert counts() == before


def test_the_same_file_twice_creates_no_duplicates(client, world):
    client.force_login(world.alice)
    content = csv_bytes(valid_rows())
    post_file(client, content)
    client.post(reverse("imports:job_apply", args=[latest_job().pk]), {"confirm": "True"})
    once = counts()
    post_file(client, content)
    job = latest_job()
    assert job.counts["citizens_new"] == job.counts["courses_new"] == job.counts["measurements_new"] == 0
    assert job.counts["measurements_skipped"] == 5
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Målinger, der springes over (findes allerede med samme svar)" in page
    client.post(reverse("imports:job_apply", args=[job.pk]), {"confirm": "True"})
    job.refresh_from_db()
    assert job.status == ImportJob.Status.APPLIED
    assert counts() == once


def test_changed_answers_update_the_measurement_and_its_summary(client, world):
    client.force_login(world.alice)
    post_file(client, csv_bytes(valid_rows()))
    client.post(reverse("imports:job_apply", args=[latest_job().pk]), {"confirm": "True"})
    once = counts()
    rows = valid_rows()
    rows[1] = rows[1].replace(";4;4;3;3;4", ";5;5;5;5;5")
    post_file(client, csv_bytes(rows))
    job = latest_job()
    assert (job.counts["measurements_updated"], job.counts["measurements_skipped"]) == (1, 4)
    client.post(reverse("imports:job_apply", args=[job.pk]), {"confirm": "True"})
    assert counts() == once
    course = Citizen.objects.get(cpr="0203851111").courses.get()
    assert TrajectorySummary.objects.get(course=course).latest_score == 100
    latest = course.measurements.order_by("date").last()
    assert latest.answer_map() == {"happy": 5, "calm": 5, "active": 5, "rested": 5, "interest": 5}


def test_every_import_is_audit_logged_once_with_the_citizens_concerned(client, world):
    client.force_login(world.alice)
    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    post_file(client, csv_bytes(valid_rows()))
    job = latest_job()
    preview = list(AuditEntry.objects.filter(pk__gt=last))
    # The preview looked up the file's citizens: one search entry naming the one found (citizen_a).
    assert [(e.action, e.purpose, e.detail["citizen_ids"]) for e in preview] == [
        ("search", "import_preview", [world.citizen_a.pk])
    ]
    client.post(reverse("imports:job_apply", args=[job.pk]), {"confirm": "True"})
    entries = list(AuditEntry.objects.filter(pk__gt=preview[-1].pk))
    assert len(entries) == 1
    entry = entries[0]
    assert (entry.action, entry.purpose, entry.user, entry.object_id) == ("create", "import", world.alice, job.pk)
    created = set(Citizen.objects.filter(name__in=["Carl Carlsen", "D. D."]).values_list("pk", flat=True))
    assert set(entry.detail["citizen_ids"]) == created | {world.citizen_a.pk}
    assert entry.detail["counts"]["measurements_new"] == 5
    assert "0203851111" not in str(entry.detail)


def test_a_caseworker_may_import_only_into_their_own_units(client, world):
    client.force_login(world.alice)
    rows = [f"020385-1111;;Carl;mand;b;§ 85;{d(100)};;;;;;;;"]
    before = counts()
    post_file(client, csv_bytes(rows))
    job = latest_job()
    assert job.errors == [
        {"row": 2, "column": "enhed", "value": "b", "message": "Ukendt enhed »b«, eller en enhed du ikke arbejder i."}
    ]
    assert counts() == before


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        (f"320185-1111;;C;;a;§ 85;{d(9)};;;;;;;;", "cpr", "De første seks cifre i CPR-nummeret er ikke en gyldig dato"),
        (f";;C;;a;§ 85;{d(9)};;;;;;;;", "cpr", "Udfyld cpr eller eksternt_id"),
        (f"020385-1111;;;;a;§ 85;{d(9)};;;;;;;;", "navn", "Skriv navn eller initialer"),
        (f"020385-1111;;C;;a;;{d(9)};;;;;;;;", "lovgrundlag", "Angiv lovgrundlag"),
        ("020385-1111;;C;;a;§ 85;31-02-2020;;;;;;;;", "forløb_start", "Ukendt dato"),
        (f"020385-1111;;C;;a;§ 85;{d(9)};who9;{d(1)};;;;;;", "måleredskab", "Ukendt måleredskab"),
        (f"020385-1111;;C;;a;§ 85;{d(9)};who5;{d(20)};;1;1;1;1;1", "dato", "Datoen ligger før forløbets start"),
        (f"020385-1111;;C;;a;§ 85;{d(9)};who5;{d(-3)};;1;1;1;1;1", "dato", "Datoen må ikke ligge i fremtiden"),
        (f"020385-1111;;C;;a;§ 85;{d(9)};who5;{d(1)};;1;1;1;1;", "interest", "Besvar dette spørgsmål (0–5)"),
        (f"020385-1111;;C;;a;§ 85;{d(9)};who5;{d(1)};venner;1;1;1;1;1", "hvem_svarede", "Ukendt værdi"),
        (f"010190-1234;;;;a;§ 85;{d(9)};;;;;;;;", "forløb_start", "allerede et åbent forløb i denne enhed"),
        (f"020385-1111;;C;;a;;;who5;{d(1)};;1;1;1;1;1", "forløb_start", "intet forløb i enheden på målingens dato"),
    ],
)
def test_row_level_errors_name_the_row_the_column_and_what_is_wrong(world, row, column, message):
    plan = validation.check_file(user=world.alice, content=csv_bytes([row]), file_format="csv")
    assert len(plan.errors) == 1, plan.errors
    error = plan.errors[0]
    assert (error["row"], error["column"]) == (2, column)
    assert message in error["message"]


def test_duplicate_measurement_rows_in_one_file_are_an_error(world):
    row = f"020385-1111;;C;;a;§ 85;{d(9)};who5;{d(1)};;1;1;1;1;1"
    plan = validation.check_file(user=world.alice, content=csv_bytes([row, row]), file_format="csv")
    assert plan.errors == [
        {
            "row": 3,
            "column": "dato",
            "value": d(1),
            "message": "Samme måling (borger, måleredskab og dato) står også i række 2.",
        }
    ]


def test_unknown_and_missing_columns_are_reported_on_row_1(world):
    plan = validation.check_file(user=world.alice, content=b"navn,hapy\nC,1\n", file_format="csv")
    assert {(e["row"], e["column"]) for e in plan.errors} == {(1, "hapy"), (1, "cpr"), (1, "enhed")}


def test_danish_excel_csv_in_cp1252_with_semicolons_reads(world):
    header = "CPR;Navn;Køn;Enhed;Lovgrundlag;Forløb start;Måleredskab;Dato;Hvem svarede;total"
    rows = [f"020385-1111;Søren Ærø;Mand;a;§ 85;{d(30)};ORS;{d(20)[8:10]}.{d(20)[5:7]}.{d(20)[:4]};Borger;31"]
    plan = validation.check_file(user=world.alice, content=csv_bytes(rows, header, "cp1252"), file_format="csv")
    assert plan.errors == []
    assert plan.citizens[0].name == "Søren Ærø"
    assert plan.measurements[0].score == 31


def test_utf8_csv_with_commas_and_a_byte_order_mark_reads(world):
    rows = [f"020385-1111,,Åse,kvinde,a,§ 85,{d(30)},life-domains,{d(20)},,,,,,"]
    header = HEADER.replace(";", ",") + ",network,health"
    rows = [rows[0] + ",7,3"]
    plan = validation.check_file(user=world.alice, content=csv_bytes(rows, header, "utf-8-sig"), file_format="csv")
    assert plan.errors == []
    assert plan.citizens[0].name == "Åse"
    assert plan.measurements[0].answers == {"network": 7, "health": 3}


def test_excel_files_read_with_date_cells_and_cpr_numbers_as_numbers(client, world):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        [
            "cpr",
            "navn",
            "enhed",
            "lovgrundlag",
            "forløb_start",
            "måleredskab",
            "dato",
            "happy",
            "calm",
            "active",
            "rested",
            "interest",
        ]
    )
    start = timezone.localdate() - datetime.timedelta(days=30)
    # Excel drops the leading zero of 0203851111 when the column is a number.
    first, second = (datetime.datetime.combine(start + datetime.timedelta(days=n), datetime.time()) for n in (0, 2))
    sheet.append([203851111, "Carl", "a", "§ 85", first, "who5", second, 3, 3, 3, 3, 3])
    out = io.BytesIO()
    workbook.save(out)
    client.force_login(world.alice)
    post_file(client, out.getvalue(), "borgere.xlsx")
    job = latest_job()
    assert (job.file_format, job.status) == ("xlsx", ImportJob.Status.VALIDATED), job.errors
    client.post(reverse("imports:job_apply", args=[job.pk]), {"confirm": "True"})
    carl = Citizen.objects.get(cpr="0203851111")
    assert carl.courses.get().start == start
    assert carl.courses.get().measurements.get().score == 60


def test_not_a_spreadsheet_is_refused_on_upload(client, world):
    client.force_login(world.alice)
    before = ImportJob.objects.count()
    response = post_file(client, b"%PDF-1.4", "borgere.pdf")
    assert response.status_code == 400
    assert "Vælg en CSV-fil (.csv) eller et Excel-regneark (.xlsx)." in response.content.decode()
    response = post_file(client, b"not a zip", "borgere.xlsx")
    assert response.status_code == 400
    assert "Filen kunne ikke læses som et Excel-regneark (.xlsx)." in response.content.decode()
    assert ImportJob.objects.count() == before


def test_the_templates_have_every_column_and_read_back_without_errors(client, world):
    client.force_login(world.alice)
    csv_response = client.get(reverse("imports:template_csv"))
    assert csv_response.status_code == 200
    assert csv_response["Content-Disposition"].endswith('skabelon.csv"')
    content = csv_response.content
    assert content.startswith(b"\xef\xbb\xbf")  # a byte-order mark, for Excel
    header = content.decode("utf-8-sig").strip().split(";")
    assert header[:3] == ["cpr", "eksternt_id", "navn"] and "happy" in header and "neighbourhood" in header
    row = ";".join(
        {"cpr": "020385-1111", "navn": "C", "enhed": "a", "lovgrundlag": "§ 85", "forløb_start": d(9)}.get(h, "")
        for h in header
    )
    plan = validation.check_file(user=world.alice, content=content + row.encode(), file_format="csv")
    assert plan.errors == [] and plan.counts["courses_new"] == 1
    xlsx_response = client.get(reverse("imports:template_xlsx"))
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(xlsx_response.content))
    assert [c.value for c in workbook["Import"][1]] == header
    assert workbook.sheetnames == ["Import", "Vejledning"]


def test_another_users_import_is_not_found(client, world):
    client.force_login(world.alice)
    post_file(client, csv_bytes(valid_rows()))
    job = latest_job()
    for user in (world.bob, world.lena):
        client.force_login(user)
        assert client.get(job.get_absolute_url()).status_code == 404
        assert client.post(reverse("imports:job_apply", args=[job.pk]), {"confirm": "True"}).status_code == 404
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALIDATED


def test_the_upload_page_lists_my_imports_and_explains_the_columns(client, world):
    client.force_login(world.alice)
    post_file(client, csv_bytes(valid_rows()), "mine-data.csv")
    page = client.get(reverse("imports:job_create")).content.decode()
    assert "mine-data.csv" in page
    assert "Hent skabelon (Excel)" in page and "<code>forløb_start</code>" in page
    client.force_login(world.bob)
    assert "mine-data.csv" not in client.get(reverse("imports:job_create")).content.decode()


def test_a_director_may_not_import(client, world):
    client.force_login(world.charlie)
    assert client.get(reverse("imports:job_create")).status_code == 403
    assert post_file(client, csv_bytes(valid_rows())).status_code == 403
    assert not ImportJob.objects.exists()


def test_importing_into_a_unit_offering_other_legal_bases_is_refused(world):
    from tracker.models import LegalBasis

    world.unit_a.legal_bases.add(LegalBasis.objects.get(code="sel-104"))
    plan = validation.check_file(
        user=world.alice, content=csv_bytes([f"020385-1111;;C;;a;§ 85;{d(9)};;;;;;;;"]), file_format="csv"
    )
    assert [e["message"] for e in plan.errors] == ["Enheden tilbyder ikke dette lovgrundlag."]


def test_an_import_by_a_user_with_an_existing_citizen_elsewhere_attaches_a_new_course(client, world):
    """A citizen known only in another unit (by CPR): the preview answers exactly as for an unknown CPR number, and
    applying joins the same person (a course in the importer's unit, no second record), logged as a match."""
    elsewhere = factories.CitizenFactory(name="Elsewhere", cpr="0203851111")
    factories.CourseFactory(unit=world.unit_b, citizen=elsewhere)
    unknown = "020385-2222"
    for cpr in ("020385-1111", unknown):
        # Without a name: the same error for the known and the unknown number.
        plan = validation.check_file(
            user=world.alice, content=csv_bytes([f"{cpr};;;;a;§ 85;{d(9)};;;;;;;;"]), file_format="csv"
        )
        assert [e["message"] for e in plan.errors] == ["Skriv navn eller initialer — borgeren findes ikke i forvejen."]
        plan = validation.check_file(
            user=world.alice, content=csv_bytes([f"{cpr};;Eva;;a;§ 85;{d(9)};;;;;;;;"]), file_format="csv"
        )
        assert plan.errors == []
        assert (plan.counts["citizens_new"], plan.counts["citizens_existing"], plan.counts["courses_new"]) == (1, 0, 1)
    client.force_login(world.alice)
    post_file(client, csv_bytes([f"020385-1111;;Eva;;a;§ 85;{d(9)};;;;;;;;"]))
    job = latest_job()
    assert job.counts["citizens_new"] == 1
    client.post(reverse("imports:job_apply", args=[job.pk]), {"confirm": "True"})
    job.refresh_from_db()
    assert job.status == ImportJob.Status.APPLIED
    assert Citizen.objects.filter(cpr="0203851111").count() == 1
    assert set(elsewhere.courses.values_list("unit__code", flat=True)) == {"a", "b"}
    match = AuditEntry.objects.get(purpose="citizen_match")
    assert (match.citizen_id, match.user, match.detail["channel"]) == (elsewhere.pk, world.alice, "import")


def test_an_external_id_matches_only_within_the_importers_units(world):
    """Unit B's external id in alice's file is not unit B's citizen: a new citizen, the id not stored on it."""
    factories.CourseFactory(unit=world.unit_b, citizen=factories.CitizenFactory(name="B's", external_id="SYS-7"))
    plan = validation.check_file(
        user=world.alice, content=csv_bytes([f";SYS-7;Ny;;a;§ 85;{d(9)};;;;;;;;"]), file_format="csv"
    )
    assert plan.errors == []
    assert (plan.counts["citizens_new"], plan.counts["citizens_existing"]) == (1, 0)
    assert plan.citizens[0].existing_id is None and plan.citizens[0].external_id is None


def test_files_are_not_kept_when_invalid_and_are_purged_when_never_applied(client, world):
    from django.core.management import call_command

    client.force_login(world.alice)
    rows = valid_rows()
    post_file(client, csv_bytes([rows[0].replace(";2;2;1;1;2", ";2;9;1;1;2")]))
    assert bytes(latest_job().content) == b""  # a file with errors is never applied: not kept
    post_file(client, csv_bytes(rows))
    waiting = latest_job()
    assert bytes(waiting.content) != b""
    out = io.StringIO()
    call_command("purge_import_files", "--days", "7", stdout=out)
    waiting.refresh_from_db()
    assert bytes(waiting.content) != b"" and out.getvalue().startswith("0 ")
    ImportJob.objects.filter(pk=waiting.pk).update(created_at=timezone.now() - datetime.timedelta(days=8))
    call_command("purge_import_files", "--days", "7", stdout=out)
    waiting.refresh_from_db()
    assert bytes(waiting.content) == b"" and waiting.counts["measurements_new"] == 5


def test_a_too_large_upload_is_refused_before_it_is_read(client, world, monkeypatch):
    monkeypatch.setattr(services, "MAX_BYTES", 100)
    client.force_login(world.alice)
    response = post_file(client, csv_bytes(valid_rows()))
    assert response.status_code == 400
    assert "Filen er for stor (højst 50 MB)." in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_double_click_applies_the_file_once(client, world):
    client.force_login(world.alice)
    post_file(client, csv_bytes(valid_rows()))
    job = latest_job()
    stale_copy = ImportJob.objects.get(pk=job.pk)  # what a second tab still believes: checked, not applied
    assert client.post(reverse("imports:job_apply", args=[job.pk]), {"confirm": "True"}).status_code == 302
    once = counts()
    audit = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        services.job_queue_apply(job=stale_copy)
    assert client.post(reverse("imports:job_apply", args=[job.pk]), {"confirm": "True"}).status_code == 400
    # A task run a second time by the worker does nothing either.
    assert services.job_apply(job=ImportJob.objects.get(pk=job.pk)).status == ImportJob.Status.APPLIED
    job.refresh_from_db()
    assert job.status == ImportJob.Status.APPLIED
    assert (counts(), AuditEntry.objects.count()) == (once, audit)
