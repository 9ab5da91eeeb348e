"""Reading an uploaded CSV or Excel file into a header and rows, and the columns an import file may have.

Pure reading: no database. CSV comes from Danish Excel as cp1252 with ';', from other tools as UTF-8 (with or
without a byte-order mark) with ','; the separator is taken from the header line. Excel files are read with
openpyxl in read-only mode, first sheet, values only (dates arrive as datetimes, numbers as int or float).
"""

from __future__ import annotations

import csv
import datetime
import functools
import io
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# The fixed columns, in the order of the template: (header as written in the template, help text).
FIXED_COLUMNS: list[tuple[str, object]] = [
    ("cpr", _("CPR-nummer, 10 cifre (DDMMÅÅ-XXXX). Udfyld cpr eller eksternt_id (eller begge).")),
    ("eksternt_id", _("Borgerens id i et andet system, hvis cpr ikke bruges.")),
    ("navn", _("Navn eller initialer. Skal udfyldes for en ny borger.")),
    ("køn", _("kvinde, mand, andet eller ikke oplyst (kan være tom).")),
    ("fødselsår", _("Fx 1984 (kan være tom; ellers udledes det af CPR-nummeret).")),
    ("enhed", _("Enhedens kode eller navn — en enhed, du arbejder i.")),
    ("lovgrundlag", _("Fx § 85 eller sel-85. Skal udfyldes for et nyt forløb.")),
    ("forløb_start", _("Forløbets startdato. Tom: det forløb i enheden, som målingens dato ligger i.")),
    ("forløb_slut", _("Slutdato for et afsluttet forløb (kan være tom).")),
    ("afslutningsårsag", _("Skal udfyldes, når forløb_slut er udfyldt, fx moved eller goals-reached.")),
    ("måleredskab", _("who5, life-domains, ors eller srs. Tom: rækken opretter kun borger og forløb.")),
    ("dato", _("Målingens dato (ÅÅÅÅ-MM-DD eller DD-MM-ÅÅÅÅ).")),
    ("hvem_svarede", _("borger (standard), borger støttet af pårørende, borger støttet af medarbejder, "
                       "pårørende alene eller medarbejder alene.")),
]  # fmt: skip


def normalise_header(text: object) -> str:
    """'Forløb start' → 'forloeb_start': lower case, Danish letters spelt out, spaces and hyphens as '_'."""
    value = str(text or "").strip().lower()
    for letter, spelt in (("æ", "ae"), ("ø", "oe"), ("å", "aa")):
        value = value.replace(letter, spelt)
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    for sep in (" ", "-", "."):
        value = value.replace(sep, "_")
    return value


FIXED_KEYS = [normalise_header(name) for name, _help in FIXED_COLUMNS]
CPR, EXTERNAL_ID, NAME, GENDER, BIRTH_YEAR, UNIT, LEGAL_BASIS = FIXED_KEYS[:7]
COURSE_START, COURSE_END, END_REASON, INSTRUMENT, DATE, INFORMER = FIXED_KEYS[7:]


class FileError(ValueError):
    """The file as a whole cannot be read (wrong format, no header, too many rows); the message is for the user."""


@dataclass
class Table:
    """The header as written in the file, and the rows (values as read; row 1 is the header)."""

    headers: list[str]
    rows: Iterator[tuple[int, list[object]]]
    total_rows: int


def _decode(content: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileError(_("Filen kunne ikke læses som tekst (UTF-8 eller Windows-1252)."))


def _blank(values: list[object]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def read_csv(content: bytes) -> Table:
    text = _decode(content)
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") and ";" in first_line else ","
    lines = text.splitlines()
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        headers = next(reader)
    except StopIteration:
        raise FileError(_("Filen er tom.")) from None
    total = sum(1 for line in lines[1:] if line.strip().strip(delimiter))

    def rows() -> Iterator[tuple[int, list[object]]]:
        for values in reader:
            if not _blank(values):
                yield reader.line_num, list(values)

    return Table(headers=[h.strip() for h in headers], rows=rows(), total_rows=total)


def read_xlsx(content: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises several kinds for a file that is not a workbook
        raise FileError(_("Filen kunne ikke læses som et Excel-regneark (.xlsx).")) from None
    sheet = workbook.worksheets[0]
    iterator = sheet.iter_rows(values_only=True)
    try:
        headers = [str(h).strip() if h is not None else "" for h in next(iterator)]
    except StopIteration:
        raise FileError(_("Filen er tom.")) from None
    while headers and not headers[-1]:
        headers.pop()
    # The sheet's stated dimension is cheap to read; blank rows below the data are skipped when iterating.
    total = max((sheet.max_row or 1) - 1, 0)

    def rows() -> Iterator[tuple[int, list[object]]]:
        for number, values in enumerate(iterator, start=2):
            values = list(values[: len(headers)])
            if not _blank(values):
                yield number, values
        workbook.close()

    return Table(headers=headers, rows=rows(), total_rows=total)


def read_table(content: bytes, file_format: str) -> Table:
    return read_xlsx(content) if file_format == "xlsx" else read_csv(content)


def count_rows(content: bytes, file_format: str) -> int:
    """Data rows (without the header), cheaply: used to choose between applying in the request and the worker."""
    return read_table(content, file_format).total_rows


# --- Cell values ------------------------------------------------------------------------------------------------


def text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y", "%d-%m-%y", "%d.%m.%y")


def parse_date(value: object) -> datetime.date | None:
    """A date from an Excel cell or text; None when empty; ValueError when it is not a date."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    raw = text(value)
    if not raw:
        return None
    # Excel may write a date-and-time as text ("2026-03-01 00:00:00").
    return _parse_date_text(raw.split(" ")[0].split("T")[0])


@functools.lru_cache(maxsize=4096)
def _parse_date_text(raw: str) -> datetime.date:
    """Cached: a file of 100,000 rows has a few hundred distinct dates."""
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise ValueError(raw)


def cpr_text(value: object) -> str:
    """A CPR number from a cell; Excel turns 0101901234 into the number 101901234, so put the zero back."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{int(value):010d}"
    return text(value)
