"""The director's comparison: figures against independent computations, privacy scan, suppression, queries."""

import csv
import datetime
import io
import re
import subprocess
import sys

import numpy as np
import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from scipy import stats

from devtools import demo as demo_data
from figures import disclosure
from figures.comparison import count_table, unit_comparison
from figures.periods import LAST_12_MONTHS, resolve_period
from outcomes import services as outcome_services
from outcomes import statistics
from outcomes.models import Instrument, Measurement
from tests import factories
from tests.factories import DirectorScopeFactory
from tracker.models import Citizen, Collaboration, OrganisationUnit

TODAY = datetime.date.today()
YEAR = resolve_period(LAST_12_MONTHS, today=TODAY)
LINKS = ["happy", "calm", "active", "rested", "interest"]


def who5():
    return Instrument.objects.get(code="who5")


def record(course, days_ago, value, user):
    return outcome_services.measurement_record(
        course=course,
        instrument=who5(),
        answers=dict.fromkeys(LINKS, value),
        date=TODAY - datetime.timedelta(days=days_ago),
        informer="citizen",
        recorded_by=user,
    )


def hand_built(world, sizes=(8, 6, 3)):
    """Three units of known trajectories: raw WHO-5 item value before → after for each citizen."""
    units = [world.unit_a, world.unit_b, factories.UnitFactory(name="Lille enhed", code="c", parent=world.department)]
    plans = {
        0: [(1, 3)] * 5 + [(2, 2)] * 2 + [(3, 1)] * 1,  # 5 improved (+40), 2 unchanged, 1 deteriorated
        # +20 is below the fixture WHO-5's reliable-change threshold (1.96·√2·19.5·√(1 − 0.86) = 20.2): unchanged.
        1: [(2, 3)] * 3 + [(2, 2)] * 3,  # 6 unchanged (3 of them +20)
        2: [(1, 4)] * 3,  # only 3 citizens: suppressed at k = 5
    }
    for i, unit in enumerate(units):
        for before, after in plans[i][: sizes[i]]:
            course = factories.CourseFactory(unit=unit, start=TODAY - datetime.timedelta(days=200))
            record(course, 150, before, world.alice)
            record(course, 10, after, world.alice)
    return units


def compare(world, **kwargs):
    return unit_comparison(user=world.charlie, instrument=who5(), period=YEAR, **kwargs)


@pytest.mark.django_db
def test_figures_match_independent_computation(world):
    """Before disclosure control, the engine's figures equal an independent computation."""
    hand_built(world)
    c = compare(world, disclose=False, overdispersion=False)
    rows = {f.name: f for f in c.rows}
    a, b, small = rows["Bostøtte A"], rows["Værested B"], rows["Lille enhed"]
    # Unit A: 8 paired of 9 active (world.course_a has no measurements, so it is not due a follow-up).
    changes_a = np.array([40] * 5 + [0] * 2 + [-40])
    assert (a.active, a.paired, a.improved, a.unchanged, a.deteriorated) == (9, 8, 5, 2, 1)
    assert a.coverage == pytest.approx(8 / 8)
    assert a.mean_change == pytest.approx(changes_a.mean())
    sem = stats.sem(changes_a)
    t = stats.t.ppf(0.975, len(changes_a) - 1)
    assert a.change_ci == pytest.approx((changes_a.mean() - t * sem, changes_a.mean() + t * sem))
    wilson = stats.binomtest(5, 8).proportion_ci(confidence_level=0.95, method="wilson")
    assert a.improved_ci == pytest.approx((wilson.low, wilson.high))
    # Exact binomial funnel limits around the overall share (5 + 0 + 3 = 8 of 17: B's +20 are not reliable).
    assert c.overall.paired == 17 and c.overall.improved == 8
    target = 8 / 17
    lo_p = stats.binom.ppf(0.025, 8, target)
    assert a.funnel95[0] <= lo_p / 8 + 1e-9 or a.funnel95[0] == pytest.approx(lo_p / 8, abs=1 / 8)
    assert a.funnel95[0] < target < a.funnel95[1]
    # Unit B: three changes of +20 points are not reliable.
    assert 20 < statistics.reliable_change_threshold(sd=19.5, reliability=0.86) < 20.3
    assert (b.active, b.paired, b.improved, b.unchanged) == (7, 6, 0, 6)
    assert (small.active, small.paired) == (3, 3)


@pytest.mark.django_db
def test_disclosed_rows_stay_within_the_stated_bounds(world):
    """With disclosure control: the small unit is hidden, its sibling complement too where needed, and every
    shown figure lies within the published perturbation of the true one."""
    hand_built(world)
    true = {f.name: f for f in compare(world, disclose=False).rows}
    shown = {f.name: f for f in compare(world).rows}
    small = shown["Lille enhed"]
    assert small.suppressed and small.mean_change is None and small.improved is None and small.improved_share is None
    for name, f in shown.items():
        if f.suppressed:
            continue
        assert abs(f.active - true[name].active) <= disclosure.COUNT_NOISE
        if f.effect_suppressed:
            continue
        assert abs(f.paired - true[name].paired) <= disclosure.COUNT_NOISE
        bound = disclosure.amplitude(true[name].paired, 4.0) / true[name].paired + 0.05
        assert abs(f.mean_change - true[name].mean_change) <= bound
    # A hidden sibling forces its smallest shown sibling to hide its effect figures too.
    assert sum(1 for f in shown.values() if f.effect_suppressed) != 1


