"""Publications: the public effect page and open data carry no small numbers and no citizen data, stay frozen
after approval, disappear when withdrawn, and only directors review and publish them."""

from __future__ import annotations

import copy
import csv
import datetime
import io
import json
import re

import pytest
from django.urls import reverse

from devtools import demo as demo_data
from figures import disclosure
from outcomes import services as outcome_services
from outcomes.models import Instrument, Measurement
from publications.models import Publication, PublicationEvent
from publications.snapshot import COLUMNS, FIGURE_KEYS
from tests import factories
from tests.factories import DirectorScopeFactory
from tracker.models import Citizen, Collaboration, Course, OrganisationUnit

TODAY = datetime.date.today()
PERIOD = f"y{TODAY.year - 1}"  # a completed period of the grid
START, END = datetime.date(TODAY.year - 1, 1, 1), datetime.date(TODAY.year - 1, 12, 31)
LINKS = ["happy", "calm", "active", "rested", "interest"]
COUNT_COLUMNS = (
    "aktive_borgere",
    "borgere_med_foer_og_efter",
    "antal_forbedret",
    "antal_uaendret",
    "antal_forvaerret",
    "gas_forloeb",
    "borgere_med_samarbejde",
)


@pytest.fixture
def demo_world(db, settings):
    settings.EFFEKTSPOR_SMALL_NUMBER_K = 5
    demo_data.seed(units=7, citizens=90, months=18, seed=5, today=TODAY)
    director = factories.UserFactory(username="direktoer")
    DirectorScopeFactory(user=director, unit=OrganisationUnit.objects.get(code="egekaer"))
    # Free text that must never reach the public.
    Measurement.objects.filter(pk=Measurement.objects.first().pk).update(note="HEMMELIG-NOTE-123")
    Collaboration.objects.filter(pk=Collaboration.objects.first().pk).update(note="FORTROLIG-SAMTALE-456")
    return director


