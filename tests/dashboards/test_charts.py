"""Every chart builder (common/charts.py, common/aggregate_charts.py, the page assemblers) returns a valid spec.

The builders return plain dicts for speed (see the module docstring); constructing
``plotly.graph_objects.Figure(spec)`` validates every key against plotly's schema, so a typo fails here
and not on a user's page. Old and new builders, with and without their optional parts, and the
assembling functions (citizen page, unit dashboard) on real data.
"""

from __future__ import annotations

import datetime
import inspect
import json
from types import SimpleNamespace

import plotly.graph_objects as go
import pytest
from django.utils import timezone, translation

from common import aggregate_charts
from common import charts as primitives
from dashboards import charts, comparison_charts
from outcomes import charts as citizen_page_charts
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
    """A new builder in the chart modules must get a case in this file."""
    public = {
        name
        for module in (primitives, aggregate_charts, citizen_page_charts, charts)
        for name, f in inspect.getmembers(module, inspect.isfunction)
        if not name.startswith("_") and f.__module__ == module.__name__
    }
    assert public == {
        "base_layout",  # the layout under every builder below
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
        primitives.timeline(name="WHO-5", points=points, score_min=0, score_max=100, cutoff=cutoff, highlight=highlight)
    )
    assert list(fig.data[0].y) == [40.0, 64.0]
    assert len(fig.layout.shapes) == (1 if cutoff is not None else 0)


def test_timeline_without_points():
    valid(primitives.timeline(name="WHO-5", points=[], score_min=0, score_max=100))


def test_radar():
    fig = valid(
        primitives.radar(
            labels=["Relationer", "Egenomsorg", "Netværk"],
            first=[3, None, 5],
            latest=[6, 5, None],
            first_label="Første",
            latest_label="Seneste",
        )
    )
    assert fig.data[0].type == "scatterpolar"
    valid(primitives.radar(labels=[], first=[], latest=[], first_label="a", latest_label="b"))


@pytest.mark.parametrize("hover", [None, ["2 gange", "1 gang"]])
def test_horizontal_bars(hover):
    fig = valid(primitives.horizontal_bars(labels=["Jobcenter", "Sygehus"], values=[2, 1], name="Antal", hover=hover))
    assert fig.data[0].orientation == "h"
    valid(primitives.horizontal_bars(labels=["A"], values=[12.5], name="Antal", xmax=20))


