"""Every chart builder in dashboards/charts.py returns a spec that plotly itself accepts.

The builders return plain dicts for speed (see the module docstring); constructing
``plotly.graph_objects.Figure(spec)`` validates every key against plotly's schema, so a typo fails here
and not on a user's page. Old and new builders, with and without their optional parts, and the
assembling functions (citizen page, unit dashboard) on real data.
"""

from __future__ import annotations

import datetime
import inspect
import json

import plotly.graph_objects as go
import pytest
from django.utils import timezone, translation

from dashboards import charts
from outcomes import selectors as outcome_selectors
from outcomes import services as outcome_services
from outcomes.models import Instrument
from tests import factories
from tests.dashboards.test_unit_dashboard import build_unit, dashboard_for

TODAY = datetime.date(2026, 6, 30)


@pytest.fixture(autouse=True)
def danish():
    with translation.override("da"):
        yield


def valid(spec: dict) -> go.Figure:
    """The spec as plotly sees it; raises ValueError on anything plotly does not know. Also JSON-safe."""
    json.dumps(spec)
    return go.Figure(spec)


def test_every_public_builder_is_covered_here():
    """A new builder in dashboards/charts.py must get a case in this file."""
    public = {name for name, f in inspect.getmembers(charts, inspect.isfunction) if not name.startswith("_")}
    public = {name for name in public if getattr(charts, name).__module__ == charts.__name__}
    assert public == {
        "timeline",
        "radar",
        "horizontal_bars",
        "citizen_charts",
        "category_shares",
        "quarterly_trend",
        "change_bars",
        "unit_dashboard_charts",
    }


@pytest.mark.parametrize("cutoff", [None, 50.0])
@pytest.mark.parametrize("highlight", [None, (TODAY, 64.0)])
def test_timeline(cutoff, highlight):
    points = [(TODAY - datetime.timedelta(days=90), 40.0), (TODAY, 64.0)]
    fig = valid(
        charts.timeline(name="WHO-5", points=points, score_min=0, score_max=100, cutoff=cutoff, highlight=highlight)
    )
    assert list(fig.data[0].y) == [40.0, 64.0]
    assert len(fig.layout.shapes) == (1 if cutoff is not None else 0)


def test_timeline_without_points():
    valid(charts.timeline(name="WHO-5", points=[], score_min=0, score_max=100))


def test_radar():
    fig = valid(
        charts.radar(
            labels=["Relationer", "Egenomsorg", "Netværk"],
            first=[3, None, 5],
            latest=[6, 5, None],
            first_label="Første",
            latest_label="Seneste",
        )
    )
    assert fig.data[0].type == "scatterpolar"
    valid(charts.radar(labels=[], first=[], latest=[], first_label="a", latest_label="b"))


@pytest.mark.parametrize("hover", [None, ["2 gange", "1 gang"]])
def test_horizontal_bars(hover):
    fig = valid(charts.horizontal_bars(labels=["Jobcenter", "Sygehus"], values=[2, 1], name="Antal", hover=hover))
    assert fig.data[0].orientation == "h"
    valid(charts.horizontal_bars(labels=["A"], values=[12.5], name="Antal", xmax=20))


def test_category_shares():
    fig = valid(
        charts.category_shares(
            labels=["Forbedret", "Uændret", "Forværret"],
            codes=["improved", "unchanged", "deteriorated"],
            shares=[0.6, 0.2, 0.2],
            lows=[0.23, 0.04, 0.04],
            highs=[0.88, 0.62, 0.62],
            counts=[3, 1, 1],
            n=5,
        )
    )
    bar = fig.data[0]
    assert list(bar.x) == pytest.approx([60, 20, 20])
    assert list(bar.error_x.array) == pytest.approx([28, 42, 42])
    assert list(bar.error_x.arrayminus) == pytest.approx([37, 16, 16])
    assert bar.marker.color[0] != bar.marker.color[2]  # better and worse differ (and carry text too)


@pytest.mark.parametrize("cutoff", [None, 50.0])
@pytest.mark.parametrize("improved_name", ["", "Andel forbedret"])
def test_quarterly_trend(cutoff, improved_name):
    fig = valid(
        charts.quarterly_trend(
            labels=["1. kvt. 2026", "2. kvt. 2026", "3. kvt. 2026"],
            means=[42.0, None, 51.5],
            counts=[10, 0, 12],
            improved=[0.3, None, 0.5],
            followed=[6, 0, 10],
            score_name="WHO-5",
            score_min=0,
            score_max=100,
            cutoff=cutoff,
            improved_name=improved_name,
        )
    )
    assert len(fig.data) == (2 if improved_name else 1)
    assert len(fig.layout.shapes) == (1 if cutoff is not None else 0)
    if improved_name:
        assert fig.data[1].yaxis == "y2"
        assert list(fig.data[1].y) == [30.0, None, 50.0]


def test_change_bars():
    fig = valid(
        charts.change_bars(
            labels=["Relationer", "Egenomsorg", "Netværk"],
            values=[1.5, -0.5, 0.0],
            counts=[2, 2, 1],
            name="Ændring",
            limit=2,
        )
    )
    assert list(fig.layout.xaxis.range) == [-2, 2]


def test_citizen_charts_on_real_data(world):
    today = timezone.localdate()
    who5, life = factories.who5(), Instrument.objects.get(code="life-domains")
    answers = {"happy": 2, "calm": 2, "active": 2, "rested": 2, "interest": 2}
    for days in (150, 20):
        outcome_services.measurement_record(
            course=world.course_a,
            instrument=who5,
            answers=answers,
            date=today - datetime.timedelta(days=days),
            informer="citizen",
            recorded_by=world.alice,
        )
        outcome_services.measurement_record(
            course=world.course_a,
            instrument=life,
            answers={"relationships": 4, "self-care": 6},
            date=today - datetime.timedelta(days=days),
            informer="citizen",
            recorded_by=world.alice,
        )
    overview = outcome_selectors.citizen_overview(user=world.alice, citizen=world.citizen_a)
    specs = charts.citizen_charts(overview)
    assert specs["timelines"] and specs["radar_spec"]
    for t in specs["timelines"]:
        valid(t["spec"])
    valid(specs["radar_spec"])


def test_unit_dashboard_charts_on_the_hand_built_unit(world):
    build_unit(world)
    specs = charts.unit_dashboard_charts(dashboard_for(world.lena))
    assert set(specs) == {"categories", "trend", "domains", "goal_levels", "sectors"}
    for name, spec in specs.items():
        assert spec is not None, name
        valid(spec)


def test_unit_dashboard_charts_when_empty(world):
    specs = charts.unit_dashboard_charts(dashboard_for(world.lena))
    assert all(spec is None for spec in specs.values())
