"""``{% table_rows table %}``: the body rows of a django-tables2 table, rendered in Python.

django-tables2's own template renders each cell through several template nodes (a loop over ``row.items``, the
column's ``td`` attributes computed again for every cell, a localisation branch); on the unit dashboard's ~700
cells that was most of the page's rendering time. This tag gives the same HTML (tests/tracker/test_table_rows.py
compares it with the library's template): each cell is still rendered by django-tables2 (``BoundRow.items``:
accessors, ``render_*`` methods, ``linkify``) and written as ``{{ cell }}`` would write it
(``render_value_in_context``: localised and escaped). A column's ``td`` attributes are computed once per table
when they are plain values, per cell when a callable may depend on the record.
"""

from __future__ import annotations

from django import template
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


@register.simple_tag(takes_context=True)
def table_rows(context, table) -> SafeString:
    columns = list(table.columns)
    static = {column.name: column.attrs["td"].as_html() for column in columns if _static_td(column)}
    out: list[str] = []
    for row in table.paginated_rows:
        out.append(f"<tr {row.attrs.as_html()}>")
        for column, cell in row.items():
            td = static.get(column.name)
            if td is None:
                td = column.attrs["td"].as_html()
            if column.localize is not None:  # the library's template: {{ cell|localize }} or {{ cell|unlocalize }}
                cell = l10n.localize(cell) if column.localize else l10n.unlocalize(cell)
            value = render_value_in_context(cell, context)
            out.append(f"<td {td}>{value}</td>")
        out.append("</tr>")
    if not out and table.empty_text:
        out.append(format_html('<tr><td colspan="{}">{}</td></tr>', len(columns), table.empty_text))
    return mark_safe("".join(out))  # noqa: S308 — every value above is escaped or the library's own HTML
