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
    # Without a reliability (an administrator may clear it) the MID classifies, and nothing says "reliable".
    Instrument.objects.filter(code="who5").update(reliability=None, reference_sd=None)
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


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("before", "after", "category", "meaningful"),
    [
        # The fixture's published WHO-5 parameters: α 0.86, reference SD 19.5 → reliable beyond 20.2 points.
        (1, 3, "Pålideligt forbedret og krydset den kliniske grænse", "Meningsfuld forbedring (mindst 10 point)"),
        (2, 3, "Ingen pålidelig ændring", "Meningsfuld forbedring (mindst 10 point)"),  # 40 → 60: +20
        (3, 3, "Ingen pålidelig ændring", "Under den meningsfulde ændring (10 point)"),
        (3, 2, "Ingen pålidelig ændring", "Meningsfuld forværring (mindst 10 point)"),  # −20
    ],
)
def test_published_who5_shows_the_mid_as_meaningful_change_beside_the_rci(
    client, world, before, after, category, meaningful
):
    who5 = Instrument.objects.get(code="who5")
    assert (who5.reliability, who5.reference_sd) == (0.86, 19.5)
    record_who5(world, 90, before)
    latest = record_who5(world, 1, after)
    client.force_login(world.alice)
    result = client.get(reverse("outcomes:measurement_detail", args=[latest.pk])).content.decode()
    page = client.get(reverse("tracker:citizen_detail", args=[world.citizen_a.pk])).content.decode()
    for html in (result, page):
        assert category in html
        assert "metode: pålidelig ændring, RCI" in html
        assert meaningful in html
        # The MID is never called reliable.
        assert "Pålideligt forbedret (mindst" not in html and "pålidelig ændring (mindst" not in html
