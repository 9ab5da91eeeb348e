"""The aggregated figures: the unit's (leaders) and the comparison (directors), the same numbers and the same
suppression of small numbers as the pages, and no citizen named."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from figures import disclosure
from figures.comparison import count_table, unit_comparison
from figures.periods import LAST_12_MONTHS, resolve_period
from outcomes import services as outcome_services
from tests import factories
from tests.api.helpers import token_client

pytestmark = pytest.mark.django_db


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def measured_citizens(unit, user, n: int, prefix: str) -> None:
    """n citizens in the unit, each with a WHO-5 baseline and a follow-up (improving by 40 points: beyond both the
    MID and the reliable-change threshold of 20.2 points)."""
    for i in range(n):
        course = factories.CourseFactory(unit=unit, citizen=factories.CitizenFactory(name=f"{prefix} {i}"))
        for days, value in ((150, 1), (10, 3)):
            outcome_services.measurement_record(
                course=course,
                instrument=factories.who5(),
                answers={"happy": value, "calm": value, "active": value, "rested": value, "interest": value + i % 2},
                date=days_ago(days),
                informer="citizen",
                recorded_by=user,
            )


@pytest.fixture
def measured(sec_world):
    measured_citizens(sec_world.unit_a, sec_world.alice, 6, "Aborger")
    measured_citizens(sec_world.unit_b, sec_world.bob, 2, "Bborger")
    # A third unit, smaller than A: hiding B hides the smallest shown sibling too (else B = the department
    # minus the shown units), and that is C, so A stays shown.
    sec_world.unit_c = factories.UnitFactory(name="Bosted C", code="c", parent=sec_world.unit_a.parent)
    measured_citizens(sec_world.unit_c, sec_world.alice, 5, "Cborger")
    return sec_world


def test_unit_figures_are_the_dashboards_figures(measured):
    from dashboards.filters import UnitDashboardFilterSet
    from dashboards.selectors import dashboard_choices, dashboard_courses, leader_units, unit_dashboard

    response = token_client(measured.lena).get(reverse("api:unit_figures"))
    assert response.status_code == 200, response.content
    data = response.json()
    instruments, bases = dashboard_choices()
    filterset = UnitDashboardFilterSet(
        {},
        queryset=dashboard_courses(user=measured.lena),
        units=leader_units(user=measured.lena),
        instruments=instruments,
        legal_bases=bases,
        today=timezone.localdate(),
    )
    assert filterset.form.is_valid()
    page = unit_dashboard(user=measured.lena, params=filterset.params())
    assert [u["id"] for u in data["units"]] == [measured.unit_a.pk]
    assert data["instrument"] == "who5" and data["method"] == page.method
    assert data["counts"] == page.counts
    # Coverage: 6 followed up of the 6 due (the seventh course has no baseline, so no follow-up is due).
    assert data["coverage"]["k"] == page.coverage.k == 6 and data["coverage"]["n"] == page.coverage.n == 6
    assert data["mean_change"]["mean"] == pytest.approx(page.mean_change.mean)
    assert data["improved"]["k"] == page.improved.k
    assert [c["code"] for c in data["categories"]] == [c.code for c in page.categories]
    assert data["follow_up_missing"] == len(page.follow_up) - len(page.due)
    # The dashboard's lists name citizens; the figures do not.
    assert "Aborger" not in response.content.decode() and "Anna" not in response.content.decode()


def test_unit_figures_only_for_the_units_one_leads(measured):
    lena = token_client(measured.lena)
    assert lena.get(reverse("api:unit_figures"), {"unit": measured.unit_b.pk}).status_code == 403
    leader_b = token_client(measured.leader_b)
    assert leader_b.get(reverse("api:unit_figures"), {"unit": measured.unit_a.pk}).status_code == 403
    assert leader_b.get(reverse("api:unit_figures")).json()["units"][0]["id"] == measured.unit_b.pk
    assert token_client(measured.alice).get(reverse("api:unit_figures")).status_code == 403


def test_unit_figures_with_an_invalid_filter_say_which_field(measured):
    response = token_client(measured.lena).get(reverse("api:unit_figures"), {"period": "custom", "start": "2020-01-01"})
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"end"}


def test_the_comparison_is_suppressed_exactly_as_the_page(measured):
    response = token_client(measured.charlie).get(reverse("api:comparison"))
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["k"] == 5
    rows = {r["key"]: r for r in data["rows"]}
    a, b = rows[measured.unit_a.pk], rows[measured.unit_b.pk]
    # Unit A: 7 active citizens, 6 with a follow-up: shown, with the cell-key perturbation (at most ±2).
    assert not a["suppressed"] and not a["effect_suppressed"]
    assert abs(a["active"] - 7) <= 2 and abs(a["paired"] - 6) <= 2
    # Unit B: 3 active citizens, fewer than k: nothing about it, not even how many.
    assert b["suppressed"]
    assert b["active"] is None and b["paired"] is None and b["mean_change"] is None and b["improved"] is None
    assert b["collaborations"] is None and b["coverage"] is None
    # The same figures as the page's own selector.
    today = timezone.localdate()
    page = unit_comparison(
        user=measured.charlie, instrument=factories.who5(), period=resolve_period(LAST_12_MONTHS, today=today)
    )
    page_a = next(f for f in page.rows if f.key == measured.unit_a.pk)
    assert (a["active"], a["paired"], a["improved"]) == (page_a.active, page_a.paired, page_a.improved)
    assert a["mean_change"] == pytest.approx(page_a.mean_change)
    assert a["improved_share"] == (None if page_a.improved_share is None else pytest.approx(page_a.improved_share))
    table = count_table(page)
    assert [(r["name"], r["improved"], r["unchanged"], r["deteriorated"]) for r in data["counts"]["rows"]] == [
        (name, *cells) for name, cells, _total in table["rows"]
    ]
    assert data["counts"]["totals"]["total"] == table["grand"]
    text = response.content.decode()
    assert "Aborger" not in text and "Bborger" not in text and "Anna" not in text


def test_an_effect_suppressed_row_hides_its_paired_count(sec_world):
    """8 active citizens in unit B but only 2 with a follow-up: the row is shown, its effect figures are not."""
    measured_citizens(sec_world.unit_a, sec_world.alice, 9, "A")
    measured_citizens(sec_world.unit_b, sec_world.bob, 2, "B")
    for i in range(5):
        factories.CourseFactory(unit=sec_world.unit_b, citizen=factories.CitizenFactory(name=f"Umålt {i}"))
    data = token_client(sec_world.charlie).get(reverse("api:comparison")).json()
    b = next(r for r in data["rows"] if r["key"] == sec_world.unit_b.pk)
    assert not b["suppressed"] and b["effect_suppressed"]
    assert abs(b["active"] - 8) <= 2
    assert b["paired"] is None and b["coverage"] is None and b["low_coverage"] is None and b["mean_change"] is None


def test_comparison_parameters_are_validated(sec_world):
    client = token_client(sec_world.charlie)
    response = client.get(reverse("api:comparison"), {"period": "custom", "start": "2026-01-01", "end": "2026-01-02"})
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    response = client.get(reverse("api:comparison"), {"instrument": "nonsense"})
    assert response.status_code == 400 and set(response.json()["errors"]) == {"instrument"}


def test_leaders_and_caseworkers_get_no_comparison(sec_world):
    for who in ("alice", "lena", "bob"):
        assert token_client(getattr(sec_world, who)).get(reverse("api:comparison")).status_code == 403


def test_zero_width_intervals_are_null_in_the_api_and_a_dash_with_the_reason_on_the_pages(client, measured):
    # Every citizen in unit A improved by exactly 40 points: SD 0, so the t interval has zero width.
    unit = token_client(measured.lena).get(reverse("api:unit_figures")).json()
    assert unit["mean_change"]["n"] == 6 and unit["mean_change"]["mean"] == pytest.approx(40)
    assert unit["mean_change"]["low"] is None and unit["mean_change"]["high"] is None
    comparison = token_client(measured.charlie).get(reverse("api:comparison")).json()
    a = {r["key"]: r for r in comparison["rows"]}[measured.unit_a.pk]
    # The director's figure is the published one: within the perturbation's bound of 40, with an interval from
    # the shown rows' pooled SD (never a zero-width one).
    assert abs(a["mean_change"] - 40) <= disclosure.amplitude(6, 4.0) / 6 + 0.05
    assert a["change_ci"] is None or a["change_ci"][0] < a["change_ci"][1]
    client.force_login(measured.lena)
    leader = client.get(reverse("dashboards:unit_dashboard")).content.decode()
    assert "95 %-KI – (ingen spredning: alle værdier er ens); n = 6" in leader
    assert "40,0 til 40,0" not in leader
    report = client.get(reverse("dashboards:unit_report")).content.decode()
    assert "har alle ændret sig +40,0 point" in report and "40,0 til 40,0" not in report
    client.force_login(measured.charlie)
    director = client.get(reverse("dashboards:director_home")).content.decode()
    assert "40,0 til 40,0" not in director and "40,0 – 40,0" not in director