@pytest.mark.django_db
def test_case_mix_adjustment_matches_least_squares(world):
    hand_built(world)
    c = compare(world, disclose=False)
    # Independent: all factors equal (same age group, gender, first course) → expected = a + b·(baseline − mean).
    rows = list(
        Measurement.objects.order_by("course_id", "date").values_list("course_id", "course__unit__name", "score")
    )
    per_course = {}
    for course_id, unit, score in rows:
        per_course.setdefault(course_id, [unit, []])[1].append(score)
    names = [u for u, s in per_course.values()]
    base = np.array([s[0] for u, s in per_course.values()])
    change = np.array([s[-1] - s[0] for u, s in per_course.values()])
    x = np.column_stack([np.ones(len(base)), base - base.mean()])
    beta, *_ = np.linalg.lstsq(x, change, rcond=None)
    residual = change - x @ beta
    expected_a = residual[[n == "Bostøtte A" for n in names]].mean()
    a = next(f for f in c.rows if f.name == "Bostøtte A")
    assert a.adjusted_change == pytest.approx(expected_a, abs=0.051)  # published to 0.1
    # A logistic model with an intercept reproduces the total: Σ expected improved = Σ observed improved.
    assert sum(f.expected_improved for f in c.rows) == pytest.approx(sum(f.improved for f in c.rows), rel=1e-3)


@pytest.mark.django_db
def test_secondary_suppression_in_count_table(world):
    hand_built(world)
    c = compare(world)
    table = count_table(c)
    cells = {name: values for name, values, _total in table["rows"]}
    rows = {f.name: f for f in c.rows}
    for name, values, total in table["rows"]:
        hidden = [v is None for v in values]
        assert all(v is None or v == 0 or v >= c.k for v in values), f"{name}: a shown cell below k"
        assert sum(hidden) != 1 or total is None, f"{name}: a single hidden cell is derivable from its row total"
        # The rows (page, export, API) hide exactly what the count table hides.
        assert [rows[name].improved, rows[name].unchanged, rows[name].deteriorated] == values
        if values[0] is None:
            assert rows[name].improved_share is None, "share × n would give the hidden count"
    assert "Lille enhed" not in cells


@pytest.mark.django_db
def test_changing_k_changes_what_is_suppressed(world, settings):
    hand_built(world)
    settings.EFFEKTSPOR_SMALL_NUMBER_K = 3
    small = next(f for f in compare(world).rows if f.name == "Lille enhed")
    assert not small.suppressed and small.active is not None
    settings.EFFEKTSPOR_SMALL_NUMBER_K = 7
    b = next(f for f in compare(world).rows if f.name == "Værested B")
    assert b.effect_suppressed and b.improved_share is None  # 6 paired < 7


