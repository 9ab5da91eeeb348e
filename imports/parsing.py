"""Reading an uploaded CSV or Excel file into a header and rows, and the columns an import file may have.

Pure reading: no database. Text files come as UTF-8 (with or without a byte-order mark), UTF-16 (Excel's
"Unicode-tekst") or Windows-1252 (Danish Excel's CSV), separated by ';', ',' or a tab (taken from the header line),
with Windows, Unix or old Mac line endings. Excel files are read with openpyxl in read-only mode, first sheet,
values only (dates arrive as datetimes, numbers as int or float), every row there is whatever the file's
``<dimension>`` claims. Headers may be the template's or a known synonym ("CPR-nr.", "Måledato"). Rows are counted
by reading them.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import difflib
import functools
import io
import re
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
    """'Forløb start' → 'forloeb_start': lower case, Danish letters spelt out, spaces, hyphens and dots as '_'
    (runs of them as one, none at the ends: 'CPR-nr.' → 'cpr_nr')."""
    value = str(text or "").strip().lower()
    for letter, spelt in (("æ", "ae"), ("ø", "oe"), ("å", "aa")):
        value = value.replace(letter, spelt)
    value = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    for sep in (" ", "-", ".", "/"):
        value = value.replace(sep, "_")
    while "__" in value:
        value = value.replace("__", "_")
    return value.strip("_")


FIXED_KEYS = [normalise_header(name) for name, _help in FIXED_COLUMNS]
CPR, EXTERNAL_ID, NAME, GENDER, BIRTH_YEAR, UNIT, LEGAL_BASIS = FIXED_KEYS[:7]
COURSE_START, COURSE_END, END_REASON, INSTRUMENT, DATE, INFORMER = FIXED_KEYS[7:]

# Headers that municipalities' own spreadsheets and case systems use for our columns (normalised).
HEADER_SYNONYMS: dict[str, str] = {
    **dict.fromkeys(("cpr_nr", "cprnr", "cpr_nummer", "cprnummer", "personnummer", "cpr_no"), CPR),
    **dict.fromkeys(("ekstern_id", "externt_id", "external_id", "borger_id", "borgerid", "id_nr"), EXTERNAL_ID),
    **dict.fromkeys(("borgernavn", "borgerens_navn", "fulde_navn", "initialer"), NAME),
    **dict.fromkeys(("kon", "gender"), GENDER),
    **dict.fromkeys(("fodselsar", "foedt_aar"), BIRTH_YEAR),
    **dict.fromkeys(("enhedskode", "enhedens_kode", "team", "tilbud"), UNIT),
    **dict.fromkeys(("paragraf", "lovhjemmel", "lov"), LEGAL_BASIS),
    **dict.fromkeys(("forloebsstart", "startdato", "start_dato", "forloeb_startdato", "start"), COURSE_START),
    **dict.fromkeys(("forloebsslut", "slutdato", "slut_dato", "forloeb_slutdato", "slut"), COURSE_END),
    **dict.fromkeys(("slutaarsag", "aarsag"), END_REASON),
    **dict.fromkeys(("maaleinstrument", "instrument", "redskab", "skema", "spoergeskema"), INSTRUMENT),
    **dict.fromkeys(("maaledato", "maalingsdato", "maalingens_dato", "dato_for_maaling", "besvarelsesdato"), DATE),
    **dict.fromkeys(("besvaret_af", "informant", "kilde", "hvem_svarer"), INFORMER),
}


def canonical_header(text: object) -> str:
    """The template's key for a header as written in a file (its synonyms included)."""
    key = normalise_header(text)
    return HEADER_SYNONYMS.get(key, key)


def closest(value: str, choices: list[str]) -> str | None:
    """The choice most like ``value`` (typing errors, another spelling), or None when nothing is close."""
    wanted = normalise_header(value)
    by_key = {normalise_header(c): c for c in choices}
    found = difflib.get_close_matches(wanted, list(by_key), n=1, cutoff=0.6)
    return by_key[found[0]] if found else None


