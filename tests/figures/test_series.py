"""Monthly series (figures.series) come from the figures engine and keep its disclosure control."""

from __future__ import annotations

import datetime
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from devtools import demo as demo_data
from figures import disclosure, engine, records, series
from figures.periods import Period, month_bounds
from outcomes.models import Instrument
from outcomes.summaries import Params
from tests.factories import DirectorScopeFactory, InitiativeFactory
from tracker.models import OrganisationUnit

TODAY = datetime.date(2026, 6, 15)
START = datetime.date(2025, 7, 1)


@pytest.fixture
def demo(db):
    demo_data.seed(units=7, citizens=120, months=18, seed=7, today=TODAY)
    return Instrument.objects.get(code="who5")


def _units() -> frozenset[int]:
    return frozenset(OrganisationUnit.objects.filter(kind=OrganisationUnit.Kind.UNIT).values_list("pk", flat=True))


def test_each_month_equals_the_engine_for_that_month(demo):
    scope = records.Scope(_units())
    out = series.monthly_series(scope=scope, instrument=demo, start=START, end=TODAY, disclose=False)[0]
    params = Params.of(demo)
    checked = 0
    for point in out:
        start, end = month_bounds(point.month.year, point.month.month)
        period = Period(start, min(end, TODAY), "custom", "")
        recs = records.course_records(scope, period, [demo])  # an independent read for the month alone
        g = engine.group_figures(0, "", engine.trajectories(recs, period, params, demo.pk))
        assert point.active == len(g.active_citizens), point.label
        assert point.paired == g.paired and point.improved == g.improved, point.label
        assert point.mean_change == (pytest.approx(g.change.mean) if g.paired else None), point.label
        measured = sum(1 for r in recs if any(start <= o.date <= end for o in r.occasions_of(demo.pk)))
        assert point.measured == measured
        checked += g.paired > 0
    assert checked >= 10


def test_the_courses_are_read_once_for_the_whole_span(demo):
    with mock.patch("figures.records.course_records", wraps=records.course_records) as spy:
        series.monthly_series(
            scope=records.Scope(_units()), instrument=demo, start=START, end=TODAY, disclose=True, by_unit=True
        )
    assert spy.call_count == 1


def test_queries_do_not_grow_with_the_months(demo):
    scope = records.Scope(_units())
    counts = []
    for start in (datetime.date(2026, 3, 1), START):
        with CaptureQueriesContext(connection) as ctx:
            series.monthly_series(scope=scope, instrument=demo, start=start, end=TODAY, disclose=True, by_unit=True)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_a_director_sees_no_month_a_units_disclosure_control_hides(demo, settings):
    settings.EFFEKTSPOR_SMALL_NUMBER_K = 8  # large enough that some unit-months are hidden in this small demo
    k = 8
    scope = records.Scope(_units())
    exact = series.monthly_series(scope=scope, instrument=demo, start=START, end=TODAY, disclose=False, by_unit=True)
    shown = series.monthly_series(scope=scope, instrument=demo, start=START, end=TODAY, disclose=True, by_unit=True)
    hidden_seen = effect_hidden_seen = 0
    for key in shown:
        for true, pub in zip(exact[key], shown[key], strict=True):
            if true.active < k:
                assert pub.hidden and pub.active is None and pub.mean_change is None and pub.measured_share is None
                hidden_seen += key != 0
            if true.paired < k:
                assert pub.effect_hidden and pub.paired is None and pub.improved_share is None
                effect_hidden_seen += 1
            if not pub.effect_hidden:
                bound = disclosure.amplitude(true.paired, 4.0) / true.paired + 0.05
                assert abs(pub.mean_change - true.mean_change) <= bound
                assert abs(pub.paired - true.paired) <= disclosure.COUNT_NOISE
    assert hidden_seen and effect_hidden_seen  # not vacuous
    # Secondary suppression: never exactly one unit hidden in a month (the area minus the others would give it).
    units = [u for u in shown if u]
    for i in range(len(shown[0])):
        with_data = [u for u in units if exact[u][i].active]
        hidden = [u for u in with_data if shown[u][i].hidden]
        assert len(hidden) != 1 or len(with_data) == 1, shown[0][i].label
        effect = [u for u in with_data if shown[u][i].effect_hidden]
        assert len(effect) != 1 or len(with_data) == 1, shown[0][i].label


def test_the_same_set_always_gets_the_same_noise(demo):
    scope = records.Scope(_units())
    a = series.monthly_series(scope=scope, instrument=demo, start=START, end=TODAY, disclose=True)[0]
    b = series.monthly_series(scope=scope, instrument=demo, start=START, end=TODAY, disclose=True)[0]
    assert [(p.active, p.paired, p.mean_change) for p in a] == [(p.active, p.paired, p.mean_change) for p in b]


def test_frame_has_one_row_per_month(demo):
    points = series.monthly_series(
        scope=records.Scope(_units()), instrument=demo, start=START, end=TODAY, disclose=False
    )[0]
    df = series.frame(points)
    assert list(df["month"]) == series.months_between(START, TODAY)
    assert len(df) == 12


def test_a_unit_month_the_comparison_hides_is_hidden_on_the_initiative_page(demo, settings):
    """The comparison hides a unit's month by its size or as a complement of a hidden sibling; the initiative's
    series for that unit must hide it too, or the department total minus the shown units would give the sibling."""
    from figures.comparison import unit_comparison
    from figures.periods import resolve_period
    from improvement import analysis
    from tests import factories

    settings.EFFEKTSPOR_SMALL_NUMBER_K = 8
    director = factories.UserFactory(username="dir-series")
    DirectorScopeFactory(user=director, unit=OrganisationUnit.objects.get(code="egekaer"))
    units = list(OrganisationUnit.objects.filter(kind=OrganisationUnit.Kind.UNIT))
    months = series.months_between(datetime.date(2025, 11, 1), datetime.date(2026, 5, 31))
    compared = complements = 0
    for unit in units:
        initiative = InitiativeFactory(
            name=unit.name, method="fit", start=datetime.date(2026, 3, 1), created_by=director
        )
        initiative.units.set([unit])
        shown = analysis.initiative_figures(user=director, initiative=initiative, today=TODAY)
        assert shown.disclosed
        by_month = {p.month: p for p in shown.months}
        for month in months:
            period = resolve_period(f"m{month.year}-{month.month}", today=TODAY)
            c = unit_comparison(user=director, instrument=demo, period=period, root_id=unit.parent_id)
            row = next(r for r in c.rows if r.key == unit.pk)
            point = by_month[month]
            if row.suppressed:
                assert point.hidden, (unit.name, month)
                complements += not row.active and len(point._citizens) >= 8
            if row.effect_suppressed:
                assert point.effect_hidden and point.mean_change is None, (unit.name, month)
            if not row.suppressed:
                assert point.active == row.active, (unit.name, month)  # the same set, the same noise
            compared += 1
    assert compared > 30 and complements  # some months are hidden only as a sibling's complement
