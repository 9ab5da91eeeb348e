"""Two perspectives on the life domains (citizen and staff side by side), and the dashboard's share of
measurements the citizens completed themselves."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from outcomes import selectors as outcome_selectors
from outcomes import services as outcome_services
from outcomes.models import Instrument
from tests.dashboards.test_unit_dashboard import dashboard_for
from tests.selfservice.conftest import lock_tablet, new_link, who5, who5_post

pytestmark = pytest.mark.django_db


def rate(world, informer: str, values: dict[str, int], days_ago: int):
    life = Instrument.objects.get(code="life-domains")
    return outcome_services.measurement_record(
        course=world.course_a,
        instrument=life,
        answers=values,
        date=timezone.localdate() - datetime.timedelta(days=days_ago),
        informer=informer,
        recorded_by=world.alice,
    )


def life_items():
    return list(Instrument.objects.get(code="life-domains").items.order_by("order"))


def test_citizen_and_staff_ratings_are_both_kept_and_shown_side_by_side(client, world):
    first, second = life_items()[:2]
    rate(world, "citizen", {first.link_id: 4, second.link_id: 7}, days_ago=30)
    rate(world, "citizen", {first.link_id: 5, second.link_id: 7}, days_ago=10)
    # Later, staff rate the same domains alone: it must not overwrite the citizen's own rating.
    rate(world, "staff", {first.link_id: 9, second.link_id: 6}, days_ago=5)
    overview = outcome_selectors.citizen_overview(user=world.alice, citizen=world.citizen_a)
    profile = overview["life_domain_profile"]
    assert [(r["first"], r["latest"]) for r in profile["rows"]] == [(4, 5), (7, 7)]
    assert profile["latest"].informer == "citizen"
    rows = overview["life_domain_perspectives"]["rows"]
    assert [(r["citizen"], r["staff"], r["difference"], r["marked"]) for r in rows] == [
        (5, 9, -4, True),
        (7, 6, 1, False),
    ]
    client.force_login(world.alice)
    html = client.get(reverse("tracker:citizen_detail", args=[world.citizen_a.pk])).content.decode()
    assert "To perspektiver" in html
    table = html[html.index('id="perspectives-table"') :]
    table = table[: table.index("</table>")]
    assert "<strong>-4 · stor forskel</strong>" in table and "+1" in table


def test_only_staff_ratings_are_not_shown_as_the_citizens_own(world):
    first = life_items()[0]
    rate(world, "staff", {first.link_id: 3}, days_ago=5)
    overview = outcome_selectors.citizen_overview(user=world.alice, citizen=world.citizen_a)
    assert overview["life_domain_profile"] is None
    perspectives = overview["life_domain_perspectives"]
    assert perspectives["citizen"] is None
    assert [(r["citizen"], r["staff"], r["difference"]) for r in perspectives["rows"]] == [(None, 3, None)]


def test_without_staff_ratings_there_is_one_perspective(world):
    first = life_items()[0]
    rate(world, "citizen_staff", {first.link_id: 3}, days_ago=5)
    overview = outcome_selectors.citizen_overview(user=world.alice, citizen=world.citizen_a)
    assert overview["life_domain_profile"]["rows"][0]["latest"] == 3
    assert overview["life_domain_perspectives"] is None


def test_the_dashboard_shows_the_share_completed_by_the_citizens_themselves(client, world):
    answers = {"happy": 3, "calm": 3, "active": 3, "rested": 3, "interest": 3}
    outcome_services.measurement_record(
        course=world.course_a,
        instrument=who5(),
        answers=answers,
        date=timezone.localdate() - datetime.timedelta(days=3),
        informer="citizen",
        recorded_by=world.alice,
    )
    link = new_link(world)
    client.post(reverse("selfservice:link", args=[link.token]), who5_post())
    lock_tablet(client, world)
    client.post("/selvbesvarelse/tablet/", who5_post())
    d = dashboard_for(world.lena)
    assert d.measurements_in_period == 3
    assert (d.self_completed_share.k, d.self_completed_share.n) == (2, 3)
    assert d.citizen_share.k == 3  # all three are the citizen's answers; two typed by the citizen
    leader = Client()  # the tablet's session stays locked; the leader works on her own machine
    leader.force_login(world.lena)
    html = leader.get(reverse("dashboards:unit_dashboard")).content.decode()
    assert "Målinger borgeren selv har udfyldt (tablet eller personligt link)" in html
