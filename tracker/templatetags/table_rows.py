"""``{% table_rows table %}``: the body rows of a django-tables2 table, rendered in Python.

django-tables2's own template renders each cell through several template nodes (a loop over ``row.items``, the
column's ``td`` attributes computed again for every cell, a localisation branch), and each cell through its
general pipeline (an accessor walked twice, keyword arguments matched to the render method's signature); on the
unit dashboard's ~700 cells that was most of the page's rendering time. This tag gives the same HTML
(tests/tracker/test_table_rows.py compares it with the library's template on every dashboard table): a cell with
a ``render_*`` method, a link, a model record or a nested accessor is rendered by django-tables2
(``BoundRow.get_cell``); a plain column's cell is the record's value (or the column's default when empty), as the
library would give it. Each is written as ``{{ cell }}`` would write it (``render_value_in_context``: localised
and escaped). A column's ``td`` attributes are computed once per table when they are plain values, per cell when
a callable may depend on the record.
"""

from __future__ import annotations

import django_tables2 as tables
from django import template
from django.db.models import Model
from django.template.base import render_value_in_context
from django.templatetags import l10n
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _static_td(column) -> bool:
    attrs = {**dict(column._table.attrs), **dict(column.column.attrs)}
    td = attrs.get("td", attrs.get("cell", {}))
    return not any(callable(value) for value in td.values()) and not any(
        callable(value) for value in column._table.attrs.values()
    )


_MISSING = object()


def _plain(column) -> str | None:
    """The attribute a column shows as it is — a plain ``Column`` with no ``render_<name>`` on the table, no link
    and a one-part accessor — or None, when django-tables2 renders the cell."""
    if type(column.column) is not tables.Column or column.link is not None or column.render != column.column.render:
        return None
    accessor = str(column.accessor)
    return accessor if accessor.isidentifier() and "__" not in accessor else None


def _cell(row, column, attribute: str | None):
    """``row.get_cell(column.name)``; for a plain column of a plain record (a dict or a dataclass row, not a model
    instance: a model's choices are shown by their display names) the same, read directly."""
    record = row.record
    if attribute is not None and not isinstance(record, Model):
        value = record.get(attribute, _MISSING) if isinstance(record, dict) else getattr(record, attribute, _MISSING)
        if value is not _MISSING and not callable(value):
            return column.default if value in column.column.empty_values else value
    return row.get_cell(column.name)


@register.simple_tag(takes_context=True)
def table_rows(context, table) -> SafeString:
    columns = list(table.columns)
    static = {column.name: column.attrs["td"].as_html() for column in columns if _static_td(column)}
    plain = {column.name: _plain(column) for column in columns}
    out: list[str] = []
    for row in table.paginated_rows:
        out.append(f"<tr {row.attrs.as_html()}>")
        for column in columns:
            cell = _cell(row, column, plain[column.name])
            td = static.get(column.name)
            if td is None:  # attributes that may depend on the record, as ``BoundRow.items`` sets it up for them
                column.current_value, column.current_record = cell, row.record
                td = column.attrs["td"].as_html()
            if column.localize is not None:  # the library's template: {{ cell|localize }} or {{ cell|unlocalize }}
                cell = l10n.localize(cell) if column.localize else l10n.unlocalize(cell)
            out.append(f"<td {td}>{render_value_in_context(cell, context)}</td>")
        out.append("</tr>")
    if not out and table.empty_text:
        out.append(format_html('<tr><td colspan="{}">{}</td></tr>', len(columns), table.empty_text))
    return mark_safe("".join(out))  # noqa: S308 — every value above is escaped or the library's own HTML