def closest_header(value: str, item_headers: list[str]) -> str | None:
    """The template header a misspelt header most likely means, compared with the template's names and their
    synonyms ('Måledatoo' → 'dato', through the synonym 'Måledato')."""
    names = {key: name for key, (name, _help) in zip(FIXED_KEYS, FIXED_COLUMNS, strict=True)}
    names.update({normalise_header(h): h for h in item_headers})
    candidates = {**names, **{s: names[k] for s, k in HEADER_SYNONYMS.items()}}
    found = difflib.get_close_matches(normalise_header(value), list(candidates), n=1, cutoff=0.6)
    return candidates[found[0]] if found else None


class FileError(ValueError):
    """The file as a whole cannot be read (wrong format, no header, too many rows); the message is for the user."""


class CellError(ValueError):
    """A cell that cannot be read (not a date, not a CPR number); the message is for the user and shows the value."""


@dataclass
class Table:
    """The header as written in the file, and the rows (values as read; row 1 is the header). ``total_rows`` is the
    number of non-blank data rows when it is known without reading the rows (CSV), else None."""

    headers: list[str]
    rows: Iterator[tuple[int, list[object]]]
    total_rows: int | None


# --- Text files: encoding, separator, line endings ----------------------------------------------------------------

DELIMITERS = (";", ",", "\t")


def decode(content: bytes) -> str:
    """The file's text. UTF-8 with or without a byte-order mark, UTF-16 (Excel's "Unicode-tekst", with a BOM, or
    without one when every other byte is NUL), else Windows-1252 (Danish Excel's "CSV (semikolonsepareret)")."""
    if content.startswith(codecs.BOM_UTF8):
        return _decode(content[len(codecs.BOM_UTF8) :], "utf-8")
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode(content, "utf-16")
    head = content[:400]
    if len(head) >= 4 and head.count(0) >= len(head) // 3:
        return _decode(content, "utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be")
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        return _decode(content, "cp1252")


def _decode(content: bytes, encoding: str) -> str:
    try:
        return content.decode(encoding)
    except UnicodeDecodeError as exc:
        raise FileError(
            _("Filen kunne ikke læses som tekst (%(encoding)s): byte %(byte)s ved position %(position)s.")
            % {"encoding": encoding, "byte": f"0x{exc.object[exc.start]:02x}", "position": exc.start}
        ) from None


def _unquoted_counts(line: str) -> dict[str, int]:
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    return counts


def sniff_delimiter(header_line: str) -> str:
    """The separator the header line uses most (outside quotes): ';' (Danish Excel), ',' or a tab (Excel's
    "Unicode-tekst"); ',' for a file of one column."""
    counts = _unquoted_counts(header_line)
    best = max(DELIMITERS, key=lambda d: counts[d])  # ties: the order of DELIMITERS
    return best if counts[best] else ","