def create(client, director, *, instruments=("who5", "ors"), figures=FIGURE_KEYS, unit_code="egekaer"):
    client.force_login(director)
    response = client.post(
        reverse("publications:publication_create"),
        {
            "title": "Effekter i socialpsykiatrien",
            "scope_unit": OrganisationUnit.objects.get(code=unit_code).pk,
            "instruments": list(instruments),
            "period": PERIOD,
            "figures": list(figures),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return Publication.objects.latest("pk")


def step(client, publication, name):
    return client.post(reverse(f"publications:publication_{name}", kwargs={"pk": publication.pk}))


def reviewer(publication) -> object:
    """A second director of the publication's area: four eyes, so not the one who created it."""
    user, created = type(publication.created_by).objects.get_or_create(username="godkender")
    if created:
        DirectorScopeFactory(user=user, unit=publication.scope_unit)
    return user


def approve(client, publication):
    """Approve as a second director, then log the creator back in."""
    client.force_login(reviewer(publication))
    response = step(client, publication, "approve")
    client.force_login(publication.created_by)
    return response


def public_urls(publication) -> list[str]:
    return [
        reverse("publications:public_list"),
        reverse("publications:public_detail", kwargs={"slug": publication.slug}),
        reverse("publications:public_csv", kwargs={"slug": publication.slug}),
        reverse("publications:public_json", kwargs={"slug": publication.slug}),
        reverse("publications:data_dictionary"),
        reverse("publications:data_dictionary_json"),
    ]


def publish(client, director, **kwargs) -> Publication:
    publication = create(client, director, **kwargs)
    assert approve(client, publication).status_code == 302
    assert step(client, publication, "publish").status_code == 302
    publication.refresh_from_db()
    assert publication.status == Publication.Status.PUBLISHED
    client.logout()
    return publication


@pytest.mark.django_db
def test_public_responses_hold_no_small_numbers_and_no_citizen_data(client, demo_world):
    publication = publish(client, demo_world)
    bodies = {}
    for url in public_urls(publication):
        response = client.get(url)  # anonymous
        assert response.status_code == 200, url
        bodies[url] = response.content.decode()
    text = "\n".join(bodies.values())
    for name, cpr, external_id in Citizen.objects.values_list("name", "cpr", "external_id"):
        assert name not in text
        assert not external_id or external_id not in text
        if cpr:
            assert cpr not in text and f"{cpr[:6]}-" not in text
    assert not re.search(r"demo-\d{6}", text)
    assert "HEMMELIG-NOTE-123" not in text and "FORTROLIG-SAMTALE-456" not in text
    assert "/citizens/" not in text
    dumped = json.dumps(publication.snapshot, ensure_ascii=False).lower()
    assert "citizen" not in dumped, dumped[max(0, dumped.find("citizen") - 200) : dumped.find("citizen") + 50]
    # The only dates: the period's start and end (and the day of publication).
    allowed_dates = {START.isoformat(), END.isoformat(), publication.published_at.date().isoformat()}
    data = json.loads(bodies[reverse("publications:public_json", kwargs={"slug": publication.slug})])
    assert set(re.findall(r"\d{4}-\d{2}-\d{2}", json.dumps(data))) <= allowed_dates

    # No figure about fewer than k citizens, in the JSON and in the CSV alike.
    k = data["k"]
    assert k == 5
    shown = hidden = 0
    for row in data["rows"]:
        for column in COUNT_COLUMNS:
            value = row.get(column)
            if value is None:
                hidden += 1
            else:
                shown += 1
                assert value == 0 or value >= k, (row["enhed"], column, value)
    assert shown and hidden  # the demo has both large and small units: the test is not vacuous
    for sector in data["sectors"]:
        assert sector["borgere"] >= k
    csv_rows = list(
        csv.DictReader(io.StringIO(bodies[reverse("publications:public_csv", kwargs={"slug": publication.slug})]))
    )
    assert len(csv_rows) == len(data["rows"])
    for row in csv_rows:
        for column in COUNT_COLUMNS:
            assert row[column] == "" or int(row[column]) == 0 or int(row[column]) >= k
    # Secondary suppression against the whole area: the hidden units together hold none or at least k paired.
    for code in ("who5", "ors"):
        rows = [r for r in data["rows"] if r["instrument"] == code]
        area, units = rows[0], rows[1:]
        if area["borgere_med_foer_og_efter"] is not None:
            rest = area["borgere_med_foer_og_efter"] - sum(r["borgere_med_foer_og_efter"] or 0 for r in units)
            assert rest == 0 or rest >= k, (code, rest)


@pytest.mark.django_db
def test_the_data_dictionary_describes_every_column(client, demo_world):
    publication = publish(client, demo_world)
    header = client.get(reverse("publications:public_csv", kwargs={"slug": publication.slug})).content.decode()
    columns = next(csv.reader(io.StringIO(header)))
    described = {c["navn"] for c in client.get(reverse("publications:data_dictionary_json")).json()["kolonner"]}
    assert set(columns) <= described
    assert described == {name for name, *_rest in COLUMNS}


@pytest.mark.django_db
def test_figures_are_frozen_after_approval_and_withdrawal_removes_the_page_and_data(client, demo_world):
    publication = create(client, demo_world, instruments=("who5",))
    assert approve(client, publication).status_code == 302
    json_url = reverse("publications:public_json", kwargs={"slug": publication.slug})
    urls = public_urls(publication)[1:4]
    for url in urls:  # approved, not yet published: not public
        assert client.get(url).status_code == 404
    before = copy.deepcopy(Publication.objects.get(pk=publication.pk).snapshot)

    # New measurements after approval, dated in the published period: 40 courses get a top WHO-5 on its last day.
    recorder = factories.UserFactory(username="recorder")
    for course in Course.objects.filter(start__lte=END - datetime.timedelta(days=60), end__isnull=True)[:40]:
        outcome_services.measurement_record(
            course=course,
            instrument=Instrument.objects.get(code="who5"),
            answers=dict.fromkeys(LINKS, 5),
            date=END,
            informer="citizen",
            recorded_by=recorder,
        )
    fresh = create(client, demo_world, instruments=("who5",))
    assert fresh.snapshot["rows"] != before["rows"]  # the new data do change freshly computed figures

    assert step(client, publication, "publish").status_code == 302
    client.logout()
    data = client.get(json_url).json()
    assert data["rows"] == before["rows"]
    assert Publication.objects.get(pk=publication.pk).snapshot == before

    client.force_login(demo_world)
    assert step(client, publication, "unpublish").status_code == 302
    client.logout()
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert publication.slug not in client.get(reverse("publications:public_list")).content.decode()
    events = list(PublicationEvent.objects.filter(publication=publication).values_list("action", "user__username"))
    assert events == [
        ("created", "direktoer"),
        ("approved", "godkender"),
        ("published", "direktoer"),
        ("unpublished", "direktoer"),
    ]


@pytest.mark.django_db
def test_only_directors_create_approve_and_publish(client, world):
    other_director = factories.UserFactory(username="dora")
    DirectorScopeFactory(user=other_director, unit=world.unit_b)
    publication = create(client, world.charlie, unit_code="testkommune")
    client.logout()
    create_url = reverse("publications:publication_create")
    for name in ("approve", "publish", "unpublish"):
        response = step(client, publication, name)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    for user in (world.alice, world.bob, world.lena):
        client.force_login(user)
        assert client.get(create_url).status_code == 403
        assert client.post(create_url, {"title": "x"}).status_code == 403
        for name in ("approve", "publish", "unpublish"):
            assert step(client, publication, name).status_code == 403, (user, name)
    # A director whose scope does not cover the area cannot see or approve it.
    client.force_login(other_director)
    assert step(client, publication, "approve").status_code == 404
    publication.refresh_from_db()
    assert publication.status == Publication.Status.DRAFT
    # Steps in the wrong order change nothing.
    client.force_login(world.charlie)
    step(client, publication, "publish")
    publication.refresh_from_db()
    assert publication.status == Publication.Status.DRAFT
    assert approve(client, publication).status_code == 302
    publication.refresh_from_db()
    assert publication.status == "approved"
    for name, status in (("publish", "published"), ("unpublish", "withdrawn")):
        assert step(client, publication, name).status_code == 302
        publication.refresh_from_db()
        assert publication.status == status
    assert client.get(reverse("publications:publication_detail", kwargs={"pk": publication.pk})).status_code == 200


@pytest.mark.django_db
def test_a_draft_is_not_public(client, world):
    publication = create(client, world.charlie, unit_code="testkommune")
    client.logout()
    assert client.get(reverse("publications:public_detail", kwargs={"slug": publication.slug})).status_code == 404
    assert client.get(reverse("publications:public_json", kwargs={"slug": publication.slug})).status_code == 404


def test_secondary_suppression_hides_the_smallest_unit_when_one_hidden_unit_could_be_recovered():
    """C alone (3 citizens) could be recovered as the area minus A and B: the smallest shown sibling goes too."""
    assert disclosure.complementary({3}, {1: 20, 2: 10, 3: 3}, [{1, 2, 3}]) == {2, 3}
    assert disclosure.complementary({3}, {1: 20, 2: 10, 3: 3, 4: 0}, [{1, 2}, {3, 4}]) == {3}  # no shown sibling
    assert disclosure.complementary({2, 3}, {1: 20, 2: 4, 3: 3}, [{1, 2, 3}]) == {2, 3}  # two hidden: enough
    assert disclosure.complementary(set(), {1: 20, 2: 10}, [{1, 2}]) == set()
