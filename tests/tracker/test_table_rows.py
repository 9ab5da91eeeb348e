"""``{% table_rows %}`` renders exactly the body rows django-tables2's own template renders (up to whitespace)."""

from __future__ import annotations

import datetime
import re

import django_tables2 as tables
import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation
from django_tables2 import RequestConfig

from dashboards.tables import CITIZEN_LEVEL, dashboard_tables
from tests.dashboards.test_unit_dashboard import build_unit, dashboard_for


def body(html: str) -> str:
    """The table's <tbody>, with the whitespace between tags and inside tags normalised."""
    found = re.search(r"<tbody[^>]*>(.*?)</tbody>", html, re.S)
    assert found, html[:200]
    text = re.sub(r">\s+<", "><", found.group(1).strip())
    text = re.sub(r"\s+>", ">", text)
    return re.sub(r"<(td|tr)\s+>", r"<\1>", re.sub(r"\s+", " ", text))


def both(table, request) -> tuple[str, str]:
    """The table rendered by the project's template and by django-tables2's own."""
    ours = Template("{% load django_tables2 %}{% render_table table %}").render(
        Context({"table": table, "request": request})
    )
    theirs = Template('{% load django_tables2 %}{% render_table table "django_tables2/table.html" %}').render(
        Context({"table": table, "request": request})
    )
    assert "table_rows" not in ours
    return body(ours), body(theirs)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["da", "en"])
def test_the_dashboards_tables_render_as_the_library_renders_them(world, language):
    build_unit(world)
    request = RequestFactory().get("/")
    with translation.override(language):
        d = dashboard_for(world.lena)

        def make(name):
            table = dashboard_tables(d, unit_link=lambda pk: f"/unit/{pk}")[name]
            if name in CITIZEN_LEVEL:
                RequestConfig(request, paginate={"per_page": 25}).configure(table)
            return table

        rendered = 0
        for name in dashboard_tables(d):
            ours, theirs = both(lambda name=name: make(name), request)
            assert ours == theirs, name
            rendered += ours.count("<td")
    assert rendered > 100  # the hand-built unit fills the tables


class Odd(tables.Table):
    """Cells the dashboards do not have: attributes from the record, localisation on and off, escaping."""

    name = tables.Column(attrs={"td": {"data-id": lambda record: record["id"], "class": "n"}})
    amount = tables.Column(localize=True)
    raw = tables.Column(localize=False)
    day = tables.Column()

    class Meta:
        attrs = {"class": "table"}
        row_attrs = {"data-row": lambda record: record["id"]}


@pytest.mark.django_db
def test_callable_attributes_localisation_and_escaping_as_the_library():
    rows = [
        {"id": 1, "name": "<b>Åse</b> & co", "amount": 1234.5, "raw": 1234.5, "day": datetime.date(2026, 3, 1)},
        {"id": 2, "name": "Bo", "amount": None, "raw": 7, "day": None},
    ]
    request = RequestFactory().get("/")
    with translation.override("da"):
        ours, theirs = both(lambda: Odd(rows), request)
    assert ours == theirs
    assert (
        'data-id="1"' in ours
        and "&lt;b&gt;Åse&lt;/b&gt; &amp; co" in ours
        and "<td>1234,5</td>" in ours
        and "<td>1234.5</td>" in ours
    )
    empty_ours, empty_theirs = both(lambda: Odd([], empty_text="Ingen <rækker>"), request)
    assert empty_ours == empty_theirs and "Ingen &lt;rækker&gt;" in empty_ours