def _blank(values: list[object]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def read_csv(content: bytes) -> Table:
    # Line endings CRLF (Windows), LF and CR alone ("CSV (Macintosh)") all end a row; a line break inside a quoted
    # cell stays a line break.
    text = decode(content).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise FileError(_("Filen er tom."))
    delimiter = sniff_delimiter(text.split("\n", 1)[0])

    def reader():
        return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    try:
        headers = next(reader())
        total = sum(1 for values in reader() if not _blank(values)) - 1
    except csv.Error as exc:
        raise FileError(_("Filen kan ikke læses som CSV: %(error)s.") % {"error": exc}) from None

    def rows() -> Iterator[tuple[int, list[object]]]:
        stream = reader()
        next(stream)
        for values in stream:
            if not _blank(values):
                yield stream.line_num, list(values)

    return Table(headers=[h.strip() for h in headers], rows=rows(), total_rows=max(total, 0))


# --- Excel --------------------------------------------------------------------------------------------------------


def _open_sheet(content: bytes):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises several kinds for a file that is not a workbook
        raise FileError(_("Filen kunne ikke læses som et Excel-regneark (.xlsx).")) from None
    sheet = workbook.worksheets[0]
    # The <dimension> a program wrote may be missing (every row would be skipped) or wrong (rows after it would
    # be cut off silently): read every row there is instead.
    sheet.reset_dimensions()
    return workbook, sheet


def read_xlsx(content: bytes) -> Table:
    workbook, sheet = _open_sheet(content)
    iterator = sheet.iter_rows(values_only=True)
    try:
        headers = [str(h).strip() if h is not None else "" for h in next(iterator)]
    except StopIteration:
        workbook.close()
        raise FileError(_("Filen er tom.")) from None
    except Exception:  # a damaged first row
        workbook.close()
        raise FileError(_("Filen kunne ikke læses som et Excel-regneark (.xlsx).")) from None
    while headers and not headers[-1]:
        headers.pop()

    def rows() -> Iterator[tuple[int, list[object]]]:
        number = 1
        try:
            for number, values in enumerate(iterator, start=2):
                values = list(values[: len(headers)])
                if not _blank(values):
                    yield number, values
        except FileError:
            raise
        except Exception:  # a damaged sheet fails only when its rows are read: a file error, not a server error
            raise FileError(_("Regnearket kan ikke læses efter række %(row)s.") % {"row": number}) from None
        finally:
            workbook.close()

    return Table(headers=headers, rows=rows(), total_rows=None)


def read_table(content: bytes, file_format: str) -> Table:
    return read_xlsx(content) if file_format == "xlsx" else read_csv(content)


def count_rows(content: bytes, file_format: str, stop_after: int | None = None) -> int:
    """Non-blank data rows (without the header), counted by reading them, never from the file's own claims.
    ``stop_after``: stop counting there (enough to know a file goes to the background worker)."""
    table = read_table(content, file_format)
    if table.total_rows is not None:
        return table.total_rows
    count = 0
    for _row in table.rows:
        count += 1
        if stop_after is not None and count >= stop_after:
            break
    return count


# --- Cell values ------------------------------------------------------------------------------------------------


def text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%Y", "%d-%m-%y", "%d.%m.%y")
# Excel stores a date as the number of days since 30 December 1899; a date cell formatted as a number, or copied
# as text, shows that number. Only numbers that are dates in 1950–2099 are read as dates (a year such as 2024 is
# not a serial date of 1905).
EXCEL_EPOCH = datetime.date(1899, 12, 30)
SERIAL_MIN, SERIAL_MAX = 18264, 73050  # 1950-01-01, 2099-12-31
SERIAL = re.compile(r"[0-9]{5}([.,][0-9]+)?")
DATE_LIKE = re.compile(r"[0-9]{1,4}[-./][0-9]{1,2}[-./][0-9]{1,4}")


def _bad_date(value: object, cause: str) -> CellError:
    return CellError(
        _("Ukendt dato »%(value)s«: %(cause)s. Skriv ÅÅÅÅ-MM-DD eller DD-MM-ÅÅÅÅ.") % {"value": value, "cause": cause}
    )


def _serial_date(number: float, shown: object) -> datetime.date:
    if not SERIAL_MIN <= number <= SERIAL_MAX:
        raise _bad_date(shown, _("et tal, men ikke et Excel-datotal for en dato i 1950–2099"))
    return EXCEL_EPOCH + datetime.timedelta(days=int(number))


def parse_date(value: object) -> datetime.date | None:
    """A date from an Excel cell or text — a date cell, ISO or Danish text, or Excel's serial number (as a number
    or as text); None when empty; CellError (showing the value and why) when it is not a date."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _serial_date(float(value), text(value))
    raw = text(value)
    if not raw:
        return None
    if SERIAL.fullmatch(raw):
        return _serial_date(float(raw.replace(",", ".")), raw)
    # Excel may write a date-and-time as text ("2026-03-01 00:00:00").
    return _parse_date_text(raw.split(" ")[0].split("T")[0], raw)


@functools.lru_cache(maxsize=4096)
def _parse_date_text(raw: str, shown: str) -> datetime.date:
    """Cached: a file of 100,000 rows has a few hundred distinct dates."""
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    if DATE_LIKE.fullmatch(raw):
        raise _bad_date(shown, _("den dag findes ikke i kalenderen (dag og måned byttet om?)"))
    raise _bad_date(shown, _("ikke en dato"))


def cpr_text(value: object) -> str:
    """A CPR number from a cell, the same for CSV and Excel. A spreadsheet turns 0101901234 into the number
    101901234: nine digits get their leading zero back — only when that makes a valid date of birth (DDMMYY), the
    one unambiguous case. Anything else is returned as written, for the CPR check to refuse with its value."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    raw = text(value)
    digits = raw.replace("-", "").replace(" ", "")
    if len(digits) == 9 and digits.isascii() and digits.isdigit():
        restored = "0" + digits
        try:
            datetime.datetime.strptime(restored[:6], "%d%m%y")
        except ValueError:
            return raw
        return restored
    return raw
