"""The downloadable templates: the columns an import file may have, as CSV and as Excel with a help sheet."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _

from common import exports
from imports import parsing
from imports.selectors import item_columns


def columns() -> list[tuple[str, str]]:
    """(header, help) for every column, fixed ones first, then the answer columns named by the items' linkIds."""
    fixed = [(name, str(help_text)) for name, help_text in parsing.FIXED_COLUMNS]
    answers = [(link, _("Svar (%(scale)s).") % {"scale": scale}) for link, scale in item_columns()]
    return fixed + answers


def template_csv() -> bytes:
    """Danish Excel's CSV (semicolon, UTF-8 with a byte-order mark), so Excel opens it with æ, ø and å intact."""
    return exports.write_csv([[name for name, _help in columns()]], fmt=exports.CSV_EXCEL)


def template_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Import"
    cols = columns()
    sheet.append([name for name, _help in cols])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    guide = workbook.create_sheet(_("Vejledning"))
    guide.append([_("Kolonne"), _("Indhold")])
    for name, help_text in cols:
        guide.append([name, help_text])
    guide.column_dimensions["A"].width = 22
    guide.column_dimensions["B"].width = 100
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
