"""The result page and the citizen page show the change category from outcomes.statistics and the method."""

import datetime

import pytest
from django.urls import reverse

from outcomes import services
from outcomes.models import Instrument

TODAY = datetime.date.today()
LINKS = ["happy", "calm", "active", "rested", "interest"]


def record_who5(world, days_ago: int, value: int):
    return services.measurement_record(
        course=world.course_a,
        instrument=Instrument.objects.get(code="who5"),
        answers=dict.fromkeys(LINKS, value),
        date=TODAY - datetime.timedelta(days_ago),
        informer="citizen",
        recorded_by=world.alice,
    )


@pytest.mark.django_db
def test_mid_category_and_method_on_result_and_citizen_page(client, world):
    record_who5(world, 90, 1)  # score 20
    latest = record_who5(world, 1, 3)  # score 60: +40 ≥ MID 10
    client.force_login(world.alice)
    result = client.get(reverse("outcomes:measurement_detail", args=[latest.pk])).content.decode()
    page = client.get(reverse("tracker:citizen_detail", args=[world.citizen_a.pk])).content.decode()
    for html in (result, page):
        assert "Forbedret (mindst den mindste vigtige ændring)" in html
        assert "metode: mindste vigtige ændring, 10 point" in html
        assert "Pålideligt" not in html


@pytest.mark.django_db
def test_rci_category_and_method_when_instrument_has_reliability(client, world):
    # With a reliability and reference SD the RCI is used: s1 = 20, r = .8 → threshold 1.96·√2·20·√.2 ≈ 24.8.
    Instrument.objects.filter(code="who5").update(reliability=0.8, reference_sd=20.0)
    record_who5(world, 90, 1)  # 20, below the cut-off 50
    latest = record_who5(world, 1, 4)  # 80: +60 is reliable and crosses 50 → recovered
    client.force_login(world.alice)
    result = client.get(reverse("outcomes:measurement_detail", args=[latest.pk])).content.decode()
    page = client.get(reverse("tracker:citizen_detail", args=[world.citizen_a.pk])).content.decode()
    for html in (result, page):
        assert "Pålideligt forbedret og krydset den kliniske grænse" in html
        assert "metode: pålidelig ændring, RCI" in html


@pytest.mark.django_db
def test_small_change_is_unchanged_by_rci(client, world):
    Instrument.objects.filter(code="who5").update(reliability=0.8, reference_sd=20.0)
    record_who5(world, 90, 2)  # 40
    latest = record_who5(world, 1, 3)  # 60: +20 < 24.8 → no reliable change
    client.force_login(world.alice)
    html = client.get(reverse("outcomes:measurement_detail", args=[latest.pk])).content.decode()
    assert "Ingen pålidelig ændring" in html
