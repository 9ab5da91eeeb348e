"""The pure reading of import files: encodings, separators, line endings, serial dates, CPR zeros, header synonyms."""

from __future__ import annotations

import codecs
import datetime

import pytest
from django.utils import translation

from imports import parsing
from outcomes import scoring


@pytest.fixture(autouse=True)
def danish():
    with translation.override("da"):
        yield


@pytest.mark.parametrize(
    ("content", "text"),
    [
        ("Åse;Ørum".encode(), "Åse;Ørum"),
        (codecs.BOM_UTF8 + "Åse;Ørum".encode(), "Åse;Ørum"),
        (codecs.BOM_UTF16_LE + "Åse\tØrum".encode("utf-16-le"), "Åse\tØrum"),
        (codecs.BOM_UTF16_BE + "Åse\tØrum".encode("utf-16-be"), "Åse\tØrum"),
        ("Åse\tØrum".encode("utf-16-le"), "Åse\tØrum"),
        ("Åse;Ørum".encode("cp1252"), "Åse;Ørum"),
    ],
)
def test_the_encoding_is_detected(content, text):
    assert parsing.decode(content) == text


def test_bytes_that_are_no_text_name_the_byte():
    with pytest.raises(parsing.FileError, match="0x81"):
        parsing.decode(b"abc\x81")


@pytest.mark.parametrize(
    ("line", "delimiter"),
    [("cpr;navn;dato", ";"), ("cpr,navn,dato", ","), ("cpr\tnavn\tdato", "\t"), ('"a;b",c,d', ","), ("cpr", ",")],
)
def test_the_separator_is_taken_from_the_header_outside_quotes(line, delimiter):
    assert parsing.sniff_delimiter(line) == delimiter


@pytest.mark.parametrize("newline", ["\r\n", "\n", "\r"])
def test_every_line_ending_ends_a_row_and_a_quoted_line_break_stays(newline):
    content = newline.join(["cpr;note", '1;"to\nlinjer"', "2;x", ""]).encode()
    table = parsing.read_csv(content)
    assert table.headers == ["cpr", "note"]
    assert [values for _n, values in table.rows] == [["1", "to\nlinjer"], ["2", "x"]]
    assert table.total_rows == 2


@pytest.mark.parametrize(
    ("value", "date"),
    [
        (45292, datetime.date(2024, 1, 1)),
        (45292.75, datetime.date(2024, 1, 1)),
        ("45292", datetime.date(2024, 1, 1)),
        ("45292,5", datetime.date(2024, 1, 1)),
        ("01.01.2024", datetime.date(2024, 1, 1)),
        ("2024-01-01 00:00:00", datetime.date(2024, 1, 1)),
        (datetime.datetime(2024, 1, 1, 13, 5), datetime.date(2024, 1, 1)),
    ],
)
def test_dates_including_excel_serial_numbers(value, date):
    assert parsing.parse_date(value) == date


@pytest.mark.parametrize(
    ("value", "cause"),
    [(2024, "Excel-datotal"), ("12345", "Excel-datotal"), ("31-02-2025", "findes ikke"), ("i morgen", "ikke en dato")],
)
def test_a_bad_date_says_which_value_and_why(value, cause):
    with pytest.raises(parsing.CellError) as caught:
        parsing.parse_date(value)
    assert f"»{value}«" in str(caught.value) and cause in str(caught.value)


@pytest.mark.parametrize(
    ("value", "cpr"),
    [
        (203851111, "0203851111"),  # an xlsx number
        (203851111.0, "0203851111"),
        ("203851111", "0203851111"),  # the same in a CSV
        ("0203851111", "0203851111"),
        ("020385-1111", "020385-1111"),  # left for the CPR check to normalise
        ("993851111", "993851111"),  # a zero in front gives no date: left as it is, refused with its value
        (12345678, "12345678"),
    ],
)
def test_a_cpr_gets_its_leading_zero_back_only_where_unambiguous(value, cpr):
    assert parsing.cpr_text(value) == cpr


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("CPR-nr.", parsing.CPR),
        ("Cpr nr", parsing.CPR),
        ("Måledato", parsing.DATE),
        ("Forløb start", parsing.COURSE_START),
        ("Startdato", parsing.COURSE_START),
        ("Besvaret af", parsing.INFORMER),
        ("self-care", "self_care"),
    ],
)
def test_header_synonyms(header, key):
    assert parsing.canonical_header(header) == key


def test_an_answer_that_only_looks_like_a_digit_is_a_scoring_error_not_a_crash():
    definition = scoring.InstrumentDefinition(
        code="x",
        scoring="sum",
        multiplier=1.0,
        items=(scoring.ItemDefinition(link_id="q", min_value=0, max_value=5),),
    )
    for answer in ("²", "٣", "1²"):
        with pytest.raises(scoring.ScoringError) as caught:
            scoring.score_answers(definition, {"q": answer})
        assert caught.value.errors == {"q": "not_integer:0:5"}
    assert scoring.score_answers(definition, {"q": "3"}).raw_score == 3


def test_a_sheet_damaged_after_its_header_is_a_file_error_not_a_crash():
    import io
    import zipfile

    from openpyxl import Workbook

    workbook = Workbook()
    for n in range(5):
        workbook.active.append(["cpr", "navn"] if n == 0 else [f"01019{n}1234", f"B {n}"])
    out = io.BytesIO()
    workbook.save(out)
    source, target = zipfile.ZipFile(io.BytesIO(out.getvalue())), io.BytesIO()
    with zipfile.ZipFile(target, "w") as damaged:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                cut = data.index(b'<row r="3"')
                data = data[:cut] + b"<row r=3 <<<"  # broken XML after row 2
            damaged.writestr(item, data)
    with pytest.raises(parsing.FileError, match="efter række"):
        parsing.count_rows(target.getvalue(), "xlsx")