def test_k_below_three_is_refused_at_start_up(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "tracker.settings",
        "DJANGO_DEBUG": "1",
        "EFFEKTSPOR_SMALL_NUMBER_K": "2",
        "EFFEKTSPOR_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "EFFEKTSPOR_SMALL_NUMBER_K must be at least 3" in result.stderr


@pytest.mark.django_db
def test_only_directors_open_the_comparison(client, world):
    url = reverse("dashboards:director_home")
    assert client.get(url).status_code == 302
    for user in (world.alice, world.bob, world.lena):
        client.force_login(user)
        assert client.get(url).status_code == 403
    client.force_login(world.charlie)
    assert client.get(url).status_code == 200


@pytest.fixture
def demo_world(db):
    demo_data.seed(units=7, citizens=90, months=18, seed=11, today=TODAY)
    director = factories.UserFactory(username="dir")
    DirectorScopeFactory(user=director, unit=OrganisationUnit.objects.get(code="egekaer"))
    # Free text that must never reach a director.
    m = Measurement.objects.first()
    Measurement.objects.filter(pk=m.pk).update(note="HEMMELIG-NOTE-123")
    Collaboration.objects.filter(pk=Collaboration.objects.first().pk).update(note="FORTROLIG-SAMTALE-456")
    return director


@pytest.mark.django_db
def test_no_citizen_data_in_anything_a_director_can_request(client, demo_world):
    client.force_login(demo_world)
    url = reverse("dashboards:director_home")
    queries = [
        "",
        f"period=q{TODAY.year}-{(TODAY.month - 1) // 3 + 1}",
        f"period=y{TODAY.year - 1}",
        "overdispersion=off",
        "instrument=ors",
        f"root={OrganisationUnit.objects.get(code='socialpsykiatri').pk}",
        "period=custom&start=2020-01-01&end=2030-01-01",  # not on the grid: refused, the default is shown
    ]
    bodies = []
    for q in queries:
        for export in ("", "&_export=csv", "&_export=xlsx"):
            response = client.get(f"{url}?{q}{export}")
            # Off the grid: the page says so (400, the choice with its error); the export gives the default.
            assert response.status_code == (400 if "custom" in q and not export else 200)
            bodies.append(
                response.content.decode("utf-8", errors="replace")
                if export != "&_export=xlsx"
                else _xlsx_text(response.content)
            )
    text = "\n".join(bodies)
    for name, cpr, external_id in Citizen.objects.values_list("name", "cpr", "external_id"):
        assert name not in text
        assert external_id not in text
        if cpr:
            assert cpr not in text and f"{cpr[:6]}-" not in text
    assert "HEMMELIG-NOTE-123" not in text and "FORTROLIG-SAMTALE-456" not in text
    assert "/citizens/" not in text
    # The JSON behind the charts carries unit-level numbers only.
    for body in bodies:
        for blob in re.findall(r'<script id="[^"]+" type="application/json">(.*?)</script>', body, re.S):
            assert "citizen" not in blob.lower()


def _xlsx_text(content: bytes) -> str:
    import openpyxl

    book = openpyxl.load_workbook(io.BytesIO(content))
    return "\n".join(
        " ".join(str(v) for v in row if v is not None) for ws in book for row in ws.iter_rows(values_only=True)
    )


@pytest.mark.django_db
def test_no_unit_figure_about_fewer_than_k_citizens(client, demo_world, settings):
    settings.EFFEKTSPOR_SMALL_NUMBER_K = 5
    client.force_login(demo_world)
    quarter = f"q{TODAY.year}-{(TODAY.month - 1) // 3 + 1}"
    response = client.get(reverse("dashboards:director_home") + f"?period={quarter}&_export=csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    body = rows[1:]
    assert body
    for row in body:
        active = row[1]
        if active.startswith("<"):
            assert all(v == "" for v in row[2:])
            continue
        assert int(active) >= 5
        paired = row[2]
        if not paired.startswith("<"):
            assert int(paired) >= 5


def _count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


@pytest.mark.django_db
def test_query_count_does_not_grow_with_data(client):
    demo_data.seed(units=4, citizens=30, months=12, seed=3, today=TODAY)
    director = factories.UserFactory(username="d1")
    DirectorScopeFactory(user=director, unit=OrganisationUnit.objects.get(code="egekaer"))
    client.force_login(director)
    url = reverse("dashboards:director_home")
    client.get(url)
    small = _count_queries(client, url)
    demo_data.clear()
    demo_data.seed(units=8, citizens=300, months=24, seed=4, today=TODAY)
    director = factories.UserFactory(username="d2")
    DirectorScopeFactory(user=director, unit=OrganisationUnit.objects.get(code="egekaer"))
    client.force_login(director)
    client.get(url)
    large = _count_queries(client, url)
    assert small == large
    assert large <= 25


@pytest.mark.django_db
def test_page_pieces_render_once_per_content_and_language(monkeypatch):
    """``pagecache.rendered_pieces``: a piece is rendered again only when what it shows (or the language) changes;
    what comes from the cache is what a fresh rendering gives."""
    from django.test import RequestFactory
    from django.utils import translation

    from dashboards import pagecache

    rendered = []
    original = pagecache.render_to_string

    def counting(template_name, context, request=None):
        rendered.append(context["t"]["row"].name)
        return original(template_name, context, request)

    monkeypatch.setattr(pagecache, "render_to_string", counting)
    request = RequestFactory().get("/")
    row = type("Row", (), {})

    def block(key, name, mean):
        r = row()
        r.key, r.name = key, name
        points = [(datetime.date(2026, 1, 1), mean, 6)]
        return {"row": r, "points": points, "spec": {"data": [], "layout": {}}}

    def pieces(trends):
        return pagecache.rendered_pieces(
            request,
            "dashboards/_trend_block.html",
            [{"t": t} for t in trends],
            [[t["row"].key, t["row"].name, t["points"], t["spec"]] for t in trends],
        )

    with translation.override("da"):
        first = pieces([block(1, "Enhed A", 61.25), block(2, "Enhed B", 55.0)])
        assert rendered == ["Enhed A", "Enhed B"]
        assert "61,3" in first[0]  # floatformat rounds half up
        again = pieces([block(1, "Enhed A", 61.25), block(2, "Enhed B", 57.5)])
        assert rendered == ["Enhed A", "Enhed B", "Enhed B"]  # only the piece whose figures changed
        assert again[0] == first[0] and "57,5" in again[1]
        rendered.clear()
    with translation.override("en"):
        english = pieces([block(1, "Enhed A", 61.25)])
    assert rendered == ["Enhed A"] and english[0] != first[0]  # another language, another piece