def test_category_shares():
    fig = valid(
        aggregate_charts.category_shares(
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
        aggregate_charts.quarterly_trend(
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
        primitives.change_bars(
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
    specs = citizen_page_charts.citizen_charts(overview)
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


# --------------------------------------------------------------------------- layouts that read at a glance
def test_quarterly_trend_has_two_panels_and_no_overlaid_axis():
    """The share improved has a panel of its own under the score: no second y-axis on top of the first."""
    spec = aggregate_charts.quarterly_trend(
        labels=["1. kvt. 2026", "2. kvt. 2026"],
        means=[42.0, 51.5],
        counts=[10, 12],
        improved=[0.3, 0.5],
        followed=[6, 10],
        score_name="WHO-5",
        score_min=0,
        score_max=100,
        cutoff=50,
        improved_name="Andel forbedret",
    )
    fig = valid(spec)
    layout = spec["layout"]
    axes = {k: v for k, v in layout.items() if k.startswith(("xaxis", "yaxis"))}
    assert not any("overlaying" in axis for axis in axes.values())
    assert all(axis.get("side", "left") == "left" for k, axis in axes.items() if k.startswith("yaxis"))
    upper, lower = layout["yaxis"]["domain"], layout["yaxis2"]["domain"]
    assert lower[1] < upper[0]  # the panels do not overlap
    assert (fig.data[0].xaxis or "x", fig.data[0].yaxis or "y") == ("x", "y")  # the defaults
    assert (fig.data[1].xaxis, fig.data[1].yaxis) == ("x2", "y2")
    assert layout["xaxis2"]["matches"] == "x"  # the same quarters in both panels
    assert list(layout["yaxis2"]["range"]) == [0, 100]
    # The cut-off belongs to the score panel.
    assert layout["shapes"][0]["yref"] == "y"
    # Each panel is titled above it (the titles are the trace names).
    titles = {a["text"] for a in layout["annotations"] if a.get("yref") == "paper"}
    assert titles == {fig.data[0].name, "Andel forbedret"}


def test_quarterly_trend_without_a_share_has_one_panel():
    spec = aggregate_charts.quarterly_trend(
        labels=["1. kvt. 2026"],
        means=[42.0],
        counts=[10],
        improved=[None],
        followed=[0],
        score_name="GAS",
        score_min=20,
        score_max=80,
    )
    valid(spec)
    assert "yaxis2" not in spec["layout"] and "xaxis2" not in spec["layout"]


@pytest.mark.parametrize("count", [1, 2])
def test_a_timeline_with_one_measurement_date_shows_weeks_around_it(count):
    spec = primitives.timeline(name="WHO-5", points=[(TODAY, 48.0)] * count, score_min=0, score_max=100, cutoff=50)
    fig = valid(spec)
    low, high = (datetime.date.fromisoformat(v) for v in spec["layout"]["xaxis"]["range"])
    assert (low, high) == (TODAY - datetime.timedelta(weeks=3), TODAY + datetime.timedelta(weeks=3))
    assert fig.layout.xaxis.type == "date"


def test_a_timeline_with_several_dates_keeps_plotlys_range():
    spec = primitives.timeline(
        name="WHO-5", points=[(TODAY - datetime.timedelta(days=90), 40.0), (TODAY, 48.0)], score_min=0, score_max=100
    )
    assert "range" not in spec["layout"]["xaxis"]


@pytest.mark.parametrize("count", [3, 6, 8, 12])
def test_radar_scale_stands_between_two_domains_and_clear_of_the_legend(count):
    labels = [f"Område {i}" for i in range(count)]
    spec = primitives.radar(labels=labels, first=[3] * count, latest=[6] * count, first_label="a", latest_label="b")
    valid(spec)
    polar = spec["layout"]["polar"]
    rotation, step = polar["angularaxis"]["rotation"], 360 / count
    assert polar["angularaxis"]["direction"] == "clockwise"
    spokes = [(rotation - i * step) % 360 for i in range(count)]
    angle = polar["radialaxis"]["angle"] % 360
    nearest = min(min(abs(angle - s), 360 - abs(angle - s)) for s in spokes)
    assert nearest == pytest.approx(step / 2)  # halfway between two domains' spokes and labels
    assert polar["radialaxis"]["tickangle"] == polar["radialaxis"]["angle"]
    # Room above the polar area for the top domain's label, under the legend (which lies above the plot).
    assert polar["domain"]["y"][1] < 0.9
    assert spec["layout"]["legend"]["y"] >= 1


def _row(name, n, share, position, mean, mean_limits=(3.0, 9.0)):
    return SimpleNamespace(
        name=name,
        paired=n,
        improved=round(share * n),
        improved_share=share,
        position=position,
        mean_change=mean,
        mean_funnel95=mean_limits,
    )


def _comparison(rows):
    paired, improved = sum(r.paired for r in rows), sum(r.improved for r in rows)
    overall = SimpleNamespace(paired=paired, improved=improved, improved_share=improved / paired, mean_change=6.0)
    return SimpleNamespace(
        rows=rows, overall=overall, phi=None, tau2=None, mean_tau2=None, overdispersion="none", pooled_sd=15.0
    )


def test_funnels_label_only_the_flagged_units_without_overlap():
    rows = [
        _row("Midt 1", 30, 0.50, "within", 6.0),
        _row("Midt 2", 31, 0.52, "within", 5.0),
        _row("Over A", 45, 0.80, "above", 12.0),
        _row("Over B", 46, 0.81, "above", 12.5),  # next to Over A: its label must stand elsewhere
        _row("Under", 50, 0.20, "below", 1.0),
    ]
    comparison = _comparison(rows)
    share, mean = comparison_charts.funnel_share(comparison), comparison_charts.funnel_mean(comparison)
    for spec in (share, mean):
        fig = valid(spec)
        units = fig.data[-1]
        assert units.mode == "markers"  # no text on the markers themselves
        assert list(units.customdata) == [r.name for r in rows]  # every unit is named in its hover text
        assert "%{customdata}" in units.hovertemplate
    labels = {a["text"]: a for a in share["layout"]["annotations"]}
    assert set(labels) == {"Over A", "Over B", "Under"}
    assert labels["Over A"]["ay"] < 0 and labels["Under"]["ay"] > 0  # above the point / below it
    assert labels["Over A"]["ay"] != labels["Over B"]["ay"]  # stacked, not on top of each other
    symbols = list(share["data"][-1]["marker"]["symbol"])
    assert symbols == ["circle", "circle", "triangle-up", "triangle-up", "triangle-down"]
    # The mean funnel flags by the unit's own 95% limits (3 to 9 here).
    assert {a["text"] for a in mean["layout"]["annotations"]} == {"Over A", "Over B", "Under"}


def test_funnel_without_flagged_units_has_no_labels():
    comparison = _comparison([_row("A", 30, 0.5, "within", 6.0), _row("B", 40, 0.45, "within", 7.0)])
    assert comparison_charts.funnel_share(comparison)["layout"]["annotations"] == []
    assert comparison_charts.funnel_mean(comparison)["layout"]["annotations"] == []


@pytest.mark.django_db
def test_comparison_charts_on_real_data(world):
    from figures.comparison import unit_comparison
    from figures.periods import LAST_12_MONTHS, resolve_period
    from tests.dashboards.test_comparison import hand_built

    hand_built(world)
    period = resolve_period(LAST_12_MONTHS, today=timezone.localdate())
    c = unit_comparison(user=world.charlie, instrument=factories.who5(), period=period)
    for spec in (comparison_charts.funnel_share(c), comparison_charts.funnel_mean(c), comparison_charts.forest(c)):
        if spec is not None:
            valid(spec)
    for item in comparison_charts.trends(c):
        valid(item["spec"])
