"""The review of a publication: four eyes (its creator cannot approve it), drafts can be discarded, and the
web address spells æ, ø and å as ae, oe and aa."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from figures.periods import resolve_period
from outcomes.models import Instrument
from publications import services
from publications.models import Publication, PublicationEvent
from publications.snapshot import FIGURE_KEYS
from tests import factories
from tests.factories import DirectorScopeFactory
from tracker.models import AuditEntry

TODAY = datetime.date.today()


def draft(world, *, user=None, title="Effekter", scope=None) -> Publication:
    return services.publication_create(
        user=user or world.charlie,
        title=title,
        scope_unit=scope or world.municipality,
        instruments=[Instrument.objects.get(code="who5")],
        period=resolve_period(f"y{TODAY.year - 1}", today=TODAY),
        figures=FIGURE_KEYS,
    )


@pytest.fixture
def dora(world):
    """A second director of the whole municipality."""
    user = factories.UserFactory(username="dora")
    DirectorScopeFactory(user=user, unit=world.municipality)
    return user


def url(name, publication):
    return reverse(f"publications:publication_{name}", kwargs={"pk": publication.pk})


# --- Four eyes --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_creator_cannot_approve_their_own_publication(world, dora):
    publication = draft(world)
    with pytest.raises(ValidationError) as excinfo:
        services.publication_approve(publication=publication, user=world.charlie)
    assert excinfo.value.code == "four_eyes"
    assert "fire øjne" in excinfo.value.messages[0] and "selv oprettet" in excinfo.value.messages[0]
    publication.refresh_from_db()
    assert publication.status == Publication.Status.DRAFT
    assert not publication.events.filter(action=PublicationEvent.Action.APPROVED).exists()
    # Another director in scope may; after that the creator may publish.
    services.publication_approve(publication=publication, user=dora)
    services.publication_publish(publication=publication, user=world.charlie)
    publication.refresh_from_db()
    assert publication.status == Publication.Status.PUBLISHED
    steps = list(publication.events.values_list("action", "user__username"))
    assert steps == [("created", "charlie"), ("approved", "dora"), ("published", "charlie")]


@pytest.mark.django_db
def test_the_rule_holds_whoever_created_it(world, dora):
    publication = draft(world, user=dora)
    with pytest.raises(ValidationError):
        services.publication_approve(publication=publication, user=dora)
    services.publication_approve(publication=publication, user=world.charlie)
    assert Publication.objects.get(pk=publication.pk).status == Publication.Status.APPROVED


@pytest.mark.django_db
def test_the_creator_sees_why_and_no_approve_button(client, world, dora):
    publication = draft(world)
    client.force_login(world.charlie)
    page = client.get(url("detail", publication)).content.decode()
    assert 'id="four-eyes-note"' in page
    assert url("approve", publication) not in page
    assert url("discard", publication) in page
    # Posting anyway changes nothing and says why, in Danish.
    response = client.post(url("approve", publication), follow=True)
    assert "kan derfor ikke godkende den" in response.content.decode()
    assert Publication.objects.get(pk=publication.pk).status == Publication.Status.DRAFT
    client.force_login(dora)
    page = client.get(url("detail", publication)).content.decode()
    assert url("approve", publication) in page and 'id="four-eyes-note"' not in page
    client.post(url("approve", publication))
    assert Publication.objects.get(pk=publication.pk).status == Publication.Status.APPROVED


# --- Discarding a draft -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_draft_can_be_discarded_and_the_audit_log_keeps_it(client, world):
    publication = draft(world, title="Forkert periode")
    pk = publication.pk
    client.force_login(world.charlie)
    response = client.post(url("discard", publication), follow=True)
    assert response.redirect_chain[-1][0] == reverse("publications:publication_list")
    assert "Kladden „Forkert periode“ er kasseret." in response.content.decode()
    assert not Publication.objects.filter(pk=pk).exists()
    assert not PublicationEvent.objects.filter(publication_id=pk).exists()
    entry = AuditEntry.objects.get(action=AuditEntry.Action.DELETE, object_type="publications.publication")
    assert entry.object_id == pk and entry.user == world.charlie
    assert entry.detail["step"] == "discarded" and entry.detail["title"] == "Forkert periode"
    assert client.get(url("detail", publication)).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("steps", [("approve",), ("approve", "publish"), ("approve", "publish", "unpublish")])
def test_only_a_draft_can_be_discarded(client, world, dora, steps):
    publication = draft(world)
    for name in steps:
        getattr(services, f"publication_{name}")(publication=publication, user=dora)
    status = Publication.objects.get(pk=publication.pk).status
    with pytest.raises(ValidationError) as excinfo:
        services.publication_discard(publication=publication, user=world.charlie)
    assert excinfo.value.messages == ["Kun en kladde kan kasseres."]
    client.force_login(world.charlie)
    response = client.post(url("discard", publication), follow=True)
    assert "Kun en kladde kan kasseres." in response.content.decode()
    assert Publication.objects.get(pk=publication.pk).status == status
    assert not AuditEntry.objects.filter(action=AuditEntry.Action.DELETE).exists()


@pytest.mark.django_db
def test_only_a_director_of_the_area_can_discard(client, world):
    publication = draft(world, scope=world.unit_a)
    outsider = factories.UserFactory(username="outsider")
    DirectorScopeFactory(user=outsider, unit=world.unit_b)
    with pytest.raises(PermissionDenied):
        services.publication_discard(publication=publication, user=outsider)
    client.force_login(outsider)
    assert client.post(url("discard", publication)).status_code == 404
    for user in (world.alice, world.lena, world.bob):
        client.force_login(user)
        assert client.post(url("discard", publication)).status_code == 403
    client.logout()
    assert client.post(url("discard", publication)).status_code == 302  # to the login page
    assert client.get(url("discard", publication)).status_code == 302
    client.force_login(world.charlie)
    assert client.get(url("discard", publication)).status_code == 405  # only POST discards
    assert Publication.objects.filter(pk=publication.pk).exists()


# --- The web address ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("title", "start"),
    [
        ("Årsrapport: bostøtte på Ærø", "aarsrapport-bostoette-paa-aeroe-"),
        ("ÆBLEHAVEN ØST Å", "aeblehaven-oest-aa-"),
        ("Trivsel i Østjylland – første halvår", "trivsel-i-oestjylland-foerste-halvaar-"),
    ],
)
def test_the_slug_writes_danish_letters_as_ae_oe_aa(world, title, start):
    publication = draft(world, title=title)
    assert publication.slug.startswith(start), publication.slug
    period = f"{TODAY.year - 1}0101-{TODAY.year - 1}1231"
    assert re.fullmatch(rf"{re.escape(start)}{period}-[a-z2-9]{{6}}", publication.slug), publication.slug
    assert publication.slug.isascii()
    assert reverse("publications:public_detail", kwargs={"slug": publication.slug}).isascii()
