"""The one writer of every CSV and Excel file the application hands out.

Three formats, each from the same rows (a header row, then data rows of plain Python values):

- ``csv-excel`` — "CSV (Excel)": the dialect Danish Excel opens with a double click: semicolon-separated (the
  decimal separator is a comma in a Danish locale, so Excel's list separator is ";"), CRLF line ends, and a UTF-8
  byte-order mark so æ, ø and å are read as UTF-8 rather than Windows-1252.
- ``csv`` — plain RFC 4180 CSV for analysts: comma-separated, CRLF, UTF-8 without a byte-order mark.
- ``xlsx`` — a typed workbook (openpyxl): numbers are numbers, dates are dates (with a date format), text is text.

Every text cell that a spreadsheet would read as a formula — one that starts with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return — is neutralised by a leading apostrophe, as OWASP's "CSV Injection" page recommends. The
apostrophe is shown by a text editor and hidden by Excel, and the cell stays the text that was typed. Numbers
(``int``, ``float``, ``Decimal``) are never neutralised: a negative change is a number, not a formula. In the xlsx
file a text cell is also stored with the explicit string type, so no spreadsheet evaluates it.

This module imports only Django's HTTP response and openpyxl, never an app of the project.
"""

from __future__ import annotations

import csv
import datetime
import decimal
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse

CSV = "csv"
CSV_EXCEL = "csv-excel"
XLSX = "xlsx"
FORMATS = (CSV_EXCEL, CSV, XLSX)

CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    CSV_EXCEL: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXTENSIONS = {CSV: "csv", CSV_EXCEL: "csv", XLSX: "xlsx"}

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
XLSX_DATE_FORMAT = "dd-mm-yyyy"
XLSX_DATETIME_FORMAT = "dd-mm-yyyy hh:mm"
SHEET_TITLE_MAX = 31  # Excel's limit


class DanishExcel(csv.Dialect):
    """Danish Excel's CSV: semicolon, double quotes, CRLF."""

    delimiter = ";"
    quotechar = '"'
    doublequote = True
    skipinitialspace = False
    lineterminator = "\r\n"
    quoting = csv.QUOTE_MINIMAL


class RFC4180(csv.Dialect):
    """RFC 4180: comma, double quotes, CRLF."""

    delimiter = ","
    quotechar = '"'
    doublequote = True
    skipinitialspace = False
    lineterminator = "\r\n"
    quoting = csv.QUOTE_MINIMAL


def neutralise(value: str) -> str:
    """A text that a spreadsheet would evaluate as a formula, made inert with a leading apostrophe (OWASP)."""
    if value and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float, decimal.Decimal)) and not isinstance(value, bool)


def csv_cell(value: Any, *, decimal_comma: bool) -> str:
    """One cell as CSV text: numbers and dates in a form the spreadsheet reads back as such, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if _is_number(value):
        if isinstance(value, float) and value.is_integer():
            text = str(int(value))
        elif isinstance(value, decimal.Decimal):
            text = format(value, "f")
        else:
            text = str(value)
        return text.replace(".", ",") if decimal_comma else text
    if isinstance(value, datetime.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return neutralise(str(value))


def write_csv(rows: Iterable[Sequence[Any]], *, fmt: str = CSV_EXCEL) -> bytes:
    """The rows as CSV bytes in the Danish Excel dialect (``csv-excel``) or as RFC 4180 (``csv``)."""
    if fmt not in (CSV, CSV_EXCEL):
        raise ValueError(f"not a CSV format: {fmt}")
    excel = fmt == CSV_EXCEL
    buffer = io.StringIO()
    if excel:
        buffer.write(BOM)
    writer = csv.writer(buffer, dialect=DanishExcel if excel else RFC4180)
    for row in rows:
        writer.writerow([csv_cell(value, decimal_comma=excel) for value in row])
    return buffer.getvalue().encode("utf-8")


def write_xlsx(rows: Iterable[Sequence[Any]], *, title: str = "data") -> bytes:
    """The rows as an xlsx workbook with typed cells; text cells are stored as strings, never as formulas."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import TYPE_STRING

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = (title or "data")[:SHEET_TITLE_MAX]
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            cell = sheet.cell(row=r, column=c)
            if value is None:
                continue
            if isinstance(value, bool):
                cell.value = value
            elif _is_number(value):
                cell.value = float(value) if isinstance(value, decimal.Decimal) else value
            elif isinstance(value, datetime.datetime):
                cell.value = value.replace(tzinfo=None)
                cell.number_format = XLSX_DATETIME_FORMAT
            elif isinstance(value, datetime.date):
                cell.value = value
                cell.number_format = XLSX_DATE_FORMAT
            else:
                # Assigning a text that starts with "=" would make openpyxl store a formula: set the string type
                # explicitly, and neutralise it as in the CSV files so a copy into another sheet stays inert too.
                cell.value = neutralise(str(value))
                cell.data_type = TYPE_STRING
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write(rows: Iterable[Sequence[Any]], *, fmt: str, title: str = "data") -> bytes:
    if fmt == XLSX:
        return write_xlsx(rows, title=title)
    return write_csv(rows, fmt=fmt)


def export_response(rows: Iterable[Sequence[Any]], *, fmt: str, filename: str, title: str = "data") -> HttpResponse:
    """A download of the rows in one of ``FORMATS``; ``filename`` without extension. Never cached (no-store)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format: {fmt}")
    response = HttpResponse(write(rows, fmt=fmt, title=title), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{EXTENSIONS[fmt]}"'
    response["Cache-Control"] = "no-store"
    return response


def table_rows(table, exclude_columns: Sequence[str] = ()) -> list[list[Any]]:
    """A django-tables2 table's header and values (its ``value_*`` methods), for the writer above.

    Typed values pass through (a column that returns a date or a number keeps it); HTML never reaches a file.
    """
    return [list(row) for row in table.as_values(exclude_columns=exclude_columns)]
