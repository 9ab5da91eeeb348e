"""One truth per figure: for the same inputs every channel shows the same figure.

The leader's channels (page, report, API) show the engine's figures for the leader's own unit; the aggregate-
only channels (director's page, its CSV and Excel export, the chart JSON, the comparison API, a publication)
show the engine's published rows — the same figures after disclosure control, within its stated bounds.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re

import openpyxl
import pytest
from django.urls import reverse
from django.utils.formats import number_format

from devtools import demo as demo_data
from figures import disclosure
from figures.comparison import unit_comparison
from figures.periods import month_bounds, resolve_period
from publications import services as publication_services
from publications.snapshot import FIGURE_KEYS
from tests import factories
from tests.api.helpers import token_client
from tests.factories import DirectorScopeFactory
from tests.figures.conftest import record, who5
from tracker.models import OrganisationUnit

pytestmark = pytest.mark.django_db
TODAY = datetime.date.today()


def _previous_month() -> tuple[str, datetime.date, datetime.date]:
    first = TODAY.replace(day=1) - datetime.timedelta(days=1)
    start, end = month_bounds(first.year, first.month)
    return f"m{first.year}-{first.month:02d}", start, end


@pytest.fixture
def channel_world(sec_world):
    """Units A (lena leads), B and C with WHO-5 baselines five months back and follow-ups in the last completed
    month, so the same grid period can be shown to the leader, the director and the public."""
    w = sec_world
    w.unit_c = factories.UnitFactory(name="Bosted C", code="c", parent=w.department)
    w.code, start, end = _previous_month()
    base_days = (TODAY - (start - datetime.timedelta(days=150))).days
    follow_days = (TODAY - (start + datetime.timedelta(days=10))).days
    # Unit A: six reliable improvements (+36 or +40), three unchanged, one −20 (not reliably worse).
    plans = {w.unit_a: [(1, 3)] * 6 + [(2, 2)] * 3 + [(3, 2)], w.unit_b: [(1, 3)] * 7, w.unit_c: [(3, 3)] * 8}
    for unit, pairs in plans.items():
        for i, (before, after) in enumerate(pairs):
            course = factories.CourseFactory(unit=unit, start=start - datetime.timedelta(days=160))
            record(course, base_days, [before] * 4 + [before + i % 2], w.alice)
            record(course, follow_days, [after] * 5, w.alice)
    w.period = resolve_period(w.code, today=TODAY)
    return w


def _row_cells(html: str, table_id: str, name: str) -> list[str]:
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S).group(0)
    row = re.search(rf"<tr>\s*<th scope=\"row\">(?:<a [^>]*>)?{re.escape(name)}(?:</a>)?</th>(.*?)</tr>", table, re.S)
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row.group(1), re.S)]


def _num(value: float, digits: int = 1) -> str:
    return number_format(round(value, digits), digits)


def test_every_channel_shows_the_same_figures(client, channel_world):
    w = channel_world
    unit = w.unit_a
    # --- The leader's channels: exact figures for the leader's own unit.
    api = token_client(w.lena).get(reverse("api:unit_figures"), {"unit": unit.pk, "period": w.code}).json()
    paired, improved, mean = api["mean_change"]["n"], api["improved"]["k"], api["mean_change"]["mean"]
    assert (paired, improved) == (10, 6)
    client.force_login(w.lena)
    query = f"?unit={unit.pk}&period={w.code}"
    page = client.get(reverse("dashboards:unit_dashboard") + query).content.decode()
    report = client.get(reverse("dashboards:unit_report") + query).content.decode()
    for html in (page, report):
        assert f"{paired} af {api['coverage']['n']}" in html
        assert number_format(round(mean, 1), 1) in html
    client.logout()

    # --- The engine before disclosure control equals the leader's figures.
    exact = next(
        r
        for r in unit_comparison(user=w.charlie, instrument=who5(), period=w.period, disclose=False).rows
        if r.key == unit.pk
    )
    assert (exact.paired, exact.improved) == (paired, improved)
    assert exact.mean_change == pytest.approx(mean)

    # --- The aggregate-only channels show the published row, the same everywhere.
    published = next(
        r for r in unit_comparison(user=w.charlie, instrument=who5(), period=w.period).rows if r.key == unit.pk
    )
    assert not published.effect_suppressed
    assert abs(published.paired - paired) <= disclosure.COUNT_NOISE
    assert abs(published.mean_change - mean) <= disclosure.amplitude(paired, 4.0) / paired + 0.05

    client.force_login(w.charlie)
    url = reverse("dashboards:director_home") + f"?period={w.code}"
    director = client.get(url).content.decode()
    cells = _row_cells(director, "comparison-table", unit.name)
    assert cells[0] == str(published.active) and cells[1] == str(published.paired)
    assert cells[4].startswith(_num(published.mean_change))

    export = client.get(url + "&_export=csv").content.decode("utf-8-sig")
    rows = {r[0]: r for r in csv.reader(io.StringIO(export))}
    assert rows[unit.name][1:3] == [str(published.active), str(published.paired)]
    assert rows[unit.name][10].replace(",", ".") == f"{published.mean_change:.1f}"
    book = openpyxl.load_workbook(io.BytesIO(client.get(url + "&_export=xlsx").content))
    xrows = {r[0]: r for r in book.active.iter_rows(values_only=True)}
    assert [str(v) for v in xrows[unit.name][1:3]] == [str(published.active), str(published.paired)]

    specs = {
        m.group(1): json.loads(m.group(2))
        for m in re.finditer(r'<script id="([^"]+)" type="application/json">(.*?)</script>', director, re.S)
    }
    # The mean-change funnel's unit markers: (n, mean) of every shown row.
    markers = [t for t in specs["mean-funnel"]["data"] if t.get("mode", "").startswith("markers")]
    points = {(x, y) for t in markers for x, y in zip(t["x"], t["y"], strict=True)}
    assert (published.paired, published.mean_change) in points

    comparison_api = token_client(w.charlie).get(reverse("api:comparison"), {"period": w.code}).json()
    api_row = next(r for r in comparison_api["rows"] if r["key"] == unit.pk)
    assert (api_row["active"], api_row["paired"], api_row["mean_change"]) == (
        published.active,
        published.paired,
        published.mean_change,
    )

    publication = publication_services.publication_create(
        user=w.charlie,
        title="Effekter",
        scope_unit=w.municipality,
        instruments=[who5()],
        period=w.period,
        figures=FIGURE_KEYS,
    )
    public = next(r for r in publication.snapshot["rows"] if r["enhed"] == unit.name)
    assert (public["aktive_borgere"], public["borgere_med_foer_og_efter"], public["gns_aendring"]) == (
        published.active,
        published.paired,
        published.mean_change,
    )


@pytest.fixture
def demo(db):
    demo_data.seed(units=7, citizens=90, months=18, seed=11, today=TODAY)
    director = factories.UserFactory(username="dir-demo")
    DirectorScopeFactory(user=director, unit=OrganisationUnit.objects.get(code="egekaer"))
    return director


def test_in_the_demo_the_directors_figures_equal_the_leaders_for_every_unit_and_grid_period(demo):
    from dashboards.selectors import DashboardParams, unit_dashboard
    from figures.periods import grid_codes

    superuser = factories.UserFactory(username="root-demo", is_superuser=True)
    units = {u.pk: u for u in OrganisationUnit.objects.filter(kind=OrganisationUnit.Kind.UNIT)}
    parents = {u.parent_id for u in units.values()}
    compared = 0
    for code in grid_codes(TODAY):
        period = resolve_period(code, today=TODAY)
        rows = {}
        for parent in parents:
            for disclose in (False, True):
                c = unit_comparison(user=demo, instrument=who5(), period=period, root_id=parent, disclose=disclose)
                for r in c.rows:
                    rows[r.key, disclose] = r
        for pk, unit in units.items():
            leader = unit_dashboard(
                user=superuser, params=DashboardParams(units=(unit,), period=period, instrument=who5())
            )
            exact, shown = rows[pk, False], rows[pk, True]
            assert exact.active == leader.counts["active_citizens"], (code, unit.name)
            assert exact.paired == leader.mean_change.n == leader.coverage.k, (code, unit.name)
            assert exact.due == leader.coverage.n, (code, unit.name)
            if leader.improved is not None and leader.improved.n:
                assert exact.improved == leader.improved.k, (code, unit.name)
            if leader.mean_change.mean is not None:
                assert exact.mean_change == pytest.approx(leader.mean_change.mean), (code, unit.name)
            if not shown.effect_suppressed:
                assert abs(shown.paired - exact.paired) <= disclosure.COUNT_NOISE
                bound = disclosure.amplitude(exact.paired, 4.0) / exact.paired + 0.05
                assert abs(shown.mean_change - exact.mean_change) <= bound, (code, unit.name)
                compared += 1
    assert compared > 50  # the demo's units are large enough for most periods: the test is not vacuous
